"""Segments from a zipped Shapefile in VN-2000, officer assignments from CSV, and the CLI."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import LineString
from sqlalchemy import Engine, text

from geo import crs
from geo.measures import length_km
from service.commands import imports as ingest_cli
from service.ingest import ImportOptions, run_import
from service.settings import Settings
from tests.ingest.conftest import db_state, write_csv

CN_LINE_WGS84 = LineString([(104.70, 22.85), (104.8495628, 22.9368686), (105.0, 23.2)])


def _zipped_shapefile(tmp: Path, gdf: gpd.GeoDataFrame, name: str) -> Path:
    folder = tmp / name
    folder.mkdir()
    gdf.to_file(folder / f"{name}.shp")
    path = tmp / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"{name}/{f.name}")  # inside a folder, as Windows zips do
    return path


def test_segments_from_zipped_shapefile_in_vn2000(ingest_engine: Engine, tmp_path: Path) -> None:
    line_9209 = crs.geometry_from_wgs84(CN_LINE_WGS84, 9209)
    gdf = gpd.GeoDataFrame(
        {
            "code": ["02-CHN"],
            "border": ["CHN"],
            "ma_tinh": ["02"],  # shapefile names stop at 10 characters
            "demarcated": [True],
        },
        geometry=[line_9209],
        crs="EPSG:9209",
    )
    path = _zipped_shapefile(tmp_path, gdf, "doan_bien_gioi")
    report = run_import(ingest_engine, ImportOptions("segments", path, era="pre2025"))
    assert report.ok, report.errors
    with ingest_engine.connect() as c:
        row = c.execute(
            text(
                "SELECT border_code, province_code, demarcated, measured_length_km,"
                " ST_HausdorffDistance(geom, ST_GeomFromText(:wkt, 4326)) AS off"
                " FROM border_segment WHERE era = 'pre2025' AND code = '02-CHN'"
            ),
            {"wkt": CN_LINE_WGS84.wkt},
        ).one()
    assert row.border_code == "CN" and row.province_code == "02" and row.demarcated
    assert float(row.measured_length_km) == pytest.approx(length_km(CN_LINE_WGS84), abs=0.001)
    assert row.off < 1e-7  # degrees: the round trip through EPSG:9209 is sub-centimetre

    before = db_state(ingest_engine)
    again = run_import(ingest_engine, ImportOptions("segments", path, era="pre2025"))
    assert again.ok and again.counts == {"new": 0, "changed": 0, "same": 1}
    assert db_state(ingest_engine) == before

    gdf["code"] = ["02-LAO"]
    bad = _zipped_shapefile(tmp_path, gdf, "sai_ma")
    refused = run_import(ingest_engine, ImportOptions("segments", bad, era="pre2025"))
    assert [str(e) for e in refused.errors] == [
        "feature 1, field 'code': 02-LAO is not on border CN"
    ]


ASSIGNMENTS = [
    {
        "service_number": "BP-000123",
        "full_name": "Nguyễn Văn An",
        "rank": "Thiếu tá",
        "home_unit": "Đồn Biên phòng Lũng Cú",
        "commune_code": "00715",
        "role": "Phó Bí thư Đảng ủy",
        "term": "2020-2025",
        "start_date": "2020-09-01",
        "end_date": "2025-06-30",
    },
    {
        "service_number": "BP-000123",
        "full_name": "Nguyễn Văn An",
        "rank": "Thiếu tá",
        "home_unit": "Đồn Biên phòng Lũng Cú",
        "commune_code": "00721",
        "role": "dang_uy_vien",
        "term": "2025-2030",
        "start_date": "01/10/2025",
        "end_date": "",
    },
    {
        "service_number": "BP-000456",
        "full_name": "Trần Thị Bình",
        "rank": "Đại úy",
        "home_unit": "Đồn Biên phòng Giang Thành",
        "commune_code": "30796",
        "role": "Cán bộ tăng cường",
        "term": "2025-2030",
        "start_date": "2025-08-15",
        "end_date": "",
    },
]


def test_assignments_import_and_reimport(ingest_engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "can_bo.csv", ASSIGNMENTS)
    report = run_import(ingest_engine, ImportOptions("assignments", path))
    assert report.ok, report.errors
    assert report.counts["officers new"] == 2 and report.counts["assignments new"] == 3
    with ingest_engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT o.service_number, c.code, a.role, a.term, a.start_date::text,"
                " a.end_date::text FROM officer_assignment a JOIN officer o ON o.id = a.officer_id"
                " JOIN commune c ON c.id = a.commune_id ORDER BY a.start_date"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("BP-000123", "00715", "pho_bi_thu_dang_uy", "2020-2025", "2020-09-01", "2025-06-30"),
        ("BP-000456", "30796", "can_bo_tang_cuong", "2025-2030", "2025-08-15", None),
        ("BP-000123", "00721", "dang_uy_vien", "2025-2030", "2025-10-01", None),
    ]
    before = db_state(ingest_engine)
    again = run_import(ingest_engine, ImportOptions("assignments", path))
    assert again.ok and again.counts["assignments same"] == 3
    assert db_state(ingest_engine) == before


def test_bad_assignments(ingest_engine: Engine, tmp_path: Path) -> None:
    rows = [dict(r) for r in ASSIGNMENTS[:2]]
    rows[0].update(role="chỉ huy", start_date="2017-03-01")
    rows[1].update(full_name="Nguyễn Văn Ân", commune_code="99999", end_date="2025-01-01")
    before = db_state(ingest_engine)
    report = run_import(
        ingest_engine, ImportOptions("assignments", write_csv(tmp_path / "x.csv", rows))
    )
    assert sorted(str(e) for e in report.errors) == [
        "line 2, field 'role': 'chỉ huy' is not one of pho_bi_thu_dang_uy, dang_uy_vien,"
        " pho_chu_tich_ubnd, can_bo_tang_cuong, dang_vien_sinh_hoat_chi_bo_thon",
        "line 2, field 'start_date': 2017-03-01 is outside the term 2020-2025",
        "line 3, field 'commune_code': commune 99999 is not in the database for era post2025",
        "line 3, field 'end_date': 2025-01-01 is not after start_date 2025-10-01",
    ]
    assert db_state(ingest_engine) == before


def _main(argv: list[str], url: str) -> int:
    """``bordermap`` with only the import sub-command (other plugins are not under test)."""
    parser = argparse.ArgumentParser(prog="bordermap")
    handlers: dict[str, Any] = {}
    ingest_cli.register(parser.add_subparsers(dest="command", required=True), handlers)
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    return int(handlers[args.command](args, settings))


def test_cli_import(
    ingest_url: str, ingest_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"border": "CN", "so_moc": 777, "X": 2537540.0, "Y": 433090.0}]
    path = write_csv(tmp_path / "moc.csv", rows)
    args = [
        "import",
        "markers",
        str(path),
        "--crs",
        "EPSG:9209",
        "--axis-order",
        "northing_easting",
    ]
    before = db_state(ingest_engine)
    assert _main([*args, "--dry-run"], ingest_url) == 0
    assert "dry run OK (would be: new 1" in capsys.readouterr().out
    assert db_state(ingest_engine) == before

    assert _main(args, ingest_url) == 0
    assert "imported: new 1" in capsys.readouterr().out

    assert _main(["import", "markers", str(path)], ingest_url) == 1
    captured = capsys.readouterr()
    assert "error: moc.csv: the coordinates have no CRS; pass --crs" in captured.err
    assert "REFUSED" in captured.out


def test_one_officer_one_name(ingest_engine: Engine, tmp_path: Path) -> None:
    rows = [dict(r) for r in ASSIGNMENTS[:2]]
    rows[1]["full_name"] = "Nguyễn Văn Ân"
    before = db_state(ingest_engine)
    report = run_import(
        ingest_engine, ImportOptions("assignments", write_csv(tmp_path / "n.csv", rows))
    )
    assert [str(e) for e in report.errors] == [
        "line 2, field 'full_name': service number BP-000123 has different names in the file",
        "line 3, field 'full_name': service number BP-000123 has different names in the file",
    ]
    assert db_state(ingest_engine) == before
