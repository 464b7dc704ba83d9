"""service.db.targets: coverage against targets and by commune class, on any date.

Definitions (the API, the coverage map and the yearly report use these and only these):

- **A target's communes**: the members of its list (``list_id``); or, for a class, the
  members of that class's list in force on the date (``valid_from <= date < valid_to``),
  else of the latest list of the class begun before the date; or every commune of its era
  flagged land-border or coastal (``border_era``).
- **Covered on a date**: a target commune has at least one active assignment
  (``active_assignments(date)``) in one of the target's roles (any role when it names
  none). On a date of the other era the assignments of the commune's successors (or
  predecessors) by ``admin_lineage`` count: the 2011 list is still answerable in 2026.
- **Per province**: the province of the target commune (in its own era). ``totals`` add
  the provinces up. ``met``: on or after the deadline, whether every commune was covered.
- **By class**: the same figures for each class's list in force on the date, any role.
- ``synthetic``: any list, target, commune or assignment behind a figure is synthetic.

Counts and commune names only: no officer's identity leaves this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from service.db.units import Executor
from service.vocabulary import COMMUNE_CLASSES, era_on


@dataclass(frozen=True, slots=True)
class Target:
    """A coverage target as stored."""

    id: int
    code: str
    name: str  # Vietnamese
    name_en: str | None
    commune_set: str  # "list:<code>", "class:<class>" or "era:<era>"
    roles: list[str] | None
    start_date: dt.date | None
    deadline: dt.date
    source_document: str | None
    synthetic: bool


def target_name(target: Target, lang: str) -> str:
    """The target's name in ``lang`` (Vietnamese when there is no English one)."""
    return target.name_en if lang == "en" and target.name_en else target.name


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A commune of the set without an officer on the date."""

    code: str
    name: str
    province_code: str


@dataclass(frozen=True, slots=True)
class SetCoverage:
    """Coverage of a commune set in one province (or in total: province None)."""

    province_code: str | None
    province_name: str | None
    communes: int
    covered: int
    uncovered: int
    covered_pct: float | None
    uncovered_communes: list[Uncovered] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TargetCoverage:
    """A target's coverage on a date, per province and in total."""

    target: Target
    as_of: dt.date
    list_code: str | None
    provinces: list[SetCoverage]
    totals: SetCoverage
    met: bool | None
    synthetic: bool


@dataclass(frozen=True, slots=True)
class ClassCoverage:
    """Coverage of one commune class's list in force on a date (any role)."""

    commune_class: str
    list_code: str | None
    provinces: list[SetCoverage]
    totals: SetCoverage
    synthetic: bool


_TARGET_COLS = """
  t.id, t.code, t.name, t.name_en, t.roles, t.start_date, t.deadline, t.source_document, t.synthetic,
  CASE WHEN t.list_id IS NOT NULL THEN 'list:' || l.code
       WHEN t.commune_class IS NOT NULL THEN 'class:' || t.commune_class
       ELSE 'era:' || t.border_era END AS commune_set
"""
_TARGETS = f"""
SELECT {_TARGET_COLS}
FROM coverage_target t LEFT JOIN commune_list l ON l.id = t.list_id
WHERE CAST(:target AS integer) IS NULL OR t.id = CAST(:target AS integer)
ORDER BY t.deadline, t.code
"""

# The list of :class in force on :as_of, else the latest one begun before it.
_CLASS_LIST = """
SELECT l.id, l.code, l.synthetic FROM commune_list l
WHERE l.commune_class = :class AND l.valid_from <= :as_of
ORDER BY (l.valid_to IS NULL OR l.valid_to > :as_of) DESC, l.valid_from DESC
LIMIT 1
"""

_MEMBERS = """
members AS (
  SELECT m.commune_id FROM commune_list_member m
  WHERE m.list_id = CAST(:list_id AS integer)
  UNION
  SELECT c.id FROM commune c
  WHERE c.era = CAST(:border_era AS text) AND (c.is_land_border OR c.is_coastal)
)"""

