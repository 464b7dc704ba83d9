"""The search box and an editor's form in real headless Chromium, with axe-core.

On a demo database of its own (the form writes): an editor signs in, types a marker label
into the search box, opens "Record a status event" from the result, sends the form once
with a date in the future (the error shows next to the date, in Vietnamese) and then
correctly. axe-core (vendored by the webapp tests) must find no serious or critical
violation on the search page and the form, on a desktop and a phone. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text

from ..auth.conftest import make_user
from ..auth.test_signin import PASSWORD
from ..conftest import drop_database, migrated_database, serve
from .conftest import ARTIFACTS, open_page
from .pagecheck import axe_violations

pytestmark = [pytest.mark.db, pytest.mark.browser]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def forms_server(server_url: str) -> Iterator[tuple[str, str]]:
    """(base URL, database URL): the app on a fresh demo database with an editor ``lan``."""
    from service.demo import build_demo

    url = migrated_database(server_url, "bordermap_test_forms")
    eng = create_engine(url)
    build_demo(eng)
    with eng.begin() as c:
        make_user(c, "lan", "editor", password=PASSWORD)
    eng.dispose()
    try:
        with serve(url) as base:
            yield base, url
    finally:
        drop_database(server_url, url)


def sign_in(page: Any, base: str, next_path: str) -> None:
    page.goto(f"{base}/login?{urlencode({'next': next_path})}")
    page.fill("input[name=name]", "lan")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action^='/login'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", SIZES)
def test_search_box_then_status_event_form(
    forms_server: tuple[str, str], browser: Any, size: str
) -> None:
    base, url = forms_server
    ctx, page, seen = open_page(browser, size=SIZES[size], phone=size == "phone")
    day = {"desktop": "2025-02-03", "phone": "2025-02-04"}[size]
    try:
        sign_in(page, base, "/search?lang=vi")  # the browser asks for English otherwise
        assert page.url.endswith("/search?lang=vi")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert axe_violations(page) == []

        page.get_by_label("Tìm tỉnh, xã, mốc hoặc cán bộ").fill("1369(2)")
        page.get_by_role("button", name="Tìm kiếm").click()
        page.wait_for_load_state("networkidle")
        first = page.locator("li.bm-hit").first
        assert first.get_attribute("data-kind") == "marker"
        assert first.locator("h3").inner_text() == "1369(2)"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-results-{size}.png"), full_page=True)
        assert axe_violations(page) == []

        first.get_by_role("link", name="Ghi trạng thái mốc").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("h2").first.inner_text() == "Ghi trạng thái mốc"
        assert axe_violations(page) == []

        page.get_by_label("Tình trạng").select_option("damaged")
        page.get_by_label("Ngày").fill((dt.date.today() + dt.timedelta(days=3)).isoformat())
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_load_state("networkidle")
        error = page.locator("#date-error")
        assert error.inner_text() == "Ngày này ở tương lai."
        assert page.get_by_label("Ngày").get_attribute("aria-invalid") == "true"
        page.screenshot(path=str(ARTIFACTS / f"form-error-{size}.png"), full_page=True)
        assert axe_violations(page) == []

        page.get_by_label("Ngày").fill(day)
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#bm-done").inner_text().strip() == "Đã ghi trạng thái mốc."
        page.screenshot(path=str(ARTIFACTS / f"form-done-{size}.png"), full_page=True)
        assert axe_violations(page) == []
        assert seen.external == []
        # the refused form is a 400 page, which Chromium logs; nothing else may fail
        assert [e for e in seen.errors if "status of 400" not in e] == []
        eng = create_engine(url)
        with eng.connect() as c:
            written = c.execute(
                text(
                    "SELECT count(*) FROM marker_event e JOIN marker m ON m.id = e.marker_id"
                    " WHERE m.label = '1369(2)' AND e.status = 'damaged' AND e.event_date = :d"
                ),
                {"d": dt.date.fromisoformat(day)},
            ).scalar_one()
        eng.dispose()
        assert written == 1
    finally:
        ctx.close()
