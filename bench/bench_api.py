"""Benchmark the API: BorderMap against tipg, side by side, on the same demo database.

Both servers run under uvicorn on loopback ports against one database, with the same number
of workers: ``--workers 1,2`` (the default) makes a full run with 1, then with 2. For each
case a bounded number of requests goes out from ``--concurrency`` client threads (httpx,
keep-alive, gzip accepted as clients do) after a warm-up; we report requests/s and p50/p99
latency:

- ``items-bbox``: one items page of markers inside a bounding box (``limit=100``);
- ``communes-all``: the whole communes collection, following ``next`` links to the end
  (one "request" here is one full walk);
- ``feature``: one commune by id;
- ``progress-segments``: ``/progress/segments`` (BorderMap only; tipg has nothing like it);
- ``... 304``: BorderMap again with ``If-None-Match`` (the ETag of a first answer).

Results: ``bench/results/api-<N>w-<time>.json`` and ``.md``; the table is printed too. The ratio
column is BorderMap's requests/s over tipg's (above 1: BorderMap is faster).

Database: ``--database-url``, else BorderMap's configured one (``bordermap demo build``
first); when that has no demo data, or with ``--throwaway``, a throwaway database on the
local cluster is built with the demo data and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench import save_results
from bench._db import throwaway_database

log = logging.getLogger("bench.api")
HOST = "127.0.0.1"  # loopback only
ROOT = Path(__file__).resolve().parents[1]

Request = Callable[[httpx.Client], tuple[int, int, int]]  # -> status, bytes, features


@dataclass
class Stats:
    """Timings of one case on one server."""

    server: str
    case: str
    requests: int
    errors: int
    wall_s: float
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    bytes_per_request: float
    features_per_request: float
    statuses: dict[str, int] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 200 values is the 198th)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Raw:
    """What one batch of requests gave: latencies (s), statuses, sizes, and its wall time."""

    results: list[tuple[float, int, int, int]] = field(default_factory=list)
    wall: float = 0.0


def run_batch(request: Request, *, n: int, concurrency: int, warmup: int, into: Raw) -> None:
    """Send ``n`` requests from ``concurrency`` threads (after ``warmup`` untimed ones)."""
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def client() -> httpx.Client:
        if not hasattr(local, "c"):
            local.c = httpx.Client(timeout=120.0)
            with lock:
                clients.append(local.c)
        c: httpx.Client = local.c
        return c

    def one(_: int) -> tuple[float, int, int, int]:
        t0 = time.perf_counter()
        status, nbytes, nfeat = request(client())
        return time.perf_counter() - t0, status, nbytes, nfeat

    try:
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(warmup)))
            t0 = time.perf_counter()
            into.results.extend(pool.map(one, range(n)))
            into.wall += time.perf_counter() - t0
    finally:
        for c in clients:
            c.close()


def summarise(server: str, case: str, raw: Raw) -> Stats:
    """Requests/s over the summed wall time, and latency percentiles over all requests."""
    results = raw.results
    lat = [r[0] * 1000 for r in results]
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r[1])] = statuses.get(str(r[1]), 0) + 1
    return Stats(
        server=server,
        case=case,
        requests=len(results),
        errors=sum(1 for r in results if r[1] >= 400),
        wall_s=round(raw.wall, 3),
        rps=round(len(results) / raw.wall, 1),
        p50_ms=round(_percentile(lat, 50), 2),
        p99_ms=round(_percentile(lat, 99), 2),
        mean_ms=round(statistics.fmean(lat), 2),
        bytes_per_request=round(statistics.fmean(r[2] for r in results), 1),
        features_per_request=round(statistics.fmean(r[3] for r in results), 1),
        statuses=statuses,
    )


def get(url: str, headers: dict[str, str] | None = None) -> Request:
    """A request for one URL; counts the features of a GeoJSON answer."""

    def run(c: httpx.Client) -> tuple[int, int, int]:
        r = c.get(url, headers=headers)
        nfeat = 0
        if r.status_code == 200 and "json" in r.headers.get("content-type", ""):
            body = r.json()
            nfeat = len(body.get("features", body.get("items", [])))
        return r.status_code, len(r.content), nfeat

    return run


def walk(url: str) -> Request:
    """Follow ``next`` links from ``url`` to the last page; one walk is one request."""

    def run(c: httpx.Client) -> tuple[int, int, int]:
        nbytes = nfeat = 0
        status = 200
        next_url: str | None = url
        pages = 0
        while next_url:
            r = c.get(next_url)
            pages += 1
            if r.status_code != 200 or pages > 10_000:
                return r.status_code, nbytes, nfeat
            body = r.json()
            nbytes += len(r.content)
            nfeat += len(body.get("features", []))
            next_url = next(
                (link["href"] for link in body.get("links", []) if link.get("rel") == "next"),
                None,
            )
        return status, nbytes, nfeat

    return run


# --- servers ---------------------------------------------------------------------------


@contextmanager
def serve(
    name: str, argv: list[str], env: dict[str, str], ready_path: str, workers: int = 1
) -> Iterator[str]:
    """Run a uvicorn server (``workers`` processes) on a free loopback port until the block
    ends; yield its URL."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        *argv,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    workdir = tempfile.mkdtemp(prefix=f"bench-{name}-")  # no stray .env is read
    logfile = Path(workdir) / "server.log"
    with logfile.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {logfile.read_text()[-2000:]}")
            try:
                if httpx.get(base + ready_path, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: {logfile.read_text()[-2000:]}")
            time.sleep(0.2)
        log.info("%s up at %s (pid %d)", name, base, proc.pid)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- database --------------------------------------------------------------------------


def _has_demo(url: str) -> bool:
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            return bool(c.execute(text("SELECT count(*) FROM commune")).scalar_one())
    except Exception:  # noqa: BLE001 - a missing database or schema just means "no"
        return False
    finally:
        eng.dispose()


@contextmanager
def database(explicit: str | None, throwaway: bool) -> Iterator[str]:
    """The database to benchmark on (see the module docstring)."""
    from service.db.engine import database_url
    from service.settings import Settings

    settings = Settings()
    url = explicit or database_url(settings)
    if explicit or (not throwaway and _has_demo(url)):
        if not _has_demo(url):
            raise SystemExit(f"no demo data in {url}: run `bordermap demo build` first")
        yield url
        return
    from service.demo import build_demo

    with throwaway_database("bordermap_bench") as url:
        eng = create_engine(url)
        t0 = time.perf_counter()
        build_demo(eng)
        log.info("throwaway database built in %.1f s", time.perf_counter() - t0)
        eng.dispose()
        yield url


@dataclass(frozen=True)
class Targets:
    """What the cases ask for, picked from the data so both servers get the same rows."""

    bbox: str
    commune_id: int
    markers_in_bbox: int
    communes: int


def pick_targets(url: str) -> Targets:
    """A 0.5-degree bbox around the median marker, and a commune of median size."""
    eng = create_engine(url)
    with eng.connect() as c:
        x, y = c.execute(
            text(
                "SELECT ST_X(geom), ST_Y(geom) FROM marker ORDER BY id"
                " OFFSET (SELECT count(*) / 2 FROM marker) LIMIT 1"
            )
        ).one()
        bbox = f"{x - 0.25:.4f},{y - 0.25:.4f},{x + 0.25:.4f},{y + 0.25:.4f}"
        inside = c.execute(
            text("SELECT count(*) FROM marker WHERE geom && ST_MakeEnvelope(:a, :b, :c, :d, 4326)"),
            {"a": x - 0.25, "b": y - 0.25, "c": x + 0.25, "d": y + 0.25},
        ).scalar_one()
        commune_id = c.execute(
            text(
                "SELECT id FROM commune ORDER BY ST_NPoints(geom), id"
                " OFFSET (SELECT count(*) / 2 FROM commune) LIMIT 1"
            )
        ).scalar_one()
        communes = c.execute(text("SELECT count(*) FROM commune")).scalar_one()
    eng.dispose()
    return Targets(bbox, int(commune_id), int(inside), int(communes))


def _etag(url: str) -> str | None:
    return httpx.get(url, timeout=60).headers.get("etag")


def _bordermap_feature_url(base: str, commune_id: int, url: str) -> str:
    """BorderMap's URL of the commune with database id ``commune_id``.

    The OGC helper names features by their natural key; find it from a page that holds it.
    """
    eng = create_engine(url)
    with eng.connect() as c:
        era, code = c.execute(
            text("SELECT era, code FROM commune WHERE id = :i"), {"i": commune_id}
        ).one()
    eng.dispose()
    for candidate in (str(commune_id), f"{era}:{code}", code):
        r = httpx.get(f"{base}/collections/communes/items/{candidate}", timeout=60)
        if r.status_code == 200:
            return f"{base}/collections/communes/items/{candidate}"
    raise RuntimeError(f"cannot find BorderMap's feature id of commune {era} {code}")


def run(args: argparse.Namespace) -> dict[str, object]:
    """Serve both, run every case, and return the results."""
    n, conc, warm = args.requests, args.concurrency, args.warmup
    results: list[Stats] = []
    with database(args.database_url, args.throwaway) as url:
        targets = pick_targets(url)
        log.info("targets: %s", targets)
        bm_env = {"BORDERMAP_DATABASE_URL": url}
        tipg_env = {
            "DATABASE_URL": _libpq_url(url),
            "TIPG_DB_SCHEMAS": '["public"]',
            "TIPG_MAX_FEATURES_PER_QUERY": "10000",
            "TIPG_DEBUG": "false",
        }
        page = args.page_size
        with (
            serve(
                "bordermap",
                ["--factory", "service.web.app:create_app"],
                bm_env,
                "/healthz",
                args.n_workers,
            ) as bm,
            serve("tipg", ["tipg.main:app"], tipg_env, "/collections", args.n_workers) as tp,
        ):
            feature_bm = _bordermap_feature_url(bm, targets.commune_id, url)
            cases: list[tuple[str, str, Request, int]] = [
                (
                    "items-bbox",
                    "bordermap",
                    get(f"{bm}/collections/markers/items?bbox={targets.bbox}&limit=100"),
                    n,
                ),
                (
                    "items-bbox",
                    "tipg",
                    get(f"{tp}/collections/public.marker/items?bbox={targets.bbox}&limit=100"),
                    n,
                ),
                (
                    "communes-page",
                    "bordermap",
                    get(f"{bm}/collections/communes/items?limit={page}"),
                    args.page_requests,
                ),
                (
                    "communes-page",
                    "tipg",
                    get(f"{tp}/collections/public.commune/items?limit={page}"),
                    args.page_requests,
                ),
                (
                    "communes-all",
                    "bordermap",
                    walk(f"{bm}/collections/communes/items?limit={page}"),
                    args.walks,
                ),
                (
                    "communes-all",
                    "tipg",
                    walk(f"{tp}/collections/public.commune/items?limit={page}"),
                    args.walks,
                ),
                ("feature", "bordermap", get(feature_bm), n),
                (
                    "feature",
                    "tipg",
                    get(f"{tp}/collections/public.commune/items/{targets.commune_id}"),
                    n,
                ),
                ("progress-segments", "bordermap", get(f"{bm}/progress/segments"), n),
            ]
            for label, url_304 in (
                ("items-bbox 304", f"{bm}/collections/markers/items?bbox={targets.bbox}&limit=100"),
                ("communes-page 304", f"{bm}/collections/communes/items?limit={page}"),
                ("feature 304", feature_bm),
                ("progress-segments 304", f"{bm}/progress/segments"),
            ):
                tag = _etag(url_304)
                if tag is None:
                    log.warning("no ETag on %s: 304 case skipped", url_304)
                    continue
                cases.append((label, "bordermap", get(url_304, {"If-None-Match": tag}), n))
            # Rounds alternate the servers so that load from elsewhere on the machine falls
            # on both alike; each round sends its share of the requests.
            raws = {(case, server): Raw() for case, server, _, _ in cases}
            for rnd in range(args.rounds):
                for case, server, request, count in cases:
                    share = max(1, -(-count // args.rounds))
                    run_batch(
                        request,
                        n=share,
                        concurrency=conc,
                        warmup=min(warm, max(1, count // 10)) if rnd == 0 else 0,
                        into=raws[(case, server)],
                    )
            for (case, server), raw in raws.items():
                stats = summarise(server, case, raw)
                log.info(
                    "%-22s %-9s %8.1f req/s p50 %7.2f ms p99 %7.2f ms  %s",
                    case,
                    server,
                    stats.rps,
                    stats.p50_ms,
                    stats.p99_ms,
                    stats.statuses,
                )
                results.append(stats)
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {
            "requests": n,
            "walks": args.walks,
            "page_requests": args.page_requests,
            "rounds": args.rounds,
            "concurrency": conc,
            "warmup": warm,
            "page_size": args.page_size,
            "workers": args.n_workers,
        },
        "targets": asdict(targets),
        "host": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "results": [asdict(s) for s in results],
    }


def table(report: dict[str, object]) -> str:
    """A Markdown table: one row per case, BorderMap next to tipg, and the ratios."""
    rows = report["results"]
    assert isinstance(rows, list)
    by = {(r["case"], r["server"]): r for r in rows}
    cases = list(dict.fromkeys(r["case"] for r in rows))
    lines = [
        "| case | BorderMap req/s | p50 ms | p99 ms | tipg req/s | p50 ms | p99 ms |"
        " req/s ratio | p50 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        b, t = by.get((case, "bordermap")), by.get((case, "tipg"))
        if b is None:
            continue
        if t is None and case.endswith(" 304"):
            t = by.get((case.removesuffix(" 304"), "tipg"))
        cells = [case, f"{b['rps']:.1f}", f"{b['p50_ms']:.2f}", f"{b['p99_ms']:.2f}"]
        if t is not None:
            cells += [f"{t['rps']:.1f}", f"{t['p50_ms']:.2f}", f"{t['p99_ms']:.2f}"]
            cells += [f"{b['rps'] / t['rps']:.2f}x", f"{t['p50_ms'] / b['p50_ms']:.2f}x"]
        else:
            cells += ["-", "-", "-", "-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    extra = [
        "",
        "Ratios: BorderMap req/s / tipg req/s, and tipg p50 / BorderMap p50 (above 1: BorderMap"
        " faster). A `304` row compares with tipg's uncached answer to the same question.",
    ]
    for r in rows:
        if r["errors"]:
            extra.append(f"- {r['server']} {r['case']}: {r['errors']} errors {r['statuses']}")
    feats = {
        (r["case"], r["server"]): r["features_per_request"]
        for r in rows
        if r["case"] in ("items-bbox", "communes-page", "communes-all")
    }
    extra.append(f"- features per request: {feats}")
    return "\n".join(lines + extra)


def main(argv: list[str] | None = None) -> int:
    """Run the API benchmark and write ``bench/results/api-<time>.{json,md}``."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_api", description=__doc__)
    parser.add_argument("--database-url", help="database with the demo data")
    parser.add_argument("--throwaway", action="store_true", help="build a throwaway demo DB")
    parser.add_argument("--requests", type=int, default=300, help="requests per case")
    parser.add_argument("--page-requests", type=int, default=40, help="requests of a full page")
    parser.add_argument("--walks", type=int, default=8, help="whole-collection walks")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first")
    parser.add_argument("--page-size", type=int, default=1000, help="limit when walking")
    parser.add_argument(
        "--workers", default="1,2", help="uvicorn workers per server; a full run for each"
    )
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    errors = False
    for workers in (int(w) for w in args.workers.split(",")):
        args.n_workers = workers
        report = run(args)
        md = f"Both servers with {workers} uvicorn worker(s).\n\n" + table(report)
        written = save_results(f"api-{workers}w", report, md)
        print(md)
        print(f"\nwritten: {written}")
        errors = errors or any(r["errors"] for r in report["results"])  # type: ignore[attr-defined]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
