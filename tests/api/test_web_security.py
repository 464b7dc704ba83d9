"""Trusted hosts, CORS and security headers (issue 12), on the demo dataset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from service.web.app import create_app

pytestmark = pytest.mark.db

EVIL = "evil.example"
PAGES = [
    "/",
    "/collections",
    "/collections/markers/items?limit=2",
    "/collections/markers/items?limit=2&f=html",
    "/collections/markers/items/1",
    "/progress/segments",
    "/maps/progress",
    "/api",
    "/api.html",
]


def _client(demo_db_url: str, **kw: object) -> TestClient:
    settings = Settings(_env_file=None, database_url=demo_db_url, **kw)  # type: ignore[call-arg]
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def strict(demo_db_url: str) -> Iterator[TestClient]:
    """The default host list (loopback names) and TestClient's, no base URL."""
    hosts = ["localhost", "127.0.0.1", "::1", "testserver"]
    with _client(demo_db_url, allowed_hosts=hosts) as c:
        yield c


@pytest.fixture(scope="module")
def behind_proxy(demo_db_url: str) -> Iterator[TestClient]:
    """Any Host accepted, links from the configured public base URL."""
    with _client(demo_db_url, allowed_hosts=["*"], base_url="https://bordermap.example/bm") as c:
        yield c


@pytest.mark.parametrize("path", PAGES)
def test_untrusted_host_is_refused_and_never_echoed(strict: TestClient, path: str) -> None:
    r = strict.get(path, headers={"Host": EVIL})
    assert r.status_code == 400
    assert EVIL not in r.text and EVIL not in str(r.headers)
    assert r.json()["detail"].startswith("Host:")
    ok = strict.get(path, headers={"Host": "localhost:8000"})
    assert ok.status_code == 200, ok.text[:200]
    if path.startswith("/collections") or path == "/":
        assert "http://localhost:8000/" in ok.text


@pytest.mark.parametrize("path", PAGES)
def test_configured_base_url_wins_over_any_host(behind_proxy: TestClient, path: str) -> None:
    first = behind_proxy.get(path, headers={"Host": EVIL})
    assert first.status_code == 200
    assert EVIL not in first.text and EVIL not in str(first.headers)
    etag = first.headers["etag"]
    # Revalidated (304) and served again (200): still nothing of the forged host.
    again = behind_proxy.get(path, headers={"Host": EVIL, "If-None-Match": etag})
    assert again.status_code == 304
    assert EVIL not in str(again.headers)
    fresh = behind_proxy.get(path, headers={"Host": EVIL})
    assert EVIL not in fresh.text


def test_links_use_the_base_url(behind_proxy: TestClient) -> None:
    body = behind_proxy.get("/collections", headers={"Host": EVIL}).json()
    hrefs = [link["href"] for link in body["links"]]
    assert hrefs and all(h.startswith("https://bordermap.example/bm/") for h in hrefs)


def test_base_url_host_is_trusted(demo_db_url: str) -> None:
    with _client(demo_db_url, allowed_hosts=[], base_url="https://bordermap.example") as c:
        assert c.get("/collections", headers={"Host": "bordermap.example"}).status_code == 200
        assert c.get("/collections", headers={"Host": EVIL}).status_code == 400


# --- CORS -----------------------------------------------------------------------------------

PREFLIGHT = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "accept"}


def test_no_cross_origin_access_by_default(strict: TestClient) -> None:
    origin = {"Origin": "https://other.example"}
    r = strict.get("/collections", headers=origin)
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    pre = strict.options("/collections", headers={**origin, **PREFLIGHT})
    assert pre.status_code == 400
    assert "access-control-allow-origin" not in pre.headers


def test_configured_origin_is_allowed_and_preflight_answered(demo_db_url: str) -> None:
    gis = "https://gis.example.vn"
    with _client(demo_db_url, cors_origins=[gis]) as c:
        pre = c.options("/collections/markers/items", headers={"Origin": gis, **PREFLIGHT})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == gis
        assert "GET" in pre.headers["access-control-allow-methods"]
        r = c.get("/collections/markers/items?limit=1", headers={"Origin": gis})
        assert r.headers["access-control-allow-origin"] == gis
        assert "ETag" in r.headers["access-control-expose-headers"]
        other = c.get("/collections", headers={"Origin": "https://other.example"})
        assert "access-control-allow-origin" not in other.headers


def test_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BORDERMAP_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("BORDERMAP_ALLOWED_HOSTS", "bordermap.example")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.trusted_hosts == {"bordermap.example"}


# --- security headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [*PAGES, "/nope", "/collections/markers/items?limit=0", "/healthz"]
)
def test_security_headers_on_every_response(strict: TestClient, path: str) -> None:
    r = strict.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    if r.headers["content-type"].startswith("text/html"):
        assert "default-src 'self'" in csp
        assert "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    else:
        assert csp.startswith("default-src 'none'")


def test_refusals_carry_the_headers_too(strict: TestClient) -> None:
    r = strict.get("/collections", headers={"Host": EVIL})
    assert r.headers["x-frame-options"] == "DENY"


def test_map_page_allows_exactly_its_inline_scripts(strict: TestClient) -> None:
    from service.web.security_headers import script_hashes

    r = strict.get("/maps/markers")
    hashes = script_hashes(r.text)
    assert hashes, "the map page has inline scripts"
    csp = r.headers["content-security-policy"]
    assert all(h in csp for h in hashes)
    assert csp.count("'sha256-") == len(hashes)


def test_tile_server_is_allowed_for_images(demo_db_url: str) -> None:
    tiles = "https://{s}.tiles.example.vn/{z}/{x}/{y}.png"
    with _client(demo_db_url, tiles_url=tiles) as c:
        csp = c.get("/maps/progress").headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.vn" in csp
