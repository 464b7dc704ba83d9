"""``bordermap serve --workers 2``: two processes, and the same answers from both after a write.

Each worker has its own pool and caches (ETag version, collection extents, map pages);
they agree because every cache is keyed by the data version read with its data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from service.commands.main import build_parser
from service.web.etag import VERSION_TTL_S
from tests.conftest import ROOT, drop_database, migrated_database

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def served(
    server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    url = migrated_database(server_url, "bordermap_test_workers")
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(
            text(
                "INSERT INTO border (code, iso3, name, synthetic, geom) VALUES ('CN', 'CHN',"
                " 'before', true, ST_GeomFromText('MULTILINESTRING((104.7 22.85, 105 23.2))', 4326))"
            )
        )
    eng.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("workers") / "serve.log"
    env = {**os.environ, "BORDERMAP_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "service.commands.main", "serve", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*argv, "--workers", "2"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            # Ready when both workers have finished starting, not just the first.
            ready = log.read_text().count("Application startup complete") == 2
            try:
                if ready and httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base, url, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        drop_database(server_url, url)


def _answers(base: str, n: int = 24) -> set[tuple[str, str, str, str]]:
    """(name, extent, ETag, map page's data version) over ``n`` requests on fresh
    connections (spread over the workers)."""
    out = set()
    for _ in range(n):
        with httpx.Client() as c:
            items = c.get(f"{base}/collections/borders/items")
            coll = c.get(f"{base}/collections/borders").json()
            page = c.get(f"{base}/maps/communes", params={"as_of": "2020-01-01"})
        assert items.status_code == 200 and page.status_code == 200
        name = items.json()["features"][0]["properties"]["name"]
        extent = str(coll["extent"]["spatial"]["bbox"])
        out.add((name, extent, items.headers["etag"], page.headers["x-data-version"]))
    return out


def test_workers_agree_after_a_write(served: tuple[str, str, Path]) -> None:
    base, url, log = served
    started = [line for line in log.read_text().splitlines() if "Started server process" in line]
    assert len(started) == 2, log.read_text()
    before = _answers(base)
    assert len(before) == 1 and next(iter(before))[0] == "before"
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(
            text(
                "UPDATE border SET name = 'after', geom = ST_GeomFromText("
                "'MULTILINESTRING((104.0 22.0, 106.0 23.5))', 4326)"
            )
        )
    eng.dispose()
    time.sleep(VERSION_TTL_S + 0.2)
    after = _answers(base)
    assert len(after) == 1, after  # every worker: the new name, the new extent, one tag
    name, extent, etag, map_version = next(iter(after))
    assert name == "after" and "106.0" in extent
    assert etag != next(iter(before))[2]
    assert int(map_version) > int(next(iter(before))[3])  # a new page, in every worker


def test_workers_argument() -> None:
    parser, _ = build_parser()
    assert parser.parse_args(["serve", "--workers", "3"]).workers == 3
    assert parser.parse_args(["serve"]).workers == 1
    for bad in ("0", "x", "100"):
        with pytest.raises(SystemExit):
            parser.parse_args(["serve", "--workers", bad])
