"""service.commands.demo: ``bordermap demo build [--if-empty] [--seed N]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from service.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from service.db.engine import make_engine
    from service.demo.build import build_demo, is_empty

    engine = make_engine(settings)
    try:
        if args.if_empty and not is_empty(engine):
            print("demo: the database already holds data (border table not empty); nothing done")
            return 0
        print(f"demo: building the synthetic demo dataset (seed {args.seed}) ...", flush=True)
        summary = build_demo(engine, seed=args.seed)
    finally:
        engine.dispose()
    print(summary.as_text())
    return 0


def register(sub: argparse._SubParsersAction[Any], handlers: dict[str, Handler]) -> None:
    """Add the ``demo`` sub-command."""
    from service.demo.rand import DEFAULT_SEED

    p = sub.add_parser("demo", help="the synthetic demo dataset")
    p.add_argument("action", choices=["build"])
    p.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already has data"
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    handlers["demo"] = _demo
