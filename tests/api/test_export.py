"""Exports: ``bordermap export`` and ``f=csv|gpkg|fgb`` open in GDAL with the right counts and CRS."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from pyproj import CRS
from sqlalchemy import Engine, text

from geo.crs import from_wgs84
from service.commands.main import main
from service.db.features import iter_feature_text
from service.ogc.collections import get_collection
from service.ogc.params import parse_items_query

pytestmark = pytest.mark.db


@pytest.fixture
def cli_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", demo_db_url)


def _count(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
def test_cli_ogr_formats(cli_env: None, demo_engine: Engine, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"communes.{fmt}"
    assert main(["export", "communes", "--format", fmt, "-o", str(out)]) == 0
    info = pyogrio.read_info(out)
    assert info["features"] == _count(demo_engine, "SELECT count(*) FROM commune")
    assert CRS.from_user_input(info["crs"]).to_epsg() == 4326
    assert info["geometry_type"] == "MultiPolygon"
    assert {"id", "code", "name", "era", "synthetic", "neighbour_countries"} <= set(info["fields"])


def test_cli_filters_and_vn2000(cli_env: None, demo_engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "planted.gpkg"
    argv = [
        "export",
        "markers",
        "-f",
        "gpkg",
        "-o",
        str(out),
        "--as-of",
        "2012-01-01",
        "-p",
        "status=planted",
        "--crs",
        "EPSG:9209",
        "--properties",
        "label,status",
    ]
    assert main(argv) == 0
    info = pyogrio.read_info(out)
    expected = _count(
        demo_engine,
        "SELECT count(*) FROM marker_status_as_of(:d) WHERE status = 'planted'",
        d=dt.date(2012, 1, 1),
    )
    assert info["features"] == expected > 0
    assert CRS.from_user_input(info["crs"]).to_epsg() == 9209
    table = pyogrio.read_arrow(out)[1]
    assert set(table.column("status").to_pylist()) == {"planted"}
    # Coordinates: the pinned VN-2000 transform of the stored lon/lat.
    ids = table.column("id").to_pylist()[:5]
    import shapely

    geoms = shapely.from_wkb(table.column("geom").to_pylist()[:5])
    with demo_engine.connect() as conn:
        for mid, g in zip(ids, geoms, strict=True):
            lon, lat = conn.execute(
                text("SELECT ST_X(geom), ST_Y(geom) FROM marker WHERE id = :i"), {"i": mid}
            ).one()
            x, y = from_wgs84(lon, lat, 9209)
            assert abs(g.x - x) < 0.01 and abs(g.y - y) < 0.01


def test_cli_csv_and_geojson(cli_env: None, demo_engine: Engine, tmp_path: Path) -> None:
    n = _count(demo_engine, "SELECT count(*) FROM marker WHERE border_code = 'KH'")
    out = tmp_path / "kh.csv"
    assert main(["export", "markers", "-f", "csv", "-o", str(out), "-p", "border=KH"]) == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == n
    assert rows[0]["wkt"].startswith("POINT(") and float(rows[0]["x"]) > 100
    assert rows[0]["synthetic"] == "true"
    info = pyogrio.read_info(out)
    assert info["features"] == n  # GDAL reads the wkt column as the geometry
    assert set(pyogrio.read_dataframe(out, max_features=5).geom_type) == {"Point"}
    gj = tmp_path / "kh.geojson"
    assert main(["export", "markers", "-f", "geojson", "-o", str(gj), "-p", "border=KH"]) == 0
    body = json.loads(gj.read_text())
    assert len(body["features"]) == n
    assert pyogrio.read_info(gj)["features"] == n


def test_cli_rejects_bad_input(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.gpkg"
    assert main(["export", "markers", "-f", "gpkg", "-o", str(out), "-p", "colour=red"]) == 2
    assert "colour" in capsys.readouterr().err
    assert main(["export", "markers", "-f", "gpkg", "-o", str(out), "--crs", "EPSG:3857"]) == 2
    assert "crs" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("fmt", "driver"), [("gpkg", "GPKG"), ("fgb", "FlatGeobuf"), ("csv", "CSV")]
)
def test_http_exports(
    demo_client: TestClient, demo_engine: Engine, tmp_path: Path, fmt: str, driver: str
) -> None:
    r = demo_client.get("/collections/border_segments/items", params={"f": fmt, "border": "LA"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="border_segments.{fmt}"'
    out = tmp_path / f"segments.{fmt}"
    out.write_bytes(r.content)
    info = pyogrio.read_info(out)
    assert info["driver"] == driver
    assert info["features"] == _count(
        demo_engine, "SELECT count(*) FROM border_segment WHERE border_code = 'LA'"
    )
    if fmt != "csv":
        assert CRS.from_user_input(info["crs"]).to_epsg() == 4326
    projected = demo_client.get(
        "/collections/border_segments/items",
        params={"f": fmt, "border": "LA", "crs": "EPSG:3405", "limit": 3},
    )
    assert projected.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3405>"
    out.write_bytes(projected.content)
    assert pyogrio.read_info(out)["features"] == 3


def test_exports_stream_in_batches(demo_engine: Engine) -> None:
    """Rows come from a server-side cursor in bounded batches (memory stays flat)."""
    today = dt.date.today()
    q = parse_items_query(
        get_collection("communes"), {"f": "csv"}, default_limit=10, max_limit=10, today=today
    )
    assert not q.paged
    sizes = []
    with demo_engine.connect() as conn:
        for batch in iter_feature_text(conn, q, today, batch=1000):
            sizes.append(len(batch))
    assert max(sizes) == 1000
    assert sum(sizes) == _count(demo_engine, "SELECT count(*) FROM commune")
