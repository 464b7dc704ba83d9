"""The communes map: embedded for a province, vector tiles for the nation, drawn in Chromium.

The national map of all 10,040 pre-2025 communes is above the threshold, so its page
carries a tile URL instead of the polygons; headless Chromium (nothing leaves loopback)
fetches the tiles from the live server and draws the communes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maps.assets import Assets
from maps.base import Basemap
from maps.communes import communes_map

from .test_browser import clean, load

pytestmark = [pytest.mark.db, pytest.mark.browser]

AS_OF = "2024-06-01"  # pre-2025: 10,040 communes


def test_national_map_is_drawn_from_tiles(live_server: str, browser: Any) -> None:
    url = f"{live_server}/maps/communes?as_of={AS_OF}"
    html = httpx.get(url, timeout=120).text
    assert len(html.encode()) < 400_000  # the polygons are not in the page
    assert "/collections/communes/tiles/WebMercatorQuad/{z}/{x}/{y}?as_of=2024-06-01" in html
    ctx, page, visit = load(browser, url, "communes-tiles")
    try:
        # VectorGrid draws each tile as an SVG once its MVT is fetched and decoded.
        page.wait_for_function(
            "document.querySelectorAll('.leaflet-tile path').length > 1000", timeout=60_000
        )
        assert page.locator("#bm-drawn[data-tiled=true]").count() == 1
        legend = page.eval_on_selector_all(
            "#bm-legend-table tr[data-class]",
            "rows => rows.map(r => r.querySelector('td.n').textContent)",
        )
        assert sum(int(n) for n in legend) == 10_040
        tiles = [u for u in visit.requests if "/collections/communes/tiles/" in u]
        assert tiles and all("as_of=2024-06-01" in u for u in tiles)
        clean(visit)
    finally:
        ctx.close()


def test_province_map_embeds_its_communes(live_server: str, browser: Any) -> None:
    url = f"{live_server}/maps/communes?as_of={AS_OF}&province=02"
    html = httpx.get(url, timeout=120).text
    assert "/collections/communes/tiles/" not in html
    ctx, page, visit = load(browser, url, "communes-embedded")
    try:
        drawn = page.locator("path.bm-commune").count()
        legend = page.eval_on_selector_all(
            "#bm-legend-table tr[data-class]",
            "rows => rows.map(r => r.querySelector('td.n').textContent)",
        )
        assert drawn == sum(int(n) for n in legend) > 50
        assert page.locator("#bm-drawn[data-tiled=false]").count() == 1
        clean(visit)
    finally:
        ctx.close()


def test_builder_needs_data_or_tiles() -> None:
    with pytest.raises(ValueError, match="tile URL"):
        communes_map(
            None,
            counts={},
            era="pre2025",
            tile_url=None,
            bounds=None,
            synthetic=False,
            basemap=Basemap(),
            assets=Assets.served(),
        )
