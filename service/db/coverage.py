"""service.db.coverage: seconded Border Guard officers per border commune, on any date.

Definitions (the API, the maps and the tests use these and only these):

- **Border communes** on a date: communes of the era in force on that date
  (:func:`service.db.units.era_on`), valid on that date, flagged ``is_land_border`` or
  ``is_coastal``. ``kind`` narrows to ``land`` or ``coastal``; a commune that is both
  counts in each kind it has.
- **Active assignment** on a date: ``start_date <= as_of`` and (``end_date`` is NULL or
  ``end_date > as_of``); the end date is the first day off the post. The rule is the SQL
  function ``active_assignments(day)`` (migration 0004), also used by the
  ``officer_coverage`` collection.
- **Officers** of a commune, province or total: the number of *distinct* officers with an
  active assignment there (an officer with two roles counts once; one posted to two
  communes counts once in their province and in the total). **Officers by role**: distinct
  officers per role, so the roles can add up to more than the officer count.
- **Covered**: at least one officer on the date.
- **Synthetic**: any commune, assignment or officer row behind the figure is synthetic.

Only counts leave this module: no officer name, number, rank or unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from service.db.units import Executor, valid_on
from service.figures import (
    CommuneCoverage,
    CoverageSummary,
    ProvinceCoverage,
    UncoveredCommune,
)
from service.vocabulary import era_on

KINDS = ("all", "land", "coastal")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def _params(as_of: dt.date, province: str | None, kind: str) -> dict[str, Any]:
    _check_kind(kind)
    return {"as_of": as_of, "era": era_on(as_of), "province": province, "kind": kind}


# Border communes valid on :as_of, and the active assignments in them.
_BASE = f"""
WITH bc AS (
  SELECT c.id, c.code, c.name, c.province_code, p.name AS province_name,
         c.is_land_border, c.is_coastal, c.neighbour_countries, c.synthetic
  FROM commune c
  JOIN province p ON p.era = c.era AND p.code = c.province_code
  WHERE {valid_on("c")}
    AND (c.is_land_border OR c.is_coastal)
    AND (:kind = 'all' OR (:kind = 'land' AND c.is_land_border)
         OR (:kind = 'coastal' AND c.is_coastal))
    AND (CAST(:province AS text) IS NULL OR c.province_code = CAST(:province AS text))
),
act AS (
  SELECT a.* FROM active_assignments(:as_of) a JOIN bc ON bc.id = a.commune_id
)
"""

_COMMUNES = (
    _BASE
    + """
SELECT bc.code, bc.name, bc.province_code, bc.province_name, bc.is_land_border,
       bc.is_coastal, bc.neighbour_countries,
       COALESCE(n.officers, 0) AS officers,
       COALESCE(r.by_role, '{}'::jsonb) AS officers_by_role,
       bc.synthetic OR COALESCE(n.synthetic, false) AS synthetic
FROM bc
LEFT JOIN (
  SELECT commune_id, count(DISTINCT officer_id) AS officers, bool_or(synthetic) AS synthetic
  FROM act GROUP BY commune_id
) n ON n.commune_id = bc.id
LEFT JOIN (
  SELECT commune_id, jsonb_object_agg(role, k) AS by_role
  FROM (SELECT commune_id, role, count(DISTINCT officer_id) AS k
        FROM act GROUP BY commune_id, role) x
  GROUP BY commune_id
) r ON r.commune_id = bc.id
ORDER BY bc.province_code, bc.code
"""
)

# One row per province plus a totals row (province_code NULL) via GROUPING SETS.
_PROVINCES = (
    _BASE
    + """,
