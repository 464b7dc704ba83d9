"""Benchmark writes and reads together: no 5xx, no lost update, an audit row per write.

A throwaway database on the local cluster gets the demo data and two accounts (an editor
and an admin, with tokens); BorderMap serves it with one uvicorn worker on a loopback port.
For ``--seconds`` (default 60) ``--readers`` threads read (an items page of markers in a
bbox, one marker, ``/progress/segments``) while ``--writers`` threads update a small set of
``--hot`` markers: GET the marker (its ETag), then PATCH it (merge patch) with ``If-Match``.
Writers collide on purpose; a collision must be a 412, never a lost update.

Checks at the end (the benchmark fails if one does not hold):

- no 5xx answer;
- no lost update: for every hot marker, its row ``version`` went up by exactly the number of
  writes that got a 200, and its stored value is the one of the write that got the highest
  version;
- audit rows of the run = successful writes.

Results: ``bench/results/writes-<time>.json`` and ``.md``; the table is printed too.
"""

from __future__ import annotations

import argparse
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench import save_results
from bench._db import throwaway_database
from bench.bench_api import _percentile, serve

log = logging.getLogger("bench.writes")
MERGE = "application/merge-patch+json"


@dataclass
class Tally:
    """What one kind of request did."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, status: int, ms: float) -> None:
        self.statuses[status] += 1
        self.latencies_ms.append(ms)

    def summary(self, seconds: float) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "requests": len(lat),
            "per_s": round(len(lat) / seconds, 1),
            "p50_ms": round(_percentile(lat, 50), 1) if lat else None,
            "p99_ms": round(_percentile(lat, 99), 1) if lat else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


@dataclass
class Run:
    """Shared state of the threads."""

    base: str
    tokens: list[str]
    hot: list[int]
    until: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    reads: Tally = field(default_factory=Tally)
    writes: Tally = field(default_factory=Tally)
    # marker id -> [(version after the write, value written)] of the writes that won
    won: dict[int, list[tuple[int, float]]] = field(default_factory=dict)


def _reader(run: Run, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=run.base, timeout=60) as c:
        while time.monotonic() < run.until:
            pick = rng.random()
            if pick < 0.5:
                lon = rng.uniform(102.5, 107.5)
                url = f"/collections/markers/items?bbox={lon},21,{lon + 0.5},23.5&limit=100"
            elif pick < 0.85:
                url = f"/collections/markers/items/{rng.choice(run.hot)}"
            else:
                url = "/progress/segments"
            t0 = time.perf_counter()
            r = c.get(url)
            ms = (time.perf_counter() - t0) * 1000
            with run.lock:
                run.reads.add(r.status_code, ms)


def _writer(run: Run, seed: int) -> None:
    rng = random.Random(seed)
    token = run.tokens[seed % len(run.tokens)]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=run.base, timeout=60, headers=auth) as c:
        while time.monotonic() < run.until:
            mid = rng.choice(run.hot)
            got = c.get(f"/collections/markers/items/{mid}")
            if got.status_code != 200:
                with run.lock:
                    run.reads.add(got.status_code, 0.0)
                continue
            value = round(rng.uniform(100, 2000), 2)
            t0 = time.perf_counter()
            r = c.patch(
                f"/collections/markers/items/{mid}",
                content=f'{{"properties": {{"elevation_m": {value}}}}}'.encode(),
                headers={"If-Match": got.headers["etag"], "Content-Type": MERGE},
            )
            ms = (time.perf_counter() - t0) * 1000
            with run.lock:
                run.writes.add(r.status_code, ms)
                if r.status_code == 200:
                    version = int(r.headers["etag"].strip('"').split("-")[1])
                    run.won.setdefault(mid, []).append((version, value))


def _seed_accounts(url: str) -> list[str]:
    from service.auth.principal import command_principal
    from service.db import account_admin

    eng = create_engine(url)
    actor = command_principal("cli")
    tokens = []
    with eng.begin() as conn:
        for name, role in (("bench-editor", "editor"), ("bench-admin", "admin")):
            account_admin.create_user(conn, actor, name=name, role=role)
            tokens.append(account_admin.create_token(conn, actor, user=name, label="bench")[1])
    eng.dispose()
    return tokens


def main() -> int:
    """Run the benchmark; 0 when every check holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--hot", type=int, default=8, help="markers the writers share")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    from service.demo import build_demo

    with throwaway_database("bordermap_bench_writes") as url:
        eng = create_engine(url)
        build_demo(eng)
        with eng.connect() as conn:
            hot = [
                int(r[0])
                for r in conn.execute(
                    text("SELECT id FROM marker ORDER BY id LIMIT :n"), {"n": args.hot}
                )
            ]
            versions0 = dict(
                conn.execute(text("SELECT id, version FROM marker WHERE id = ANY(:h)"), {"h": hot})
                .tuples()
                .all()
            )
        eng.dispose()
        tokens = _seed_accounts(url)
        env = {"BORDERMAP_DATABASE_URL": url}
        with serve(
            "bordermap", ["--factory", "service.web.app:create_app"], env, "/healthz"
        ) as base:
            run = Run(base, tokens, hot, time.monotonic() + args.seconds)
            threads = [
                threading.Thread(target=_reader, args=(run, i)) for i in range(args.readers)
            ] + [
                threading.Thread(target=_writer, args=(run, 1000 + i)) for i in range(args.writers)
            ]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - started
        eng = create_engine(url)
        with eng.connect() as conn:
            stored = {
                int(r[0]): (int(r[1]), None if r[2] is None else float(r[2]))
                for r in conn.execute(
                    text("SELECT id, version, elevation_m FROM marker WHERE id = ANY(:h)"),
                    {"h": hot},
                )
            }
            audited = int(
                conn.execute(
                    text("SELECT count(*) FROM audit_event WHERE kind = 'marker.update'")
                ).scalar_one()
            )
        eng.dispose()

    ok_writes = run.writes.statuses[200]
    lost = []
    for mid in hot:
        wins = sorted(run.won.get(mid, []))
        version, value = stored[mid]
        if version != versions0[mid] + len(wins) or (wins and value != wins[-1][1]):
            lost.append(mid)
    five_xx = sum(n for t in (run.reads, run.writes) for s, n in t.statuses.items() if s >= 500)
    result = {
        "seconds": round(wall, 1),
        "readers": args.readers,
        "writers": args.writers,
        "hot_markers": len(hot),
        "reads": run.reads.summary(wall),
        "writes": run.writes.summary(wall),
        "successful_writes": ok_writes,
        "conflicts_412": run.writes.statuses[412],
        "audit_rows": audited,
        "lost_updates": lost,
        "server_errors": five_xx,
    }
    md = "\n".join(
        [
            "| requests | count | per s | p50 ms | p99 ms | statuses |",
            "|---|---|---|---|---|---|",
            *(
                f"| {name} | {s['requests']} | {s['per_s']} | {s['p50_ms']} | {s['p99_ms']}"
                f" | {s['statuses']} |"
                for name, s in (("reads", result["reads"]), ("writes (PATCH)", result["writes"]))
            ),
            "",
            f"{wall:.0f} s, {args.readers} readers + {args.writers} writers on {len(hot)}"
            f" markers: {ok_writes} writes won, {result['conflicts_412']} got 412;"
            f" audit rows {audited}; lost updates {len(lost)}; 5xx {five_xx}",
        ]
    )
    path = save_results("writes", result, md)
    print(md)
    print(f"saved {path}")
    failed = five_xx or lost or audited != ok_writes or wall < args.seconds * 0.95
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
