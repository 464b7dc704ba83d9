"""The markers map's border posts and gates layers (off until switched on)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import ARTIFACTS
from .test_browser import clean, load

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_gates_and_posts_layers(live_server: str, browser: Any) -> None:
    gates = httpx.get(f"{live_server}/collections/border_gates/items", timeout=60).json()
    posts = httpx.get(
        f"{live_server}/collections/border_posts/items?era=pre2025&limit=10000", timeout=60
    ).json()
    ctx, page, visit = load(browser, f"{live_server}/maps/markers?as_of=2011-12-31", "places")
    try:
        icons = page.locator(".leaflet-marker-pane img.leaflet-marker-icon")
        assert icons.count() == 0  # both layers start hidden
        page.get_by_text(f"Border gates ({gates['numberMatched']})").click()
        page.wait_for_function("document.querySelectorAll('.leaflet-marker-pane img').length > 0")
        assert icons.count() == gates["numberMatched"]
        page.get_by_text(f"Border posts ({posts['numberMatched']})").click()
        page.wait_for_function(
            f"document.querySelectorAll('.leaflet-marker-pane img').length >"
            f" {gates['numberMatched']}"
        )
        assert icons.count() == gates["numberMatched"] + posts["numberMatched"]
        page.screenshot(path=str(ARTIFACTS / "map-markers-posts-gates.png"))
        clean(visit)
    finally:
        ctx.close()
