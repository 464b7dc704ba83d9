"""What a page must pass in the browser: layout on first load, touch targets, axe-core.

Used by tests/maps/test_web_browser.py on every map and page, in both languages and at a
desktop and a phone size.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parents[1] / "vendor"
AXE = "axe-core"

# Everything that floats over the map or stands above it: none may overlap another.
LAYOUT_JS = """
() => {
    const sel = [".bm-top", "#bm-banner", ".bm-panel", ".leaflet-control-zoom",
                 ".leaflet-control-layers", ".leaflet-control-scale",
                 ".leaflet-control-attribution"];
    const out = [];
    for (const s of sel) {
        document.querySelectorAll(s).forEach((el, i) => {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0) {
                out.push({name: (el.id ? "#" + el.id : s) + (i ? "[" + i + "]" : ""),
                          x: r.left, y: r.top, w: r.width, h: r.height});
            }
        });
    }
    const map = document.querySelector(".leaflet-container");
    const m = map ? map.getBoundingClientRect() : null;
    return {boxes: out, map: m && {x: m.left, y: m.top, w: m.width, h: m.height},
            vw: window.innerWidth, vh: window.innerHeight};
}
"""

# Controls a finger must hit: at least 44 x 44 CSS px on a phone.
TARGETS_JS = """
() => {
    const sel = [".bm-toggle", ".leaflet-control-zoom a", ".leaflet-control-layers-toggle",
                 ".bm-top a", "main a", "main button", "main input", "main select"];
    const out = [];
    for (const s of sel) {
        document.querySelectorAll(s).forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0) {
                out.push({what: s + " " + (el.textContent || el.getAttribute("aria-label")
                          || el.name || "").trim().slice(0, 30), w: r.width, h: r.height});
            }
        });
    }
    return out;
}
"""


def overlaps(layout: dict[str, Any]) -> list[str]:
    """Pairs of boxes that overlap (touching edges is fine) or leave the viewport."""
    boxes = layout["boxes"]
    bad = []
    for i, a in enumerate(boxes):
        if a["x"] < -0.5 or a["y"] < -0.5 or a["x"] + a["w"] > layout["vw"] + 0.5:
            bad.append(f"{a['name']} leaves the viewport: {a}")
        for b in boxes[i + 1 :]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > 0.5 and dy > 0.5:
                bad.append(f"{a['name']} overlaps {b['name']} ({dx:.0f} x {dy:.0f} px)")
    return bad


def covered_share(layout: dict[str, Any]) -> float:
    """Share of the map's area under controls and panels (first load)."""
    m = layout["map"]
    if not m:
        return 0.0
    area = 0.0
    for b in layout["boxes"]:
        dx = min(m["x"] + m["w"], b["x"] + b["w"]) - max(m["x"], b["x"])
        dy = min(m["y"] + m["h"], b["y"] + b["h"]) - max(m["y"], b["y"])
        if dx > 0 and dy > 0:
            area += dx * dy
    return area / (m["w"] * m["h"])


def small_targets(page: Any, minimum: float = 44.0) -> list[str]:
    """Touch targets smaller than ``minimum`` in either dimension."""
    return [
        f"{t['what']!r} is {t['w']:.0f} x {t['h']:.0f}"
        for t in page.evaluate(TARGETS_JS)
        if t["w"] < minimum - 0.5 or t["h"] < minimum - 0.5
    ]


@cache
def axe_source() -> str:
    """The vendored axe-core script (its sha256 is checked by a test)."""
    meta = json.loads((VENDOR / "manifest.json").read_text("utf-8"))["packages"][AXE]
    return (VENDOR / f"{AXE}@{meta['version']}" / "axe.min.js").read_text("utf-8")


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of ``impacts`` on the page as it is now, one line each."""
    # Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') refuses an
    # injected inline <script>, as it should.
    page.evaluate(axe_source() + "\n;0")
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: '"
        " + (n.failureSummary || '').slice(0, 160))})); }"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} -> {v['nodes']}"
        for v in result
        if v["impact"] in impacts
    ]
