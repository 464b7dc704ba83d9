"""Benchmark the web maps on the full demo dataset: size, server time, time to first shape.

For each map (coverage of every border commune, coverage of one province, markers,
progress), against one uvicorn worker on loopback:

- ``html``/``gzip``: bytes of the page as served, uncompressed and gzip-encoded;
- ``cold``: server time (client wall time on loopback) for a page that is not in the map
  cache: each request asks for another ``as_of`` day, so every one is a cache miss with
  the same amount of data; median (and max) of ``--cold`` requests after one untimed
  request (the very first request of the process is reported apart as ``first``);
- ``cached``: the same page again (a cache hit, gzip accepted as browsers do): median and
  p95 of ``--cached`` requests;
- ``drawn``: in headless Debian Chromium (requests leaving loopback aborted), time from
  navigation start until the first data shape (a commune path, a marker cluster, a segment)
  is in the DOM and two animation frames have passed (it has been painted); median of
  ``--loads`` loads, each in a fresh browser context. ``main thread`` is the renderer's
  busy time until then (CDP ``TaskDuration``): less sensitive to a busy machine than
  wall time, since everything here shares the same cores.

Targets (issue 5): coverage map <= 1.5 MB, <= 300 ms cold, <= 20 ms cached, drawn <= 1 s.
Database: as in ``bench_api`` (``--database-url``; else the configured one if it has the
demo data; else a throwaway demo database). Results: printed, and
``bench/results/maps-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench import save_results
from bench.bench_api import _libpq_url, database, serve

log = logging.getLogger("bench.maps")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_DAY = dt.date(2024, 6, 1)  # pre-2025 units: every border commune of the old era
TARGETS = {"html_mb": 1.5, "cold_ms": 300.0, "cached_ms": 20.0, "drawn_ms": 1000.0}


@dataclass(frozen=True)
class Case:
    """One map with its filters and the selector of its first data shape."""

    name: str
    path: str
    query: str
    first_shape: str


CASES = (
    Case("coverage (all border communes)", "/maps/coverage", "", "path.bm-commune"),
    Case("coverage (province 02)", "/maps/coverage", "province=02", "path.bm-commune"),
    Case("markers", "/maps/markers", "", ".marker-cluster"),
    Case("progress", "/maps/progress", "", "path.bm-segment"),
)

# Installed before any page script: note when the first data shape appears, then when it
# has been painted (two animation frames later).
FIRST_SHAPE_JS = """
window.__bm = {inserted: null, painted: null};
new MutationObserver(function (records, observer) {
    if (window.__bm.inserted === null && document.querySelector(%s)) {
        window.__bm.inserted = performance.now();
        observer.disconnect();
        requestAnimationFrame(function () {
            requestAnimationFrame(function () { window.__bm.painted = performance.now(); });
        });
    }
}).observe(document, {childList: true, subtree: true});
"""


@dataclass
class Result:
    """Measurements of one case."""

    name: str
    html_bytes: int
    gzip_bytes: int
    first_ms: float
    cold_ms: float
    cold_max_ms: float
    cached_ms: float
    cached_p95_ms: float
    drawn_ms: float | None
    inserted_ms: float | None
    main_thread_ms: float | None
    shapes: int | None


def _url(base: str, case: Case, day: dt.date) -> str:
    query = "&".join(q for q in (f"as_of={day.isoformat()}", case.query) if q)
    return f"{base}{case.path}?{query}"


def _timed(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    r = client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    return elapsed, r


def server_times(
    base: str, case: Case, index: int, cold: int, cached: int
) -> tuple[float, list[float], list[float], int, int]:
    """(first, cold times, cached times, html bytes, gzip bytes) of one case."""
    # Each case gets its own run of days: no request of one case is cached for another.
    days = [BASE_DAY + dt.timedelta(days=1 + index * 100 + i) for i in range(cold + 2)]
    with httpx.Client(timeout=120, headers={"Accept-Encoding": "gzip"}) as c:
        first, _ = _timed(c, _url(base, case, days[0]))
        _timed(c, _url(base, case, days[1]))  # untimed: connection and plans warm
        colds = [_timed(c, _url(base, case, d))[0] for d in days[2:]]
        page = _url(base, case, BASE_DAY)
        _, r = _timed(c, page)
        cached_times = [_timed(c, page)[0] for _ in range(cached)]
        zipped = r.num_bytes_downloaded  # as sent: gzip-encoded
    with httpx.Client(timeout=120, headers={"Accept-Encoding": "identity"}) as c:
        html = c.get(page).content
    return first, colds, cached_times, len(html), zipped


def drawn_times(
    base: str, case: Case, loads: int
) -> tuple[list[float], list[float], list[float], int]:
    """(painted, inserted, main-thread ms, shapes in the DOM) of ``loads`` fresh loads."""
    from playwright.sync_api import sync_playwright

    painted: list[float] = []
    inserted: list[float] = []
    busy: list[float] = []
    shapes = 0
    url = _url(base, case, BASE_DAY)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.route(
                    "**/*",
                    lambda r: (
                        r.continue_()
                        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost")
                        or urlsplit(r.request.url).scheme in ("data", "blob")
                        else r.abort()
                    ),
                )
                page = ctx.new_page()
                cdp = ctx.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.add_init_script(FIRST_SHAPE_JS % json.dumps(case.first_shape))
                page.goto(url)
                page.wait_for_function("window.__bm && window.__bm.painted !== null")
                metrics = cdp.send("Performance.getMetrics")["metrics"]
                busy.append(1000 * next(m["value"] for m in metrics if m["name"] == "TaskDuration"))
                bm = page.evaluate("window.__bm")
                painted.append(bm["painted"])
                inserted.append(bm["inserted"])
                page.wait_for_function("window.bordermap && window.bordermap.ready")
                shapes = page.locator(case.first_shape).count()
                ctx.close()
        finally:
            browser.close()
    return painted, inserted, busy, shapes


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start a server on the demo database and measure every case."""
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results: list[Result] = []
    with (
        database(args.database_url, args.throwaway) as url,
        serve(
            "bordermap",
            ["--factory", "service.web.app:create_app"],
            {"BORDERMAP_DATABASE_URL": _libpq_url(url)},
            "/healthz",
        ) as base,
    ):
        for i, case in enumerate(CASES):
            log.info("measuring %s", case.name)
            first, colds, cached, html, zipped = server_times(base, case, i, args.cold, args.cached)
            painted: list[float] = []
            inserted: list[float] = []
            busy: list[float] = []
            shapes = None
            if not args.no_browser:
                painted, inserted, busy, shapes = drawn_times(base, case, args.loads)
            results.append(
                Result(
                    name=case.name,
                    html_bytes=html,
                    gzip_bytes=zipped,
                    first_ms=round(first, 1),
                    cold_ms=round(statistics.median(colds), 1),
                    cold_max_ms=round(max(colds), 1),
                    cached_ms=round(statistics.median(cached), 2),
                    cached_p95_ms=round(_p95(cached), 2),
                    drawn_ms=round(statistics.median(painted), 1) if painted else None,
                    inserted_ms=round(statistics.median(inserted), 1) if inserted else None,
                    main_thread_ms=round(statistics.median(busy), 1) if busy else None,
                    shapes=shapes,
                )
            )
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "load_before": load_before,
        "targets": TARGETS,
        "settings": vars(args),
        "results": [asdict(r) for r in results],
    }


