"""geo.measures: lengths, areas and distances on the WGS 84 ellipsoid (never in degrees)."""

from __future__ import annotations

import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoError

_GEOD = Geod(ellps="WGS84")


def _check_degrees(geom: BaseGeometry) -> None:
    coords = shapely.get_coordinates(geom)
    if len(coords) and (abs(coords[:, 0]).max() > 180 or abs(coords[:, 1]).max() > 90):
        raise GeoError("geometry is not in WGS 84 lon/lat degrees")


def length_km(geom: BaseGeometry) -> float:
    """Geodesic length of a (multi)line, or perimeter of a polygon, in km."""
    _check_degrees(geom)
    return float(_GEOD.geometry_length(geom)) / 1000.0


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area of a (multi)polygon in km² (orientation-independent)."""
    _check_degrees(geom)
    area, _perimeter = _GEOD.geometry_area_perimeter(geom)
    return abs(float(area)) / 1e6


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two WGS 84 points in metres."""
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2])
