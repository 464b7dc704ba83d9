"""Marker imports: VN-2000 survey CSVs (X = northing), Mekong-delta pinning, status history,
re-import as a no-op, GeoPackage input, dry run and interruption."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Point
from sqlalchemy import Engine, text

from geo import crs
from service.ingest import ImportOptions, run_import
from tests.ingest.conftest import db_state, feature, write_csv, write_geojson

GEOD = Geod(ellps="WGS84")
# Marker 261(2), DOMAIN.md 1.1: 22°56'12.727"N, 104°50'58.426"E (taken as WGS 84).
LAT_261_2 = 22 + 56 / 60 + 12.727 / 3600
LON_261_2 = 104 + 50 / 60 + 58.426 / 3600
# The same position in VN-2000 / TM-3 105-30 (EPSG:9209), pinned EPSG:6960; see tests/geo.
N_261_2, E_261_2 = 2537547.744, 433094.760


def _marker(engine: Engine, border: str, number: int, index: int | None = None) -> dict:
    with engine.connect() as c:
        row = c.execute(
            text(
                "SELECT id, label, ST_X(geom) AS lon, ST_Y(geom) AS lat, source_crs, source_x,"
                " source_y, source_axis_order, source_transform, marker_class, elevation_m,"
                " synthetic FROM marker WHERE border_code = :b AND number = :n"
                " AND same_number_index IS NOT DISTINCT FROM :i AND sub_number IS NULL"
            ),
            {"b": border, "n": number, "i": index},
        ).one()
    return dict(row._mapping)


def _events(engine: Engine, marker_id: int) -> list[tuple[str, str]]:
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT status, event_date::text FROM marker_event WHERE marker_id = :m"
                " ORDER BY event_date, id"
            ),
            {"m": marker_id},
        )
        return [(r[0], r[1]) for r in rows]


def test_vn2000_tm3_csv_with_northing_first(ingest_engine: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "moc_ha_giang.csv",
        [
            {
                "border": "CN",
                "label": "261(2)",
                "X": N_261_2,
                "Y": E_261_2,
                "elevation_m": 123.88,
                "status": "planted",
                "status_date": "2008-12-31",
            }
        ],
        encoding="utf-8-sig",  # Excel's "CSV UTF-8" writes a BOM
    )
    options = ImportOptions("markers", path, crs="EPSG:9209", axis_order="northing_easting")
    report = run_import(ingest_engine, options)
    assert report.ok and report.committed, report.errors
    assert report.counts["new"] == 1 and report.counts["events new"] == 1

    m = _marker(ingest_engine, "CN", 261, 2)
    assert m["label"] == "261(2)"
    assert GEOD.inv(m["lon"], m["lat"], LON_261_2, LAT_261_2)[2] < 0.01
    assert m["source_crs"] == "EPSG:9209"
    assert (m["source_x"], m["source_y"]) == (N_261_2, E_261_2)  # as written: X = northing
    assert m["source_axis_order"] == "northing_easting"
    assert "EPSG:6960" in m["source_transform"]
    assert float(m["elevation_m"]) == 123.88 and m["marker_class"] == "main"
    assert _events(ingest_engine, m["id"]) == [("planted", "2008-12-31")]

    # The same file again changes nothing, not even the data version.
    before = db_state(ingest_engine)
    again = run_import(ingest_engine, options)
    assert again.ok and again.counts == {
        "new": 0,
        "changed": 0,
        "same": 1,
        "events new": 0,
        "segment links": 0,
    }
    assert db_state(ingest_engine) == before

    # A later status is appended; the earlier one stays.
    later = write_csv(
        tmp_path / "moc_2015.csv",
        [
            {
                "border": "CN",
                "label": "261(2)",
                "X": N_261_2,
                "Y": E_261_2,
                "status": "verified",
                "status_date": "2015-05-01",
            }
        ],
    )
    r3 = run_import(
        ingest_engine, ImportOptions("markers", later, crs="9209", axis_order="northing_easting")
    )
    assert r3.ok and r3.counts["events new"] == 1 and r3.counts["same"] == 1
    assert _events(ingest_engine, m["id"]) == [
        ("planted", "2008-12-31"),
        ("verified", "2015-05-01"),
    ]
    assert float(_marker(ingest_engine, "CN", 261, 2)["elevation_m"]) == 123.88  # not in file: kept


def test_axis_order_xy_gives_the_same_position(ingest_engine: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "moc_xy.csv",
        [
            {
                "border": "CN",
                "number": 261,
                "same_number_index": 1,
                "x": E_261_2 + 19.0,
                "y": N_261_2 + 6.6,
            }
        ],
    )
    report = run_import(ingest_engine, ImportOptions("markers", path, crs="EPSG:9209"))
    assert report.ok, report.errors
    m = _marker(ingest_engine, "CN", 261, 1)
    expected = crs.to_wgs84(E_261_2 + 19.0, N_261_2 + 6.6, 9209)
    assert GEOD.inv(m["lon"], m["lat"], *expected)[2] < 0.01
    assert m["source_axis_order"] == "xy"


def test_mekong_delta_marker_uses_6960_not_proj_default(
    ingest_engine: Engine, tmp_path: Path
) -> None:
    # An Giang, VN-2000 / TM-3 104-45 (EPSG:9208): PROJ's default would use EPSG:5194 here.
    e, n = 535000.0, 1183000.0
    path = write_csv(tmp_path / "an_giang.csv", [{"border": "KH", "number": 7001, "x": e, "y": n}])
    report = run_import(ingest_engine, ImportOptions("markers", path, crs="EPSG:9208"))
    assert report.ok, report.errors
    m = _marker(ingest_engine, "KH", 7001)
    # Fixed value from the pinned pipeline (cross-checked in tests/geo/test_crs.py).
    assert GEOD.inv(m["lon"], m["lat"], 105.071755176, 10.697347711)[2] < 0.01
    default = Transformer.from_crs(9208, 4326, always_xy=True).transform(e, n)
    assert 0.75 < GEOD.inv(m["lon"], m["lat"], *default)[2] < 0.85
    with ingest_engine.connect() as c:
        seg = c.execute(
            text(
                "SELECT s.code FROM marker_segment ms JOIN border_segment s ON s.id = ms.segment_id"
                " WHERE ms.marker_id = :m AND ms.era = 'post2025'"
            ),
            {"m": m["id"]},
        ).scalar_one()
    assert seg == "91-KHM"


def test_internal_vn2000_variant_is_recorded(ingest_engine: Engine, tmp_path: Path) -> None:
    e, n = 535100.0, 1182900.0
    path = write_csv(tmp_path / "noi_bo.csv", [{"border": "KH", "number": 7002, "x": e, "y": n}])
    options = ImportOptions("markers", path, crs="EPSG:9208", vn2000_variant="internal")
    assert run_import(ingest_engine, options).ok
    m = _marker(ingest_engine, "KH", 7002)
    assert m["source_crs"] == "EPSG:9208 (VN-2000 internal)"
    assert "no datum shift" in m["source_transform"]
    plain = Transformer.from_crs(9208, 4756, always_xy=True).transform(e, n)
    assert GEOD.inv(m["lon"], m["lat"], *plain)[2] < 0.001


def test_geopackage_in_vn2000(ingest_engine: Engine, tmp_path: Path) -> None:
    e, n = crs.from_wgs84(104.80, 22.908, 9209)
    gdf = gpd.GeoDataFrame(
        {"border": ["CHN"], "label": ["250"], "marker_class": ["chính"]},
        geometry=[Point(e, n)],
        crs="EPSG:9209",
    )
    path = tmp_path / "markers.gpkg"
    gdf.to_file(path, layer="markers", driver="GPKG")
    report = run_import(ingest_engine, ImportOptions("markers", path))
    assert report.ok, report.errors
    m = _marker(ingest_engine, "CN", 250)
    assert GEOD.inv(m["lon"], m["lat"], 104.80, 22.908)[2] < 0.01
    assert m["source_crs"] == "EPSG:9209" and m["marker_class"] == "main"


def test_geojson_with_a_vn2000_crs_member(ingest_engine: Engine, tmp_path: Path) -> None:
    # Older GeoJSON exports name their CRS; GDAL reads it and no --crs is needed.
    e, n = crs.from_wgs84(104.801, 22.9086, 9209)
    f = feature({"type": "Point", "coordinates": [e, n]}, border="CN", label="251/1")
    member = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9209"}}
    path = write_geojson(tmp_path / "vn2000.geojson", [f], crs=member)
    report = run_import(ingest_engine, ImportOptions("markers", path))
    assert report.ok, report.errors
    with ingest_engine.connect() as c:
        m = c.execute(
            text(
                "SELECT ST_X(geom), ST_Y(geom), marker_class, source_crs FROM marker"
                " WHERE border_code = 'CN' AND number = 251 AND sub_number = 1"
            )
        ).one()
    assert GEOD.inv(m[0], m[1], 104.801, 22.9086)[2] < 0.01
    assert m[2:] == ("secondary", "EPSG:9209")


def test_dry_run_and_interruption_write_nothing(ingest_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {
            "border": "CN",
            "number": 300 + i,
            "lon": 104.80 + i * 0.001,
            "lat": 22.908 + i * 0.0006,
            "status": "planted",
            "status_date": "2005-06-01",
        }
        for i in range(5)
    ]
    path = write_csv(tmp_path / "wgs84.csv", rows)
    before = db_state(ingest_engine)
    dry = run_import(ingest_engine, ImportOptions("markers", path, dry_run=True))
    assert dry.ok and not dry.committed
    assert dry.counts["new"] == 5 and dry.counts["events new"] == 5
    assert db_state(ingest_engine) == before

    def interrupt(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(ingest_engine, ImportOptions("markers", path, batch_size=2), progress=interrupt)
    assert db_state(ingest_engine) == before
