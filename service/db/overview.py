"""service.db.overview: the marker lists of the overview page and of the two-date comparison.

Each marker is placed in the province of its border segment in the era of the date asked
for (``marker_segment`` of that era), so a list on a date uses that date's provinces.

- :func:`recent_events`: the latest status events on or before a date.
- :func:`damaged_markers`: markers whose status on a date is ``damaged`` (waiting for
  restoration), oldest damage first.
- :func:`marker_changes`: the events of the life-cycle steps that matter to commanders
  (planted, damaged, restored) dated in ``(start, end]``.
- :func:`recent_inspections`: the latest inspections on or before a date (the unit that
  inspected and the finding; notes are left out: free text may name people).

Progress per border and coverage per province come from :mod:`service.db.progress` and
:mod:`service.db.coverage` (the same functions as the API); nothing is computed twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from service.db.units import Executor
from service.vocabulary import era_on

# The province (code, name) of marker ``m`` in era :era, or NULLs.
_PLACE = """
LEFT JOIN LATERAL (
  SELECT s.province_code AS code, p.name
  FROM marker_segment ms
  JOIN border_segment s ON s.id = ms.segment_id
  JOIN province p ON p.era = s.era AND p.code = s.province_code
  WHERE ms.marker_id = m.id AND ms.era = :era
  ORDER BY s.province_code LIMIT 1
) place ON true
"""
_FILTERS = """
  (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
  AND (CAST(:province AS text) IS NULL OR place.code = CAST(:province AS text))
"""


@dataclass(frozen=True, slots=True)
class MarkerEvent:
    """One status event of a marker, with where the marker is (its province on the date)."""

    marker_id: int
    label: str
    border_code: str
    status: str
    event_date: dt.date
    province_code: str | None
    province_name: str | None
    synthetic: bool


def _event(r: Any) -> MarkerEvent:
    return MarkerEvent(
        marker_id=int(r.marker_id),
        label=str(r.label),
        border_code=str(r.border_code),
        status=str(r.status),
        event_date=r.event_date,
        province_code=r.province_code,
        province_name=r.province_name,
        synthetic=bool(r.synthetic),
    )


def _params(day: dt.date, border: str | None, province: str | None, **more: Any) -> dict[str, Any]:
    return {"era": era_on(day), "border": border, "province": province, **more}


# Without a province filter the latest events are picked before they are placed (placing
# every event first took 400 ms on the demo data; this takes a few).
_RECENT = f"""
WITH ev AS (
  SELECT e.* FROM marker_event e
  WHERE e.event_date <= :as_of
  ORDER BY e.event_date DESC, e.id DESC
  LIMIT CASE WHEN CAST(:province AS text) IS NULL AND CAST(:border AS text) IS NULL
             THEN :limit END
)
SELECT e.marker_id, m.label, m.border_code, e.status, e.event_date,
       place.code AS province_code, place.name AS province_name,
       (e.synthetic OR m.synthetic) AS synthetic
FROM ev e
JOIN marker m ON m.id = e.marker_id
{_PLACE}
WHERE {_FILTERS}
ORDER BY e.event_date DESC, e.id DESC
LIMIT :limit
"""


def recent_events(
    db: Executor,
    *,
    as_of: dt.date,
    limit: int = 15,
    border: str | None = None,
    province: str | None = None,
) -> list[MarkerEvent]:
    """The ``limit`` latest status events dated on or before ``as_of``, newest first."""
    rows = db.execute(text(_RECENT), _params(as_of, border, province, as_of=as_of, limit=limit))
    return [_event(r) for r in rows]


_DAMAGED = f"""
SELECT m.id AS marker_id, m.label, m.border_code, st.status, st.status_date AS event_date,
       place.code AS province_code, place.name AS province_name, m.synthetic
FROM marker m
CROSS JOIN LATERAL marker_status_on(m.id, :as_of) st
{_PLACE}
WHERE st.status = 'damaged' AND {_FILTERS}
ORDER BY st.status_date, m.border_code, m.number, m.id
"""


def damaged_markers(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> list[MarkerEvent]:
    """Markers damaged on ``as_of`` and not restored since (``event_date``: damaged on)."""
    rows = db.execute(text(_DAMAGED), _params(as_of, border, province, as_of=as_of))
    return [_event(r) for r in rows]


# The steps a comparison reports; "planted" counts a marker's first planting only.
CHANGE_STATUSES = ("planted", "damaged", "restored")

_CHANGES = f"""
SELECT e.marker_id, m.label, m.border_code, e.status, e.event_date,
       place.code AS province_code, place.name AS province_name,
       (e.synthetic OR m.synthetic) AS synthetic
FROM marker_event e
JOIN marker m ON m.id = e.marker_id
{_PLACE}
WHERE e.status IN ('planted', 'damaged', 'restored')
  AND e.event_date > :start AND e.event_date <= :end
  AND (e.status <> 'planted' OR NOT EXISTS (
        SELECT 1 FROM marker_event f
        WHERE f.marker_id = e.marker_id AND f.status = 'planted'
          AND (f.event_date < e.event_date OR (f.event_date = e.event_date AND f.id < e.id))))
  AND {_FILTERS}
ORDER BY e.event_date, m.border_code, m.number, e.id
"""


def marker_changes(
    db: Executor,
    *,
    start: dt.date,
    end: dt.date,
    border: str | None = None,
    province: str | None = None,
) -> dict[str, list[MarkerEvent]]:
    """Markers first planted, damaged and restored after ``start`` up to ``end`` inclusive.

    Keyed by status (:data:`CHANGE_STATUSES`), each list oldest first; markers are placed
    in the provinces of ``end``'s era (``province`` is a code of that era).
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    out: dict[str, list[MarkerEvent]] = {s: [] for s in CHANGE_STATUSES}
    rows = db.execute(text(_CHANGES), _params(end, border, province, start=start, end=end))
    for r in rows:
        out[str(r.status)].append(_event(r))
    return out


@dataclass(frozen=True, slots=True)
class InspectionRow:
    """One inspection as the overview lists it (no note: free text may name people)."""

    inspection_id: int
    label: str
    border_code: str
    inspected_on: dt.date
    found_status: str
    inspecting_unit: str
    photos: int
    province_code: str | None
    province_name: str | None
    synthetic: bool


_INSPECTIONS = f"""
SELECT i.id, m.label, m.border_code, i.inspected_on, i.found_status, i.inspecting_unit,
       (SELECT count(*) FROM inspection_photo p WHERE p.inspection_id = i.id) AS photos,
       place.code AS province_code, place.name AS province_name, m.synthetic
FROM inspection i
JOIN marker m ON m.id = i.marker_id
{_PLACE}
WHERE i.inspected_on <= :as_of AND {_FILTERS}
ORDER BY i.inspected_on DESC, i.id DESC
LIMIT :limit
"""


def recent_inspections(
    db: Executor,
    *,
    as_of: dt.date,
    limit: int = 15,
    border: str | None = None,
    province: str | None = None,
) -> list[InspectionRow]:
    """The ``limit`` latest inspections dated on or before ``as_of``, newest first."""
    rows = db.execute(
        text(_INSPECTIONS), _params(as_of, border, province, as_of=as_of, limit=limit)
    )
    return [
        InspectionRow(
            inspection_id=int(r.id),
            label=str(r.label),
            border_code=str(r.border_code),
            inspected_on=r.inspected_on,
            found_status=str(r.found_status),
            inspecting_unit=str(r.inspecting_unit),
            photos=int(r.photos),
            province_code=r.province_code,
            province_name=r.province_name,
            synthetic=bool(r.synthetic),
        )
        for r in rows
    ]
