"""How much the server adds to PostgreSQL's own time, per case of ``bench api``.

For each case the same answer is measured twice, one request at a time, in CPU time
(``/proc/<pid>/schedstat``: nanoseconds on a CPU), which a loaded machine disturbs far
less than wall time (the load average is recorded too):

- **PostgreSQL**: the SQL statements the request runs, captured in process with a
  SQLAlchemy ``before_cursor_execute`` hook, replayed with the same parameters on a plain
  psycopg connection with the app's session settings (``jit=off``), each fetched in full;
  the CPU time of that connection's backend per replay.
- **server**: the request to BorderMap served by uvicorn (one worker, its default
  middleware and JSON access log), gzip accepted; the CPU time of the uvicorn process
  plus that of its database backends (pool pre-ping and data-version reads included),
  per request.

``overhead = server / PostgreSQL - 1`` (the target is at most 30 %): what the web server
costs on top of the database work of the same answer. Results in
``bench/results/overhead-*``; wall-time medians are reported beside.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from sqlalchemy import create_engine, event

from bench import save_results
from bench.bench_api import _bordermap_feature_url, database, pick_targets, serve

log = logging.getLogger("bench.overhead")


@dataclass
class Row:
    """One case: CPU milliseconds per request, and wall-time medians."""

    case: str
    statements: int
    pg_cpu_ms: float
    server_cpu_ms: float  # the uvicorn process
    server_db_cpu_ms: float  # its PostgreSQL backends
    overhead_pct: float
    pg_wall_ms: float
    server_wall_ms: float
    bytes: int


def cpu_ns(pid: int) -> int:
    """Nanoseconds process ``pid`` has spent on a CPU (all its threads)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def pid_listening_on(port: int) -> int:
    """The pid of the uvicorn process started with ``--port port``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in b" ".join(args) and str(port).encode() in args:
            return int(entry)
    raise RuntimeError(f"no uvicorn process on port {port}")


def backend_pids(url: str, exclude: int) -> list[int]:
    """PostgreSQL backends connected to the database of ``url`` (but ``exclude``)."""
    from sqlalchemy import text

    engine = create_engine(url)
    with engine.connect() as c:
        own = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
        pids = c.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> ALL(:x)"
            ),
            {"x": [own, exclude]},
        ).scalars()
        out = [int(p) for p in pids]
    engine.dispose()
    return out


def capture(url: str, paths: list[str]) -> dict[str, list[tuple[str, Any]]]:
    """The SQL statements (text, parameters) each path runs, from an in-process app."""
    from fastapi.testclient import TestClient

    from service.settings import Settings
    from service.web.app import create_app

    settings = Settings(_env_file=None, database_url=url, log_json=False)  # type: ignore[call-arg]
    seen: list[tuple[str, Any]] = []
    out: dict[str, list[tuple[str, Any]]] = {}
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]

        @event.listens_for(engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            seen.append((statement, parameters))

        for path in paths:
            client.get(path)  # warm: statement caches, data version
            seen.clear()
            r = client.get(path, headers={"Accept-Encoding": "gzip"})
            assert r.status_code == 200, (path, r.status_code, r.text[:200])
            # The data version read by the ETag middleware is cached for 0.5 s; count it.
            out[path] = list(seen)
    return out


def time_pg(url: str, statements: list[tuple[str, Any]], n: int) -> tuple[float, float]:
    """CPU ms of the backend per replay of ``statements``, and the wall-time median."""
    engine = create_engine(url, connect_args={"options": "-c jit=off"})
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT pg_backend_pid()")
        backend = int(cur.fetchone()[0])
        samples = []
        for i in range(n + 3):
            if i == 3:
                cpu0 = cpu_ns(backend)
            t0 = time.perf_counter()
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()
            if i >= 3:
                samples.append((time.perf_counter() - t0) * 1000)
        cpu = (cpu_ns(backend) - cpu0) / n / 1e6
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    return cpu, statistics.median(samples)


def time_server(
    url: str, n: int, server_pid: int, backends: list[int]
) -> tuple[float, float, float, int]:
    """CPU ms per request of the server process and of its backends, the wall median,
    and the body size."""
    samples = []
    size = 0
    with httpx.Client(timeout=120) as c:
        for i in range(n + 3):
            if i == 3:
                cpu0, db0 = cpu_ns(server_pid), sum(cpu_ns(p) for p in backends)
            t0 = time.perf_counter()
            r = c.get(url)
            size = len(r.content)
            if i >= 3:
                samples.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
    cpu = (cpu_ns(server_pid) - cpu0) / n / 1e6
    db = (sum(cpu_ns(p) for p in backends) - db0) / n / 1e6
    return cpu, db, statistics.median(samples), size


def main(argv: list[str] | None = None) -> int:
    """Measure every case; print and save the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_overhead", description=__doc__)
    parser.add_argument("--database-url", help="database with the demo data")
    parser.add_argument("--throwaway", action="store_true", help="build a throwaway demo DB")
    parser.add_argument("--requests", type=int, default=40, help="repetitions per case")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    rows: list[Row] = []
    with database(args.database_url, args.throwaway) as url:
        t = pick_targets(url)
        env = {"BORDERMAP_DATABASE_URL": url}
        with serve("bordermap", ["--factory", "service.web.app:create_app"], env, "/healthz") as bm:
            feature = _bordermap_feature_url(bm, t.commune_id, url).removeprefix(bm)
            cases = {
                "items-bbox": f"/collections/markers/items?bbox={t.bbox}&limit=100",
                "communes-page": "/collections/communes/items?limit=1000",
                "feature": feature,
                "progress-segments": "/progress/segments",
            }
            sql = capture(url, list(cases.values()))
            server_pid = pid_listening_on(int(bm.rsplit(":", 1)[1]))
            with httpx.Client() as c:  # open the server's pool connections
                for path in cases.values():
                    c.get(bm + path)
            backends = backend_pids(url, exclude=0)
            load = os.getloadavg()
            for case, path in cases.items():
                pg_cpu, pg_wall = time_pg(url, sql[path], args.requests)
                cpu, db, wall, size = time_server(bm + path, args.requests, server_pid, backends)
                overhead = (cpu + db) / pg_cpu - 1
                row = Row(
                    case,
                    len(sql[path]),
                    round(pg_cpu, 3),
                    round(cpu, 3),
                    round(db, 3),
                    round(overhead * 100, 1),
                    round(pg_wall, 2),
                    round(wall, 2),
                    size,
                )
                log.info("%s", row)
                rows.append(row)
    lines = [
        "| case | PostgreSQL CPU ms | server CPU ms (app + its DB) | overhead |"
        " PostgreSQL wall ms | server wall ms |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {r.case} | {r.pg_cpu_ms:.2f} | {r.server_cpu_ms + r.server_db_cpu_ms:.2f}"
            f" ({r.server_cpu_ms:.2f} + {r.server_db_cpu_ms:.2f}) | {r.overhead_pct:+.0f} % |"
            f" {r.pg_wall_ms:.2f} | {r.server_wall_ms:.2f} |"
            for r in rows
        ),
        "",
        f"Load average before the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        f" on {os.cpu_count()} CPUs; {args.requests} sequential requests per case"
        " (CPU: per request; wall: median).",
    ]
    md = "\n".join(lines)
    report = {"load": load, "requests": args.requests, "rows": [asdict(r) for r in rows]}
    written = save_results("overhead", report, md)
    print(md)
    print(f"\nwritten: {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
