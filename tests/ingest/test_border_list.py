"""An official border-commune list replaces the synthetic stand-in list of its era."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from service.ingest import ImportOptions, run_import
from tests.ingest.conftest import feature, write_csv, write_geojson

pytestmark = pytest.mark.db

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[106.0, 22.0], [106.05, 22.0], [106.05, 22.05], [106.0, 22.05], [106.0, 22.0]]
    ],
}


def test_official_list_replaces_the_synthetic_list(ingest_engine: Engine, tmp_path: Path) -> None:
    geo = write_geojson(
        tmp_path / "c.geojson",
        [
            feature(SQUARE, code="02001", fullName="Xã Ba", provinceCode="08", isLandBorder=True),
            feature(SQUARE, code="02002", fullName="Xã Bốn", provinceCode="08", isLandBorder=False),
        ],
    )
    assert run_import(ingest_engine, ImportOptions("communes", geo, allow_new_codes=True)).ok
    with ingest_engine.begin() as c:
        list_id = c.execute(
            text(
                "INSERT INTO commune_list (code, commune_class, era, valid_from, name, synthetic)"
                " VALUES ('test-border', 'border', 'post2025', '2025-07-01', 'stand-in', true)"
                " RETURNING id"
            )
        ).scalar_one()
        c.execute(
            text(
                "INSERT INTO commune_list_member (list_id, commune_id)"
                " SELECT :l, id FROM commune WHERE era = 'post2025' AND code = '02001'"
            ),
            {"l": list_id},
        )
    try:
        official = write_csv(tmp_path / "xa_bien_gioi.csv", [{"ma_xa": "02002"}])
        report = run_import(ingest_engine, ImportOptions("border-communes", official))
        assert report.ok, report.errors
        assert report.counts["synthetic lists replaced"] == 1
        with ingest_engine.connect() as c:
            members = (
                c.execute(
                    text(
                        "SELECT c.code FROM commune_list_member m JOIN commune c ON c.id = m.commune_id"
                        " WHERE m.list_id = :l ORDER BY 1"
                    ),
                    {"l": list_id},
                )
                .scalars()
                .all()
            )
            synthetic = c.execute(
                text("SELECT synthetic FROM commune_list WHERE id = :l"), {"l": list_id}
            ).scalar_one()
        assert "02002" in members and "02001" not in members
        assert synthetic is False
        again = run_import(ingest_engine, ImportOptions("border-communes", official))
        assert again.ok and again.counts["synthetic lists replaced"] == 0
    finally:
        with ingest_engine.begin() as c:
            c.execute(text("DELETE FROM commune_list WHERE id = :l"), {"l": list_id})
