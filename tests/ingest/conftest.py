"""Fixtures of the importer tests: a committed throwaway database (the importer opens its own
transaction, so the rolled-back ``conn`` fixture does not fit), seeded with borders, a few
provinces, communes and segments, and helpers to prove the database did not change.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from service.db.models import DATA_TABLES
from tests.conftest import drop_database, migrated_database

# Border lines through the test positions (marker 261(2) on CN; An Giang on KH), taken as
# official; the LA line is approximate (as the demo's are).
SEED_SQL = [
    """INSERT INTO border (code, iso3, name, geom_source, geom) VALUES
    ('CN', 'CHN', 'Việt Nam – Trung Quốc', 'official', ST_GeomFromText(
        'MULTILINESTRING((104.70 22.85, 104.8495628 22.9368686, 105.0 23.2))', 4326)),
    ('LA', 'LAO', 'Việt Nam – Lào', 'approximate', ST_GeomFromText(
        'MULTILINESTRING((104.0 19.0, 104.5 18.8))', 4326)),
    ('KH', 'KHM', 'Việt Nam – Campuchia', 'official', ST_GeomFromText(
        'MULTILINESTRING((104.9 10.8, 105.0717552 10.6973477, 105.2 10.6))', 4326))""",
    """INSERT INTO province (era, code, name, unit_type, geom) VALUES
    ('post2025', '08', 'Tỉnh Tuyên Quang', 'tinh',
        ST_Multi(ST_MakeEnvelope(104.5, 21.5, 105.8, 23.4, 4326))),
    ('post2025', '04', 'Tỉnh Cao Bằng', 'tinh',
        ST_Multi(ST_MakeEnvelope(105.3, 22.3, 106.9, 23.1, 4326))),
    ('post2025', '91', 'Tỉnh An Giang', 'tinh',
        ST_Multi(ST_MakeEnvelope(104.4, 9.6, 105.6, 10.98, 4326))),
    ('pre2025', '02', 'Tỉnh Hà Giang', 'tinh',
        ST_Multi(ST_MakeEnvelope(104.5, 22.2, 105.6, 23.4, 4326)))""",
    """INSERT INTO commune (era, code, name, unit_type, province_code, geom) VALUES
    ('post2025', '00715', 'Xã Lũng Cú', 'xa', '08',
        ST_Multi(ST_MakeEnvelope(105.25, 23.30, 105.40, 23.39, 4326))),
    ('post2025', '00721', 'Xã Đồng Văn', 'xa', '08',
        ST_Multi(ST_MakeEnvelope(105.30, 23.20, 105.40, 23.30, 4326))),
    ('post2025', '30796', 'Xã Giang Thành', 'xa', '91',
        ST_Multi(ST_MakeEnvelope(104.45, 10.40, 104.70, 10.60, 4326))),
    ('pre2025', '00715', 'Xã Lũng Cú', 'xa', '02',
        ST_Multi(ST_MakeEnvelope(105.25, 23.30, 105.40, 23.39, 4326)))""",
    """INSERT INTO border_segment (code, border_code, era, province_code, geom)
    SELECT '08-CHN', 'CN', 'post2025', '08', geom FROM border WHERE code = 'CN'
    UNION ALL SELECT '91-KHM', 'KH', 'post2025', '91', geom FROM border WHERE code = 'KH'""",
]


@pytest.fixture(scope="session")
def ingest_url(server_url: str) -> Iterator[str]:
    """A migrated, seeded, committed throwaway database for importer tests."""
    url = migrated_database(server_url, "bordermap_test_ingest")
    eng = create_engine(url)
    with eng.begin() as c:
        for sql in SEED_SQL:
            c.execute(text(sql))
    eng.dispose()
    yield url
    drop_database(server_url, url)


@pytest.fixture(scope="session")
def ingest_engine(ingest_url: str) -> Iterator[Engine]:
    """Engine on the importer test database."""
    eng = create_engine(ingest_url)
    yield eng
    eng.dispose()


def db_state(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of every row of every data table, plus the data version."""
    state: dict[str, tuple[int, str]] = {}
    with engine.connect() as c:
        for table in [*DATA_TABLES, "data_version"]:
            n, digest = c.execute(
                text(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    f" FROM {table} t"
                )
            ).one()
            state[table] = (int(n), str(digest))
    return state


def data_version(engine: Engine) -> int:
    """The data_version counter."""
    with engine.connect() as c:
        return int(c.execute(text("SELECT version FROM data_version")).scalar_one())


def write_csv(
    path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    """Write dict rows as CSV with the given encoding."""
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def write_geojson(path: Path, features: list[dict[str, Any]], **extra: Any) -> Path:
    """Write a FeatureCollection of (properties, geometry) dicts."""
    fc = {"type": "FeatureCollection", **extra, "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def feature(geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    """A GeoJSON feature."""
    return {"type": "Feature", "properties": props, "geometry": geometry}
