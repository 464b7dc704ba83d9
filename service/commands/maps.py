"""service.commands.maps: ``bordermap map {coverage,markers,progress} -o FILE.html``.

Without ``--self-contained`` the page links its vendored JS/CSS from a folder written
beside it (``FILE_files/``), so the pair works offline; ``--static-url`` links a running
BorderMap server's ``/maps/static`` instead. With ``--self-contained`` every asset is
inlined (images as data: URIs): the one file opens anywhere, offline.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from service.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def register(sub: argparse._SubParsersAction, handlers: dict[str, Handler]) -> None:
    """Add the ``map`` sub-command."""
    from maps.kinds import KINDS

    p = sub.add_parser("map", help="write an offline web map to an HTML file")
    p.add_argument("kind", choices=KINDS, help="which map")
    p.add_argument("-o", "--output", required=True, type=Path, help="the HTML file to write")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
    p.add_argument("--province", help="two-digit province code of the era of --as-of")
    p.add_argument("--border", help="CN, LA or KH (markers and progress maps)")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--self-contained", action="store_true", help="inline every asset into the one file"
    )
    group.add_argument(
        "--static-url", help="link assets from this URL (a BorderMap server's /maps/static)"
    )
    handlers["map"] = _map


def _copy_assets(target: Path) -> None:
    from maps.assets import static_files

    for rel, src in static_files().items():
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def _map(args: argparse.Namespace, settings: Settings) -> int:
    from maps.assets import Assets
    from service import params
    from service.db.engine import make_engine
    from service.db.units import checked_province
    from service.errors import ServiceError
    from service.outputs.maps import MapQuery, build_map

    if args.border and args.kind == "coverage":
        sys.stderr.write("error: --border applies to the markers and progress maps\n")
        return 2
    out: Path = args.output
    if args.self_contained:
        assets = Assets.inline()
    elif args.static_url:
        assets = Assets.served(args.static_url)
    else:
        assets = Assets.served(f"{out.stem}_files")
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                day = params.as_of(args.as_of, name="--as-of")
                query = MapQuery(
                    kind=args.kind,
                    as_of=day,
                    province=checked_province(conn, args.province, day),
                    border=params.border(args.border),
                )
                m = build_map(conn, query, settings=settings, assets=assets)
    except ServiceError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(m.get_root().render(), encoding="utf-8")
    if not args.self_contained and not args.static_url:
        _copy_assets(out.parent / f"{out.stem}_files")
    sys.stdout.write(f"wrote {out} ({out.stat().st_size:,} bytes)\n")
    return 0
