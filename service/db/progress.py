"""service.db.progress: demarcation progress per border and per border segment, on any date.

Everything is computed in PostGIS from the status history. Definitions:

- **Status on a date**: ``marker_status_as_of(as_of)``, the marker's latest event on or
  before that date. A marker with no event by then is not yet in the plan and counts
  nowhere.
- ``markers_total``: markers with a status on the date. ``by_status``: their count per
  status (adds up to ``markers_total``).
- ``markers_planned``: status ``planned`` or ``surveyed`` (not yet in the ground).
- ``markers_planted``: planted or any later step (``planted``, ``verified``, ``damaged``,
  ``restored``, ``relocated``): the marker has been set, whatever happened since.
- ``markers_verified`` / ``markers_damaged``: status ``verified`` / ``damaged`` on the date
  (a damaged marker that was restored is no longer damaged).
- **Position**: one place on the line, identified by (border, number, sub-number). The
  markers of a same-number pair or triple (``261(1)``, ``261(2)`` on the two banks) share a
  position; a secondary marker ``511/1`` is a position of its own.
  ``positions_done``: positions with at least one planted-or-later marker.
- **Km demarcated**: markers are located along the segment line (``ST_LineLocatePoint`` on
  the nearest part of ``ST_LineMerge(geom)``). The stretch between two neighbouring
  planted-or-later markers is demarcated on a date unless a marker between them that is not
  planted was already in the plan (had its first event) when the later of the two was
  planted: it belongs to the same plan and is still missing. Markers planned afterwards
  (densification, as on the Laos border from 2008 between the markers of 1978-1987) do not
  undo earlier demarcation. The stretches from a part's ends to its first and last planted
  marker follow the same rule. Lengths are geodesic (``geography``). The demarcated share
  of the measured line is applied to the reference length, so
  ``km_demarcated = length_km * pct_km / 100``.
- **Reference length** (``length_km``, ``length_basis``): the official length where known,
  otherwise the measured one (the ``measured_length_km`` column, else the geometry).
- ``pct_markers``: planted-or-later markers as a share of ``markers_expected`` for a border
  (when known) and of ``markers_total`` for a segment. ``pct_positions``: positions done
  against ``positions_expected`` (borders, when known).
- Segments are those of the era in force on the date and valid on it; markers reach
  segments through ``marker_segment`` rows of that era. A border's marker counts take all
  its markers (with a province filter, only those on that province's segments).
- ``synthetic``: any border, segment or marker row behind the figure is synthetic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from service.db.units import Executor, valid_on
from service.figures import Progress
from service.vocabulary import MARKER_STATUSES, era_on

PLANTED_OR_LATER = ("planted", "verified", "damaged", "restored", "relocated")
NOT_YET_PLANTED = ("planned", "surveyed")


# Markers with their status on :as_of, and the segment (of :era) each lies on.
_STATUS = f"""
st AS (SELECT * FROM marker_status_as_of(:as_of)),
-- When each marker entered the plan, and when it was first planted (as known on :as_of).
ev AS (
  SELECT marker_id, min(event_date) AS first_date,
         min(event_date) FILTER (
           WHERE status IN ('planted', 'verified', 'damaged', 'restored', 'relocated')
         ) AS plant_date
  FROM marker_event WHERE event_date <= :as_of GROUP BY marker_id
),
seg AS (
  SELECT s.id, s.code, s.border_code, s.province_code, p.name AS province_name,
         s.official_length_km, s.measured_length_km, s.demarcated, s.synthetic, s.geom
  FROM border_segment s
  JOIN province p ON p.era = s.era AND p.code = s.province_code
  WHERE {valid_on("s")}
    AND (CAST(:border AS text) IS NULL OR s.border_code = CAST(:border AS text))
    AND (CAST(:province AS text) IS NULL OR s.province_code = CAST(:province AS text))
),
mk AS (
  SELECT m.id, m.border_code, ms.segment_id, m.geom, m.synthetic, st.status,
         m.number::text || '/' || COALESCE(m.sub_number::text, '') AS position,
         st.status IN ('planted', 'verified', 'damaged', 'restored', 'relocated') AS planted,
         ev.first_date, ev.plant_date
  FROM marker m
  JOIN st ON st.marker_id = m.id
  JOIN ev ON ev.marker_id = m.id
  LEFT JOIN marker_segment ms ON ms.marker_id = m.id AND ms.era = :era
  LEFT JOIN seg ON seg.id = ms.segment_id
  WHERE (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
    AND (CAST(:province AS text) IS NULL OR seg.id IS NOT NULL)
),
-- Each segment's line parts, and where each of its markers falls along its nearest part
-- (materialised so the sort below carries numbers, not line geometries).
part AS (
  SELECT seg.id AS segment_id, d.path AS part_no, d.geom AS g,
         ST_Length(d.geom::geography) AS len_m,
         count(*) OVER (PARTITION BY seg.id) AS n_parts
  FROM seg, LATERAL ST_Dump(ST_LineMerge(seg.geom)) d
  WHERE ST_Length(d.geom) > 0
),
loc AS MATERIALIZED (
  SELECT mk.segment_id, part.part_no, part.len_m, ST_LineLocatePoint(part.g, mk.geom) AS f,
         mk.planted, mk.first_date, mk.plant_date
  FROM mk
  JOIN part ON part.segment_id = mk.segment_id
  WHERE part.n_parts = 1
     OR part.part_no = (SELECT p2.part_no FROM part p2 WHERE p2.segment_id = mk.segment_id
                        ORDER BY ST_Distance(p2.g, mk.geom) LIMIT 1)
),
-- Along each part, planted markers are stops 1..n; g numbers the gap after stop g (gap 0
-- lies before the first stop) and the unplanted markers in it.
grp AS (
  SELECT *, sum(planted::int) OVER (PARTITION BY segment_id, part_no
                                    ORDER BY f, planted DESC ROWS UNBOUNDED PRECEDING) AS g
  FROM loc
),
gap AS (
  SELECT segment_id, part_no, g, min(first_date) AS first_planned
  FROM grp WHERE NOT planted GROUP BY segment_id, part_no, g
),
stop AS (
  SELECT segment_id, part_no, len_m, g, f, plant_date,
         lead(f) OVER w AS next_f, lead(plant_date) OVER w AS next_date
  FROM grp WHERE planted
  WINDOW w AS (PARTITION BY segment_id, part_no ORDER BY g)
),
-- A stretch is broken by a marker in its gap that was already planned when the later of
-- its two ends was planted; a part's ends count from the first and to the last stop.
covered AS (
  SELECT st.segment_id, sum(st.len_m * (
      CASE WHEN st.next_f IS NOT NULL
            AND NOT COALESCE(gp.first_planned <= greatest(st.plant_date, st.next_date), false)
           THEN st.next_f - st.f ELSE 0 END
    + CASE WHEN st.g = 1 AND NOT COALESCE(g0.first_planned <= st.plant_date, false)
           THEN st.f ELSE 0 END
    + CASE WHEN st.next_f IS NULL AND NOT COALESCE(gp.first_planned <= st.plant_date, false)
           THEN 1 - st.f ELSE 0 END)) AS covered_m
  FROM stop st
  LEFT JOIN gap gp ON gp.segment_id = st.segment_id AND gp.part_no = st.part_no AND gp.g = st.g
  LEFT JOIN gap g0 ON g0.segment_id = st.segment_id AND g0.part_no = st.part_no AND g0.g = 0
  GROUP BY st.segment_id
),
line AS (
  SELECT seg.id AS segment_id, COALESCE(sum(part.len_m), 0) AS line_m,
         COALESCE(c.covered_m, 0) AS covered_m
  FROM seg
  LEFT JOIN part ON part.segment_id = seg.id
  LEFT JOIN covered c ON c.segment_id = seg.id
  GROUP BY seg.id, c.covered_m
)
"""

_COUNTS = """
  count(*) AS markers_total,
  count(*) FILTER (WHERE status IN ('planned', 'surveyed')) AS markers_planned,
  count(*) FILTER (WHERE planted) AS markers_planted,
  count(*) FILTER (WHERE status = 'verified') AS markers_verified,
  count(*) FILTER (WHERE status = 'damaged') AS markers_damaged,
  count(DISTINCT position) FILTER (WHERE planted) AS positions_done,
  bool_or(synthetic) AS synthetic
"""

# The counts above as output columns: zero where a segment or border has no marker.
_COUNTED = """COALESCE(cnt.markers_total, 0) AS markers_total,
       COALESCE(cnt.markers_planned, 0) AS markers_planned,
       COALESCE(cnt.markers_planted, 0) AS markers_planted,
       COALESCE(cnt.markers_verified, 0) AS markers_verified,
       COALESCE(cnt.markers_damaged, 0) AS markers_damaged,
       COALESCE(cnt.positions_done, 0) AS positions_done,
       COALESCE(bs.by_status, '{}'::jsonb) AS by_status"""

_SEGMENTS = f"""
WITH {_STATUS},
cnt AS (SELECT segment_id, {_COUNTS} FROM mk WHERE segment_id IS NOT NULL GROUP BY segment_id),
bs AS (
  SELECT segment_id, jsonb_object_agg(status, k) AS by_status
  FROM (SELECT segment_id, status, count(*) AS k FROM mk GROUP BY segment_id, status) x
  GROUP BY segment_id
)
SELECT seg.code AS segment_code, seg.border_code, b.name AS border_name,
       seg.province_code, seg.province_name,
       {_COUNTED},
       NULL::integer AS markers_expected, NULL::integer AS positions_expected,
       seg.official_length_km AS official_km,
       COALESCE(seg.measured_length_km, (line.line_m / 1000)::numeric) AS measured_km,
       line.line_m, line.covered_m, seg.demarcated AS demarcated_flag,
       seg.synthetic OR b.synthetic OR COALESCE(cnt.synthetic, false) AS synthetic
FROM seg
JOIN border b ON b.code = seg.border_code
JOIN line ON line.segment_id = seg.id
LEFT JOIN cnt ON cnt.segment_id = seg.id
LEFT JOIN bs ON bs.segment_id = seg.id
ORDER BY seg.border_code, seg.code
"""

_BORDERS = f"""
WITH {_STATUS},
cnt AS (SELECT border_code, {_COUNTS} FROM mk GROUP BY border_code),
bs AS (
  SELECT border_code, jsonb_object_agg(status, k) AS by_status
  FROM (SELECT border_code, status, count(*) AS k FROM mk GROUP BY border_code, status) x
  GROUP BY border_code
),
len AS (
  SELECT seg.border_code, sum(line.line_m) AS line_m, sum(line.covered_m) AS covered_m,
         sum(COALESCE(seg.official_length_km, seg.measured_length_km,
                      (line.line_m / 1000)::numeric)) AS segments_km,
         bool_and(seg.official_length_km IS NOT NULL) AS segments_official,
         bool_and(seg.demarcated) AS demarcated, bool_or(seg.synthetic) AS synthetic
  FROM seg JOIN line ON line.segment_id = seg.id
  GROUP BY seg.border_code
)
SELECT NULL::text AS segment_code, b.code AS border_code, b.name AS border_name,
       CAST(:province AS text) AS province_code, p.name AS province_name,
       {_COUNTED},
       CASE WHEN CAST(:province AS text) IS NULL THEN b.markers_expected END AS markers_expected,
       CASE WHEN CAST(:province AS text) IS NULL THEN b.positions_expected END AS positions_expected,
       -- A whole border has its own official length; a province's part sums its segments.
       CASE WHEN CAST(:province AS text) IS NULL THEN b.official_length_km
            WHEN len.segments_official THEN len.segments_km END AS official_km,
       CASE WHEN CAST(:province AS text) IS NULL AND b.geom IS NOT NULL
            THEN (ST_Length(b.geom::geography) / 1000)::numeric
            ELSE len.segments_km END AS measured_km,
       COALESCE(len.line_m, 0) AS line_m, COALESCE(len.covered_m, 0) AS covered_m,
       len.demarcated AS demarcated_flag,
       b.synthetic OR COALESCE(len.synthetic, false) OR COALESCE(cnt.synthetic, false)
         AS synthetic
FROM border b
LEFT JOIN cnt ON cnt.border_code = b.code
LEFT JOIN bs ON bs.border_code = b.code
LEFT JOIN len ON len.border_code = b.code
LEFT JOIN province p ON p.code = CAST(:province AS text) AND {valid_on("p")}
WHERE (CAST(:border AS text) IS NULL OR b.code = CAST(:border AS text))
  AND (CAST(:province AS text) IS NULL OR len.border_code IS NOT NULL)
ORDER BY b.code
"""


def _pct(part: float | int, whole: float | int | None) -> float | None:
    return round(100.0 * float(part) / float(whole), 2) if whole else None


def _num(v: Decimal | float | None) -> float | None:
    return None if v is None else float(v)


def _row(r: Any) -> Progress:
    official = _num(r["official_km"])
    measured = _num(r["measured_km"])
    length = official if official is not None else measured
    line_m = float(r["line_m"] or 0)
    share = float(r["covered_m"]) / line_m if line_m > 0 else None
    planted = int(r["markers_planted"])
    expected = r["markers_expected"]
    by_status = {s: int(r["by_status"].get(s, 0)) for s in MARKER_STATUSES}
    return Progress(
        border_code=r["border_code"],
        border_name=r["border_name"],
        segment_code=r["segment_code"],
        province_code=r["province_code"],
        province_name=r["province_name"],
        markers_total=int(r["markers_total"]),
        markers_planned=int(r["markers_planned"]),
        markers_planted=planted,
        markers_verified=int(r["markers_verified"]),
        markers_damaged=int(r["markers_damaged"]),
        by_status=by_status,
        markers_expected=expected,
        pct_markers=_pct(planted, expected if expected else int(r["markers_total"])),
        positions_done=int(r["positions_done"]),
        positions_expected=r["positions_expected"],
        pct_positions=_pct(int(r["positions_done"]), r["positions_expected"]),
        length_km=None if length is None else round(length, 3),
        length_basis=None
        if length is None
        else ("official" if official is not None else "measured"),
        measured_km=None if measured is None else round(measured, 3),
        km_demarcated=None if share is None or length is None else round(length * share, 3),
        pct_km=None if share is None else round(100.0 * share, 2),
        demarcated_flag=r["demarcated_flag"],
        synthetic=bool(r["synthetic"]),
    )


def _params(as_of: dt.date, border: str | None, province: str | None) -> dict[str, Any]:
    return {"as_of": as_of, "era": era_on(as_of), "border": border, "province": province}


def segment_progress(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> list[Progress]:
    """Progress of every border segment valid on ``as_of`` (see the module docstring).

    Parameters
    ----------
    db
        A session or connection.
    as_of
        The date of the status; also picks the era of the segments.
    border
        ``CN``, ``LA`` or ``KH``; None for all.
    province
        Two-digit province code of the era; None for all.
    """
    rows = db.execute(text(_SEGMENTS), _params(as_of, border, province)).mappings()
    return [_row(r) for r in rows]


def border_progress(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> list[Progress]:
    """Progress of each border on ``as_of``; with ``province``, of that province's part."""
    rows = db.execute(text(_BORDERS), _params(as_of, border, province)).mappings()
    return [_row(r) for r in rows]
