"""service.db.report: the figures of the yearly coordination report, from the API's functions.

The report of year Y is as of 31 December Y (today for the current year), compared with 31
December Y-1. Every figure comes from the data-layer function the API serves:

- demarcation: :func:`service.db.progress.border_progress` / ``segment_progress``
  (``/progress/borders``, ``/progress/segments``);
- the year's marker work: :func:`marker_activity` (``/progress/activity``): per border and
  segment, markers first planted in the year, and markers with a ``verified``, ``damaged``
  or ``restored`` event in it (distinct markers; segments of the era of the report date);
- coverage: :func:`service.db.coverage.coverage_summary` (``/coverage/provinces``: border
  communes, officers by role), :func:`service.db.targets.target_coverage` and
  ``class_coverage`` (``/coverage/targets``, ``/coverage/classes``),
  :func:`service.db.posts.post_figures` (``/coverage/posts``);
- lists needing action: the uncovered communes of each target (its ``uncovered_communes``)
  and :func:`damaged_markers` (the markers whose status on the date is ``damaged``, as
  ``/collections/markers/items?status=damaged&as_of=``);
- the year's records: :func:`service.db.coordination.coordination_records`
  (``/coordination?year=``);
- the small maps: :func:`segment_shapes`, each segment's line simplified for print.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from service.db.coordination import CoordinationRecord, coordination_records
from service.db.coverage import coverage_summary
from service.db.posts import PostFigures, post_figures
from service.db.progress import border_progress, segment_progress
from service.db.targets import ClassCoverage, TargetCoverage, class_coverage, list_targets
from service.db.targets import target_coverage as _target_coverage
from service.db.units import Executor, valid_on
from service.errors import BadRequest
from service.figures import CoverageSummary, Progress
from service.vocabulary import era_on

FIRST_YEAR = 1975


@dataclass(frozen=True, slots=True)
class Activity:
    """The year's marker work on one segment (or a whole border: ``segment_code`` None)."""

    border_code: str
    segment_code: str | None
    province_code: str | None
    planted: int
    verified: int
    damaged: int
    restored: int


@dataclass(frozen=True, slots=True)
class DamagedMarker:
    """A marker damaged on the date and not restored by then."""

    label: str
    border_code: str
    segment_code: str | None
    province_code: str | None
    damaged_since: dt.date


@dataclass(frozen=True, slots=True)
class SegmentShape:
    """A segment's line for a small map: GeoJSON geometry (lon/lat), simplified."""

    code: str
    border_code: str
    geometry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class YearReport:
    """Everything the yearly report shows (see the module docstring)."""

    year: int
    as_of: dt.date
    previous: dt.date
    province: str | None
    province_name: str | None
    era: str
    borders: list[Progress]
    borders_before: list[Progress]
    segments: list[Progress]
    activity: list[Activity]
    planted_per_year: dict[str, dict[int, int]]
    coverage: CoverageSummary
    coverage_before: CoverageSummary
    targets: list[TargetCoverage]
    targets_before: list[TargetCoverage]
    classes: list[ClassCoverage]
    posts: list[PostFigures]
    damaged: list[DamagedMarker]
    records: list[CoordinationRecord]
    shapes: list[SegmentShape]
    synthetic: bool


_SEG = f"""
seg AS (
  SELECT s.id, s.code, s.border_code, s.province_code, s.geom FROM border_segment s
  WHERE {valid_on("s")}
    AND (CAST(:province AS text) IS NULL OR s.province_code = CAST(:province AS text))
    AND (CAST(:border AS text) IS NULL OR s.border_code = CAST(:border AS text))
)"""

_ACTIVITY = f"""
WITH {_SEG},
ev AS (
  SELECT e.marker_id, e.status, e.event_date,
         min(e.event_date) FILTER (
           WHERE e.status IN ('planted', 'verified', 'damaged', 'restored', 'relocated')
         ) OVER (PARTITION BY e.marker_id) AS plant_date
  FROM marker_event e
),
mk AS (
  SELECT m.id, seg.border_code, seg.code AS segment_code, seg.province_code
  FROM marker m
  JOIN marker_segment ms ON ms.marker_id = m.id AND ms.era = :era
  JOIN seg ON seg.id = ms.segment_id
)
SELECT mk.border_code, mk.segment_code, mk.province_code,
       GROUPING(mk.segment_code) = 1 AS is_border,
       count(DISTINCT ev.marker_id) FILTER (
         WHERE ev.plant_date BETWEEN :start AND :end) AS planted,
       count(DISTINCT ev.marker_id) FILTER (
         WHERE ev.status = 'verified' AND ev.event_date BETWEEN :start AND :end) AS verified,
       count(DISTINCT ev.marker_id) FILTER (
         WHERE ev.status = 'damaged' AND ev.event_date BETWEEN :start AND :end) AS damaged,
       count(DISTINCT ev.marker_id) FILTER (
         WHERE ev.status = 'restored' AND ev.event_date BETWEEN :start AND :end) AS restored
FROM mk JOIN ev ON ev.marker_id = mk.id
GROUP BY GROUPING SETS ((mk.border_code), (mk.border_code, mk.segment_code, mk.province_code))
ORDER BY mk.border_code, is_border DESC, mk.segment_code
"""