# Per target commune: whether it has an active officer (in the roles) on :as_of.
_PER_COMMUNE = f"""
WITH {_MEMBERS},
tc AS (
  SELECT c.id, c.code, c.name, c.era, c.province_code, p.name AS province_name, c.synthetic
  FROM members JOIN commune c ON c.id = members.commune_id
  JOIN province p ON p.era = c.era AND p.code = c.province_code
  WHERE CAST(:province AS text) IS NULL OR c.province_code = CAST(:province AS text)
),
reach AS (
  SELECT tc.id AS target_commune, tc.id AS commune_id FROM tc WHERE tc.era = :era
  UNION ALL
  SELECT tc.id, n.id FROM tc
  JOIN admin_lineage l ON l.level = 'commune' AND l.old_code = tc.code
  JOIN commune n ON n.era = 'post2025' AND n.code = l.new_code
  WHERE tc.era = 'pre2025' AND :era = 'post2025'
  UNION ALL
  SELECT tc.id, o.id FROM tc
  JOIN admin_lineage l ON l.level = 'commune' AND l.new_code = tc.code
  JOIN commune o ON o.era = 'pre2025' AND o.code = l.old_code
  WHERE tc.era = 'post2025' AND :era = 'pre2025'
),
act AS (
  SELECT * FROM active_assignments(:as_of) a
  WHERE CAST(:roles AS text[]) IS NULL OR a.role = ANY(CAST(:roles AS text[]))
)
SELECT tc.code, tc.name, tc.province_code, tc.province_name,
       count(act.officer_id) > 0 AS covered,
       tc.synthetic OR COALESCE(bool_or(act.synthetic), false) AS synthetic
FROM tc
LEFT JOIN reach r ON r.target_commune = tc.id
LEFT JOIN act ON act.commune_id = r.commune_id
GROUP BY tc.id, tc.code, tc.name, tc.province_code, tc.province_name, tc.synthetic
ORDER BY tc.province_code, tc.code
"""


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _summarise(rows: list[Any]) -> tuple[list[SetCoverage], SetCoverage, bool]:
    """Province rows and totals from per-commune rows (ordered by province)."""
    provinces: list[SetCoverage] = []
    by_prov: dict[str, list[Any]] = {}
    for r in rows:
        by_prov.setdefault(r.province_code, []).append(r)

    def one(code: str | None, name: str | None, mine: list[Any]) -> SetCoverage:
        covered = sum(1 for r in mine if r.covered)
        return SetCoverage(
            province_code=code,
            province_name=name,
            communes=len(mine),
            covered=covered,
            uncovered=len(mine) - covered,
            covered_pct=_pct(covered, len(mine)),
            uncovered_communes=[
                Uncovered(r.code, r.name, r.province_code) for r in mine if not r.covered
            ],
        )

    for code, mine in by_prov.items():
        provinces.append(one(code, mine[0].province_name, mine))
    totals = one(None, None, rows)
    return provinces, totals, any(r.synthetic for r in rows)


def _rows(
    db: Executor,
    as_of: dt.date,
    province: str | None,
    *,
    list_id: int | None = None,
    border_era: str | None = None,
    roles: list[str] | None = None,
) -> list[Any]:
    params = {
        "as_of": as_of,
        "era": era_on(as_of),
        "province": province,
        "list_id": list_id,
        "border_era": border_era,
        "roles": roles,
    }
    return list(db.execute(text(_PER_COMMUNE), params).all())


def list_targets(db: Executor, target: int | None = None) -> list[Target]:
    """Every target (or the one with id ``target``), by deadline."""
    rows = db.execute(text(_TARGETS), {"target": target}).mappings()
    return [
        Target(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            name_en=r["name_en"],
            commune_set=r["commune_set"],
            roles=list(r["roles"]) if r["roles"] else None,
            start_date=r["start_date"],
            deadline=r["deadline"],
            source_document=r["source_document"],
            synthetic=bool(r["synthetic"]),
        )
        for r in rows
    ]


def _class_list(db: Executor, commune_class: str, as_of: dt.date) -> Any:
    return db.execute(text(_CLASS_LIST), {"class": commune_class, "as_of": as_of}).first()


def target_coverage(
    db: Executor, target: Target, *, as_of: dt.date, province: str | None = None
) -> TargetCoverage:
    """Coverage of ``target`` on ``as_of`` (see the module docstring)."""
    kind, _, value = target.commune_set.partition(":")
    list_id: int | None = None
    list_code: str | None = None
    list_synthetic = False
    if kind == "list":
        found = db.execute(
            text("SELECT id, synthetic FROM commune_list WHERE code = :c"), {"c": value}
        ).first()
        list_id, list_code = (found.id, value) if found else (None, value)
        list_synthetic = bool(found and found.synthetic)
    elif kind == "class":
        found = _class_list(db, value, as_of)
        if found is not None:
            list_id, list_code, list_synthetic = found.id, found.code, bool(found.synthetic)
    rows = _rows(
        db,
        as_of,
        province,
        list_id=list_id,
        border_era=value if kind == "era" else None,
        roles=target.roles,
    )
    provinces, totals, synthetic = _summarise(rows)
    met = totals.uncovered == 0 and totals.communes > 0 if as_of >= target.deadline else None
    return TargetCoverage(
        target=target,
        as_of=as_of,
        list_code=list_code,
        provinces=provinces,
        totals=totals,
        met=met,
        synthetic=synthetic or target.synthetic or list_synthetic,
    )


def class_coverage(
    db: Executor, *, as_of: dt.date, province: str | None = None
) -> list[ClassCoverage]:
    """Coverage of each commune class's list in force on ``as_of``, any role."""
    out = []
    for cls in COMMUNE_CLASSES:
        found = _class_list(db, cls, as_of)
        rows = [] if found is None else _rows(db, as_of, province, list_id=found.id)
        provinces, totals, synthetic = _summarise(rows)
        out.append(
            ClassCoverage(
                commune_class=cls,
                list_code=None if found is None else found.code,
                provinces=provinces,
                totals=totals,
                synthetic=synthetic or bool(found is not None and found.synthetic),
            )
        )
    return out
