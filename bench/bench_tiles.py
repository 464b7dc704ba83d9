"""Benchmark vector tiles: BorderMap against tipg, side by side, on the same demo database.

Both serve ``/collections/{id}/tiles/WebMercatorQuad/{z}/{x}/{y}`` from PostGIS
(``ST_AsMVT``) under uvicorn with one worker on loopback. The tile list is fixed by the
data: 10 points along each border line (5 %, 15 %, ... 95 % of its length), and the tile
holding each point at every zoom from 6 to 12 (duplicates removed). Each case cycles
through that list from 4 client threads:

- ``<layer>``: every tile fetched in full (no cache on either side);
- ``<layer> 304``: BorderMap with the tile's ETag in ``If-None-Match`` (tipg sends no
  ETag, so it has no such row; its ``Cache-Control: max-age`` is for clients, not a check).

Layers: communes (both eras, 13,361 polygons), markers (5,020 points; BorderMap also works
out each marker's status today from its history, tipg sends the table's columns),
border_segments. tipg is asked for the same table columns (``properties=``) where it has
them. Rounds alternate the servers, as in ``bench_api``. Results go to
``bench/results/tiles-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import os
import sys
import threading
from dataclasses import asdict

import httpx
from sqlalchemy import create_engine, text

from bench import save_results
from bench.bench_api import (
    Raw,
    Request,
    Stats,
    _libpq_url,
    database,
    run_batch,
    serve,
    summarise,
)
from service.ogc.tiles import TILE_LAYERS, tile_of

log = logging.getLogger("bench.tiles")
ZOOMS = range(6, 13)
TIPG_TABLES = {"communes": "commune", "markers": "marker", "border_segments": "border_segment"}
# The layer's properties that are plain columns of the table (what tipg can send).
TIPG_PROPS = {
    "communes": "code,name,unit_type,era,province_code,is_land_border,is_coastal,geom_source,synthetic",
    "markers": "label,number,border_code,marker_class,synthetic",
    "border_segments": "code,border_code,era,province_code,demarcated,synthetic",
}


def tile_list(url: str) -> list[tuple[int, int, int]]:
    """The fixed tiles: along every border line, zooms 6-12 (see the module docstring)."""
    eng = create_engine(url)
    with eng.connect() as c:
        points = c.execute(
            text(
                "SELECT ST_X(p), ST_Y(p) FROM border b, generate_series(0.05, 0.95, 0.1) f,"
                " LATERAL (SELECT ST_LineInterpolatePoint(ST_LineMerge(b.geom), f) AS p) s"
                " WHERE GeometryType(ST_LineMerge(b.geom)) = 'LINESTRING'"
                " UNION ALL"
                # A border that is several lines: points on its longest one.
                " SELECT ST_X(p), ST_Y(p) FROM border b, generate_series(0.05, 0.95, 0.1) f,"
                " LATERAL (SELECT (SELECT d.geom FROM ST_Dump(ST_LineMerge(b.geom)) d"
                "   ORDER BY ST_Length(d.geom) DESC LIMIT 1) AS l) m,"
                " LATERAL (SELECT ST_LineInterpolatePoint(m.l, f) AS p) s"
                " WHERE GeometryType(ST_LineMerge(b.geom)) = 'MULTILINESTRING'"
                " ORDER BY 1, 2"
            )
        ).all()
    eng.dispose()
    tiles = {(z, *tile_of(float(x), float(y), z)) for x, y in points for z in ZOOMS}
    return sorted(tiles)


def _etag(url: str) -> str:
    r = httpx.get(url, timeout=120)
    if r.status_code != 200 or "etag" not in r.headers:
        raise RuntimeError(f"{url}: {r.status_code}, no ETag: {r.text[:500]}")
    return r.headers["etag"]


def cycling(urls: list[str], headers: list[dict[str, str]] | None = None) -> Request:
    """A request that takes the next URL of ``urls`` each time (thread-safe)."""
    counter = itertools.count()
    lock = threading.Lock()

    def run(c: httpx.Client) -> tuple[int, int, int]:
        with lock:
            i = next(counter) % len(urls)
        r = c.get(urls[i], headers=headers[i] if headers else None)
        return r.status_code, len(r.content), 0

    return run


def run(args: argparse.Namespace) -> dict[str, object]:
    """Serve both, fetch the tile list from each, and return the results."""
    results: list[Stats] = []
    with database(args.database_url, args.throwaway) as url:
        tiles = tile_list(url)
        log.info("%d tiles at zooms %d-%d", len(tiles), ZOOMS[0], ZOOMS[-1])
        tipg_env = {
            "DATABASE_URL": _libpq_url(url),
            "TIPG_DB_SCHEMAS": '["public"]',
            "TIPG_MAX_FEATURES_PER_TILE": "100000",
            "TIPG_DEBUG": "false",
        }
        bm_env = {"BORDERMAP_DATABASE_URL": url}
        with (
            serve(
                "bordermap", ["--factory", "service.web.app:create_app"], bm_env, "/healthz"
            ) as bm,
            serve("tipg", ["tipg.main:app"], tipg_env, "/collections") as tp,
        ):
            cases: list[tuple[str, str, Request]] = []
            for layer in TILE_LAYERS:
                bm_urls = [
                    f"{bm}/collections/{layer}/tiles/WebMercatorQuad/{z}/{x}/{y}"
                    for z, x, y in tiles
                ]
                tp_urls = [
                    f"{tp}/collections/public.{TIPG_TABLES[layer]}/tiles/WebMercatorQuad/"
                    f"{z}/{x}/{y}?properties={TIPG_PROPS[layer]}"
                    for z, x, y in tiles
                ]
                tags = [
                    {"If-None-Match": httpx.get(u, timeout=120).headers["etag"]} for u in bm_urls
                ]
                cases += [
                    (layer, "bordermap", cycling(bm_urls)),
                    (layer, "tipg", cycling(tp_urls)),
                    (f"{layer} 304", "bordermap", cycling(bm_urls, tags)),
                ]
            raws = {(case, server): Raw() for case, server, _ in cases}
            for rnd in range(args.rounds):
                for case, server, request in cases:
                    run_batch(
                        request,
                        n=max(1, -(-args.requests // args.rounds)),
                        concurrency=args.concurrency,
                        warmup=min(20, len(tiles)) if rnd == 0 else 0,
                        into=raws[(case, server)],
                    )
            for (case, server), raw in raws.items():
                stats = summarise(server, case, raw)
                log.info(
                    "%-22s %-9s %7.1f req/s p50 %7.2f ms p99 %7.2f ms %8.0f B %s",
                    case,
                    server,
                    stats.rps,
                    stats.p50_ms,
                    stats.p99_ms,
                    stats.bytes_per_request,
                    stats.statuses,
                )
                results.append(stats)
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {
            "requests": args.requests,
            "rounds": args.rounds,
            "concurrency": args.concurrency,
            "tiles": len(tiles),
            "zooms": [ZOOMS[0], ZOOMS[-1]],
            "workers": 1,
        },
        "host": {"cpus": os.cpu_count(), "load": os.getloadavg(), "python": sys.version.split()[0]},
        "results": [asdict(s) for s in results],
    }


def table(report: dict[str, object]) -> str:
    """A Markdown table: one row per case, BorderMap next to tipg."""
    rows: list[dict] = report["results"]  # type: ignore[assignment]
    by = {(r["case"], r["server"]): r for r in rows}
    lines = [
        "| tiles | BorderMap req/s | p50 ms | p99 ms | kB/tile | tipg req/s | p50 ms | p99 ms"
        " | kB/tile | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in dict.fromkeys(r["case"] for r in rows):
        b, t = by.get((case, "bordermap")), by.get((case.removesuffix(" 304"), "tipg"))
        cells = [case]
        cells += (
            [
                f"{b['rps']}",
                f"{b['p50_ms']}",
                f"{b['p99_ms']}",
                f"{b['bytes_per_request'] / 1000:.1f}",
            ]
            if b
            else ["—"] * 4
        )
        cells += (
            [
                f"{t['rps']}",
                f"{t['p50_ms']}",
                f"{t['p99_ms']}",
                f"{t['bytes_per_request'] / 1000:.1f}",
            ]
            if t
            else ["—"] * 4
        )
        cells.append(f"{b['rps'] / t['rps']:.2f}×" if b and t else "—")
        lines.append("| " + " | ".join(cells) + " |")
    settings = report["settings"]
    load = report["host"]["load"]  # type: ignore[index]
    lines += [
        "",
        f"{settings['tiles']} tiles (zooms 6-12 along the borders), {settings['requests']}"  # type: ignore[index]
        f" requests per case, {settings['concurrency']} client threads; load average"  # type: ignore[index]
        f" {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end.",
        "A `304` row compares with tipg's full answer to the same tile.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the tiles benchmark and write ``bench/results/tiles-<time>.{json,md}``."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_tiles", description=__doc__)
    parser.add_argument("--database-url", help="database with the demo data")
    parser.add_argument("--throwaway", action="store_true", help="build a throwaway demo DB")
    parser.add_argument("--requests", type=int, default=300, help="requests per case")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = run(args)
    md = table(report)
    written = save_results("tiles", report, md)
    print(md)
    print(f"\nwritten: {written}")
    return 1 if any(r["errors"] for r in report["results"]) else 0  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
