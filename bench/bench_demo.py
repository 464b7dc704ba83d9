"""Benchmark the demo dataset build (target: under 60 s on the 2-core machine).

Each run is its own process (so its peak RSS is its own). It builds the whole dataset
(``service.demo.build_demo``) into a throwaway migrated database on the configured server
(the local cluster by default), then drops it. Reported per run: generation time, write time
(one transaction: TRUNCATE + COPY), the build total, import time and peak RSS, and the
machine's load average. Results: printed, and ``bench/results/demo-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

from bench import save_results
from bench._db import throwaway_database

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 60.0


def worker(url: str, seed: int) -> dict[str, float | int]:
    """One build in this process."""
    started = time.perf_counter()
    from service.demo import build_demo

    imported = time.perf_counter() - started
    engine = create_engine(url)
    summary = build_demo(engine, seed=seed)
    engine.dispose()
    return {
        "import_s": round(imported, 2),
        "generate_s": round(summary.generate_seconds, 2),
        "write_s": round(summary.write_seconds, 2),
        "build_s": round(summary.seconds, 2),
        "rows": sum(summary.table_rows.values()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def _table(results: list[dict[str, float | int]]) -> str:
    cols = ["run", *results[0].keys()]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for i, r in enumerate(results, 1):
        lines.append("| " + " | ".join([str(i), *(str(v) for v in r.values())]) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seed)))
        return 0
    results = []
    with throwaway_database("bordermap_bench_demo") as url:
        for _ in range(args.runs):
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.bench_demo",
                    "--worker",
                    url,
                    "--seed",
                    str(args.seed),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    table = _table(results)
    print(table)
    worst = max(float(r["build_s"]) for r in results)
    print(f"\nworst build {worst:.1f} s (limit {LIMIT_S:.0f} s)")
    save_results("demo", results, table)
    return 0 if worst < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
