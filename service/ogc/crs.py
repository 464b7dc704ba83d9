"""service.ogc.crs: the CRSs of OGC API - Features Part 2, as URIs, SRIDs and axis orders.

Storage is WGS 84 longitude/latitude (PostGIS SRID 4326), which is OGC CRS84; it is the
default output. EPSG:4326 and EPSG:4756 are latitude/longitude in their EPSG definitions,
so coordinates in them are written lat, lon (Part 2 requirement); the projected VN-2000
CRSs are easting, northing.

VN-2000 output goes through custom PostGIS SRIDs (``900000 + EPSG code``, migration 0003)
whose PROJ4 text embeds EPSG:6960 as ``+towgs84``: PostGIS 3.3 has no
``ST_TransformPipeline``, and its own choice would be EPSG:5194 in the Mekong delta.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geo.crs import SUPPORTED_CODES, VN2000_CODES, WGS84, crs_name, parse_crs
from geo.errors import UnsupportedCRS

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"
# The custom SRID of a VN-2000 code pinned to EPSG:6960 (PostGIS user range 900000-998999).
PINNED_SRID_OFFSET = 900000


@dataclass(frozen=True, slots=True)
class OutputCRS:
    """One CRS a client may ask for with ``crs``, ``bbox-crs`` or ``filter-crs``."""

    uri: str
    epsg: int  # 4326 for CRS84 too
    lat_first: bool  # axis order of the definition: latitude (or northing) first
    geographic: bool
    title: str

    @property
    def srid(self) -> int:
        """The PostGIS SRID to transform to (pinned custom SRID for VN-2000)."""
        if self.epsg == WGS84:
            return WGS84
        return PINNED_SRID_OFFSET + self.epsg

    @property
    def decimals(self) -> int:
        """Coordinate digits kept in output: 1.1 mm in degrees (8), 1 mm in metres (3)."""
        return 8 if self.geographic else 3

    @property
    def is_crs84(self) -> bool:
        """True for the default CRS84 (lon/lat, no transform)."""
        return self.uri == CRS84_URI


CRS84 = OutputCRS(CRS84_URI, WGS84, False, True, "WGS 84 longitude/latitude (OGC CRS84)")


@cache
def supported() -> tuple[OutputCRS, ...]:
    """Every CRS offered, CRS84 first (the default)."""
    out = [CRS84]
    for code in SUPPORTED_CODES:
        geographic = code == WGS84 or code == VN2000_CODES[0]
        out.append(
            OutputCRS(EPSG_URI.format(code=code), code, geographic, geographic, crs_name(code))
        )
    return tuple(out)


def supported_uris() -> list[str]:
    """The ``crs`` list of collection metadata."""
    return [c.uri for c in supported()]


def vn2000_srids() -> dict[int, int]:
    """EPSG code → custom pinned SRID, for every VN-2000 CRS."""
    return {code: PINNED_SRID_OFFSET + code for code in VN2000_CODES}


def resolve(value: str, param: str) -> OutputCRS:
    """The CRS named by a ``crs``/``bbox-crs``/``filter-crs`` value, or UnsupportedCRS naming it.

    CRS84 and EPSG:4326 are told apart (they differ in axis order); other spellings
    (``EPSG:9209``, URNs) are accepted as geo.crs reads them.
    """
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):  # safe-CURIE form [EPSG:4326]
        text = text[1:-1]
    by_uri = {c.uri.lower(): c for c in supported()}
    hit = by_uri.get(text.lower())
    if hit is not None:
        return hit
    try:
        code = parse_crs(text)
    except UnsupportedCRS as exc:
        raise UnsupportedCRS(f"{param}: {value!r} is not supported ({exc})") from None
    if code == WGS84 and "crs84" in text.lower():
        return CRS84
    return by_uri[EPSG_URI.format(code=code).lower()]
