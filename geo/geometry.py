"""geo.geometry: check that a geometry is usable, repair it when GEOS can, say what was done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

from geo.errors import InvalidGeometry

GeometryKind = Literal["point", "line", "polygon"]

_FAMILY: dict[GeometryKind, tuple[str, ...]] = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString", "LinearRing"),
    "polygon": ("Polygon", "MultiPolygon"),
}
_DIMENSION: dict[GeometryKind, int] = {"point": 0, "line": 1, "polygon": 2}


@dataclass(frozen=True)
class CheckedGeometry:
    """A geometry fit for storage, and a note when it had to be repaired."""

    geom: BaseGeometry
    note: str | None = None


def check_geometry(
    geom: BaseGeometry | None, kind: GeometryKind, *, repair: bool = True
) -> CheckedGeometry:
    """Check type, emptiness, finiteness and validity; drop Z; return lines/polygons as Multi*.

    An invalid geometry is repaired with ``make_valid`` (structure method, collapsed parts
    dropped) and a note saying why, unless ``repair`` is False. Anything else raises
    InvalidGeometry with a reason.
    """
    check_type(geom, kind)
    assert geom is not None
    coords = shapely.get_coordinates(geom, include_z=False)
    if not np.isfinite(coords).all():
        raise InvalidGeometry("coordinates are not finite numbers (NaN or infinity)")
    geom = shapely.force_2d(geom)
    note = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if not repair:
            raise InvalidGeometry(f"invalid geometry: {reason}")
        fixed = _parts(_make_valid(geom, kind), kind)
        if fixed.is_empty:
            raise InvalidGeometry(f"invalid geometry beyond repair: {reason}")
        note = f"repaired invalid geometry ({reason})"
        if kind == "polygon" and geom.area > 0:
            change = abs(fixed.area - geom.area) / geom.area
            note += f"; area changed by {change:.2%}"
        geom = fixed
    if kind == "point" and isinstance(geom, MultiPoint):
        if len(geom.geoms) != 1:
            raise InvalidGeometry(f"expected one point, got {len(geom.geoms)}")
        geom = geom.geoms[0]
    return CheckedGeometry(to_multi(geom), note)


def check_type(geom: BaseGeometry | None, kind: GeometryKind) -> None:
    """Raise InvalidGeometry if ``geom`` is missing, empty or not of the ``kind`` family."""
    if geom is None or geom.is_empty:
        raise InvalidGeometry("empty geometry")
    if geom.geom_type not in _FAMILY[kind]:
        raise InvalidGeometry(f"expected a {kind} geometry, got {geom.geom_type}")


def _make_valid(geom: BaseGeometry, kind: GeometryKind) -> BaseGeometry:
    if kind == "polygon":
        return shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return shapely.make_valid(geom)


def _parts(geom: BaseGeometry, kind: GeometryKind) -> BaseGeometry:
    """Keep only the parts of the wanted dimension (make_valid may add lines or points)."""
    want = _DIMENSION[kind]
    parts = [g for g in shapely.get_parts(geom) if shapely.get_dimensions(g) == want]
    parts = [p for sub in parts for p in shapely.get_parts(sub)]
    if not parts:
        return shapely.from_wkt("GEOMETRYCOLLECTION EMPTY")
    if kind == "polygon":
        return MultiPolygon(parts) if len(parts) > 1 else parts[0]
    if kind == "line":
        return MultiLineString(parts) if len(parts) > 1 else parts[0]
    return MultiPoint(parts) if len(parts) > 1 else parts[0]


def to_multi(geom: BaseGeometry) -> BaseGeometry:
    """Polygon → MultiPolygon, LineString → MultiLineString (the schema's column types)."""
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    if geom.geom_type in ("LineString", "LinearRing"):
        return MultiLineString([geom])
    return geom


def point(x: float, y: float) -> Point:
    """A point from two numbers, refusing NaN and infinity."""
    if not (np.isfinite(x) and np.isfinite(y)):
        raise InvalidGeometry(f"coordinates ({x}, {y}) are not finite numbers")
    return Point(float(x), float(y))
