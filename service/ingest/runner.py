"""service.ingest.runner: one import = read, check every row, stage, then write all or nothing."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import Any

import shapely
from pyproj.exceptions import ProjError
from shapely.geometry import Point
from sqlalchemy import Connection, Engine

from geo import area
from geo.crs import (
    WGS84,
    AxisOrder,
    SourceCRS,
    geometry_to_wgs84,
    points_to_wgs84,
    source_crs,
)
from geo.errors import GeoError, UnsupportedCRS
from geo.geometry import CheckedGeometry, check_geometry, check_type, point
from service.db import upserts
from service.db.commune_lists import replace_synthetic_border_lists
from service.ingest import fields
from service.ingest.admin_units import BORDER_COMMUNES, COMMUNES, PROVINCES
from service.ingest.assignments import ASSIGNMENTS
from service.ingest.base import Context, Geo, Kind, RowErrors
from service.ingest.border_features import MARKERS, SEGMENTS
from service.ingest.known_codes import known_codes
from service.ingest.options import ImportOptions
from service.ingest.problems import ImportReport, RowError, SourceError
from service.ingest.readers import EXPECTED_COORDS, Record, Source, open_source

log = logging.getLogger(__name__)

KINDS: dict[str, Kind] = {
    k.name: k for k in (COMMUNES, MARKERS, SEGMENTS, ASSIGNMENTS, BORDER_COMMUNES, PROVINCES)
}
Progress = Callable[[int], None]


def run_import(
    engine: Engine,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    on_open: Callable[[Source], None] | None = None,
    today: dt.date | None = None,
    on_commit: Callable[[Connection, ImportReport], None] | None = None,
) -> ImportReport:
    """Import one file in one transaction; the report says what was found and done.

    Nothing is written unless every row is clean (and not on a dry run). Any exception,
    KeyboardInterrupt included, rolls the transaction back. ``on_commit`` runs in the
    transaction just before it commits (the audit row of the import).
    """
    kind = KINDS[options.kind]
    report = ImportReport(kind.name, str(options.path), dry_run=options.dry_run)
    try:
        source = open_source(options.path, options.layer)
        report.unit = source.unit
        if kind.geometry is not None and kind.geometry_required and not source.has_geometry:
            # Said once for the file, not as "no geometry" on every line.
            raise SourceError(
                f"{source.path.name}: no coordinate columns recognised; found columns:"
                f" {', '.join(source.columns) or '(none)'}; expected {EXPECTED_COORDS}"
            )
        src_crs, axis_order = _resolve_crs(source, options, report)
    except (SourceError, UnsupportedCRS) as exc:
        report.error(None, None, str(exc))
        return report
    if on_open is not None:
        on_open(source)
    ctx = Context(
        era=options.era,
        today=today or dt.date.today(),
        columns={fields.norm(c) for c in source.columns},
        source=src_crs,
        axis_order=axis_order,
    )
    target = upserts.TARGETS[f"stage_{kind.stage}"]
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            upserts.begin_import(conn)
            ctx.provinces = upserts.unit_codes(conn, "province", options.era)
            ctx.communes = upserts.unit_codes(conn, "commune", options.era)
            ctx.borders = upserts.border_codes(conn)
            if kind in (PROVINCES, COMMUNES) and not options.allow_new_codes:
                level = "province" if kind is PROVINCES else "commune"
                known = ctx.provinces if kind is PROVINCES else ctx.communes
                ctx.known_codes = known_codes(level, options.era) | known
            upserts.create_stage(conn, target)
            _read_and_stage(conn, source, kind, target, ctx, options, report, progress)
            if report.ok and kind is MARKERS and options.max_border_distance_m > 0:
                _check_border_distance(conn, options.max_border_distance_m, report)
            if report.ok:
                report.counts = _write(conn, kind, target, ctx, options)
            if report.ok and not options.dry_run:
                if on_commit is not None:
                    on_commit(conn, report)
                trans.commit()
                report.committed = True
            else:
                trans.rollback()
        except BaseException:
            trans.rollback()
            raise
    log.info(report.summary())
    return report


def _resolve_crs(
    source: Source, options: ImportOptions, report: ImportReport
) -> tuple[SourceCRS | None, AxisOrder]:
    """The CRS and axis order of the coordinates as written."""
    if not source.has_geometry:
        return None, "xy"
    file_epsg: int | None = None
    if source.file_crs:
        try:
            file_epsg = source_crs(source.file_crs).epsg
        except UnsupportedCRS as exc:
            if not options.crs:
                raise UnsupportedCRS(f"the file's CRS: {exc}") from exc
    if options.crs:
        crs = source_crs(options.crs, options.vn2000_variant)
        if file_epsg is not None and file_epsg != crs.epsg:
            report.warn(
                None, "crs", f"the file says EPSG:{file_epsg}; --crs EPSG:{crs.epsg} is used"
            )
    elif file_epsg is not None:
        crs = SourceCRS(file_epsg, options.vn2000_variant if file_epsg != WGS84 else "official")
    elif source.geographic_columns:
        crs = SourceCRS(WGS84)
    elif source.crs_column is not None:
        return None, options.axis_order  # every row names its own CRS
    else:
        raise SourceError(
            f"{source.path.name}: the coordinates have no CRS; pass --crs"
            " (e.g. --crs EPSG:9209 for VN-2000 / TM-3 105-30, --crs EPSG:4326 for WGS 84)"
        )
    if source.geographic_columns and not crs.is_geographic:
        raise SourceError(
            f"columns {source.geom_field} hold lon/lat, but the CRS EPSG:{crs.epsg} is projected;"
            " name the columns x/y (or easting/northing)"
        )
    axis: AxisOrder = options.axis_order
    if source.fixed_axis_order is not None:
        if options.axis_order != source.fixed_axis_order:
            report.warn(
                None,
                source.geom_field,
                f"the column names fix the order; --axis-order {options.axis_order} is ignored",
            )
        axis = source.fixed_axis_order
    return crs, axis


def _read_and_stage(
    conn: Connection,
    source: Source,
    kind: Kind,
    target: upserts.Target,
    ctx: Context,
    options: ImportOptions,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    staged: list[dict[str, Any]] = []
    try:
        for batch in source.batches(options.batch_size):
            staged.clear()
            crs_of = _row_crs(batch, source, ctx, options)
            points = _points_to_wgs84(batch, kind, ctx, crs_of)
            default = ctx.source
            for i, rec in enumerate(batch):
                report.rows_read += 1
                crs = crs_of.get(i, default)
                if isinstance(crs, RowError):
                    rec.geom_error = rec.geom_error or crs
                    crs = None
                ctx.source = crs
                row = _row(rec, source, kind, ctx, options, report, points.get(i))
                if row is not None:
                    staged.append(row)
            ctx.source = default
            report.rows_valid += len(staged)
            if report.ok:  # once refused, only keep checking: nothing will be written
                upserts.stage_rows(conn, target, staged)
            if progress is not None:
                progress(len(batch))
    except SourceError as exc:
        report.error(None, None, str(exc))
    if report.rows_read == 0 and report.ok:
        report.error(None, None, f"{source.path.name} has no data rows")
    if kind is ASSIGNMENTS and report.ok:
        _check_officer_names(conn, report)


def _row(
    rec: Record,
    source: Source,
    kind: Kind,
    ctx: Context,
    options: ImportOptions,
    report: ImportReport,
    lonlat: tuple[float, float] | None = None,
) -> dict[str, Any] | None:
    """Parse and check one record; report its problems; the staging dict if it is clean."""
    ctx.warnings = []
    errors: list[RowError] = []
    geo = None
    if rec.geom_error is not None:
        errors.append(rec.geom_error)
    elif kind.geometry is not None:
        try:
            geo = _geometry(rec, source, kind, ctx, options, report, lonlat)
        except RowError as exc:
            errors.append(exc)
    row = fields.Row(rec.number, rec.props)
    parsed: dict[str, Any] | None = None
    try:
        parsed = kind.parse(row, geo, ctx)
    except RowErrors as exc:
        errors.extend(exc.errors)
    for fld, reason in ctx.warnings:
        report.warn(rec.number, fld, reason)
    if parsed is not None and not errors:
        key = kind.key(parsed)
        first = ctx.seen.get(key)
        if first is not None:
            errors.append(
                RowError(
                    kind.key_label, f"duplicate {_key_text(key)}: already at {report.unit} {first}"
                )
            )
        else:
            ctx.seen[key] = rec.number
    for e in errors:
        report.error(rec.number, e.field, e.reason)
    if errors or parsed is None:
        return None
    parsed["row_no"] = rec.number
    return parsed


def _key_text(key: tuple[Any, ...]) -> str:
    return "/".join("-" if k is None else str(k) for k in key)


def _row_crs(
    batch: list[Record], source: Source, ctx: Context, options: ImportOptions
) -> dict[int, SourceCRS | RowError]:
    """The CRS named by each row's CRS column (index in batch → CRS, or the error in it).

    Rows with an empty CRS cell use ``--crs`` (or the file's); none: an error of that row.
    """
    col = source.crs_column
    if col is None or not source.has_geometry:
        return {}
    out: dict[int, SourceCRS | RowError] = {}
    for i, rec in enumerate(batch):
        value = rec.props.get(col)
        if fields.is_empty(value):
            if ctx.source is None:
                out[i] = RowError(col, "no CRS: give an EPSG code or URN here, or pass --crs")
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = str(value).strip()
        found = ctx.row_crs_cache.get(key)
        if found is None:
            try:
                found = source_crs(key, options.vn2000_variant)
            except UnsupportedCRS as exc:
                found = RowError(col, str(exc))
            if (
                isinstance(found, SourceCRS)
                and source.geographic_columns
                and not (found.is_geographic)
            ):
                found = RowError(
                    col, f"EPSG:{found.epsg} is projected, but {source.geom_field} hold lon/lat"
                )
            ctx.row_crs_cache[key] = found
        out[i] = found
    return out


def _points_to_wgs84(
    batch: list[Record],
    kind: Kind,
    ctx: Context,
    crs_of: dict[int, SourceCRS | RowError],
) -> dict[int, tuple[float, float]]:
    """WGS 84 positions of a batch's points, one PROJ call per CRS (index → lon, lat)."""
    if kind.geometry != "point":
        return {}
    groups: dict[SourceCRS, list[int]] = {}
    for i, r in enumerate(batch):
        if r.geom_error is None and isinstance(r.geom, Point) and not r.geom.is_empty:
            crs = crs_of.get(i, ctx.source)
            if isinstance(crs, SourceCRS):
                groups.setdefault(crs, []).append(i)
    out: dict[int, tuple[float, float]] = {}
    for crs, idx in groups.items():
        xy = shapely.get_coordinates([batch[i].geom for i in idx])
        lon, lat = points_to_wgs84(xy[:, 0], xy[:, 1], crs, ctx.axis_order)
        out.update({i: (float(lon[k]), float(lat[k])) for k, i in enumerate(idx)})
    return out


def _geometry(
    rec: Record,
    source: Source,
    kind: Kind,
    ctx: Context,
    options: ImportOptions,
    report: ImportReport,
    lonlat: tuple[float, float] | None,
) -> Geo | None:
    assert kind.geometry is not None
    name = source.geom_field
    if rec.geom is None or rec.geom.is_empty:
        if kind.geometry_required:
            raise RowError(name, "no geometry")
        return None
    try:
        check_type(rec.geom, kind.geometry)
        if ctx.source is None:
            raise RowError(name, "no CRS for these coordinates")
        if lonlat is not None:  # a point, already transformed with its batch
            if not all(math.isfinite(v) for v in lonlat):
                raise RowError(name, f"cannot transform ({rec.geom.x}, {rec.geom.y}) to WGS 84")
            area.check_point(*lonlat, islands=kind.islands)
            checked = CheckedGeometry(point(*lonlat))
        else:
            wgs = geometry_to_wgs84(rec.geom, ctx.source, ctx.axis_order)
            area.check_geometry(wgs, islands=kind.islands)
            checked = check_geometry(wgs, kind.geometry, repair=options.repair)
    except (GeoError, ProjError) as exc:
        raise RowError(name, str(exc)) from None
    if checked.note:
        report.warn(rec.number, name, checked.note)
    geo = Geo(checked.geom)
    if kind.geometry == "point":
        geo.first, geo.second = float(rec.geom.x), float(rec.geom.y)  # as written
    return geo


# An approximate border line (the demo's Natural Earth 1:10M) is itself kilometres off in
# places: beyond the limit only a warning, and an error only this far out (wrong zone, CRS).
APPROXIMATE_LINE_LIMIT_M = 10_000.0


def _check_border_distance(conn: Connection, max_m: float, report: ImportReport) -> None:
    for row_no, border, distance, approximate in upserts.markers_far_from_border(conn, max_m):
        if distance is None:
            report.error(row_no, "border_code", f"border {border} has no line in the database")
        elif approximate and distance <= max(max_m, APPROXIMATE_LINE_LIMIT_M):
            report.warn(
                row_no,
                "geometry",
                f"{distance:,.0f} m from the {border} border line, but that line is approximate"
                " (geom_source 'approximate'): the position is not checked closer than"
                f" {APPROXIMATE_LINE_LIMIT_M:,.0f} m; import the official line to check it",
            )
        elif approximate:
            report.error(
                row_no,
                "geometry",
                f"{distance:,.0f} m from the {border} border line: too far even for an"
                f" approximate line (limit {APPROXIMATE_LINE_LIMIT_M:,.0f} m):"
                " wrong position, CRS or zone?",
            )
        else:
            report.error(
                row_no,
                "geometry",
                f"{distance:,.0f} m from the {border} border line (limit {max_m:,.0f} m):"
                " wrong position, CRS or zone?",
            )


def _check_officer_names(conn: Connection, report: ImportReport) -> None:
    # One officer, one name: rows disagreeing on the name of a service number are refused.
    for row_no, number in upserts.officer_name_conflicts(conn):
        report.error(
            row_no, "full_name", f"service number {number} has different names in the file"
        )


def _write(
    conn: Connection, kind: Kind, target: upserts.Target, ctx: Context, options: ImportOptions
) -> dict[str, int]:
    present = kind.present(ctx)
    dry = options.dry_run
    if kind is ASSIGNMENTS:
        upserts.stage_officers(conn)
        officers = upserts.classify(conn, upserts.OFFICER, present)
        if not dry:
            upserts.apply(conn, upserts.OFFICER, present, officers)
        upserts.resolve_assignment_ids(conn)
        counts = upserts.classify(conn, target, present)
        if not dry:
            upserts.apply(conn, target, present, counts)
        return {
            "officers new": officers["new"],
            "officers changed": officers["changed"],
            **{f"assignments {k}": v for k, v in counts.items()},
        }
    counts = upserts.classify(conn, target, present)
    result = dict(counts)
    if kind is BORDER_COMMUNES:
        coastal = "is_coastal" in present
        if dry:
            result["unlisted cleared"] = upserts.official_unlisted(conn, ctx.era, coastal)
        else:
            upserts.apply(conn, target, present, counts)
            result["unlisted cleared"] = upserts.apply_official_unlisted(conn, ctx.era, coastal)
            result["synthetic lists replaced"] = replace_synthetic_border_lists(
                conn, ctx.era, f"imported from {options.path.name}"
            )
        return result
    if dry:
        if kind is MARKERS:
            result["events new"] = upserts.count_new_events(conn)
        return result
    upserts.apply(conn, target, present, counts)
    if kind is MARKERS:
        result["events new"] = upserts.append_events(conn)
        result["segment links"] = upserts.link_marker_segments(conn)
    return result
