"""service.commands.imports: ``bordermap import KIND PATH`` (registered by service.commands.main)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.ingest.options import (
    AXIS_ORDER_NAMES,
    DEFAULT_MAX_BORDER_DISTANCE_M,
    KIND_NAMES,
    VARIANT_NAMES,
    ImportOptions,
)
from service.settings import Settings
from service.vocabulary import ERAS

if TYPE_CHECKING:
    from service.ingest.problems import ImportReport
    from service.ingest.readers import Source

EPILOG = """\
examples:
  bordermap import communes communes_2025.geojson --era post2025
  bordermap import markers moc.csv --crs EPSG:9209 --axis-order northing_easting --dry-run
  bordermap import border-communes xa_bien_gioi.csv --era post2025

CSV coordinates: lon/lat (or longitude/latitude) columns are WGS 84 unless --crs says
EPSG:4756; x/y columns need --crs; surveyors' X = northing, Y = easting needs
--axis-order northing_easting. Exit status: 0 imported (or dry run clean), 1 refused.
"""


def register(sub: Any, handlers: dict[str, Any]) -> None:
    """Add the ``import`` sub-command."""
    p = sub.add_parser(
        "import",
        help="import communes, markers, segments, assignments or an official border-commune list",
        description="Check a file row by row and import it in one transaction (all or nothing).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", choices=KIND_NAMES)
    p.add_argument("path", type=Path, help="GeoJSON, GeoPackage, zipped Shapefile or CSV")
    p.add_argument("--crs", help="CRS of the coordinates (EPSG:9209, 4326, an OGC URN ...)")
    p.add_argument(
        "--axis-order",
        choices=AXIS_ORDER_NAMES,
        default="xy",
        help="xy = easting, northing / lon, lat (default); northing_easting = surveyors' X, Y",
    )
    p.add_argument("--era", choices=ERAS, default="post2025", help="administrative era")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument(
        "--no-repair",
        action="store_true",
        help="refuse invalid geometries instead of repairing them with a note",
    )
    p.add_argument(
        "--vn2000-variant",
        choices=VARIANT_NAMES,
        default="official",
        help="official: datum shift EPSG:6960 (default); internal: 'nội bộ', no shift",
    )
    p.add_argument(
        "--max-border-distance",
        type=float,
        default=DEFAULT_MAX_BORDER_DISTANCE_M,
        metavar="METRES",
        help="markers farther from their border line are refused; 0 turns the check off",
    )
    p.add_argument("--layer", help="layer of a multi-layer GeoPackage")
    p.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="the person the import is recorded for in the audit (beside the OS user)",
    )
    p.add_argument(
        "--new-codes",
        action="store_true",
        help="accept unit codes missing from the era's reference list (units created since)",
    )
    p.add_argument("--batch-size", type=int, default=2000, help=argparse.SUPPRESS)
    handlers["import"] = _import


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from service.auth.principal import command_principal
    from service.db.engine import make_engine
    from service.ingest.audited import audit_hook
    from service.ingest.runner import run_import

    options = ImportOptions(
        kind=args.kind,
        path=args.path,
        crs=args.crs,
        axis_order=args.axis_order,
        era=args.era,
        dry_run=args.dry_run,
        repair=not args.no_repair,
        vn2000_variant=args.vn2000_variant,
        max_border_distance_m=args.max_border_distance,
        batch_size=args.batch_size,
        layer=args.layer,
        allow_new_codes=args.new_codes,
    )
    bar: Any = None

    def on_open(source: Source) -> None:
        nonlocal bar
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=source.count, unit=source.unit, desc=source.path.name, leave=False)

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    engine = make_engine(settings)
    try:
        report = run_import(
            engine,
            options,
            progress=progress,
            on_open=on_open,
            on_commit=audit_hook(command_principal("import", as_user=args.as_name)),
        )
    except KeyboardInterrupt:
        print("interrupted: the import was rolled back, the database is unchanged", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()
    print_report(report)
    return 0 if report.ok else 1


def print_report(report: ImportReport) -> None:
    """Warnings and errors on stderr, one per line; the summary on stdout."""
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if report.warning_count > len(report.warnings):
        print(f"... {report.warning_count - len(report.warnings)} more warnings", file=sys.stderr)
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    if report.error_count > len(report.errors):
        print(f"... {report.error_count - len(report.errors)} more errors", file=sys.stderr)
    print(report.summary())
