"""Commune and province imports: the real post-2025 polygons, official border-commune lists
that win over geometric flags, and pre/post-2025 eras kept apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from service.ingest import ImportOptions, run_import
from tests.conftest import SHARED_DATA, drop_database, migrated_database, need
from tests.ingest.conftest import data_version, db_state, feature, write_csv, write_geojson

VPD = SHARED_DATA / "vpd-sapnhap-2025"
COMMUNES_2025 = VPD / "communes_all_2025_simplified.geojson"
PROVINCES_2025 = VPD / "provinces_34_2025.geojson"


@pytest.fixture(scope="module")
def real_engine(server_url: str) -> Iterator[Engine]:
    """An empty migrated database for the real 2025 units (committed by the importer)."""
    need(COMMUNES_2025.exists() and PROVINCES_2025.exists(), f"reference data in {VPD}")
    url = migrated_database(server_url, "bordermap_test_real")
    eng = create_engine(url)
    yield eng
    eng.dispose()
    drop_database(server_url, url)


def test_real_post2025_provinces_and_communes(real_engine: Engine) -> None:
    provinces = run_import(real_engine, ImportOptions("provinces", PROVINCES_2025))
    assert provinces.ok, provinces.errors
    assert provinces.counts["new"] == 34 and provinces.warning_count == 0

    report = run_import(real_engine, ImportOptions("communes", COMMUNES_2025, era="post2025"))
    assert report.ok, report.errors[:5]
    assert report.rows_read == 3321 and report.counts["new"] == 3321
    # Simplification left 29 invalid polygons (25 collapsed rings, 4 self-intersections):
    # each repaired and noted with its feature number.
    reasons = Counter(w.reason.split("(")[1].split("[")[0] for w in report.warnings)
    assert reasons == {"Too few points in geometry component": 25, "Self-intersection": 4}
    assert {w.field for w in report.warnings} == {"geometry"}
    assert all(w.reason.startswith("repaired invalid geometry") for w in report.warnings)

    with real_engine.connect() as c:
        stats = c.execute(
            text(
                "SELECT count(*), count(DISTINCT code), bool_and(code ~ '^[0-9]{5}$'),"
                " bool_and(ST_IsValid(geom)), bool_and(GeometryType(geom) = 'MULTIPOLYGON'),"
                " count(DISTINCT province_code), count(*) FILTER (WHERE is_land_border),"
                " count(*) FILTER (WHERE is_coastal), bool_and(geom_source = 'imported'),"
                " bool_or(synthetic)"
                " FROM commune WHERE era = 'post2025'"
            )
        ).one()
        assert tuple(stats) == (3321, 3321, True, True, True, 34, 249, 306, True, False)
        by_type = dict(
            c.execute(text("SELECT unit_type, count(*) FROM commune GROUP BY unit_type")).all()
        )
        # The file is newer than the July 2025 list (2,621 xã / 687 phường, DOMAIN 7.1): it
        # reflects the 2026 resolutions (SOURCES.md), with ten more phường.
        assert by_type == {"xa": 2611, "phuong": 697, "dac_khu": 13}
        lung_cu = c.execute(
            text(
                "SELECT name, province_code, neighbour_countries FROM commune"
                " WHERE era = 'post2025' AND code = '00715'"
            )
        ).one()
        assert tuple(lung_cu) == ("Xã Lũng Cú", "08", ["CHN"])
        truong_sa = c.execute(
            text("SELECT province_code FROM commune WHERE code = '22736'")
        ).scalar_one()
        assert truong_sa == "56"  # offshore special zone accepted (island area)

    # Re-importing the same file is a no-op: nothing written, data version unchanged.
    version = data_version(real_engine)
    again = run_import(real_engine, ImportOptions("communes", COMMUNES_2025))
    assert again.ok and again.counts == {"new": 0, "changed": 0, "same": 3321}
    assert data_version(real_engine) == version


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[105.0, 22.0], [105.05, 22.0], [105.05, 22.05], [105.0, 22.05], [105.0, 22.0]]
    ],
}


def test_official_border_list_wins_over_geometric_flags(
    ingest_engine: Engine, tmp_path: Path
) -> None:
    geo = write_geojson(
        tmp_path / "c.geojson",
        [
            feature(
                SQUARE,
                code="00745",
                fullName="Xã Một",
                provinceCode="08",
                isLandBorder=True,
                borderCountries=["CHN"],
            ),
            feature(
                SQUARE, code="00733", fullName="Phường Hai", provinceCode="08", isLandBorder=False
            ),
        ],
    )
    assert run_import(ingest_engine, ImportOptions("communes", geo)).ok

    official = write_csv(
        tmp_path / "xa_bien_gioi.csv",
        [
            {"ma_xa": "00733", "neighbour_countries": "CHN"},
            {"ma_xa": "00715", "neighbour_countries": "Trung Quốc"},
        ],
    )
    report = run_import(ingest_engine, ImportOptions("border-communes", official))
    assert report.ok, report.errors

    def flags() -> dict[str, tuple[bool, list[str], str]]:
        with ingest_engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT code, is_land_border, neighbour_countries, border_flag_source"
                    " FROM commune WHERE era = 'post2025' ORDER BY code"
                )
            )
            return {r[0]: (r[1], r[2], r[3]) for r in rows}

    after = flags()
    assert after["00745"] == (False, [], "official")  # not on the official list
    assert after["00733"] == (True, ["CHN"], "official")
    assert after["00715"] == (True, ["CHN"], "official")
    assert {v[2] for v in after.values()} == {"official"}

    # Re-importing the commune geometry keeps the official flags; the list again is a no-op.
    assert run_import(ingest_engine, ImportOptions("communes", geo)).ok
    assert flags() == after
    before = db_state(ingest_engine)
    again = run_import(ingest_engine, ImportOptions("border-communes", official))
    assert again.ok and again.counts["changed"] == 0 and again.counts["unlisted cleared"] == 0
    assert db_state(ingest_engine) == before

    bad = write_csv(tmp_path / "bad.csv", [{"code": "55555"}])
    refused = run_import(ingest_engine, ImportOptions("border-communes", bad))
    assert [str(e) for e in refused.errors] == [
        "line 2, field 'code': commune 55555 is not in the database for era post2025"
    ]
    assert db_state(ingest_engine) == before


def test_eras_are_separate(ingest_engine: Engine, tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "pre.geojson",
        [feature(SQUARE, code="715", name="Xã Lũng Cú", province_code="2", valid_to="2025-07-01")],
    )
    report = run_import(ingest_engine, ImportOptions("communes", path, era="pre2025"))
    assert report.ok, report.errors
    assert report.counts["changed"] == 1  # pre-2025 00715 got a geometry and an end date
    assert {str(w) for w in report.warnings} == {
        "feature 1, field 'code': leading zeros restored: 00715"
    }
    with ingest_engine.connect() as c:
        rows = c.execute(
            text("SELECT era, valid_to::text FROM commune WHERE code = '00715' ORDER BY era")
        ).all()
    assert [tuple(r) for r in rows] == [("post2025", None), ("pre2025", "2025-07-01")]
    bad = write_geojson(
        tmp_path / "pre_bad.geojson",
        [
            feature(
                SQUARE, code="00715", name="Xã Lũng Cú", province_code="02", valid_from="2025-08-01"
            )
        ],
    )
    refused = run_import(ingest_engine, ImportOptions("communes", bad, era="pre2025"))
    assert [str(e) for e in refused.errors] == [
        "feature 1, field 'valid_from': a pre-2025 unit cannot start on 2025-08-01, after the reform"
    ]
