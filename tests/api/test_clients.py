"""Real clients against the served app: GDAL's OAPIF driver and owslib."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pyogrio
import pytest
from pyproj import CRS
from sqlalchemy import Engine, text

from service.db.coverage import commune_coverage
from tests.conftest import need

pytestmark = pytest.mark.db

SQL_COUNTS = {
    "borders": "SELECT count(*) FROM border",
    "border_segments": "SELECT count(*) FROM border_segment",
    "markers": "SELECT count(*) FROM marker",
    "communes": "SELECT count(*) FROM commune",
    "provinces": "SELECT count(*) FROM province",
}

LATER_COUNTS = {
    "border_posts": "SELECT count(*) FROM border_post",
    "border_gates": "SELECT count(*) FROM border_gate",
}


def _expected(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        out = {k: int(conn.execute(text(sql)).scalar_one()) for k, sql in SQL_COUNTS.items()}
        out["officer_coverage"] = len(commune_coverage(conn, as_of=dt.date.today()))
        for k, sql in LATER_COUNTS.items():
            out[k] = int(conn.execute(text(sql)).scalar_one())
    return out


def _ogr2ogr(*args: str) -> None:
    need(shutil.which("ogr2ogr") is not None, "ogr2ogr (Debian gdal-bin) is not installed")
    done = subprocess.run(["ogr2ogr", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_gdal_copies_every_collection(
    live_server: str, demo_engine: Engine, tmp_path: Path
) -> None:
    """ogr2ogr follows the next links of every collection to the end."""
    out = tmp_path / "all.gpkg"
    _ogr2ogr("-f", "GPKG", str(out), f"OAPIF:{live_server}", "-oo", "PAGE_SIZE=1000")
    expected = _expected(demo_engine)
    layers = {name: pyogrio.read_info(out, layer=name) for name, _ in pyogrio.list_layers(out)}
    assert {k: v["features"] for k, v in layers.items()} == expected
    assert CRS.from_user_input(layers["markers"]["crs"]).to_epsg() == 4326
    # Field types come from the describedby schema, not from the first page's values.
    markers = dict(zip(layers["markers"]["fields"], layers["markers"]["dtypes"], strict=True))
    assert markers["same_number_index"].startswith("int")
    assert markers["status_date"] == "datetime64[D]" or markers["status_date"].startswith("date")
    assert markers["synthetic"] == "bool"


def test_gdal_small_pages(live_server: str, demo_engine: Engine, tmp_path: Path) -> None:
    """GDAL's default page size (10): many pages, every one reached by its next link."""
    out = tmp_path / "segments.gpkg"
    _ogr2ogr("-f", "GPKG", str(out), f"OAPIF:{live_server}", "border_segments", "borders")
    expected = _expected(demo_engine)
    assert (
        pyogrio.read_info(out, layer="border_segments")["features"] == expected["border_segments"]
    )
    assert pyogrio.read_info(out, layer="borders")["features"] == expected["borders"]


def test_gdal_attribute_and_spatial_filters(
    live_server: str, demo_engine: Engine, tmp_path: Path
) -> None:
    """GDAL finds ``border`` among the items parameters in /api and sends -where as
    ``border=KH``; -spat becomes ``bbox``."""
    out = tmp_path / "kh.gpkg"
    _ogr2ogr(
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{live_server}",
        "markers",
        "-oo",
        "PAGE_SIZE=1000",
        "-where",
        "border = 'KH'",
        "-spat",
        "104",
        "10",
        "107",
        "12",
    )
    with demo_engine.connect() as conn:
        expected = conn.execute(
            text(
                "SELECT count(*) FROM marker WHERE border_code = 'KH' AND"
                " ST_Intersects(geom, ST_MakeEnvelope(104, 10, 107, 12, 4326))"
            )
        ).scalar_one()
    assert pyogrio.read_info(out)["features"] == expected > 0


def test_owslib_reads_everything(live_server: str, demo_engine: Engine) -> None:
    from owslib.ogcapi.features import Features

    api = Features(live_server)
    conformance = api.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert api.feature_collections() == [*SQL_COUNTS, "officer_coverage", *LATER_COUNTS]
    markers = api.collection("markers")
    assert markers["itemType"] == "feature" and markers["storageCrs"].endswith("CRS84")
    items = api.collection_items("markers", limit=5, border="CN")
    assert items["numberReturned"] == 5
    assert {f["properties"]["border"] for f in items["features"]} == {"CN"}
    with demo_engine.connect() as conn:
        cn = conn.execute(text("SELECT count(*) FROM marker WHERE border_code = 'CN'")).scalar()
    assert items["numberMatched"] == cn
    queryables = api.collection_queryables("markers")
    assert "status" in queryables["properties"]
    one = api.collection_item("markers", str(items["features"][0]["id"]))
    assert one["id"] == items["features"][0]["id"]
    filtered = api.collection_items("communes", filter="is_land_border = true AND era = 'post2025'")
    with demo_engine.connect() as conn:
        land = conn.execute(
            text("SELECT count(*) FROM commune WHERE is_land_border AND era = 'post2025'")
        ).scalar()
    assert filtered["numberMatched"] == land
