"""GeoPackage/FlatGeobuf exports over HTTP: stopped when the client goes, files always
removed, concurrency and size bounded (issue 12)."""

from __future__ import annotations

import logging
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyogrio
import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from service.web.app import create_app
from service.web.exports import TEMP_PREFIX

pytestmark = pytest.mark.db

# Every commune of both eras, all properties: about a second of GDAL work.
BIG = "/collections/communes/items?f={fmt}&datetime=2000-01-01/2030-01-01"


def _export_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"))


def _wait(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.fixture
def app_client(demo_db_url: str) -> Iterator[tuple[TestClient, Settings]]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=demo_db_url, max_export_bytes=200_000
    )
    with TestClient(create_app(settings)) as c:
        yield c, settings


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
def test_client_going_away_stops_the_write_and_removes_the_file(
    live_server: str, fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = _export_dirs()
    url = urlsplit(live_server)
    caplog.set_level(logging.INFO, logger="service.web.exports")
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(
            f"GET {BIG.format(fmt=fmt)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii")
        )
        # The server (in this process) has begun writing: its folder exists.
        assert _wait(lambda: _export_dirs() - before, 10), "the export never started"
    # Gone mid-write: the writer stops at its next batch and the folder goes.
    assert _wait(lambda: not (_export_dirs() - before), 10), "temporary files left behind"
    assert _wait(lambda: "client went away" in caplog.text, 5), "the write ran on"
    # The server is unharmed.
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(b"HEAD /collections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(12).startswith(b"HTTP/1.1 200")


def test_full_export_leaves_nothing_behind(live_server: str, tmp_path: Path) -> None:
    import httpx

    before = _export_dirs()
    identity = {"Accept-Encoding": "identity"}
    r = httpx.get(live_server + BIG.format(fmt="gpkg"), headers=identity, timeout=60)
    assert r.status_code == 200
    assert int(r.headers["content-length"]) == len(r.content)
    out = tmp_path / "all.gpkg"
    out.write_bytes(r.content)
    assert pyogrio.read_info(out)["features"] > 13_000
    assert _export_dirs() - before == set()


def test_too_large_is_a_413_naming_the_limit(app_client: tuple[TestClient, Settings]) -> None:
    client, settings = app_client
    before = _export_dirs()
    r = client.get(BIG.format(fmt="gpkg"))
    assert r.status_code == 413
    assert "BORDERMAP_MAX_EXPORT_BYTES" in r.json()["detail"]
    assert str(settings.max_export_bytes) in r.json()["detail"]
    assert _export_dirs() - before == set()
    # A small one still fits.
    r = client.get("/collections/provinces/items?f=fgb&limit=3&properties=code")
    assert r.status_code == 200


def test_exports_beyond_the_bound_get_503(app_client: tuple[TestClient, Settings]) -> None:
    client, settings = app_client
    slots = client.app.state.export_slots  # type: ignore[attr-defined]
    for _ in range(settings.max_concurrent_exports):
        assert slots.try_take()
    try:
        r = client.get("/collections/provinces/items?f=gpkg&limit=1")
        assert r.status_code == 503
        assert r.headers["retry-after"].isdigit()
        assert "too many exports" in r.json()["detail"]
    finally:
        for _ in range(settings.max_concurrent_exports):
            slots.give_back()
    assert client.get("/collections/provinces/items?f=gpkg&limit=1").status_code == 200
