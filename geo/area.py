"""geo.area: is a position plausibly in Vietnam or its neighbours' border area?

A coarse, generous check run on every imported coordinate. It catches the usual mistakes:
latitude and longitude swapped, projected metres read as degrees, a wrong CRS or zone far
off. It is not a boundary test: markers are checked against the border line elsewhere.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.errors import OutOfArea

# Mainland Vietnam with a strip of China, Laos and Cambodia along the land border.
MAINLAND = (101.5, 7.5, 110.5, 24.0)
# Offshore units (Hoàng Sa and Trường Sa special zones); used for admin units only.
ISLANDS = ((110.0, 15.0, 113.5, 17.5), (109.0, 6.0, 118.0, 12.0))

_MAINLAND = box(*MAINLAND)
_WITH_ISLANDS = shapely.union_all([_MAINLAND, *(box(*b) for b in ISLANDS)])
shapely.prepare(_MAINLAND)
shapely.prepare(_WITH_ISLANDS)


def _area(islands: bool) -> BaseGeometry:
    return _WITH_ISLANDS if islands else _MAINLAND


def _describe(islands: bool) -> str:
    w, s, e, n = MAINLAND
    text = f"lon {w}–{e}, lat {s}–{n}"
    return text + " and the Hoàng Sa / Trường Sa islands" if islands else text


def diagnose(lon: float, lat: float, *, islands: bool = False) -> str | None:
    """Why (lon, lat) is not acceptable, or None if it lies in the area."""
    area = _area(islands)
    if not (np.isfinite(lon) and np.isfinite(lat)):
        return f"coordinates ({lon}, {lat}) are not finite numbers"
    if shapely.intersects_xy(area, lon, lat):
        return None
    if shapely.intersects_xy(area, lat, lon):
        return (
            f"latitude and longitude look swapped: (lon {lon:.6f}, lat {lat:.6f}) is outside"
            f" Vietnam but (lon {lat:.6f}, lat {lon:.6f}) is inside; check the column order"
            " (--axis-order)"
        )
    if abs(lon) > 180 or abs(lat) > 90:
        return (
            f"({lon:.6g}, {lat:.6g}) are not degrees: projected coordinates read as WGS 84?"
            " give the file's CRS (--crs)"
        )
    return (
        f"(lon {lon:.6f}, lat {lat:.6f}) is outside Vietnam and its neighbours' border area"
        f" ({_describe(islands)}): wrong CRS or zone?"
    )


def check_point(lon: float, lat: float, *, islands: bool = False) -> None:
    """Raise OutOfArea with the reason if (lon, lat) is not in the area."""
    reason = diagnose(lon, lat, islands=islands)
    if reason:
        raise OutOfArea(reason)


def check_geometry(geom: BaseGeometry, *, islands: bool = False) -> None:
    """Raise OutOfArea naming the first vertex of ``geom`` (WGS 84) outside the area."""
    coords = shapely.get_coordinates(geom)
    if len(coords) == 0:
        return
    inside = shapely.intersects_xy(_area(islands), coords[:, 0], coords[:, 1])
    if inside.all():
        return
    lon, lat = coords[int(np.argmin(inside))]
    reason = diagnose(float(lon), float(lat), islands=islands) or "outside the area"
    raise OutOfArea(reason)
