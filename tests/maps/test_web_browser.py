"""The overview, the maps and the comparison in real headless Chromium, as people use them.

Each page opens in Vietnamese and in English, on a desktop (1440 x 900) and a phone
(390 x 844), on the full demo dataset with every request leaving loopback aborted. On
first load no panel may overlap another or a map control; on a phone every panel is
folded to a button, the map is almost all visible and every control is a 44 px target.
axe-core (vendored, tests/vendor/) must find no serious or critical violation.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from .conftest import ARTIFACTS, open_page
from .pagecheck import LAYOUT_JS, VENDOR, axe_violations, covered_share, overlaps, small_targets

pytestmark = [pytest.mark.db, pytest.mark.browser]

PAGES = {
    "overview": "/overview?as_of=2024-06-01",
    "coverage": "/maps/coverage?as_of=2024-06-01",
    "markers": "/maps/markers?as_of=2024-06-01",
    "progress": "/maps/progress?as_of=2024-06-01",
    "changes": "/maps/changes?from=2023-01-01&to=2024-06-01",
}
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
BANNER = {"vi": "DỮ LIỆU MÔ PHỎNG", "en": "SYNTHETIC DEMO DATA"}
TITLE = {"vi": "Tổng quan", "en": "Overview"}  # the first link of every page's top bar


def visit(browser: Any, url: str, size: str) -> tuple[Any, Any, Any, Any]:
    """Open ``url`` at ``size``; wait until a map has drawn its layers."""
    ctx, page, seen = open_page(browser, size=SIZES[size], phone=size == "phone")
    response = page.goto(url)
    if page.locator(".leaflet-container").count():
        page.wait_for_function("() => window.bordermap && window.bordermap.ready", timeout=30_000)
    page.wait_for_load_state("networkidle")
    return ctx, page, seen, response


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_page_in_each_language_and_size(
    live_server: str, browser: Any, name: str, lang: str, size: str
) -> None:
    ctx, page, seen, response = visit(browser, f"{live_server}{PAGES[name]}&lang={lang}", size)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-{lang}-{size}.png"))
        assert response.status == 200
        assert response.headers["content-language"] == lang
        assert page.evaluate("document.documentElement.lang") == lang
        assert BANNER[lang] in page.locator("#bm-banner").inner_text()
        assert page.locator(".bm-nav a").first.inner_text() == TITLE[lang]
        layout = page.evaluate(LAYOUT_JS)
        assert overlaps(layout) == [], "overlapping boxes on first load"
        if size == "phone":
            assert page.locator(".bm-panel.bm-open").count() == 0  # folded to buttons
            assert page.locator(".leaflet-control-layers-expanded").count() == 0
            assert covered_share(layout) < 0.15, "controls cover the map"
            assert small_targets(page) == []
        else:
            assert covered_share(layout) < 0.5
        assert axe_violations(page) == []
        assert seen.external == [], f"requests left the machine: {seen.external}"
        assert seen.errors == [], f"console errors: {seen.errors}"
    finally:
        ctx.close()


def test_filters_navigate_to_a_shareable_url(live_server: str, browser: Any) -> None:
    url = f"{live_server}/maps/coverage?as_of=2024-06-01&lang=vi"
    ctx, page, seen, _ = visit(browser, url, "desktop")
    try:
        page.select_option("#bm-f-province", label="Cao Bằng")
        page.check("input[name=kind][value=land]")
        with page.expect_navigation():
            page.click("#bm-controls form button[type=submit]")
        page.wait_for_function("() => window.bordermap && window.bordermap.ready", timeout=30_000)
        query = parse_qs(urlsplit(page.url).query)
        assert query["province"] == ["Cao Bằng"] and query["kind"] == ["land"]
        assert query["as_of"] == ["2024-06-01"] and query["lang"] == ["vi"]
        api = httpx.get(
            f"{live_server}/coverage/communes",
            params={"as_of": "2024-06-01", "province": "cao bang", "kind": "land"},
            timeout=60,
        ).json()
        assert page.locator("path.bm-commune").count() == len(api["items"]) > 0
        assert "Cao Bằng" in page.locator("#bm-summary").inner_text()
        # The same URL opened afresh shows the same view: the state is in the URL.
        again = httpx.get(page.url, timeout=60).text
        # (the panel's HTML sits in the page script as a JSON string: quotes escaped)
        assert 'value=\\"Cao Bằng\\" selected' in again
        assert 'value=\\"land\\" checked' in again
        # The year slider moves the date to the same day of that year.
        with page.expect_navigation():
            page.evaluate(
                "() => { const s = document.getElementById('bm-f-year'); s.value = '2012';"
                " s.dispatchEvent(new Event('change')); }"
            )
        assert parse_qs(urlsplit(page.url).query)["as_of"] == ["2012-06-01"]
        assert seen.external == [] and seen.errors == []
    finally:
        ctx.close()


def test_phone_panels_open_from_their_buttons(live_server: str, browser: Any) -> None:
    ctx, page, seen, _ = visit(browser, f"{live_server}/maps/progress?as_of=2024-06-01", "phone")
    try:
        zoom = page.evaluate("window.bordermap.map.getZoom()")
        for panel in ("#bm-summary", "#bm-legend", "#bm-chart", "#bm-controls"):
            button = page.locator(f"{panel} .bm-toggle")
            assert button.get_attribute("aria-expanded") == "false"
            button.tap()
            assert button.get_attribute("aria-expanded") == "true"
            assert page.locator(f"{panel} .bm-body").is_visible()
            page.screenshot(path=str(ARTIFACTS / f"page-progress-phone-{panel[4:]}.png"))
            assert axe_violations(page) == []
            button.tap()
            assert not page.locator(f"{panel} .bm-body").is_visible()
            # A tap on a panel's button never reaches the map (no double-tap zoom).
            assert page.evaluate("window.bordermap.map.getZoom()") == zoom, panel
        page.locator(".leaflet-control-layers-toggle").tap()
        assert page.locator(".leaflet-control-layers-expanded").count() == 1
        assert seen.errors == []
    finally:
        ctx.close()


def test_language_switch_and_overview_links(live_server: str, browser: Any) -> None:
    url = f"{live_server}/overview?as_of=2024-06-01&lang=vi"
    ctx, page, seen, _ = visit(browser, url, "desktop")
    try:
        assert page.evaluate("document.documentElement.lang") == "vi"
        with page.expect_navigation():
            page.click(".bm-langs a[hreflang=en]")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert "as_of=2024-06-01" in page.url
        # A province row opens the coverage map of that province, in English.
        with page.expect_navigation():
            page.click("#bm-provinces a >> nth=0")
        page.wait_for_function("() => window.bordermap && window.bordermap.ready", timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == "en"
        query = parse_qs(urlsplit(page.url).query)
        assert query["as_of"] == ["2024-06-01"] and query["province"]
        assert seen.external == [] and seen.errors == []
    finally:
        ctx.close()


def test_error_page_is_html_in_the_readers_language(live_server: str, browser: Any) -> None:
    ctx, page, seen, response = visit(
        browser, f"{live_server}/maps/markers?province=Atlantis&lang=vi", "phone"
    )
    try:
        assert response.status == 400
        assert page.locator("#bm-error").inner_text() == "Giá trị của “Tỉnh” không hợp lệ."
        assert axe_violations(page) == []
    finally:
        ctx.close()


def test_vendored_axe_matches_its_manifest() -> None:
    meta = json.loads((VENDOR / "manifest.json").read_text("utf-8"))["packages"]["axe-core"]
    folder = VENDOR / f"axe-core@{meta['version']}"
    assert {p.name for p in folder.iterdir()} == set(meta["files"])
    for name, digest in meta["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert re.match(r"/\*! axe v" + re.escape(meta["version"]), (folder / "axe.min.js").read_text())
