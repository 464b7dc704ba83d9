"""Run the benchmarks: every ``bench/bench_*.py`` module that has a ``main()``.

``python -m bench`` runs all; ``python -m bench api maps`` runs ``bench_api`` and
``bench_maps`` only; ``python -m bench --list`` lists them. A benchmark's ``main()`` parses
its own command line; here it sees none (``sys.argv`` is just its name), so it runs with its
defaults. The exit code is the number of benchmarks that failed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import time
import traceback

import bench


def discover() -> list[str]:
    """Names (without the ``bench_`` prefix) of the benchmark modules, sorted."""
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks one after the other."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; have {', '.join(available)}")
    failed = 0
    for name in args.names or available:
        module = importlib.import_module(f"bench.bench_{name}")
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"\n=== bench_{name} ===", flush=True)
        saved, sys.argv = sys.argv, [f"bench.bench_{name}"]
        started = time.perf_counter()
        try:
            rc = run()
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # noqa: BLE001 - one failing benchmark must not stop the others
            traceback.print_exc()
            rc = 1
        finally:
            sys.argv = saved
        print(f"=== bench_{name}: exit {rc or 0} in {time.perf_counter() - started:.1f} s ===")
        failed += 1 if rc else 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
