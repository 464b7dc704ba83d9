"""service.commands.export: ``bordermap export COLLECTION --format gpkg|fgb|csv|geojson -o PATH``.

Takes the same filters as ``/collections/{id}/items`` (checked by the same parser):
``--bbox``, ``--bbox-crs``, ``--crs``, ``--datetime``, ``--as-of``, ``--filter``,
``--filter-crs``, ``--properties``, ``--sortby``, ``--limit``/``--offset`` (default: every
match) and the collection's own filters as ``-p NAME=VALUE`` (e.g. ``-p status=planted``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from service.settings import Settings

_OPTIONS = (
    ("bbox", "minx,miny,maxx,maxy in --bbox-crs (default CRS84 lon/lat)"),
    ("bbox-crs", "CRS of --bbox, e.g. EPSG:9209"),
    ("crs", "output CRS, e.g. EPSG:9209 (VN-2000 / TM-3 105-30); default CRS84"),
    ("datetime", "date or interval (a/b)"),
    ("as-of", "state on a date, YYYY-MM-DD"),
    ("filter", "CQL2-text filter, e.g. \"status = 'planted'\""),
    ("filter-crs", "CRS of geometry literals in --filter"),
    ("properties", "comma-separated properties to keep"),
    ("sortby", "sort keys, e.g. -number"),
    ("limit", "at most this many features (default: all)"),
    ("offset", "skip this many features"),
)


def register(sub: argparse._SubParsersAction, handlers: dict[str, Any]) -> None:
    """Add the ``export`` sub-command."""
    from service.ogc.collections import COLLECTIONS
    from service.outputs.export import FILE_FORMATS

    p = sub.add_parser("export", help="export a feature collection to a file")
    p.add_argument("collection", choices=sorted(COLLECTIONS))
    p.add_argument("--format", "-f", required=True, choices=FILE_FORMATS)
    p.add_argument("--output", "-o", required=True, type=Path, help="file to write")
    for name, text in _OPTIONS:
        p.add_argument(f"--{name}", dest=name.replace("-", "_"), help=text)
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a collection filter, as on the items endpoint (e.g. border=CN, status=planted)",
    )
    handlers["export"] = _export


def query_params(args: argparse.Namespace) -> dict[str, str]:
    """The items-endpoint parameters the command line describes."""
    params: dict[str, str] = {}
    for name, _ in _OPTIONS:
        value = getattr(args, name.replace("-", "_"))
        if value is not None:
            params[name.replace("as-of", "as_of")] = value
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param {item!r}: write NAME=VALUE")
        if key in params:
            raise ValueError(f"--param {key}: given more than once")
        params[key] = value
    return params


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from service.db.engine import make_engine
    from service.errors import ServiceError
    from service.ogc.collections import get_collection
    from service.ogc.params import parse_items_query
    from service.outputs.export import write_file

    today = dt.date.today()
    try:
        params = query_params(args)
        q = parse_items_query(
            get_collection(args.collection),
            params,
            default_limit=settings.default_limit,
            max_limit=sys.maxsize,
            today=today,
        )
    except (ServiceError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    q = dataclasses.replace(q, paged="limit" in params or "offset" in params)
    engine = make_engine(settings)
    started = time.monotonic()
    try:
        write_file(engine, q, today, args.format, args.output)
    finally:
        engine.dispose()
    size = args.output.stat().st_size
    print(  # noqa: T201
        f"wrote {args.output} ({args.format}, {size:,} bytes, CRS {q.crs.uri})"
        f" in {time.monotonic() - started:.1f} s"
    )
    return 0
