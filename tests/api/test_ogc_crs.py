"""The pinned VN-2000 SRIDs of migration 0003 agree with geo.crs (PROJ4 text and results)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from geo.crs import VN2000_CODES, from_wgs84, vn2000_proj4
from service.ogc.crs import CRS84, resolve, supported, vn2000_srids

pytestmark = pytest.mark.db


def test_spatial_ref_sys_holds_geo_crs_proj4(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text("SELECT srid, proj4text FROM spatial_ref_sys WHERE srid = ANY(:s)"),
                {"s": list(vn2000_srids().values())},
            ).all()
        )
    assert rows == {srid: vn2000_proj4(code) for code, srid in vn2000_srids().items()}


@pytest.mark.parametrize("code", VN2000_CODES)
def test_st_transform_to_pinned_srid_matches_pyproj(engine: Engine, code: int) -> None:
    # One point per area: the north (Hà Giang), the Mekong delta (where PROJ alone would
    # choose EPSG:5194) and the centre.
    points = [(104.849563, 22.936869), (105.1, 10.5), (107.6, 14.6)]
    srid = vn2000_srids()[code]
    with engine.connect() as conn:
        for lon, lat in points:
            x, y = conn.execute(
                text(
                    "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform("
                    "ST_SetSRID(ST_MakePoint(:x, :y), 4326), :srid) AS g) s"
                ),
                {"x": lon, "y": lat, "srid": srid},
            ).one()
            ex, ey = from_wgs84(lon, lat, code)
            tolerance = 1e-9 if code == 4756 else 0.001
            assert abs(x - ex) < tolerance and abs(y - ey) < tolerance


def test_resolve_spellings() -> None:
    assert resolve("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "crs") is CRS84
    assert resolve("OGC:CRS84", "crs") is CRS84
    assert resolve("[EPSG:4326]", "crs").lat_first
    assert resolve("EPSG:4326", "crs").uri.endswith("/EPSG/0/4326")
    assert resolve("urn:ogc:def:crs:EPSG::9209", "crs").srid == 909209
    assert not resolve("EPSG:9209", "crs").lat_first
    assert len(supported()) == 1 + 1 + len(VN2000_CODES)
