"""service.db.posts: figures per border post (đồn biên phòng) on any date.

Definitions:

- **Posts** on a date: those of the era in force (``era_on``), optionally of one province.
- ``communes``: communes of the post's area of responsibility; ``covered``: those with an
  active assignment (``active_assignments``, any role) on the date.
- ``officers``: distinct officers with an active assignment who come from the post
  (``assignment_post``), wherever they serve.
- ``markers``: markers the post looks after; ``markers_damaged``: those whose status on the
  date is ``damaged`` (``marker_status_on``).
- ``inspections``: status events recorded on those markers after planting (verified,
  damaged, restored, relocated) from 1 January of the date's year to the date.
- ``synthetic``: the post row is synthetic.

Counts only: no officer's identity leaves this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from service.db.units import Executor
from service.vocabulary import era_on


@dataclass(frozen=True, slots=True)
class PostFigures:
    """One post's figures on a date."""

    code: str
    name: str
    province_code: str
    border_code: str | None
    communes: int
    covered: int
    officers: int
    markers: int
    markers_damaged: int
    inspections: int
    synthetic: bool


_POSTS = """
WITH bp AS (
  SELECT * FROM border_post
  WHERE era = :era AND (CAST(:province AS text) IS NULL OR province_code = CAST(:province AS text))
),
act AS (SELECT * FROM active_assignments(:as_of)),
aor AS (
  SELECT pc.post_id, count(*) AS communes,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM act WHERE act.commune_id = pc.commune_id))
           AS covered
  FROM border_post_commune pc JOIN bp ON bp.id = pc.post_id GROUP BY pc.post_id
),
off AS (
  SELECT ap.post_id, count(DISTINCT act.officer_id) AS officers
  FROM assignment_post ap
  JOIN officer_assignment a ON a.id = ap.assignment_id
  JOIN act ON act.officer_id = a.officer_id AND act.commune_id = a.commune_id
   AND act.role = a.role
  JOIN bp ON bp.id = ap.post_id
  WHERE a.start_date <= :as_of AND (a.end_date IS NULL OR a.end_date > :as_of)
  GROUP BY ap.post_id
),
mk AS (
  SELECT pm.post_id, count(*) AS markers,
         count(*) FILTER (WHERE s.status = 'damaged') AS damaged
  FROM border_post_marker pm JOIN bp ON bp.id = pm.post_id
  LEFT JOIN LATERAL marker_status_on(pm.marker_id, :as_of) s ON true
  GROUP BY pm.post_id
),
insp AS (
  SELECT pm.post_id, count(*) AS inspections
  FROM border_post_marker pm JOIN bp ON bp.id = pm.post_id
  JOIN marker_event e ON e.marker_id = pm.marker_id
  WHERE e.status IN ('verified', 'damaged', 'restored', 'relocated')
    AND e.event_date BETWEEN :year_start AND :as_of
  GROUP BY pm.post_id
)
SELECT bp.code, bp.name, bp.province_code, bp.border_code, bp.synthetic,
       COALESCE(aor.communes, 0) AS communes, COALESCE(aor.covered, 0) AS covered,
       COALESCE(off.officers, 0) AS officers, COALESCE(mk.markers, 0) AS markers,
       COALESCE(mk.damaged, 0) AS markers_damaged, COALESCE(insp.inspections, 0) AS inspections
FROM bp
LEFT JOIN aor ON aor.post_id = bp.id
LEFT JOIN off ON off.post_id = bp.id
LEFT JOIN mk ON mk.post_id = bp.id
LEFT JOIN insp ON insp.post_id = bp.id
ORDER BY bp.province_code, bp.code
"""


def post_figures(db: Executor, *, as_of: dt.date, province: str | None = None) -> list[PostFigures]:
    """Figures of every post of the era in force on ``as_of`` (see the module docstring)."""
    params = {
        "as_of": as_of,
        "era": era_on(as_of),
        "province": province,
        "year_start": dt.date(as_of.year, 1, 1),
    }
    return [
        PostFigures(
            code=r["code"],
            name=r["name"],
            province_code=r["province_code"],
            border_code=r["border_code"],
            communes=int(r["communes"]),
            covered=int(r["covered"]),
            officers=int(r["officers"]),
            markers=int(r["markers"]),
            markers_damaged=int(r["markers_damaged"]),
            inspections=int(r["inspections"]),
            synthetic=bool(r["synthetic"]),
        )
        for r in db.execute(text(_POSTS), params).mappings()
    ]
