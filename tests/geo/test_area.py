"""geo.area: the generous Vietnam-and-neighbours envelope catches swapped and wrong-CRS input."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point

from geo import area
from geo.errors import OutOfArea


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(104.849563, 22.936869), (102.14, 22.4), (109.46, 12.2), (104.72, 8.6), (101.8, 18.0)],
)
def test_points_in_vietnam_and_border_strip_pass(lon: float, lat: float) -> None:
    area.check_point(lon, lat)


def test_swapped_lat_lon_is_named() -> None:
    with pytest.raises(OutOfArea, match="latitude and longitude look swapped"):
        area.check_point(22.936869, 104.849563)


def test_projected_metres_are_not_degrees() -> None:
    with pytest.raises(OutOfArea, match="not degrees.*--crs"):
        area.check_point(433094.76, 2537547.74)


def test_far_away_point_suggests_wrong_crs() -> None:
    with pytest.raises(OutOfArea, match="outside Vietnam.*wrong CRS"):
        area.check_point(2.35, 48.85)  # Paris


def test_islands_only_for_admin_units() -> None:
    truong_sa = (114.3, 10.4)
    area.check_point(*truong_sa, islands=True)
    with pytest.raises(OutOfArea):
        area.check_point(*truong_sa)


def test_geometry_names_first_bad_vertex() -> None:
    area.check_geometry(LineString([(104.0, 22.0), (105.0, 22.5)]))
    with pytest.raises(OutOfArea, match="lon 120.000000"):
        area.check_geometry(LineString([(104.0, 22.0), (120.0, 22.5)]))
    area.check_geometry(Point(112.3, 16.5), islands=True)  # Hoàng Sa
