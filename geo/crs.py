"""geo.crs: the coordinate reference systems BorderMap accepts, and transforms to and from WGS 84.

Accepted: WGS 84 (EPSG:4326, OGC CRS84) and VN-2000 (EPSG:4756 geographic, 3405/3406 UTM,
the TM-3 zones 5896-5899 and 9205-9218). VN-2000 is always shifted with the official
operation EPSG:6960 (MONRE decision 05/2007, Coordinate Frame), pinned in an explicit PROJ
pipeline. PROJ's own choice (``Transformer.from_crs``) would use EPSG:5194 inside the
Mekong-delta box, about 0.8 m away (DOMAIN.md section 6.4).

Two VN-2000 variants exist in the field:
- ``official`` ("hội nhập"): the datum shift of EPSG:6960 applies;
- ``internal`` ("nội bộ"): coordinates were projected on the WGS 84 ellipsoid with no datum
  shift (common in cadastral and forestry data); only the projection is undone.

Axis order: GIS software writes (easting, northing) / (lon, lat) = ``xy``; Vietnamese survey
sheets write X = northing, Y = easting = ``northing_easting``. Every function takes the order
explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeVar

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.errors import UnsupportedCRS

AxisOrder = Literal["xy", "northing_easting"]
Vn2000Variant = Literal["official", "internal"]
AXIS_ORDERS: tuple[AxisOrder, ...] = ("xy", "northing_easting")
VN2000_VARIANTS: tuple[Vn2000Variant, ...] = ("official", "internal")

WGS84 = 4326
VN2000_GEOGRAPHIC = 4756
VN2000_UTM = (3405, 3406)
VN2000_TM3 = (5896, 5897, 5898, 5899, *range(9205, 9219))
VN2000_PROJECTED: tuple[int, ...] = (*VN2000_UTM, *VN2000_TM3)
VN2000_CODES: tuple[int, ...] = (VN2000_GEOGRAPHIC, *VN2000_PROJECTED)
SUPPORTED_CODES: tuple[int, ...] = (WGS84, *VN2000_CODES)
# Old TM-3 definitions with false easting/northing swapped; EPSG replaced them by 5896-5899.
DEPRECATED_CODES = (6956, 6957, 6958, 6959)

# EPSG:6960 "VN-2000 to WGS 84 (2)" = MONRE decision 05/2007/QĐ-BTNMT, Coordinate Frame.
VN2000_HELMERT_CF = {
    "x": -191.90441429,
    "y": -39.30318279,
    "z": -111.45032835,
    "rx": -0.00928836,
    "ry": 0.01975479,
    "rz": -0.00427372,
    "s": 0.252906278,
}
VN2000_OPERATION = "EPSG:6960"
VN2000_OPERATION_NAME = "VN-2000 to WGS 84 (2)"
# The same seven parameters as PROJ's +towgs84 reads them (Position Vector): rotations flipped.
VN2000_TOWGS84 = ",".join(
    repr(v)
    for v in (
        VN2000_HELMERT_CF["x"],
        VN2000_HELMERT_CF["y"],
        VN2000_HELMERT_CF["z"],
        -VN2000_HELMERT_CF["rx"],
        -VN2000_HELMERT_CF["ry"],
        -VN2000_HELMERT_CF["rz"],
        VN2000_HELMERT_CF["s"],
    )
)

_CRS84 = re.compile(
    r"^(?:CRS84|OGC:(?:1\.3:)?CRS84|urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84|"
    r"https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84)$",
    re.IGNORECASE,
)
_EPSG = re.compile(
    r"^(?:EPSG:{1,2}|urn:ogc:def:crs:EPSG:[0-9.]*:|https?://www\.opengis\.net/def/crs/EPSG/[0-9.]+/)?"
    r"([0-9]{4,5})$",
    re.IGNORECASE,
)

T = TypeVar("T")


@dataclass(frozen=True)
class SourceCRS:
    """A CRS accepted for input: an EPSG code and, for VN-2000, which variant the data is in."""

    epsg: int
    variant: Vn2000Variant = "official"

    @property
    def is_vn2000(self) -> bool:
        """True for every VN-2000 code."""
        return self.epsg in VN2000_CODES

    @property
    def is_geographic(self) -> bool:
        """True for lon/lat CRSs (4326, 4756)."""
        return self.epsg in (WGS84, VN2000_GEOGRAPHIC)

    @property
    def label(self) -> str:
        """``EPSG:9209`` or ``EPSG:9209 (VN-2000 internal)``, as stored in ``source_crs``."""
        base = f"EPSG:{self.epsg}"
        return (
            base + " (VN-2000 internal)" if self.is_vn2000 and self.variant == "internal" else base
        )


def check_code(epsg: int) -> int:
    """Return ``epsg`` if BorderMap accepts it, else raise UnsupportedCRS naming it."""
    if epsg in SUPPORTED_CODES:
        return epsg
    if epsg in DEPRECATED_CODES:
        raise UnsupportedCRS(
            f"EPSG:{epsg} is deprecated (false easting/northing swapped);"
            " use EPSG:5896-5899 for the same TM-3 zones"
        )
    raise UnsupportedCRS(
        f"EPSG:{epsg} is not supported: use WGS 84 (EPSG:4326) or VN-2000"
        " (EPSG:4756, 3405, 3406, 5896-5899, 9205-9218)"
    )


def parse_crs(value: str | int | CRS) -> int:
    """EPSG code of a CRS written as ``EPSG:9209``, ``9209``, an OGC URN/URI, CRS84, WKT or a CRS.

    Raises UnsupportedCRS for anything outside WGS 84 and VN-2000, naming the code.
    """
    if isinstance(value, int):
        return check_code(value)
    if isinstance(value, CRS):
        return _identify(value)
    text = value.strip()
    if not text:
        raise UnsupportedCRS("empty CRS")
    if _CRS84.match(text):
        return WGS84
    m = _EPSG.match(text)
    if m:
        return check_code(int(m.group(1)))
    try:
        crs = CRS.from_user_input(text)
    except Exception as exc:  # pyproj raises CRSError; any parse failure is the same to us
        raise UnsupportedCRS(f"cannot read CRS {text[:80]!r}: {exc}") from exc
    return _identify(crs)


def _identify(crs: CRS) -> int:
    if crs.name in ("WGS 84 (CRS84)",) or crs.to_authority() == ("OGC", "CRS84"):
        return WGS84
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is None:
        raise UnsupportedCRS(f"CRS {crs.name!r} has no EPSG code BorderMap accepts")
    return check_code(epsg)


def source_crs(value: str | int | CRS, variant: Vn2000Variant = "official") -> SourceCRS:
    """Parse a CRS for input and attach the VN-2000 variant (ignored for WGS 84)."""
    if variant not in VN2000_VARIANTS:
        raise UnsupportedCRS(f"unknown VN-2000 variant {variant!r}: use official or internal")
    epsg = parse_crs(value)
    return SourceCRS(epsg, variant if epsg in VN2000_CODES else "official")


# --- pipelines ------------------------------------------------------------------------------

_Step = tuple[bool, str]  # (inverted, PROJ step definition)


def _tmerc_step(epsg: int) -> str:
    conversion = CRS.from_epsg(epsg).coordinate_operation
    if conversion is None:  # every projected VN-2000 code has one; guard for mypy
        raise UnsupportedCRS(f"EPSG:{epsg} has no projection")
    params = {int(p.code): p.value for p in conversion.params}
    # 8801 lat_0, 8802 lon_0, 8805 k, 8806 x_0, 8807 y_0 (EPSG parameter codes).
    return (
        f"proj=tmerc lat_0={params[8801]!r} lon_0={params[8802]!r} k={params[8805]!r}"
        f" x_0={params[8806]!r} y_0={params[8807]!r} ellps=WGS84"
    )


def _helmert_steps() -> list[_Step]:
    h = VN2000_HELMERT_CF
    helmert = (
        f"proj=helmert x={h['x']!r} y={h['y']!r} z={h['z']!r} rx={h['rx']!r} ry={h['ry']!r}"
        f" rz={h['rz']!r} s={h['s']!r} convention=coordinate_frame"
    )
    return [
        (False, "proj=push v_3"),
        (False, "proj=cart ellps=WGS84"),
        (False, helmert),
        (True, "proj=cart ellps=WGS84"),
        (False, "proj=pop v_3"),
    ]


def _steps_to_wgs84(src: SourceCRS) -> list[_Step]:
    """Steps from the source CRS (x = easting/lon, y = northing/lat) to WGS 84 lon/lat degrees."""
    if src.epsg == WGS84:
        return []
    if src.epsg == VN2000_GEOGRAPHIC:
        start: list[_Step] = [(False, "proj=unitconvert xy_in=deg xy_out=rad")]
    else:
        start = [(True, _tmerc_step(src.epsg))]  # radians out
    shift = _helmert_steps() if src.variant == "official" else []
    return [*start, *shift, (False, "proj=unitconvert xy_in=rad xy_out=deg")]


def _pipeline(steps: list[_Step]) -> str:
    parts = ["+proj=pipeline"]
    for inverted, step in steps:
        parts.append("+step" + (" +inv" if inverted else "") + " +" + step.replace(" ", " +"))
    return " ".join(parts)


def pipeline_to_wgs84(src: SourceCRS) -> str:
    """The explicit PROJ pipeline used for ``src`` → WGS 84 (x/y order in and out)."""
    steps = _steps_to_wgs84(src)
    return _pipeline(steps) if steps else "+proj=noop"


def pipeline_from_wgs84(dst: SourceCRS) -> str:
    """The explicit PROJ pipeline used for WGS 84 → ``dst`` (x/y order in and out)."""
    steps = [(not inv, s) for inv, s in reversed(_steps_to_wgs84(dst))]
    return _pipeline(steps) if steps else "+proj=noop"


@lru_cache(maxsize=64)
def transformer_to_wgs84(epsg: int, variant: Vn2000Variant = "official") -> Transformer:
    """Cached transformer ``epsg`` → WGS 84 in x/y order (easting, northing → lon, lat)."""
    return Transformer.from_pipeline(pipeline_to_wgs84(SourceCRS(check_code(epsg), variant)))


@lru_cache(maxsize=64)
def transformer_from_wgs84(epsg: int, variant: Vn2000Variant = "official") -> Transformer:
    """Cached transformer WGS 84 → ``epsg`` in x/y order (lon, lat → easting, northing)."""
    return Transformer.from_pipeline(pipeline_from_wgs84(SourceCRS(check_code(epsg), variant)))


def transform_description(src: SourceCRS) -> str:
    """Human-readable record of the operation, stored beside imported coordinates."""
    if src.epsg == WGS84:
        return "none (WGS 84)"
    proj = "" if src.epsg == VN2000_GEOGRAPHIC else f"inverse projection of EPSG:{src.epsg}, then "
    if src.variant == "internal":
        return proj + "no datum shift (VN-2000 internal / nội bộ, WGS 84 ellipsoid)"
    return proj + f"{VN2000_OPERATION} {VN2000_OPERATION_NAME} (Coordinate Frame, pinned)"


# --- transforming coordinates and geometries -------------------------------------------------


def _ordered(a: T, b: T, axis_order: AxisOrder) -> tuple[T, T]:
    if axis_order == "xy":
        return a, b
    if axis_order == "northing_easting":
        return b, a
    raise UnsupportedCRS(f"unknown axis order {axis_order!r}: use xy or northing_easting")


def to_wgs84(
    first: float,
    second: float,
    src: SourceCRS | int,
    axis_order: AxisOrder = "xy",
) -> tuple[float, float]:
    """Transform one point to WGS 84 (lon, lat).

    ``first``/``second`` are the two numbers as written: (easting, northing) / (lon, lat) for
    ``xy``; (northing, easting) / (lat, lon) for ``northing_easting``.
    """
    src = src if isinstance(src, SourceCRS) else SourceCRS(check_code(src))
    x, y = _ordered(first, second, axis_order)
    if src.epsg == WGS84:
        return float(x), float(y)
    lon, lat = transformer_to_wgs84(src.epsg, src.variant).transform(x, y, errcheck=True)
    return float(lon), float(lat)


def points_to_wgs84(
    first: np.ndarray, second: np.ndarray, src: SourceCRS | int, axis_order: AxisOrder = "xy"
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``to_wgs84`` for many points; a point PROJ cannot transform comes out inf."""
    src = src if isinstance(src, SourceCRS) else SourceCRS(check_code(src))
    x, y = _ordered(np.asarray(first, float), np.asarray(second, float), axis_order)
    if src.epsg == WGS84:
        return x, y
    lon, lat = transformer_to_wgs84(src.epsg, src.variant).transform(x, y)
    return np.asarray(lon, float), np.asarray(lat, float)


