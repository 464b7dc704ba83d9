"""Benchmark ``/search`` on the demo data: p50/p95 for a realistic mix of queries.

The mix is drawn (seeded) from the database itself, as people type:

- ``name``: a commune name without its unit word, folded (``lung cu``);
- ``accented``: the same with its diacritics (``Lũng Cú``);
- ``prefix``: the first 4 letters of a name (``lung``);
- ``province``: name + its province (``tan dong tay ninh``);
- ``typo``: a folded name with two letters swapped;
- ``marker``: a marker label (``1369(2)``, ``511/1``);
- ``short``: two letters (``xa``).

Each query is sent once per round (``--rounds``), sequentially, to one uvicorn worker on
loopback (``bench_api.serve``), anonymous (no officers); ``server`` is the time the data
layer spends (``service.db.search.search`` on a connection of its own, same queries), so
HTTP overhead and the database show apart. Target (issue 10): p95 < 50 ms.
Database: as ``bench_api`` (``--database-url``; else the configured one with demo data;
else a throwaway demo database). Results: printed and ``bench/results/search-*.{json,md}``.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench import save_results
from bench.bench_api import _percentile, database, serve

log = logging.getLogger("bench.search")
TARGET_P95_MS = 50.0
MIX = {
    "name": 30,
    "accented": 15,
    "prefix": 15,
    "province": 10,
    "typo": 10,
    "marker": 15,
    "short": 5,
}


def queries(url: str, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (kind, query) pairs in the proportions of :data:`MIX`."""
    from geo.vietnamese import bare_name, fold

    rng = random.Random(seed)
    eng = create_engine(url)
    with eng.connect() as c:
        communes = c.execute(
            text(
                "SELECT c.name, p.name AS province FROM commune c"
                " JOIN province p ON p.era = c.era AND p.code = c.province_code ORDER BY c.id"
            )
        ).all()
        labels = c.execute(text("SELECT label FROM marker ORDER BY id")).scalars().all()
    eng.dispose()
    out: list[tuple[str, str]] = []
    total = sum(MIX.values())
    for kind, weight in MIX.items():
        for _ in range(max(1, round(n * weight / total))):
            name, province = rng.choice(communes)
            bare = bare_name(name)
            if kind == "name":
                q = fold(bare)
            elif kind == "accented":
                q = bare
            elif kind == "prefix":
                q = fold(bare)[:4]
            elif kind == "province":
                q = f"{fold(bare)} {fold(bare_name(province))}"
            elif kind == "typo":
                f = fold(bare)
                i = rng.randrange(max(1, len(f) - 1))
                q = f[:i] + f[i + 1 : i + 2] + f[i] + f[i + 2 :] if len(f) > 2 else f
            elif kind == "marker":
                q = rng.choice(labels)
            else:
                q = fold(bare)[:2]
            out.append((kind, q.strip() or "xa"))
    rng.shuffle(out)
    return out


def _stats(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(_percentile(ms, 50), 2),
        "p95_ms": round(_percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve, send the mix, time the data layer alone, and return the figures."""
    from service.db.engine import make_engine
    from service.db.search import search
    from service.settings import Settings

    with database(args.database_url, args.throwaway) as url:
        mix = queries(url, args.queries, args.seed)
        http: dict[str, list[float]] = {}
        server: dict[str, list[float]] = {}
        with (
            serve(
                "bordermap",
                ["--factory", "service.web.app:create_app"],
                {"BORDERMAP_DATABASE_URL": url},
                "/healthz",
            ) as base,
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            for _kind, q in mix[: args.warmup]:
                client.get("/search", params={"q": q})
            for _ in range(args.rounds):
                for kind, q in mix:
                    t0 = time.perf_counter()
                    r = client.get(
                        "/search", params={"q": q}, headers={"Cache-Control": "no-cache"}
                    )
                    elapsed = (time.perf_counter() - t0) * 1000
                    if r.status_code != 200:
                        raise RuntimeError(f"/search?q={q!r}: {r.status_code} {r.text[:200]}")
                    http.setdefault(kind, []).append(elapsed)
        eng = make_engine(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        with eng.connect() as conn:
            for _kind, q in mix[: args.warmup]:
                search(conn, q)
            for _ in range(args.rounds):
                for kind, q in mix:
                    t0 = time.perf_counter()
                    search(conn, q)
                    server.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        eng.dispose()
    every_http = [x for v in http.values() for x in v]
    every_server = [x for v in server.values() for x in v]
    return {
        "queries": len(mix),
        "rounds": args.rounds,
        "target_p95_ms": TARGET_P95_MS,
        "http": {"all": _stats(every_http), **{k: _stats(v) for k, v in sorted(http.items())}},
        "server": {
            "all": _stats(every_server),
            **{k: _stats(v) for k, v in sorted(server.items())},
        },
        "examples": mix[:12],
    }


def table(report: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"/search, {report['queries']} queries x {report['rounds']} rounds, sequential,"
        f" one uvicorn worker; target p95 < {report['target_p95_ms']:g} ms",
        "",
        "| queries | n | HTTP p50 | HTTP p95 | data layer p50 | data layer p95 |",
        "|---|---|---|---|---|---|",
    ]
    for kind, h in report["http"].items():
        s = report["server"][kind]
        lines.append(
            f"| {kind} | {h['n']} | {h['p50_ms']} ms | {h['p95_ms']} ms"
            f" | {s['p50_ms']} ms | {s['p95_ms']} ms |"
        )
    lines.append("")
    lines.append("examples: " + ", ".join(f"{k}: `{q}`" for k, q in report["examples"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the search benchmark; exit 1 when the overall HTTP p95 misses the target."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_search", description=__doc__)
    parser.add_argument("--database-url", help="database with the demo data")
    parser.add_argument("--throwaway", action="store_true", help="build a throwaway demo DB")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix")
    parser.add_argument("--rounds", type=int, default=3, help="times each query is sent")
    parser.add_argument("--warmup", type=int, default=30, help="untimed queries first")
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = run(args)
    md = table(report)
    written = save_results("search", report, md)
    print(md)
    print(f"\nwritten: {written}")
    return 0 if report["http"]["all"]["p95_ms"] < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