def table(report: dict[str, Any]) -> str:
    """The results as a Markdown table, with the coverage targets checked."""
    lines = [
        "| map | HTML | gzip | first request | cold (median / max) | cached (median / p95)"
        " | first shape drawn | main thread | shapes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        drawn = "n/a" if r["drawn_ms"] is None else f"{r['drawn_ms']:.0f} ms"
        busy = "n/a" if r["main_thread_ms"] is None else f"{r['main_thread_ms']:.0f} ms"
        lines.append(
            f"| {r['name']} | {r['html_bytes'] / 1e6:.2f} MB | {r['gzip_bytes'] / 1e3:.0f} kB"
            f" | {r['first_ms']:.0f} ms | {r['cold_ms']:.0f} / {r['cold_max_ms']:.0f} ms"
            f" | {r['cached_ms']:.1f} / {r['cached_p95_ms']:.1f} ms | {drawn} | {busy}"
            f" | {r['shapes'] if r['shapes'] is not None else 'n/a'} |"
        )
    cov = report["results"][0]
    checks = [
        ("HTML <= 1.5 MB", cov["html_bytes"] / 1e6 <= TARGETS["html_mb"]),
        ("cold <= 300 ms", cov["cold_ms"] <= TARGETS["cold_ms"]),
        ("cached <= 20 ms", cov["cached_ms"] <= TARGETS["cached_ms"]),
        (
            "drawn <= 1 s",
            cov["drawn_ms"] is not None and cov["drawn_ms"] <= TARGETS["drawn_ms"],
        ),
    ]
    lines.append("")
    lines.append(f"Load average before the run: {report['load_before']}")
    lines.append(
        "Coverage map targets: "
        + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks)
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the maps benchmark and write ``bench/results/maps-<time>.{json,md}``."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_maps", description=__doc__)
    parser.add_argument("--database-url", help="database with the demo data")
    parser.add_argument("--throwaway", action="store_true", help="build a throwaway demo DB")
    parser.add_argument("--cold", type=int, default=7, help="cache-miss requests per map")
    parser.add_argument("--cached", type=int, default=50, help="cache-hit requests per map")
    parser.add_argument("--loads", type=int, default=5, help="browser loads per map")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = run(args)
    md = table(report)
    written = save_results("maps", report, md)
    print(md)
    print(f"\nwritten: {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
