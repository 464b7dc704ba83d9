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
  the nearest part of ``ST_LineMerge(geom)``). A piece of the line is demarcated on a date
  when, on that date or earlier, the two markers nearest to it on either side *among those
  then in the plan* were both planted, and both are still planted-or-later (a part's end
  counts as such a marker, but a piece needs one real marker). So the stretch between two
  neighbouring planted markers counts once both stand, unless a marker of the same plan
  between them is still missing; markers planned later between them (densification, as on
  the Laos border from 2004-2008 between the markers of 1978-1987) never undo it, planted
  or not. The share never falls from one date to a later one unless a marker stops being
  planted-or-later (is lost). The rule and its O(n log n) computation are in
  ``geo.demarcation``. Lengths are geodesic (``geography``). The demarcated share of the
  measured line is applied to the reference length, so
  ``km_demarcated = length_km * pct_km / 100``.
- **Reference length** (``length_km``, ``length_basis``): the official length where known
  (``official``), otherwise the measured one (``measured``: the ``measured_length_km``
  column, else the geometry). A post-2025 segment with no official length of its own
  carries over the official lengths of the pre-2025 segments it is made of
  (``official_carried``): the reform merged whole provinces, so the segment of a province
  that did not change is the same line with the same length (Cao Bằng: 333 km in both
  eras), and that of merged provinces is their sum, when every one of them has an official
  length and together they make the same line (``admin_lineage`` at province level).
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
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from geo.demarcation import demarcated_share
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
         COALESCE(s.official_length_km, co.km) AS official_length_km,
         s.official_length_km IS NULL AND co.km IS NOT NULL AS official_carried,
         s.measured_length_km, s.demarcated, s.synthetic, s.geom
  FROM border_segment s
  JOIN province p ON p.era = s.era AND p.code = s.province_code
  -- A post-2025 segment without its own official length takes the sum of those of the
  -- pre-2025 segments it is made of (old provinces mapped to it, same border, same
  -- demarcated flag), when every one has one and together they are the same line (to
  -- about 50 m, in degrees: the tolerance only absorbs re-noding).
  LEFT JOIN LATERAL (
    SELECT sum(o.official_length_km) AS km
    FROM admin_lineage l
    JOIN border_segment o ON o.era = 'pre2025' AND o.province_code = l.old_code
     AND o.border_code = s.border_code AND o.demarcated IS NOT DISTINCT FROM s.demarcated
    WHERE s.era = 'post2025' AND s.official_length_km IS NULL
      AND l.level = 'province' AND l.new_code = s.province_code
    HAVING bool_and(o.official_length_km IS NOT NULL)
       AND ST_HausdorffDistance(ST_Union(o.geom), s.geom) < 0.0005
  ) co ON true
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
-- Each segment's line parts.
part AS (
  SELECT seg.id AS segment_id, d.path AS part_no, d.geom AS g,
         ST_Length(d.geom::geography) AS len_m,
         count(*) OVER (PARTITION BY seg.id) AS n_parts
  FROM seg, LATERAL ST_Dump(ST_LineMerge(seg.geom)) d
  WHERE ST_Length(d.geom) > 0
),
line AS (
  SELECT seg.id AS segment_id, COALESCE(sum(part.len_m), 0) AS line_m
  FROM seg LEFT JOIN part ON part.segment_id = seg.id
  GROUP BY seg.id
)
"""

# Where each marker falls along the nearest part of its segment's line, in line order.
_LOCATED = f"""
WITH {_STATUS},
loc AS (
  SELECT mk.segment_id, part.part_no, part.len_m, ST_LineLocatePoint(part.g, mk.geom) AS f,
         mk.planted, mk.first_date, mk.plant_date
  FROM mk
  JOIN part ON part.segment_id = mk.segment_id
  WHERE part.n_parts = 1
     OR part.part_no = (SELECT p2.part_no FROM part p2 WHERE p2.segment_id = mk.segment_id
                        ORDER BY ST_Distance(p2.g, mk.geom) LIMIT 1)
)
SELECT seg.border_code, loc.segment_id, loc.part_no, loc.len_m, loc.f, loc.planted,
       loc.first_date, loc.plant_date
