"""Survey files as they come: mixed zones with a per-row CRS, surveyors' column names, one
message for a file without coordinates, approximate border lines, and BorderMap's own exports
imported back (nothing changes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from geo.crs import from_wgs84
from service.ingest import ImportOptions, run_import
from tests.ingest.conftest import db_state, write_csv

# A position on the seeded CN line (lon, lat), written in two VN-2000 TM-3 zones.
LON, LAT = 104.8495628, 22.9368686


def _stored(engine: Engine, number: int) -> tuple[float, float, str, float]:
    with engine.connect() as c:
        x, y, crs, sx = c.execute(
            text(
                "SELECT ST_X(geom), ST_Y(geom), source_crs, source_x FROM marker"
                " WHERE border_code = 'CN' AND number = :n"
            ),
            {"n": number},
        ).one()
    return float(x), float(y), str(crs), float(sx)


def test_per_row_crs_and_surveyors_column_names(ingest_engine: Engine, tmp_path: Path) -> None:
    rows = []
    for number, epsg in ((921, 9209), (922, 9210)):
        north, east = from_wgs84(LON, LAT, epsg, "northing_easting")
        # Surveyors' X is the northing; the names carry the system as a suffix.
        rows.append(
            {
                "border": "CN",
                "number": number,
                "X_vn2000": f"{north:.3f}",
                "Y_vn2000": f"{east:.3f}",
                "he_toa_do": f"urn:ogc:def:crs:EPSG::{epsg}" if epsg == 9210 else epsg,
            }
        )
    path = write_csv(tmp_path / "zones.csv", rows)
    report = run_import(
        ingest_engine, ImportOptions("markers", path, axis_order="northing_easting")
    )
    assert report.ok, [str(e) for e in report.errors]
    for number, epsg in ((921, 9209), (922, 9210)):
        lon, lat, crs, sx = _stored(ingest_engine, number)
        assert crs == f"EPSG:{epsg}"
        assert abs(lon - LON) < 1e-7 and abs(lat - LAT) < 1e-7  # ~1 cm
        assert sx == pytest.approx(from_wgs84(LON, LAT, epsg, "northing_easting")[0], abs=1e-3)


def test_northing_easting_names_fix_the_order(ingest_engine: Engine, tmp_path: Path) -> None:
    north, east = from_wgs84(LON, LAT, 9209, "northing_easting")
    rows = [{"border": "CN", "number": 923, "N (m)": north, "E (m)": east}]
    report = run_import(
        ingest_engine,
        ImportOptions("markers", write_csv(tmp_path / "ne.csv", rows), crs="9209", dry_run=True),
    )
    assert report.ok, [str(e) for e in report.errors]
    assert report.counts["new"] == 1


def test_approximate_border_line_is_named_not_the_file(
    ingest_engine: Engine, tmp_path: Path
) -> None:
    # ~5 km from the approximate LA line: beyond the 2 km limit, within its inaccuracy.
    rows = [{"border": "LA", "number": 924, "lon": 104.25, "lat": 18.95}]
    before = db_state(ingest_engine)
    report = run_import(
        ingest_engine, ImportOptions("markers", write_csv(tmp_path / "la.csv", rows), dry_run=True)
    )
    assert report.ok, [str(e) for e in report.errors]
    assert [(w.row, w.field) for w in report.warnings] == [(2, "geometry")]
    assert "that line is approximate (geom_source 'approximate')" in report.warnings[0].reason
    assert db_state(ingest_engine) == before


@pytest.mark.parametrize("fmt", ["gpkg", "fgb", "csv", "geojson"])
@pytest.mark.parametrize("kind", ["markers", "communes"])
def test_own_export_imports_back_unchanged(
    demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, fmt: str
) -> None:
    from service.commands.main import main

    monkeypatch.setenv("BORDERMAP_DATABASE_URL", demo_db_url)
    out = tmp_path / f"{kind}.{fmt}"
    era = ["-p", "era=post2025"] if kind == "communes" else []
    assert main(["export", kind, "-f", fmt, "-o", str(out), *era]) == 0
    engine = create_engine(demo_db_url)
    try:
        # A dry run on the shared demo database: it must find nothing new or changed.
        report = run_import(engine, ImportOptions(kind, out, dry_run=True))
    finally:
        engine.dispose()
    assert report.ok, [str(e) for e in report.errors[:5]]
    assert report.counts["new"] == 0 and report.counts["changed"] == 0
    assert report.counts["same"] == report.rows_read > 0
    if kind == "markers":
        assert report.counts["events new"] == 0


def test_reimport_of_export_writes_nothing(
    ingest_url: str, ingest_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.commands.main import main

    monkeypatch.setenv("BORDERMAP_DATABASE_URL", ingest_url)
    rows = [
        {
            "border": "CN",
            "number": 925,
            "lon": 104.85,
            "lat": 22.937,
            "status": "planted",
            "status_date": "2010-01-02",
            "synthetic": "true",
        }
    ]
    assert run_import(
        ingest_engine, ImportOptions("markers", write_csv(tmp_path / "a.csv", rows))
    ).ok
    out = tmp_path / "m.geojson"
    assert main(["export", "markers", "-f", "geojson", "-o", str(out)]) == 0
    before = db_state(ingest_engine)
    report = run_import(ingest_engine, ImportOptions("markers", out))
    assert report.ok and report.committed, [str(e) for e in report.errors[:5]]
    assert report.counts["changed"] == 0 and report.counts["new"] == 0
    assert db_state(ingest_engine) == before


def test_geopackage_table_of_coordinates(ingest_engine: Engine, tmp_path: Path) -> None:
    """A GeoPackage attribute table (no geometry column) with surveyors' columns."""
    import pandas as pd
    import pyogrio

    north, east = from_wgs84(LON, LAT, 9209, "northing_easting")
    path = tmp_path / "moc.gpkg"
    table = pd.DataFrame(
        {
            "border": ["CN", "CN"],
            "number": [926, 927],
            "northing_m": [north, north + 5.0],
            "easting_m": [east, "không rõ"],
        }
    )
    pyogrio.write_dataframe(table, path, layer="moc")
    before = db_state(ingest_engine)
    report = run_import(ingest_engine, ImportOptions("markers", path, crs="EPSG:9209"))
    assert [str(e) for e in report.errors] == [
        "feature 2, field 'easting_m': 'không rõ' is not a number"
    ]
    assert db_state(ingest_engine) == before
    good = pd.DataFrame(table.iloc[:1]).astype({"easting_m": float})
    pyogrio.write_dataframe(good, tmp_path / "ok.gpkg", layer="moc")
    ok = run_import(
        ingest_engine, ImportOptions("markers", tmp_path / "ok.gpkg", crs="9209", dry_run=True)
    )
    assert ok.ok and ok.counts["new"] == 1, [str(e) for e in ok.errors]
