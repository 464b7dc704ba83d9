"""What a new user meets first: migrate on a bare database, commands before migrate, Ctrl-C.

Each case ends in one line saying what to do, never a traceback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from service.commands.main import main
from tests.conftest import drop_database, migrated_database

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[1]
NO_SCHEMA = "error: the database has no BorderMap schema: run `bordermap migrate` first\n"


def _bare_database(server_url: str, owner: str | None = None) -> str:
    """A new database with no extension at all (``create_database`` adds PostGIS)."""
    name = f"bordermap_test_bare_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"' + (f' OWNER "{owner}"' if owner else "")))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def bare_url(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = _bare_database(server_url)
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
def plain_role(server_url: str) -> Iterator[str]:
    """A login role that owns its database but is no superuser."""
    role = f"bordermap_test_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
    yield role
    with admin.connect() as c:
        c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def test_migrate_creates_postgis_on_a_bare_database(
    bare_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.strip().endswith("migrated")
    eng = create_engine(bare_url)
    with eng.connect() as c:
        assert c.execute(text("SELECT extname FROM pg_extension WHERE extname = 'postgis'")).all()
        assert c.execute(text("SELECT count(*) FROM marker")).scalar_one() == 0
    eng.dispose()
    assert main(["migrate"]) == 0  # and again: nothing to do


def test_migrate_without_rights_names_the_statement_to_run(
    server_url: str,
    plain_role: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin_url = _bare_database(server_url, owner=plain_role)
    url = make_url(admin_url).set(username=plain_role, password=None)
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url.render_as_string(hide_password=False))
    try:
        assert main(["migrate"]) == 1
        err = capsys.readouterr().err
        name = url.database
        assert err == (
            f"error: database {name!r} has no postgis extension and role {plain_role!r} may not"
            f" create it: a superuser must run `CREATE EXTENSION IF NOT EXISTS postgis;` in"
            f" database {name!r}, then `bordermap migrate` again\n"
        )
    finally:
        drop_database(server_url, admin_url)


def test_demo_build_before_migrate_says_to_migrate(
    bare_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "build", "--if-empty"]) == 1
    assert capsys.readouterr().err == NO_SCHEMA
    assert main(["demo", "build"]) == 1
    captured = capsys.readouterr()
    assert captured.err == NO_SCHEMA
    assert "Built in" not in captured.out


def test_an_unreachable_database_says_how_to_start_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nothing listens there
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", f"postgresql://nobody@127.0.0.1:{port}/x")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: cannot connect to the database postgresql+psycopg://nobody@127.0.0.1:{port}/x ("
    )
    assert "`bordermap db start`" in err and err.count("\n") == 1


def test_ctrl_c_during_a_build_prints_one_line_and_leaves_the_database_as_it_was(
    server_url: str,
) -> None:
    url = migrated_database(server_url, "bordermap_test_ctrl_c")
    env = {**os.environ, "BORDERMAP_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service.commands.main", "demo", "build"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert "building" in proc.stdout.readline()  # inside main(), generating
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert err.strip().splitlines()[-1] == "interrupted"
        assert "Traceback" not in err
        eng = create_engine(url)
        with eng.connect() as c:
            assert c.execute(text("SELECT count(*) FROM border")).scalar_one() == 0
        eng.dispose()
    finally:
        drop_database(server_url, url)
