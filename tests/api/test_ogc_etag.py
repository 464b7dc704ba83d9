"""ETag, If-None-Match → 304, Cache-Control and gzip, on a database the test may write to."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from service.db import migrate
from service.settings import Settings
from service.web.app import create_app
from service.web.etag import VERSION_TTL_S
from tests.conftest import create_database, drop_database

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def writable(server_url: str) -> Iterator[tuple[TestClient, Engine]]:
    url = create_database(server_url, "bordermap_test_etag")
    eng = create_engine(url)
    migrate.upgrade(eng)
    with eng.begin() as c:
        c.execute(
            text(
                "INSERT INTO border (code, iso3, name, synthetic, geom) VALUES ('CN', 'CHN',"
                " 'Việt Nam – Trung Quốc', true, ST_GeomFromText("
                "'MULTILINESTRING((104.7 22.85, 105.0 23.2))', 4326))"
            )
        )
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    try:
        with TestClient(create_app(settings)) as client:
            yield client, eng
    finally:
        eng.dispose()
        drop_database(server_url, url)


def test_etag_and_304(writable: tuple[TestClient, Engine]) -> None:
    client, _ = writable
    first = client.get("/collections/borders/items")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    assert "Accept" in first.headers["vary"]
    again = client.get("/collections/borders/items", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    # A list of tags, and the strong form of the same tag, match too (weak comparison).
    listed = client.get(
        "/collections/borders/items", headers={"if-none-match": f'"other", {etag[2:]}'}
    )
    assert listed.status_code == 304
    assert client.head("/collections/borders/items").headers["etag"] == etag
    # Another URL or another representation has another tag.
    other = client.get("/collections/borders/items", params={"limit": 5})
    assert other.headers["etag"] != etag
    html = client.get("/collections/borders/items", headers={"accept": "text/html"})
    assert html.headers["etag"] != etag
    stale = client.get("/collections/borders/items", headers={"if-none-match": 'W/"nope"'})
    assert stale.status_code == 200
    for url in ("/", "/conformance", "/collections", "/collections/borders/items/CN", "/api"):
        assert client.get(url).headers["etag"].startswith('W/"'), url


def test_a_write_changes_the_etag(writable: tuple[TestClient, Engine]) -> None:
    client, eng = writable
    before = client.get("/collections/borders/items/CN")
    etag = before.headers["etag"]
    with eng.begin() as c:
        c.execute(text("UPDATE border SET name = name || ' ' WHERE code = 'CN'"))
    time.sleep(VERSION_TTL_S + 0.1)  # the version is reused for this long
    after = client.get("/collections/borders/items/CN", headers={"if-none-match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert after.json()["properties"]["name"].endswith(" ")


def test_errors_have_no_etag(writable: tuple[TestClient, Engine]) -> None:
    client, _ = writable
    r = client.get("/collections/borders/items/XX")
    assert r.status_code == 404 and "etag" not in r.headers


def test_gzip(writable: tuple[TestClient, Engine]) -> None:
    client, _ = writable
    r = client.get("/api", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["etag"].startswith('W/"')


def test_extents_follow_writes(writable: tuple[TestClient, Engine]) -> None:
    """Collection extents are cached per data version: a write shows at once."""
    client, eng = writable
    before = client.get("/collections/borders").json()["extent"]["spatial"]["bbox"][0]
    with eng.begin() as c:
        c.execute(
            text(
                "UPDATE border SET geom = ST_GeomFromText("
                "'MULTILINESTRING((103.5 22.5, 105.0 23.3))', 4326) WHERE code = 'CN'"
            )
        )
    after = client.get("/collections/borders").json()["extent"]["spatial"]["bbox"][0]
    assert before[0] == 104.7 and after[0] == 103.5
