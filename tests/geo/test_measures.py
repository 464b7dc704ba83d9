"""geo.measures: geodesic lengths and areas against known values."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Polygon, box

from geo.errors import GeoError
from geo.measures import area_km2, distance_m, length_km


def test_one_degree_of_meridian_at_the_equator() -> None:
    # 110.574 km per degree of latitude at the equator on WGS 84.
    assert length_km(LineString([(105, 0), (105, 1)])) == pytest.approx(110.574, abs=0.001)


def test_length_depends_on_latitude_for_parallels() -> None:
    at_equator = length_km(LineString([(105, 0), (106, 0)]))
    at_23n = length_km(LineString([(105, 23), (106, 23)]))
    assert at_equator == pytest.approx(111.319, abs=0.001)
    assert at_23n == pytest.approx(102.526, abs=0.01)  # ≈ 111.319 · cos(23°) with ellipsoid


def test_area_independent_of_orientation() -> None:
    cell = box(105, 21, 106, 22)
    reversed_cell = Polygon(list(cell.exterior.coords)[::-1])
    assert area_km2(cell) == pytest.approx(area_km2(reversed_cell))
    # 1°×1° cell at 21–22° N: ≈ 111.3 · cos(21.5°) · 110.7 km².
    assert area_km2(cell) == pytest.approx(11_466, rel=0.002)


def test_distance_and_degrees_check() -> None:
    assert distance_m(105.0, 21.0, 105.0, 21.0) == 0
    assert distance_m(105.0, 0.0, 105.0, 1.0) == pytest.approx(110_574.4, abs=1)
    with pytest.raises(GeoError, match="not in WGS 84"):
        length_km(LineString([(433094.0, 2537547.0), (433194.0, 2537547.0)]))
