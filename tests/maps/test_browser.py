"""The maps in real headless Chromium, on the full demo dataset, with the internet cut off.

Every request that leaves loopback is aborted and recorded; a map passes when it draws
(Leaflet container, one shape per border commune the coverage API lists, clusters),
logs no console error, asks no external host, and shows the API's numbers. Screenshots
go to test-artifacts/ (not committed).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from maps import style
from service.commands.main import build_parser
from service.settings import Settings

from .conftest import ARTIFACTS, open_page

pytestmark = [pytest.mark.db, pytest.mark.browser]

AS_OF = "2024-06-01"


def load(browser: Any, url: str, shot: str, *, offline: bool = False) -> tuple[Any, Any, Any]:
    ctx, page, visit = open_page(browser, offline=offline)
    page.goto(url)
    page.wait_for_function("window.bordermap && window.bordermap.ready", timeout=30_000)
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{shot}.png"))
    assert page.locator(".leaflet-container").count() == 1
    return ctx, page, visit


def clean(visit: Any) -> None:
    assert visit.external == [], f"requests left the machine: {visit.external}"
    assert visit.errors == [], f"console errors: {visit.errors}"


def table(page: Any, selector: str, attr: str) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all(
            f"{selector} tr[{attr}]",
            f"rows => rows.map(r => [r.getAttribute('{attr}'), "
            "(r.querySelector('td.n') || {}).textContent])",
        )
    )


# The tooltip each commune shows: the layer's tooltip content function applied to it.
TOOLTIPS_JS = """
() => {
    const out = {};
    for (const key of ["communes_land", "communes_coastal"]) {
        const layer = window.bordermap.layers[key], content = layer.getTooltip().getContent();
        layer.eachLayer(l => { out[l.feature.properties.code] = content(l); });
    }
    return out;
}
"""


@pytest.mark.parametrize(
    ("query", "shot"),
    [(f"as_of={AS_OF}", "coverage"), ("as_of=2025-08-01&province=08", "coverage-08-post2025")],
)
def test_coverage_map_draws_every_border_commune_with_the_api_figures(
    live_server: str, browser: Any, query: str, shot: str
) -> None:
    api = httpx.get(f"{live_server}/coverage/communes?{query}", timeout=60).json()
    items = api["items"]
    assert items, "the demo dataset has border communes"
    ctx, page, visit = load(browser, f"{live_server}/maps/coverage?{query}", shot)
    try:
        assert page.locator("path.bm-commune").count() == len(items)
        assert page.locator("path.bm-provinces").count() >= 1
        assert page.locator("#bm-banner").is_visible()  # the demo data is synthetic
        # Summary panel = the API's totals for the same filters.
        summary = table(page, "#bm-summary-table", "data-key")
        for key in ("communes", "land_communes", "coastal_communes", "covered", "uncovered"):
            assert summary[key] == str(api["totals"][key]), key
        assert summary["officers"] == str(api["totals"]["officers"])
        # Legend = communes per class, from the API's per-commune officer counts.
        legend = table(page, "#bm-legend-table", "data-class")
        expected = Counter(style.coverage_class(i["officers"]).key for i in items)
        assert {k: int(v) for k, v in legend.items()} == {
            c.key: expected.get(c.key, 0) for c in style.COVERAGE_CLASSES
        }
        # Every tooltip: name, code, officers and officers by role as the API says.
        tips = page.evaluate(TOOLTIPS_JS)
        assert set(tips) == {i["code"] for i in items}
        for item in items:
            tip = tips[item["code"]]
            assert escape(item["name"]).replace("&#x27;", "&#39;") in tip
            assert f"Officers</td><td class='n'>{item['officers']}<" in tip
            for role, n in item["officers_by_role"].items():
                assert f"{style.role_label(role)}</td><td class='n'>{n}<" in tip
            assert ("<b>Uncovered</b>" in tip) == (item["officers"] == 0)
        # A real hover shows that commune's tooltip.
        path = page.locator("path.bm-commune").first
        box = path.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.wait_for_selector(".leaflet-tooltip", timeout=5_000).inner_text()
        assert "Officers" in tip and re.search(r"\d{5}", tip)
        clean(visit)
    finally:
        ctx.close()


def test_markers_map_clusters_every_marker(live_server: str, browser: Any) -> None:
    borders = httpx.get(f"{live_server}/progress/borders?as_of={AS_OF}", timeout=60).json()
    segments = httpx.get(f"{live_server}/progress/segments?as_of={AS_OF}", timeout=60).json()
    total = sum(b["markers_total"] for b in borders["items"])
    assert total > 5000
    ctx, page, visit = load(browser, f"{live_server}/maps/markers?as_of={AS_OF}", "markers")
    try:
        assert page.evaluate("window.bordermap.layers.markers.getLayers().length") == total
        clusters = page.locator(".marker-cluster")
        assert 0 < clusters.count() < 200  # clustered, not 5,000 DOM nodes
        shown = sum(int(t) for t in page.locator(".marker-cluster b").all_inner_texts())
        assert 0 < shown <= total
        assert page.locator("path.bm-segment").count() == len(segments["items"])
        assert table(page, "#bm-legend-table", "data-status")["total"] == str(total)
        # Zoom until the first marker stands alone, then click it for real.
        point = page.evaluate(
            """async () => {
                const g = window.bordermap.layers.markers, m = g.getLayers()[0];
                await new Promise(done => g.zoomToShowLayer(m, done));
                const p = window.bordermap.map.latLngToContainerPoint(m.getLatLng());
                const r = window.bordermap.map.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }"""
        )
        page.mouse.click(point[0], point[1])
        popup = page.wait_for_selector(".leaflet-popup-content", timeout=5_000).inner_text()
        assert "Marker " in popup and "Status:" in popup
        assert re.search(r"\d{4}-\d{2}-\d{2}", popup)  # the status history
        page.wait_for_timeout(400)  # the popup fades in
        page.screenshot(path=str(ARTIFACTS / "map-markers-popup.png"))
        clean(visit)
    finally:
        ctx.close()


def test_progress_map_has_segments_and_charts(live_server: str, browser: Any) -> None:
    segments = httpx.get(f"{live_server}/progress/segments?as_of={AS_OF}", timeout=60).json()
    ctx, page, visit = load(browser, f"{live_server}/maps/progress?as_of={AS_OF}", "progress")
    try:
        assert page.locator("path.bm-segment").count() == len(segments["items"])
        bars = dict(
            page.eval_on_selector_all(
                "#bm-chart g.bm-bar",
                "gs => gs.map(g => [g.dataset.label, g.dataset.pct])",
            )
        )
        assert bars == {
            s["segment_code"]: "" if s["pct_km"] is None else str(s["pct_km"])
            for s in segments["items"]
        }
        assert page.locator("#bm-chart g.bm-year").count() > 5
        clean(visit)
    finally:
        ctx.close()


def test_rendered_maps_name_no_external_host(live_server: str) -> None:
    own = urlsplit(live_server).netloc
    for path in (
        f"/maps/coverage?as_of={AS_OF}",
        "/maps/coverage?as_of=2025-08-01&province=08",
        f"/maps/markers?as_of={AS_OF}",
        f"/maps/progress?as_of={AS_OF}&border=KH",
    ):
        html = httpx.get(f"{live_server}{path}", timeout=60).text
        hosts = set(re.findall(r"(?:https?:)?//([A-Za-z0-9.-]+(?::\d+)?)", html)) - {own}
        assert hosts == set(), f"{path} names {hosts}"


def test_self_contained_file_opens_with_the_network_off(
    demo_db_url: str, browser: Any, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.html"
    parser, handlers = build_parser()
    args = parser.parse_args(
        ["map", "coverage", "-o", str(out), "--as-of", AS_OF, "--self-contained"]
    )
    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    assert handlers["map"](args, settings) == 0
    assert not (tmp_path / "coverage_files").exists()
    ctx, page, visit = load(browser, out.as_uri(), "coverage-self-contained", offline=True)
    try:
        assert page.locator("path.bm-commune").count() > 1000
        assert {urlsplit(u).scheme for u in visit.requests} <= {"file", "data"}
        assert [u for u in visit.requests if u.startswith("file:")] == [out.as_uri()]
        clean(visit)
    finally:
        ctx.close()


def test_cli_map_links_a_copy_of_the_assets(demo_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "progress.html"
    parser, handlers = build_parser()
    args = parser.parse_args(["map", "progress", "-o", str(out), "--border", "CN"])
    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    assert handlers["map"](args, settings) == 0
    html = out.read_text("utf-8")
    linked = re.findall(r'(?:src|href)="(progress_files/[^"]+)"', html)
    assert linked and all((tmp_path / p).is_file() for p in linked)
    bad = parser.parse_args(["map", "coverage", "-o", str(out), "--province", "99"])
    assert handlers["map"](bad, settings) == 2
