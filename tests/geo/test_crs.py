"""geo.crs: VN-2000 pinned to EPSG:6960, axis order, accepted codes, PROJ4 strings.

Expected WGS 84 positions below were computed once with the pinned pipeline (pyproj 3.7.2 /
PROJ 9.5.1) and cross-checked two independent ways, agreeing to < 0.1 mm:
  1. inverse projection from the EPSG CRS definition (``Transformer.from_crs(code, 4756)``, a
     pure conversion), then the Coordinate Frame Helmert of MONRE decision 05/2007 written out
     in this file (``_helmert_cf``: geodetic -> ECEF -> 7 parameters -> geodetic);
  2. the ``+towgs84`` PROJ4 route (``vn2000_proj4``; Position Vector, rotations flipped).
Both checks also run below, so a change of PROJ or of the parameters shows up.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point

from geo import crs
from geo.errors import UnsupportedCRS

GEOD = Geod(ellps="WGS84")

# (EPSG, x = easting/lon, y = northing/lat as VN-2000, expected WGS 84 lon, lat), where:
FIXTURES = [
    (9205, 510000.0, 2367000.0, 103.098341298, 21.397863100),  # Điện Biên, CM 103°00'
    (9208, 423000.0, 2489000.0, 104.003524754, 22.498041632),  # Lào Cai, CM 104°45'
    (9209, 433094.76, 2537547.74, 104.849562788, 22.936868571),  # Hà Giang, marker 261(2)
    (9210, 552000.0, 2527000.0, 106.258573776, 22.842130403),  # Cao Bằng, CM 105°45'
    (9215, 452000.0, 2417000.0, 106.787499041, 21.848810223),  # Lạng Sơn, CM 107°15'
    (5897, 565000.0, 1161000.0, 105.595617894, 10.498039896),  # Đồng Tháp, CM 105°00'
    (3405, 511000.0, 1172000.0, 105.102348664, 10.601219157),  # UTM 48N, An Giang
    (4756, 107.8, 14.4, 107.801808394, 14.398977355),  # geographic, Kon Tum
]


def _dist_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# --- an independent Coordinate Frame Helmert, written out ------------------------------------
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_SEC = math.pi / 180 / 3600


def _to_ecef(lon: float, lat: float) -> np.ndarray:
    lo, la = math.radians(lon), math.radians(lat)
    n = _A / math.sqrt(1 - _E2 * math.sin(la) ** 2)
    return np.array(
        [
            n * math.cos(la) * math.cos(lo),
            n * math.cos(la) * math.sin(lo),
            n * (1 - _E2) * math.sin(la),
        ]
    )


def _from_ecef(v: np.ndarray) -> tuple[float, float]:
    x, y, z = v
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - _E2))
    for _ in range(10):
        n = _A / math.sqrt(1 - _E2 * math.sin(lat) ** 2)
        h = p / math.cos(lat) - n
        lat = math.atan2(z, p * (1 - _E2 * n / (n + h)))
    return math.degrees(math.atan2(y, x)), math.degrees(lat)


def _helmert_cf(lon: float, lat: float) -> tuple[float, float]:
    """QĐ 05/2007/QĐ-BTNMT parameters applied as Coordinate Frame (EPSG method 9607)."""
    t = np.array([-191.90441429, -39.30318279, -111.45032835])
    rx, ry, rz = -0.00928836 * _SEC, 0.01975479 * _SEC, -0.00427372 * _SEC
    r = np.array([[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]])
    return _from_ecef(t + (1 + 0.252906278e-6) * r @ _to_ecef(lon, lat))


# --- tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "x", "y", "lon", "lat"), FIXTURES)
def test_vn2000_to_wgs84_matches_fixed_values(
    code: int, x: float, y: float, lon: float, lat: float
) -> None:
    got = crs.to_wgs84(x, y, code)
    assert _dist_m(*got, lon, lat) < 0.01


@pytest.mark.parametrize(("code", "x", "y", "lon", "lat"), FIXTURES)
def test_fixtures_agree_with_independent_routes(
    code: int, x: float, y: float, lon: float, lat: float
) -> None:
    geog = (
        (x, y) if code == 4756 else Transformer.from_crs(code, 4756, always_xy=True).transform(x, y)
    )
    assert _dist_m(*_helmert_cf(*geog), lon, lat) < 0.001
    towgs = Transformer.from_crs(CRS(crs.vn2000_proj4(code)), 4326, always_xy=True)
    assert _dist_m(*towgs.transform(x, y), lon, lat) < 0.001


@pytest.mark.parametrize(("code", "x", "y", "lon", "lat"), FIXTURES)
def test_round_trip(code: int, x: float, y: float, lon: float, lat: float) -> None:
    back_x, back_y = crs.from_wgs84(lon, lat, code)
    if code == 4756:
        assert _dist_m(back_x, back_y, x, y) < 0.01
    else:
        assert math.hypot(back_x - x, back_y - y) < 0.01


def test_pinned_pipeline_equals_epsg_6960_operation() -> None:
    epsg_op = Transformer.from_pipeline("urn:ogc:def:coordinateOperation:EPSG::6960")
    for lon, lat in [(103.1, 21.4), (105.11, 10.70), (104.5, 10.38), (107.8, 14.4)]:
        lat_ref, lon_ref = epsg_op.transform(lat, lon)  # the EPSG operation is lat/lon
        assert _dist_m(*crs.to_wgs84(lon, lat, 4756), lon_ref, lat_ref) < 1e-4


@pytest.mark.parametrize(
    ("code", "x", "y"),
    [
        (4756, 105.11, 10.70),  # An Giang, Châu Đốc
        (9208, 535000.0, 1183000.0),  # An Giang in its provincial zone
        (9207, 499000.0, 1148000.0),  # Kiên Giang, Hà Tiên
    ],
)
def test_mekong_delta_is_pinned_not_proj_default(code: int, x: float, y: float) -> None:
    pinned = crs.to_wgs84(x, y, code)
    default = Transformer.from_crs(code, 4326, always_xy=True).transform(x, y)
    # PROJ's default picks EPSG:5194 (Total, Mekong delta) here: about 0.8 m away.
    assert 0.75 < _dist_m(*pinned, *default) < 0.85
    geog = (
        (x, y) if code == 4756 else Transformer.from_crs(code, 4756, always_xy=True).transform(x, y)
    )
    lat6960, lon6960 = Transformer.from_pipeline(
        "urn:ogc:def:coordinateOperation:EPSG::6960"
    ).transform(geog[1], geog[0])
    assert _dist_m(*pinned, lon6960, lat6960) < 1e-4


def test_outside_mekong_box_default_and_pinned_agree() -> None:
    # Sanity: away from the delta PROJ already uses 6960, so both paths coincide.
    x, y = 433094.76, 2537547.74
    default = Transformer.from_crs(9209, 4326, always_xy=True).transform(x, y)
    assert _dist_m(*crs.to_wgs84(x, y, 9209), *default) < 1e-4


def test_domain_worked_example_marker_261_2() -> None:
    # DOMAIN.md 6.4.5: marker 261(2) (22°56'12.727"N, 104°50'58.426"E) in EPSG:9209.
    lat = 22 + 56 / 60 + 12.727 / 3600
    lon = 104 + 50 / 60 + 58.426 / 3600
    e, n = crs.from_wgs84(lon, lat, 9209)
    assert abs(e - 433094.76) < 0.01
    assert abs(n - 2537547.74) < 0.01


def test_northing_easting_axis_order() -> None:
    code, x, y, lon, lat = FIXTURES[2]
    assert crs.to_wgs84(y, x, code, "northing_easting") == crs.to_wgs84(x, y, code, "xy")
    n, e = crs.from_wgs84(lon, lat, code, "northing_easting")
    assert abs(n - y) < 0.01 and abs(e - x) < 0.01
    # Lat/lon order for geographic input.
    assert crs.to_wgs84(21.0, 105.8, 4326, "northing_easting") == (105.8, 21.0)
    with pytest.raises(UnsupportedCRS, match="axis order"):
        crs.to_wgs84(x, y, code, "yx")  # type: ignore[arg-type]


def test_geometry_transform_in_both_orders() -> None:
    code, x, y, lon, lat = FIXTURES[4]
    line = LineString([(x, y), (x + 1000, y + 1000)])
    out = crs.geometry_to_wgs84(line, code)
    assert _dist_m(*out.coords[0], lon, lat) < 0.01
    swapped = shapely.transform(line, lambda c: c[:, ::-1])
    out2 = crs.geometry_to_wgs84(swapped, code, "northing_easting")
    assert out2.equals_exact(out, 1e-12)
    back = crs.geometry_from_wgs84(Point(lon, lat), code, "northing_easting")
    assert math.hypot(back.x - y, back.y - x) < 0.01


def test_internal_variant_has_no_datum_shift() -> None:
    code, x, y, lon, lat = FIXTURES[2]
    internal = crs.source_crs(code, "internal")
    got = crs.to_wgs84(x, y, internal)
    plain = Transformer.from_crs(code, 4756, always_xy=True).transform(x, y)  # projection only
    assert _dist_m(*got, *plain) < 1e-4
    # The datum shift is what separates the two variants: about 223-225 m (DOMAIN 6.1).
    assert 200 < _dist_m(*got, lon, lat) < 250
    assert internal.label == "EPSG:9209 (VN-2000 internal)"
    assert "no datum shift" in crs.transform_description(internal)
    assert "EPSG:6960" in crs.transform_description(crs.source_crs(code))


@pytest.mark.parametrize(
    "text",
    [
        "EPSG:9209",
        "epsg:9209",
        "9209",
        "urn:ogc:def:crs:EPSG::9209",
        "urn:ogc:def:crs:EPSG:9.9.1:9209",
        "http://www.opengis.net/def/crs/EPSG/0/9209",
        CRS.from_epsg(9209).to_wkt(),
    ],
)
def test_parse_crs_forms(text: str) -> None:
    assert crs.parse_crs(text) == 9209


@pytest.mark.parametrize(
    "text",
    [
        "CRS84",
        "OGC:CRS84",
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "EPSG:4326",
    ],
)
def test_parse_wgs84_forms(text: str) -> None:
    assert crs.parse_crs(text) == 4326


def test_every_supported_code_parses() -> None:
    assert set(crs.SUPPORTED_CODES) == {4326, 4756, 3405, 3406, 5896, 5897, 5898, 5899} | set(
        range(9205, 9219)
    )
    for code in crs.SUPPORTED_CODES:
        assert crs.parse_crs(f"EPSG:{code}") == code
        assert crs.crs_name(code)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("EPSG:6956", "EPSG:6956 is deprecated"),
        ("EPSG:6959", "EPSG:6959 is deprecated"),
        ("EPSG:32648", "EPSG:32648 is not supported"),
        ("EPSG:3857", "EPSG:3857 is not supported"),
        ("EPSG:4147", "EPSG:4147 is not supported"),  # Hà Nội 1972
        ("urn:ogc:def:crs:EPSG::2044", "EPSG:2044 is not supported"),
        ("not a crs", "cannot read CRS"),
        ("", "empty CRS"),
    ],
)
def test_rejected_crs(text: str, message: str) -> None:
    with pytest.raises(UnsupportedCRS, match=message):
        crs.parse_crs(text)


def test_proj4_strings_equal_6960_everywhere() -> None:
    epsg_op = Transformer.from_pipeline("urn:ogc:def:coordinateOperation:EPSG::6960")
    for code, proj4 in crs.vn2000_proj4_all().items():
        assert "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479," in proj4
        towgs = Transformer.from_crs(CRS(proj4), 4326, always_xy=True)
        for lon, lat in [(105.11, 10.70), (104.85, 22.94), (108.0, 12.7)]:
            x, y = (
                (lon, lat)
                if code == 4756
                else Transformer.from_crs(4756, code, always_xy=True).transform(lon, lat)
            )
            lat_ref, lon_ref = epsg_op.transform(lat, lon)
            assert _dist_m(*towgs.transform(x, y), lon_ref, lat_ref) < 1e-4
    with pytest.raises(UnsupportedCRS):
        crs.vn2000_proj4(4326)


def test_points_to_wgs84_matches_scalar_route() -> None:
    rows = [f for f in FIXTURES if f[0] == 9209] * 3
    xs = np.array([r[2] for r in rows])  # northing first, as surveyors write
    ys = np.array([r[1] for r in rows])
    lon, lat = crs.points_to_wgs84(xs, ys, 9209, "northing_easting")
    for k, (_code, _x, _y, exp_lon, exp_lat) in enumerate(rows):
        assert _dist_m(lon[k], lat[k], exp_lon, exp_lat) < 0.01
