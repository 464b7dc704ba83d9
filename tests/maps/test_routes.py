"""The /maps routes on a small hand-made database: figures, eras, cache, errors, assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from maps.assets import VENDOR_DIR
from maps.style import ROLE_LABELS
from service.settings import Settings
from service.web.app import create_app
from service.web.page_cache import accepts_gzip

from .conftest import OFFICER_NAMES

pytestmark = pytest.mark.db


def _client(url: str) -> TestClient:
    return TestClient(create_app(Settings(_env_file=None, database_url=url)))  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def client(small_db_url: str) -> Iterator[TestClient]:
    with _client(small_db_url) as c:
        yield c


def cell(html: str, attr: str, key: str) -> str:
    """The number cell of the panel row ``attr="key"`` (panel HTML is JSON-escaped in JS)."""
    m = re.search(rf'{attr}=\\"{re.escape(key)}\\".*?class=\\"n\\"\\u003e([^\\]*)\\u003c', html)
    assert m, f"no row {attr}={key}"
    return m.group(1)


def test_coverage_page_shows_the_api_figures(client: TestClient) -> None:
    for as_of, province in (("2012-01-01", None), ("2012-01-01", "02"), ("2025-08-01", "08")):
        q = f"as_of={as_of}" + (f"&province={province}" if province else "")
        api = client.get(f"/coverage/communes?{q}").json()
        r = client.get(f"/maps/coverage?{q}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        html = r.text
        t = api["totals"]
        for key in ("communes", "land_communes", "coastal_communes", "covered", "uncovered"):
            assert cell(html, "data-key", key) == str(t[key]), key
        assert cell(html, "data-key", "officers") == str(t["officers"])
        # Each commune of the API is drawn once, with its officers by role.
        drawn = re.findall(r'"id":"(\d{5})","geometry"', html)
        assert sorted(drawn) == sorted(i["code"] for i in api["items"])
        for item in api["items"]:
            props = re.search(rf'"id":"{item["code"]}".*?"properties":(\{{.*?\}}\}})', html)
            assert props and f'"officers":{item["officers"]}' in props.group(1)
            for role, n in item["officers_by_role"].items():
                assert f'"{role}":{n}' in props.group(1)
        assert all(name not in html for name in OFFICER_NAMES)  # counts only, never names


def test_as_of_before_the_reform_shows_the_old_units(client: TestClient) -> None:
    old = client.get("/maps/coverage?as_of=2025-06-30").text
    new = client.get("/maps/coverage?as_of=2025-07-01").text
    assert "Xã B" in old and "Xã A2" not in old and "pre-2025 units" in old
    assert "Xã A2" in new and "Xã B" not in new and "units since 1 Jul 2025" in new
    assert "Tuyên Quang" in new and "Hà Giang" in old


def test_tooltip_role_labels_cover_every_role() -> None:
    from service.vocabulary import OFFICER_ROLES

    assert set(ROLE_LABELS) == set(OFFICER_ROLES)


def test_markers_and_progress_pages(client: TestClient) -> None:
    html = client.get("/maps/markers?as_of=2013-01-01").text
    for label in ("12", "17(3)", "1369(2)", "511/1"):
        assert f'"{label}"' in html
    assert cell(html, "data-status", "damaged") == "1"
    assert cell(html, "data-status", "total") == "4"
    progress = client.get("/progress/segments?as_of=2013-01-01").json()["items"]
    page = client.get("/maps/progress?as_of=2013-01-01").text
    for seg in progress:
        assert f'data-label=\\"{seg["segment_code"]}\\" data-pct=\\"{seg["pct_km"]}\\"' in page
    assert 'data-year=\\"2003\\" data-count=\\"1\\"' in page
    assert 'data-year=\\"2004\\" data-count=\\"2\\"' in page


def test_same_version_is_served_from_the_cache_and_a_write_makes_a_new_map(
    fresh_small_db_url: str,
) -> None:
    with _client(fresh_small_db_url) as client:
        _cache_then_write(client, fresh_small_db_url)


def _cache_then_write(client: TestClient, db_url: str) -> None:
    url = "/maps/coverage?as_of=2024-01-01"
    first = client.get(url)
    cache = client.app.state.map_cache  # type: ignore[attr-defined]
    hits = cache.hits
    again = client.get(url)
    assert again.text == first.text  # random element ids would differ if rebuilt
    assert cache.hits == hits + 1
    assert again.headers["x-data-version"] == first.headers["x-data-version"]
    assert cell(first.text, "data-key", "uncovered") == "1"

    eng = create_engine(db_url)
    with eng.begin() as c:  # second officer for Xã C: now every commune is covered
        c.execute(
            text(
                "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date)"
                " SELECT 3, id, 'dang_uy_vien', '2020-2025', '2020-01-01' FROM commune"
                " WHERE era = 'pre2025' AND code = '00003'"
            )
        )
    eng.dispose()
    after = client.get(url)
    assert int(after.headers["x-data-version"]) > int(first.headers["x-data-version"])
    assert after.text != first.text
    assert cell(after.text, "data-key", "uncovered") == "0"
    assert client.get(url).text == after.text  # and that one is cached in turn
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == after.text
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.text == after.text


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        ("gzip, deflate", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("*", True),
    ],
)
def test_accepts_gzip(header: str, gzip: bool) -> None:
    assert accepts_gzip(header) is gzip


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/maps/coverage?province=99&as_of=2012-01-01", "province"),
        ("/maps/coverage?province=08&as_of=2012-01-01", "province"),  # post-2025 code
        ("/maps/coverage?as_of=2024-13-01", "as_of"),
        ("/maps/coverage?provinse=02", "unknown query parameter"),
        ("/maps/coverage?border=CN", "unknown query parameter"),
        ("/maps/markers?border=XX", "border"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(
    client: TestClient, query: str, message: str
) -> None:
    r = client.get(query)
    assert r.status_code == 400
    assert message in r.json()["detail"]


def test_static_route_serves_only_the_manifest(client: TestClient) -> None:
    ok = client.get("/maps/static/vendor/leaflet@1.9.4/leaflet.js")
    assert ok.status_code == 200 and "javascript" in ok.headers["content-type"]
    assert ok.headers["content-encoding"] == "gzip"  # compressed once, kept in memory
    assert ok.content == (VENDOR_DIR / "leaflet@1.9.4" / "leaflet.js").read_bytes()
    # Versioned paths never change: the ETag middleware keeps the route's own caching.
    assert ok.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert ok.headers["etag"]
    png = client.get("/maps/static/vendor/leaflet@1.9.4/images/layers.png")
    assert png.headers["content-type"] == "image/png" and "content-encoding" not in png.headers
    assert client.get("/maps/static/vendor/leaflet@1.9.4/LICENSE").status_code == 200
    for bad in ("vendor/manifest.json", "vendor/leaflet@1.9.4/../manifest.json", "../assets.py"):
        assert client.get(f"/maps/static/{bad}").status_code == 404


def test_maps_of_an_empty_database_still_render(engine: Any) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with _client(url) as c:
        for path in ("/maps/coverage", "/maps/markers", "/maps/progress"):
            r = c.get(path)
            assert r.status_code == 200, path
            assert "window.bordermap.ready = true" in r.text  # the page script is complete
            assert 'id="bm-banner"' not in r.text  # nothing synthetic to label