_DAMAGED = f"""
WITH {_SEG}
SELECT m.label, m.border_code, seg.code AS segment_code, seg.province_code,
       st.status_date AS damaged_since
FROM marker_status_as_of(:as_of) st
JOIN marker m ON m.id = st.marker_id
LEFT JOIN marker_segment ms ON ms.marker_id = m.id AND ms.era = :era
LEFT JOIN seg ON seg.id = ms.segment_id
WHERE st.status = 'damaged'
  AND (CAST(:province AS text) IS NULL OR seg.id IS NOT NULL)
  AND (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
ORDER BY m.border_code, st.status_date, m.label
"""

_PLANTED_PER_YEAR = f"""
WITH {_SEG},
first AS (
  SELECT e.marker_id, min(e.event_date) AS d FROM marker_event e
  WHERE e.status IN ('planted', 'verified', 'damaged', 'restored', 'relocated')
    AND e.event_date <= :as_of
  GROUP BY e.marker_id
)
SELECT m.border_code, extract(year FROM first.d)::int AS year, count(*) AS n
FROM first JOIN marker m ON m.id = first.marker_id
LEFT JOIN marker_segment ms ON ms.marker_id = m.id AND ms.era = :era
LEFT JOIN seg ON seg.id = ms.segment_id
WHERE CAST(:province AS text) IS NULL OR seg.id IS NOT NULL
GROUP BY 1, 2 ORDER BY 1, 2
"""

_SHAPES = f"""
WITH {_SEG}
SELECT code, border_code, ST_AsGeoJSON(ST_Simplify(geom, 0.005), 4) AS g FROM seg
ORDER BY border_code, code
"""


def _params(as_of: dt.date, province: str | None, border: str | None) -> dict[str, Any]:
    return {"as_of": as_of, "day": as_of, "era": era_on(as_of), "province": province,
            "border": border}  # fmt: skip


def marker_activity(
    db: Executor,
    *,
    start: dt.date,
    end: dt.date,
    province: str | None = None,
    border: str | None = None,
) -> list[Activity]:
    """The marker work of ``start``..``end`` (inclusive) per border and segment."""
    p = {**_params(end, province, border), "start": start, "end": end}
    return [
        Activity(
            border_code=r["border_code"],
            segment_code=None if r["is_border"] else r["segment_code"],
            province_code=None if r["is_border"] else r["province_code"],
            planted=int(r["planted"]),
            verified=int(r["verified"]),
            damaged=int(r["damaged"]),
            restored=int(r["restored"]),
        )
        for r in db.execute(text(_ACTIVITY), p).mappings()
    ]


def damaged_markers(
    db: Executor, *, as_of: dt.date, province: str | None = None, border: str | None = None
) -> list[DamagedMarker]:
    """Markers whose status on ``as_of`` is ``damaged`` (not restored by then)."""
    return [
        DamagedMarker(**dict(r))
        for r in db.execute(text(_DAMAGED), _params(as_of, province, border)).mappings()
    ]


def segment_shapes(
    db: Executor, *, as_of: dt.date, province: str | None = None
) -> list[SegmentShape]:
    """The lines of the segments valid on ``as_of``, simplified to about 500 m."""
    rows = db.execute(text(_SHAPES), _params(as_of, province, None))
    return [SegmentShape(r.code, r.border_code, json.loads(r.g)) for r in rows if r.g]


def report_dates(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """(as of, previous): 31 December of ``year`` (today for this year) and of the year before."""
    if not FIRST_YEAR <= year <= today.year:
        raise BadRequest(f"year: {year} is not between {FIRST_YEAR} and {today.year}")
    end = today if year == today.year else dt.date(year, 12, 31)
    return end, dt.date(year - 1, 12, 31)


def year_report(
    db: Executor, *, year: int, province: str | None = None, today: dt.date | None = None
) -> YearReport:
    """All the figures of the report of ``year`` (optionally one province of that date's era)."""
    day, before = report_dates(year, today or dt.date.today())
    targets = list_targets(db)
    borders = border_progress(db, as_of=day, province=province)
    coverage = coverage_summary(db, as_of=day, province=province)
    # A province code of one era means nothing in the other: the previous year's figures
    # of a province are compared only within the same era.
    prev_province = province if era_on(before) == era_on(day) else None
    same = province is None or prev_province is not None
    per_year: dict[str, dict[int, int]] = {}
    for r in db.execute(text(_PLANTED_PER_YEAR), _params(day, province, None)):
        per_year.setdefault(r.border_code, {})[int(r.year)] = int(r.n)
    goals = [_target_coverage(db, t, as_of=day, province=province) for t in targets]
    name = coverage.provinces[0].province_name if province and coverage.provinces else None
    return YearReport(
        year=year,
        as_of=day,
        previous=before,
        province=province,
        province_name=name,
        era=era_on(day),
        borders=borders,
        borders_before=border_progress(db, as_of=before, province=prev_province) if same else [],
        segments=segment_progress(db, as_of=day, province=province),
        activity=marker_activity(db, start=dt.date(year, 1, 1), end=day, province=province),
        planted_per_year=per_year,
        coverage=coverage,
        coverage_before=coverage_summary(db, as_of=before, province=prev_province)
        if same
        else coverage_summary(db, as_of=before, province=None),
        targets=goals,
        targets_before=[
            _target_coverage(db, t, as_of=before, province=prev_province) for t in targets
        ]
        if same
        else [],
        classes=class_coverage(db, as_of=day, province=province),
        posts=post_figures(db, as_of=day, province=province),
        damaged=damaged_markers(db, as_of=day, province=province),
        records=coordination_records(
            db, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), province=province
        ),
        shapes=segment_shapes(db, as_of=day, province=province),
        synthetic=coverage.synthetic or any(b.synthetic for b in borders),
    )