FROM loc JOIN seg ON seg.id = loc.segment_id
ORDER BY loc.segment_id, loc.part_no, loc.f, loc.planted DESC
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
SELECT seg.id AS segment_id, seg.code AS segment_code, seg.border_code, b.name AS border_name,
       seg.province_code, seg.province_name,
       {_COUNTED},
       NULL::integer AS markers_expected, NULL::integer AS positions_expected,
       seg.official_length_km AS official_km, seg.official_carried,
       COALESCE(seg.measured_length_km, (line.line_m / 1000)::numeric) AS measured_km,
       line.line_m, seg.demarcated AS demarcated_flag,
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
  SELECT seg.border_code, sum(line.line_m) AS line_m,
         sum(COALESCE(seg.official_length_km, seg.measured_length_km,
                      (line.line_m / 1000)::numeric)) AS segments_km,
         bool_and(seg.official_length_km IS NOT NULL) AS segments_official,
         bool_or(seg.official_carried) AS segments_carried,
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
       CAST(:province AS text) IS NOT NULL AND COALESCE(len.segments_carried, false)
         AS official_carried,
       CASE WHEN CAST(:province AS text) IS NULL AND b.geom IS NOT NULL
            THEN (ST_Length(b.geom::geography) / 1000)::numeric
            ELSE len.segments_km END AS measured_km,
       COALESCE(len.line_m, 0) AS line_m,
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


def _row(r: Any, covered_m: float) -> Progress:
    official = _num(r["official_km"])
    measured = _num(r["measured_km"])
    length = official if official is not None else measured
    line_m = float(r["line_m"] or 0)
    share = min(covered_m / line_m, 1.0) if line_m > 0 else None
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
        else (
            ("official_carried" if r["official_carried"] else "official")
            if official is not None
            else "measured"
        ),
        measured_km=None if measured is None else round(measured, 3),
        km_demarcated=None if share is None or length is None else round(length * share, 3),
        pct_km=None if share is None else round(100.0 * share, 2),
        demarcated_flag=r["demarcated_flag"],
        synthetic=bool(r["synthetic"]),
    )


def _covered(db: Executor, params: dict[str, Any]) -> dict[tuple[str, int], float]:
    """Demarcated metres per (border code, segment id), by ``geo.demarcation``'s rule."""
    out: dict[tuple[str, int], float] = {}
    rows = db.execute(text(_LOCATED), params).all()
    for key, part in itertools.groupby(
        rows, key=lambda r: (r.border_code, r.segment_id, tuple(r.part_no))
    ):
        entries = list(part)
        share = demarcated_share(
            [e.f for e in entries],
            [e.planted for e in entries],
            [e.first_date.toordinal() for e in entries],
            [None if e.plant_date is None else e.plant_date.toordinal() for e in entries],
        )
        seg_key = key[:2]
        out[seg_key] = out.get(seg_key, 0.0) + share * float(entries[0].len_m)
    return out


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
    params = _params(as_of, border, province)
    covered = _covered(db, params)
    rows = db.execute(text(_SEGMENTS), params).mappings()
    return [_row(r, covered.get((r["border_code"], r["segment_id"]), 0.0)) for r in rows]


def border_progress(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> list[Progress]:
    """Progress of each border on ``as_of``; with ``province``, of that province's part."""
    params = _params(as_of, border, province)
    by_border: dict[str, float] = {}
    for (code, _segment), metres in _covered(db, params).items():
        by_border[code] = by_border.get(code, 0.0) + metres
    rows = db.execute(text(_BORDERS), params).mappings()
    return [_row(r, by_border.get(r["border_code"], 0.0)) for r in rows]
