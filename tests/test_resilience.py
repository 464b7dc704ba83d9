"""Staying up: a PostgreSQL restart, an unmigrated database, a runaway query (issue 12).

The restart test starts its own PostgreSQL server (``service.db.localdb``: initdb in a temp
folder, a free loopback port, as the ``postgres`` user when root), serves the app on it,
stops and starts that server, and checks that requests recover: 503 while it is down
(never 500), 200 again once it is back, with no failure beyond the outage itself.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from service.db import localdb, migrate
from service.settings import Settings
from service.web.app import create_app

from .conftest import need

pytestmark = pytest.mark.db

PATHS = ("/collections/markers/items?limit=1", "/progress/segments", "/collections/communes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[localdb.Cluster]:
    need(not localdb.missing_packages(), "PostgreSQL server binaries")
    home: Path = tmp_path_factory.mktemp("restart-pg")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, home=home, db_port=_free_port(), db_name="bordermap_restart"
    )
    cluster = localdb.cluster_for(settings)
    localdb.start(cluster)
    try:
        yield cluster
    finally:
        localdb.destroy(cluster)


def test_readiness_follows_migrations_and_the_pool_survives_a_restart(
    own_cluster: localdb.Cluster,
) -> None:
    settings = Settings(_env_file=None, database_url=own_cluster.url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        # Not migrated yet: not ready (but alive).
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["schema_revision"] is None
        engine = create_engine(own_cluster.url)
        migrate.upgrade(engine)
        engine.dispose()
        r = client.get("/readyz")
        assert r.status_code == 200, r.text
        assert r.json()["schema_revision"] == migrate.head_revision()
        for path in PATHS * 3:  # fill the pool with connections that will go stale
            assert client.get(path).status_code == 200

        localdb.stop(own_cluster)
        down = [client.get(p) for p in (*PATHS, "/readyz")]
        assert [r.status_code for r in down] == [503] * len(down), [r.text for r in down]
        assert all(r.headers.get("retry-after") for r in down)
        assert "database" in down[0].json()["detail"]

        localdb.start(own_cluster)
        after = [client.get(p) for p in (*PATHS * 5, "/readyz")]
        assert [r.status_code for r in after] == [200] * len(after), [r.text for r in after]


def test_runaway_query_is_cut_with_a_503(demo_db_url: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=demo_db_url, public_statement_timeout_ms=1
    )
    with TestClient(create_app(settings)) as client:
        r = client.get("/collections/communes/items?limit=10000&datetime=2000-01-01/2030-01-01")
    assert r.status_code == 503
    assert r.headers["retry-after"].isdigit()
    assert "took too long" in r.json()["detail"]


def test_the_command_line_keeps_the_long_limit(demo_db_url: str) -> None:
    from sqlalchemy import text

    from service.db.engine import make_engine

    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    for kw, expected in (({}, settings.statement_timeout_ms), ({"timeout_ms": 1234}, 1234)):
        engine = make_engine(settings, **kw)  # type: ignore[arg-type]
        with engine.connect() as conn:
            shown = conn.execute(text("SHOW statement_timeout")).scalar_one()
        engine.dispose()
        assert shown == (f"{expected // 1000}s" if expected % 1000 == 0 else f"{expected}ms")


def test_idle_connection_killed_behind_the_pools_back_is_replaced(demo_db_url: str) -> None:
    import time

    from sqlalchemy import text

    from service.db.engine import PING_IDLE_S, make_engine

    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    engine = make_engine(settings)
    admin = make_engine(settings)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
        time.sleep(PING_IDLE_S + 0.2)
        with engine.connect() as conn:  # pinged at checkout, replaced: no error
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()
