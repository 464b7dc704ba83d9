"""geo.geometry: type, emptiness and validity checks; repair with a note."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.wkt import loads

from geo.errors import InvalidGeometry
from geo.geometry import check_geometry, point

BOWTIE = Polygon([(105.0, 21.0), (105.1, 21.1), (105.1, 21.0), (105.0, 21.1), (105.0, 21.0)])


def test_valid_polygon_becomes_multipolygon_without_note() -> None:
    checked = check_geometry(box(105, 21, 105.1, 21.1), "polygon")
    assert checked.geom.geom_type == "MultiPolygon"
    assert checked.note is None


def test_self_intersecting_polygon_is_repaired_with_a_note() -> None:
    checked = check_geometry(BOWTIE, "polygon")
    assert checked.geom.is_valid
    assert checked.geom.geom_type == "MultiPolygon"
    assert len(checked.geom.geoms) == 2
    assert checked.note is not None and "Self-intersection" in checked.note


def test_repair_can_be_refused() -> None:
    with pytest.raises(InvalidGeometry, match="invalid geometry: Self-intersection"):
        check_geometry(BOWTIE, "polygon", repair=False)


def test_collapsed_component_is_dropped() -> None:
    # Simplification can leave a ring of two distinct points: GEOS calls it too few points.
    geom = loads(
        "MULTIPOLYGON (((105 21, 105.1 21, 105.1 21.1, 105 21)),"
        " ((106 21, 106.1 21, 106 21, 106.1 21, 106 21)))"
    )
    assert not geom.is_valid
    checked = check_geometry(geom, "polygon")
    assert checked.geom.is_valid and len(checked.geom.geoms) == 1
    assert checked.note is not None


def test_wrong_type_and_empty_are_refused() -> None:
    with pytest.raises(InvalidGeometry, match="expected a polygon geometry, got LineString"):
        check_geometry(LineString([(0, 0), (1, 1)]), "polygon")
    with pytest.raises(InvalidGeometry, match="empty geometry"):
        check_geometry(Polygon(), "polygon")
    with pytest.raises(InvalidGeometry, match="empty geometry"):
        check_geometry(None, "point")
    with pytest.raises(InvalidGeometry, match="expected one point, got 2"):
        check_geometry(MultiPoint([(1, 1), (2, 2)]), "point")


def test_z_is_dropped_and_lines_become_multi() -> None:
    checked = check_geometry(LineString([(105, 21, 5), (105.1, 21.1, 6)]), "line")
    assert checked.geom.geom_type == "MultiLineString"
    assert not checked.geom.has_z
    assert check_geometry(Point(105, 21, 120.5), "point").geom.wkt == "POINT (105 21)"


def test_non_finite_coordinates_are_refused() -> None:
    with pytest.raises(InvalidGeometry, match="not finite"):
        point(math.nan, 21.0)
    with pytest.raises(InvalidGeometry, match="not finite"):
        check_geometry(LineString([(105, 21), (math.inf, 21.1)]), "line")