def from_wgs84(
    lon: float, lat: float, dst: SourceCRS | int, axis_order: AxisOrder = "xy"
) -> tuple[float, float]:
    """Transform one WGS 84 point to ``dst``; the result is in ``axis_order``."""
    dst = dst if isinstance(dst, SourceCRS) else SourceCRS(check_code(dst))
    if dst.epsg == WGS84:
        return _ordered(float(lon), float(lat), axis_order)
    x, y = transformer_from_wgs84(dst.epsg, dst.variant).transform(lon, lat, errcheck=True)
    return _ordered(float(x), float(y), axis_order)


def _array_func(
    transformer: Transformer | None, axis_order_in: AxisOrder, axis_order_out: AxisOrder
) -> Callable[[np.ndarray], np.ndarray]:
    def func(coords: np.ndarray) -> np.ndarray:
        xy = coords[:, ::-1] if axis_order_in == "northing_easting" else coords
        if transformer is not None:
            x, y = transformer.transform(xy[:, 0], xy[:, 1], errcheck=True)
            xy = np.column_stack([x, y])
        return xy[:, ::-1] if axis_order_out == "northing_easting" else np.asarray(xy)

    return func


GeomT = TypeVar("GeomT", bound=BaseGeometry)


def geometry_to_wgs84(geom: GeomT, src: SourceCRS | int, axis_order: AxisOrder = "xy") -> GeomT:
    """Transform a shapely geometry (coordinates in ``axis_order``) to WGS 84 lon/lat."""
    src = src if isinstance(src, SourceCRS) else SourceCRS(check_code(src))
    _ordered(0, 0, axis_order)
    if src.epsg == WGS84 and axis_order == "xy":
        return geom
    t = None if src.epsg == WGS84 else transformer_to_wgs84(src.epsg, src.variant)
    out: GeomT = shapely.transform(geom, _array_func(t, axis_order, "xy"))
    return out