per_commune AS (
  SELECT bc.*, EXISTS (SELECT 1 FROM act WHERE act.commune_id = bc.id) AS is_covered
  FROM bc
),
unit AS (
  SELECT pc.province_code, pc.province_name,
         count(*) AS communes,
         count(*) FILTER (WHERE pc.is_land_border) AS land_communes,
         count(*) FILTER (WHERE pc.is_coastal) AS coastal_communes,
         count(*) FILTER (WHERE pc.is_covered) AS covered,
         COALESCE(jsonb_agg(jsonb_build_object('code', pc.code, 'name', pc.name,
                                            'province_code', pc.province_code)
                            ORDER BY pc.code) FILTER (WHERE NOT pc.is_covered),
                  '[]'::jsonb) AS uncovered_communes,
         bool_or(pc.synthetic) AS synthetic,
         GROUPING(pc.province_code) AS is_total
  FROM per_commune pc
  GROUP BY GROUPING SETS ((pc.province_code, pc.province_name), ())
),
off AS (
  SELECT bc.province_code, count(DISTINCT act.officer_id) AS officers,
         bool_or(act.synthetic) AS synthetic, GROUPING(bc.province_code) AS is_total
  FROM act JOIN bc ON bc.id = act.commune_id
  GROUP BY GROUPING SETS ((bc.province_code), ())
),
roles AS (
  SELECT province_code, is_total, jsonb_object_agg(role, k) AS by_role
  FROM (
    SELECT bc.province_code, act.role, count(DISTINCT act.officer_id) AS k,
           GROUPING(bc.province_code) AS is_total
    FROM act JOIN bc ON bc.id = act.commune_id
    GROUP BY GROUPING SETS ((bc.province_code, act.role), (act.role))
  ) x
  GROUP BY province_code, is_total
)
SELECT u.province_code, u.province_name, u.communes, u.land_communes, u.coastal_communes,
       u.covered, u.uncovered_communes,
       COALESCE(o.officers, 0) AS officers,
       COALESCE(r.by_role, '{}'::jsonb) AS officers_by_role,
       u.synthetic OR COALESCE(o.synthetic, false) AS synthetic,
       u.is_total
FROM unit u
LEFT JOIN off o ON o.is_total = u.is_total
  AND o.province_code IS NOT DISTINCT FROM u.province_code
LEFT JOIN roles r ON r.is_total = u.is_total
  AND r.province_code IS NOT DISTINCT FROM u.province_code
ORDER BY u.is_total, u.province_code
"""
)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def commune_coverage(
    db: Executor, *, as_of: dt.date, province: str | None = None, kind: str = "all"
) -> list[CommuneCoverage]:
    """Every border commune valid on ``as_of`` with its active officer counts.

    Parameters
    ----------
    db
        A session or connection.
    as_of
        The date; picks the era of units (pre-2025 units before 2025-07-01).
    province
        Two-digit province code of that era, or None for all provinces.
    kind
        ``all`` (land or coastal), ``land`` or ``coastal``.

    Returns
    -------
    list[CommuneCoverage]
        Ordered by province code, then commune code.
    """
    rows = db.execute(text(_COMMUNES), _params(as_of, province, kind)).mappings()
    out = []
    for r in rows:
        by_role = {str(k): int(v) for k, v in sorted(r["officers_by_role"].items())}
        out.append(
            CommuneCoverage(
                code=r["code"],
                name=r["name"],
                province_code=r["province_code"],
                province_name=r["province_name"],
                is_land_border=r["is_land_border"],
                is_coastal=r["is_coastal"],
                neighbour_countries=list(r["neighbour_countries"] or []),
                officers=int(r["officers"]),
                officers_by_role=by_role,
                covered=int(r["officers"]) > 0,
                synthetic=bool(r["synthetic"]),
            )
        )
    return out


def coverage_summary(
    db: Executor, *, as_of: dt.date, province: str | None = None, kind: str = "all"
) -> CoverageSummary:
    """Coverage per province and in total, with the uncovered communes listed.

    Parameters and definitions as in :func:`commune_coverage` (see the module docstring);
    the figures agree with it: a province's ``covered`` is the number of its communes that
    :func:`commune_coverage` reports as covered.
    """
    params = _params(as_of, province, kind)
    provinces: list[ProvinceCoverage] = []
    totals: ProvinceCoverage | None = None
    for r in db.execute(text(_PROVINCES), params).mappings():
        item = ProvinceCoverage(
            province_code=None if r["is_total"] else r["province_code"],
            province_name=None if r["is_total"] else r["province_name"],
            communes=int(r["communes"]),
            land_communes=int(r["land_communes"]),
            coastal_communes=int(r["coastal_communes"]),
            covered=int(r["covered"]),
            uncovered=int(r["communes"]) - int(r["covered"]),
            covered_pct=_pct(int(r["covered"]), int(r["communes"])),
            officers=int(r["officers"]),
            officers_by_role={str(k): int(v) for k, v in sorted(r["officers_by_role"].items())},
            uncovered_communes=[UncoveredCommune(**u) for u in r["uncovered_communes"]],
            synthetic=bool(r["synthetic"]),
        )
        if r["is_total"]:
            totals = item
        else:
            provinces.append(item)
    if totals is None:  # no border commune matched: GROUPING SETS yields no grand total
        totals = ProvinceCoverage(None, None, 0, 0, 0, 0, 0, None, 0, {})
    return CoverageSummary(
        as_of=as_of,
        era=params["era"],
        kind=kind,
        provinces=provinces,
        totals=totals,
        synthetic=totals.synthetic,
    )
