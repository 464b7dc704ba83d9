"""The project-managed cluster: start twice, status, stop (a throwaway cluster)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service.commands.main import main
from service.db import localdb
from service.settings import Settings

from .conftest import need

pytestmark = pytest.mark.db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def throwaway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    need(not localdb.missing_packages(), "PostgreSQL 15 + PostGIS 3 packages are not installed")
    port = _free_port()
    monkeypatch.setenv("BORDERMAP_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("BORDERMAP_DB_PORT", str(port))
    monkeypatch.delenv("BORDERMAP_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    yield settings
    localdb.destroy(localdb.cluster_for(settings))


def test_start_twice_status_stop(throwaway: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = localdb.cluster_for(throwaway)
    assert main(["db", "status"]) == 3
    assert main(["db", "start"]) == 0
    assert "started" in capsys.readouterr().out
    assert main(["db", "start"]) == 0
    assert "already running" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    assert main(["db", "url"]) == 0
    assert capsys.readouterr().out.strip().endswith(f":{cluster.port}/bordermap")

    eng = create_engine(cluster.url)
    with eng.connect() as c:
        assert c.execute(text("SELECT postgis_lib_version()")).scalar_one().startswith("3.")
    eng.dispose()

    assert main(["db", "stop"]) == 0
    assert "stopped" in capsys.readouterr().out
    assert main(["db", "stop"]) == 0
    assert "not running" in capsys.readouterr().out
    assert main(["db", "status"]) == 3
    # Data survives a restart.
    assert localdb.start(cluster) is True


def test_external_url_leaves_local_cluster_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", "postgresql://u@db.example:5432/x")
    assert main(["db", "url"]) == 0
    assert capsys.readouterr().out.strip() == "postgresql+psycopg://u@db.example:5432/x"
    assert main(["db", "start"]) == 2


def test_a_busy_port_is_the_first_thing_said_with_how_to_pick_another(
    throwaway: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", throwaway.db_port))
        busy.listen()
        assert main(["db", "start"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: port {throwaway.db_port} on 127.0.0.1 is already in use"), err
    assert "BORDERMAP_DB_PORT=" in err
    assert "could not change directory" not in err
    assert main(["db", "status"]) == 3


def test_pg_commands_run_from_a_folder_the_postgres_user_can_enter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, from a folder closed to postgres (pytest's tmp is mode 700), no cd noise."""
    need(not localdb.missing_packages(), "PostgreSQL 15 + PostGIS 3 packages are not installed")
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    monkeypatch.chdir(closed)
    res = localdb._run([str(localdb.PG_BIN / "pg_ctl"), "status", "-D", str(tmp_path / "none")])
    assert res.returncode != 0
    assert "could not change directory" not in res.stderr + res.stdout