def geometry_from_wgs84(geom: GeomT, dst: SourceCRS | int, axis_order: AxisOrder = "xy") -> GeomT:
    """Transform a WGS 84 lon/lat shapely geometry to ``dst`` (result in ``axis_order``)."""
    dst = dst if isinstance(dst, SourceCRS) else SourceCRS(check_code(dst))
    _ordered(0, 0, axis_order)
    if dst.epsg == WGS84 and axis_order == "xy":
        return geom
    t = None if dst.epsg == WGS84 else transformer_from_wgs84(dst.epsg, dst.variant)
    out: GeomT = shapely.transform(geom, _array_func(t, "xy", axis_order))
    return out


# --- PROJ4 definitions for PostGIS spatial_ref_sys ---------------------------------------------


def vn2000_proj4(epsg: int) -> str:
    """PROJ4 string of a VN-2000 CRS with EPSG:6960 embedded as ``+towgs84``.

    For a custom SRID in PostGIS < 3.4 (no ST_TransformPipeline): ``ST_Transform`` from 4326
    to it then applies EPSG:6960 exactly, not PROJ's area-based choice.
    """
    if epsg not in VN2000_CODES:
        check_code(epsg)
        raise UnsupportedCRS(f"EPSG:{epsg} is not a VN-2000 CRS")
    if epsg == VN2000_GEOGRAPHIC:
        return f"+proj=longlat +ellps=WGS84 +towgs84={VN2000_TOWGS84} +no_defs"
    tmerc = "+" + _tmerc_step(epsg).replace(" ", " +")
    return f"{tmerc} +towgs84={VN2000_TOWGS84} +units=m +no_defs"


def vn2000_proj4_all() -> dict[int, str]:
    """``vn2000_proj4`` of every supported VN-2000 code."""
    return {code: vn2000_proj4(code) for code in VN2000_CODES}


def crs_name(epsg: int) -> str:
    """EPSG name of a supported code, e.g. ``VN-2000 / TM-3 105-30``."""
    return str(CRS.from_epsg(check_code(epsg)).name)
