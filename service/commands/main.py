"""service.commands.main: the ``bordermap`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from service.errors import ServiceError
from service.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from service.db import localdb
    from service.db.engine import database_url

    if args.action == "url":
        print(database_url(settings))
        return 0
    if not settings.uses_local_cluster:
        print("BORDERMAP_DATABASE_URL is set: the local cluster is not used.", file=sys.stderr)
        return 0 if args.action == "status" else 2
    cluster = localdb.cluster_for(settings)
    try:
        if args.action == "start":
            started = localdb.start(cluster)
            print(("started" if started else "already running") + f": {cluster.url}")
        elif args.action == "stop":
            print("stopped" if localdb.stop(cluster) else "not running")
        elif args.action == "status":
            running = localdb.status(cluster)
            print(f"{'running' if running else 'stopped'}: {cluster.data_dir} port {cluster.port}")
            return 0 if running else 3
    except localdb.LocalDBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from service.db import migrate
    from service.db.engine import make_engine

    engine = make_engine(settings)
    try:
        if args.down:
            migrate.downgrade(engine, args.revision or "base")
        else:
            migrate.upgrade(engine, args.revision or "head")
    finally:
        engine.dispose()
    print("migrated")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    # Workers are processes, each with its own pool and caches; every cache is keyed by the
    # data version read with its data, so all workers serve the same answers after a write.
    uvicorn.run(
        "service.web.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


def _workers(value: str) -> int:
    n = int(value) if value.isdigit() else 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers from 1 to 64")
    return n


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The argument parser and the handler of each sub-command."""
    parser = argparse.ArgumentParser(
        prog="bordermap",
        description="BorderMap: Vietnam's land borders, markers and border communes in PostGIS.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {}

    p = sub.add_parser("db", help="the project-managed local PostGIS cluster")
    p.add_argument("action", choices=["start", "stop", "status", "url"])
    handlers["db"] = _db

    p = sub.add_parser("migrate", help="apply the schema migrations")
    p.add_argument("--down", action="store_true", help="migrate down instead of up")
    p.add_argument("--revision", help="target revision (default: head, or base with --down)")
    handlers["migrate"] = _migrate

    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers", type=_workers, default=1, help="worker processes (default 1; about 1 per core)"
    )
    handlers["serve"] = _serve

    for register in _plugins():
        register(sub, handlers)
    return parser, handlers


def _plugins() -> list[Callable[[argparse._SubParsersAction, dict[str, Handler]], None]]:
    """Sub-commands owned by other modules (demo data, imports, exports, maps, accounts).

    Each module keeps its heavy imports inside its handlers, so ``bordermap db`` stays quick.
    """
    from service.commands import accounts as accounts_cli
    from service.commands import demo as demo_cli
    from service.commands import export as export_cli
    from service.commands import imports as ingest_cli
    from service.commands import maps as maps_cli
    from service.commands import report as report_cli

    return [
        demo_cli.register,
        ingest_cli.register,
        export_cli.register,
        maps_cli.register,
        report_cli.register,
        accounts_cli.register,
    ]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bordermap`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        parser, handlers = build_parser()
        args = parser.parse_args(argv)
        return handlers[args.command](args, Settings())
    except ServiceError as exc:  # the message names the cause (and what to run): no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # writes are transactions, so nothing is left half-done
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
