"""Read replicas against a real streaming replica.

The test starts its own throwaway PRIMARY server (initdb on a free loopback port) and a
streaming replica of it (``pg_basebackup -R``), both in a temp folder, as
``service.db.localdb`` starts clusters (as the ``postgres`` OS user when root). It writes on
the primary, reads through BorderMap from the replica (counted on the replica's engine,
which is in recovery), sees a lagging replica skipped, a client read its own write right
after it, and reads continue from the primary with no 5xx once the replica is stopped.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text

from service.db import localdb, migrate
from service.settings import Settings
from service.web.app import create_app
from service.web.read_routing import STICK_COOKIE, read_connection
from tests.conftest import need

pytestmark = pytest.mark.db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cluster(base: Path, name: str) -> localdb.Cluster:
    return localdb.Cluster(
        data_dir=base / name / "pg",
        socket_dir=base / name / "run",
        log_file=base / name / "postgres.log",
        port=_free_port(),
        db_name="bordermap",
        db_user="bordermap",
    )


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[localdb.Cluster, localdb.Cluster]]:
    need((localdb.PG_BIN / "pg_basebackup").exists(), "PostgreSQL 15 server binaries")
    base = Path(tempfile.mkdtemp(prefix="bordermap-replica-"))
    os.chmod(base, 0o755)  # the postgres OS user must enter it
    primary, replica = _cluster(base, "primary"), _cluster(base, "replica")
    try:
        localdb.start(primary)
        eng = create_engine(primary.url)
        migrate.upgrade(eng)
        eng.dispose()
        localdb.start_replica(primary, replica)
        yield primary, replica
    finally:
        localdb.destroy(replica)
        localdb.destroy(primary)
        localdb.shutil.rmtree(base, ignore_errors=True)


def _add_border(engine: Engine, code: str, iso3: str) -> int:
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO border (code, iso3, name, synthetic, geom) VALUES (:code, :iso3,"
                " :code, true, ST_GeomFromText('MULTILINESTRING((104.7 22.85, 105.0 23.2))', 4326))"
            ),
            {"code": code, "iso3": iso3},
        )
        return int(c.execute(text("SELECT version FROM data_version")).scalar_one())


def _wait_replayed(replica: Engine, version: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with replica.connect() as c:
            if c.execute(text("SELECT version FROM data_version")).scalar_one() >= version:
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not replay the write")


class Counter:
    """Statements that touch ``border`` on one engine (which server answered)."""

    def __init__(self, engine: Engine) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, params, context, many) -> None:  # noqa: ANN001
        if "FROM border" in statement:
            self.n += 1


def _codes(client: TestClient, **kw: object) -> set[str]:
    r = client.get("/collections/borders/items", **kw)  # type: ignore[arg-type]
    assert r.status_code == 200, r.text
    return {f["id"] for f in r.json()["features"]}


def test_reads_from_replica_then_primary(servers: tuple[localdb.Cluster, localdb.Cluster]) -> None:
    primary, replica = servers
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=primary.url,
        database_read_url=f" {replica.url} ",
        replica_check_s=0.2,
        replica_max_lag_s=1.0,
        primary_stick_s=5,
    )
    app = create_app(settings)

    def rename(code: str, name: str, request: Request) -> dict[str, str]:
        """A write route as the app's will be: its connection is the primary's."""
        with read_connection(request) as conn:
            conn.execute(
                text("UPDATE border SET name = :n WHERE code = :c"), {"c": code, "n": name}
            )
            conn.commit()
        return {"renamed": code}

    app.add_api_route("/test-rename/{code}/{name}", rename, methods=["POST"])
    with TestClient(app) as client:
        router = app.state.read_router
        (replica_engine,) = router.replicas
        on_replica, on_primary = Counter(replica_engine), Counter(router.primary)
        with replica_engine.connect() as c:
            assert c.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True

        # A write on the primary, replayed, is read through BorderMap from the replica.
        _wait_replayed(replica_engine, _add_border(router.primary, "CN", "CHN"))
        time.sleep(0.3)  # the next check sees the replica current
        assert _codes(client) == {"CN"}
        assert on_replica.n >= 1 and on_primary.n == 0
        assert router.status()[0]["usable"] is True

        # Replay paused: the replica falls behind; beyond the bound it is skipped.
        with replica_engine.connect() as c:
            c.execute(text("SELECT pg_wal_replay_pause()"))
        try:
            _add_border(router.primary, "LA", "LAO")
            time.sleep(1.5)
            seen = on_replica.n
            assert _codes(client) == {"CN", "LA"}  # from the primary, not the stale replica
            assert on_replica.n == seen and on_primary.n >= 1
            assert "lagging" in router.status()[0]["reason"]
        finally:
            with replica_engine.connect() as c:
                c.execute(text("SELECT pg_wal_replay_resume()"))
        _wait_replayed(replica_engine, _add_border(router.primary, "KH", "KHM"))
        time.sleep(0.3)
        seen = on_replica.n
        assert _codes(client) == {"CN", "LA", "KH"}
        assert on_replica.n > seen

        # Read-after-write: the writer's next reads go to the primary (the cookie), even
        # while the replica has not replayed the write.
        with replica_engine.connect() as c:
            c.execute(text("SELECT pg_wal_replay_pause()"))
        try:
            r = client.post("/test-rename/CN/Renamed")
            assert r.status_code == 200 and STICK_COOKIE in r.headers["set-cookie"]
            assert "Max-Age=5" in r.headers["set-cookie"]
            # At once, no wait for the lag bound: the cookie sends the read to the primary.
            names = client.get("/collections/borders/items/CN").json()["properties"]["name"]
            assert names == "Renamed"
            client.cookies.clear()
            # Requests with credentials read from the primary too (a new token, a sign-out).
            seen = on_replica.n
            for headers in ({"Authorization": "Bearer x"}, {"Cookie": "bordermap_session=s"}):
                r = client.get("/collections/borders/items/CN", headers=headers)
                assert r.json()["properties"]["name"] == "Renamed"
            assert on_replica.n == seen
        finally:
            with replica_engine.connect() as c:
                c.execute(text("SELECT pg_wal_replay_resume()"))

        # The replica stops: reads carry on from the primary, never a 5xx.
        localdb.stop(replica)
        before = on_primary.n
        statuses = [client.get("/collections/borders/items").status_code for _ in range(20)]
        statuses += [client.get("/progress/borders").status_code for _ in range(5)]
        assert set(statuses) == {200}
        assert on_primary.n >= before + 20
        assert router.status()[0]["usable"] is False
