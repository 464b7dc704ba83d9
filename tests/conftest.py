"""Shared fixtures: a real PostGIS, a throwaway database per test run, rollback per test.

The server is BORDERMAP_TEST_DATABASE_URL when set (any PostGIS 3.x; the tests
create and drop their own databases there), otherwise the project-managed local
cluster (``bordermap db start``). The user's database is never touched.
Without a server the tests that need one skip, except under CI where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from service.db import migrate
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = bool(os.environ.get("CI"))


def need(condition: bool, reason: str) -> None:
    """Skip a test for a missing resource locally; fail under CI."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def _server_url() -> str:
    explicit = os.environ.get("BORDERMAP_TEST_DATABASE_URL")
    if explicit:
        return explicit.replace("postgresql://", "postgresql+psycopg://", 1)
    from service.db.localdb import cluster_for

    return cluster_for(Settings(_env_file=None, home=ROOT / ".bordermap")).url_for("postgres")  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def server_url() -> str:
    """URL of a maintenance database on the test server."""
    url = _server_url()
    try:
        eng = create_engine(url, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        need(False, f"no PostGIS server at {url}: {exc}")
    return url


def create_database(server_url: str, prefix: str) -> str:
    """Create a fresh database with PostGIS and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    eng.dispose()
    return url


def migrated_database(server_url: str, prefix: str) -> str:
    """Create a fresh database, migrate it to head, and return its URL."""
    url = create_database(server_url, prefix)
    eng = create_engine(url)
    migrate.upgrade(eng)
    eng.dispose()
    return url


def drop_database(server_url: str, url: str) -> None:
    """Drop a database made by ``create_database``."""
    name = make_url(url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app_engine(url: str) -> Engine:
    """An engine configured exactly as the app's (pool, timeouts, JIT off)."""
    from service.db.engine import make_engine

    return make_engine(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def empty_db_url(server_url: str) -> Iterator[str]:
    """A throwaway database with PostGIS and no schema."""
    url = create_database(server_url, "bordermap_test_empty")
    yield url
    drop_database(server_url, url)


@pytest.fixture(scope="session")
def engine(server_url: str) -> Iterator[Engine]:
    """A throwaway database migrated to head, with no data."""
    url = migrated_database(server_url, "bordermap_test")
    eng = _app_engine(url)
    yield eng
    eng.dispose()
    drop_database(server_url, url)


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        trans = connection.begin()
        try:
            yield connection
        finally:
            trans.rollback()


@pytest.fixture
def session(conn: Connection) -> Iterator[Session]:
    """An ORM session on the rolled-back connection; commits become savepoints."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
        yield s


@pytest.fixture
def client(conn: Connection) -> Iterator[TestClient]:
    """The app with every request's session on the rolled-back test connection."""
    from service.web.app import create_app
    from service.web.deps import get_session

    url = conn.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]

    def session() -> Iterator[Session]:
        with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
            yield s

    app.dependency_overrides[get_session] = session
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def demo_db_url(server_url: str) -> Iterator[str]:
    """A throwaway database migrated to head and filled with the full demo dataset.

    Tests must not write to it (it is shared by the whole session); tests that write
    use ``conn``/``session`` on the empty ``engine`` instead.
    """
    from service.demo import build_demo

    url = migrated_database(server_url, "bordermap_test_demo")
    eng = create_engine(url)
    build_demo(eng)
    eng.dispose()
    yield url
    drop_database(server_url, url)


@pytest.fixture(scope="session")
def demo_engine(demo_db_url: str) -> Iterator[Engine]:
    """Engine on the demo database (read-only use)."""
    eng = _app_engine(demo_db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def demo_client(demo_db_url: str) -> Iterator[TestClient]:
    """The app on the demo database, in process (read-only use)."""
    from service.web.app import create_app

    app = create_app(Settings(_env_file=None, database_url=demo_db_url))  # type: ignore[call-arg]
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server(demo_db_url: str) -> Iterator[str]:
    """The real app served by uvicorn on a free loopback port; yields its base URL.

    For real clients (GDAL, owslib, schemathesis, Chromium) that need a socket.
    """
    import socket
    import threading
    import time

    import uvicorn

    from service.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
