"""Write-API fixtures: the small map database on the rolled-back connection, plus a marker
in a third province (Cao Bằng, 04, both eras), and every principal's credentials."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text

from service.settings import Settings
from tests.auth.conftest import seed_principals, seed_provinces
from tests.conftest import drop_database, migrated_database
from tests.maps.conftest import seed_small

CAO_BANG_LINE = "SRID=4326;MULTILINESTRING((105.6 22.8,105.9 22.85))"


def seed_writes(conn: Connection) -> None:
    """The small database, and marker CN 700 on a Cao Bằng segment in both eras."""
    seed_small(conn)
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type) VALUES"
            " ('pre2025', '04', 'Cao Bằng', 'tinh'), ('post2025', '04', 'Cao Bằng', 'tinh')"
            " ON CONFLICT DO NOTHING"
        )
    )
    conn.execute(
        text(
            "INSERT INTO border_segment (code, border_code, era, province_code, geom) VALUES"
            " ('04-CHN', 'CN', 'pre2025', '04', :g), ('04-CHN', 'CN', 'post2025', '04', :g)"
        ),
        {"g": CAO_BANG_LINE},
    )
    marker = conn.execute(
        text(
            "INSERT INTO marker (border_code, number, marker_class, geom) VALUES"
            " ('CN', 700, 'main', ST_SetSRID(ST_MakePoint(105.75, 22.825), 4326)) RETURNING id"
        )
    ).scalar_one()
    conn.execute(
        text(
            "INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, 'planted',"
            " '2005-05-05')"
        ),
        {"m": marker},
    )
    conn.execute(
        text(
            "INSERT INTO marker_segment (marker_id, era, segment_id)"
            " SELECT :m, era, id FROM border_segment WHERE code = '04-CHN'"
        ),
        {"m": marker},
    )


@dataclass
class Served:
    """The real app on a database of its own (writes commit), and who may call it."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    engine: Engine
    url: str


def make_write_db(server_url: str) -> tuple[str, dict[str, dict[str, str]]]:
    """A migrated database with :func:`seed_writes` and every principal, committed."""
    url = migrated_database(server_url, "bordermap_test_writes")
    eng = create_engine(url)
    with eng.begin() as conn:
        seed_writes(conn)
        seed_provinces(conn)
        headers = seed_principals(conn)
    eng.dispose()
    return url, headers


@pytest.fixture
def served(server_url: str) -> Iterator[Served]:
    """A fresh write database per test and the app on it (in process)."""
    from service.web.app import create_app

    url, headers = make_write_db(server_url)
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with TestClient(app) as client:
            yield Served(client, headers, eng, url)
    finally:
        eng.dispose()
        drop_database(server_url, url)


@pytest.fixture
def conn(served: Served) -> Iterator[Connection]:
    """A connection to the test's write database (autocommit: it sees every write)."""
    with served.engine.connect() as c:
        yield c


def marker_id(conn: Connection, number: int) -> int:
    """Id of marker CN ``number``."""
    return int(
        conn.execute(
            text("SELECT id FROM marker WHERE border_code = 'CN' AND number = :n"), {"n": number}
        ).scalar_one()
    )
