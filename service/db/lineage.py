"""service.db.lineage: which pre-2025 unit became which post-2025 unit(s) (``admin_lineage``).

The reform of 1 July 2025 merged communes (and provinces): a pre-2025 unit *became* one or
more post-2025 units (several when it was split; ``is_default`` marks the main successor),
and a post-2025 unit was *formed from* one or more pre-2025 units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from service.db.units import Executor


@dataclass(frozen=True)
class LinkedUnit:
    """A unit of the other era that a unit became or was formed from (``admin_lineage``)."""

    id: int
    era: str
    code: str
    name: str
    province_code: str | None
    is_default: bool


_LINEAGE = {
    # (level, era of the given codes) → units of the other era, keyed by the given code
    ("commune", "pre2025"): (
        "SELECT l.old_code AS key, u.id, u.era, u.code, u.name, u.province_code, l.is_default"
        " FROM admin_lineage l JOIN commune u ON u.era = 'post2025' AND u.code = l.new_code"
        " WHERE l.level = 'commune' AND l.old_code IN :codes"
    ),
    ("commune", "post2025"): (
        "SELECT l.new_code AS key, u.id, u.era, u.code, u.name, u.province_code, l.is_default"
        " FROM admin_lineage l JOIN commune u ON u.era = 'pre2025' AND u.code = l.old_code"
        " WHERE l.level = 'commune' AND l.new_code IN :codes"
    ),
    ("province", "pre2025"): (
        "SELECT l.old_code AS key, u.id, u.era, u.code, u.name, u.code AS province_code,"
        " l.is_default"
        " FROM admin_lineage l JOIN province u ON u.era = 'post2025' AND u.code = l.new_code"
        " WHERE l.level = 'province' AND l.old_code IN :codes"
    ),
    ("province", "post2025"): (
        "SELECT l.new_code AS key, u.id, u.era, u.code, u.name, u.code AS province_code,"
        " l.is_default"
        " FROM admin_lineage l JOIN province u ON u.era = 'pre2025' AND u.code = l.old_code"
        " WHERE l.level = 'province' AND l.new_code IN :codes"
    ),
}


def lineage(db: Executor, level: str, era: str, codes: list[str]) -> dict[str, list[LinkedUnit]]:
    """For units of ``era`` at ``level``: what each became (pre2025) or was formed from.

    Keyed by the given code; main successor (``is_default``) first, then by name.
    Codes without lineage rows are absent from the result.
    """
    if not codes:
        return {}
    sql = text(_LINEAGE[(level, era)] + " ORDER BY l.is_default DESC, u.name, u.code")
    rows = db.execute(sql.bindparams(bindparam("codes", expanding=True)), {"codes": codes})
    out: dict[str, list[LinkedUnit]] = defaultdict(list)
    for r in rows:
        out[r.key].append(
            LinkedUnit(r.id, r.era, r.code, r.name, r.province_code, bool(r.is_default))
        )
    return dict(out)


@dataclass(frozen=True)
class CommuneLineage:
    """A commune with what it became (pre-2025) or was formed from (post-2025)."""

    id: int
    era: str
    code: str
    name: str
    province_code: str
    province_name: str
    became: list[LinkedUnit]
    formed_from: list[LinkedUnit]


def commune_lineage(db: Executor, era: str, code: str) -> CommuneLineage | None:
    """The commune ``code`` of ``era`` and its lineage; None when there is no such commune."""
    row = db.execute(
        text(
            "SELECT c.id, c.era, c.code, c.name, c.province_code, p.name AS province_name"
            " FROM commune c JOIN province p ON p.era = c.era AND p.code = c.province_code"
            " WHERE c.era = :era AND c.code = :code"
        ),
        {"era": era, "code": code},
    ).first()
    if row is None:
        return None
    linked = lineage(db, "commune", era, [code]).get(code, [])
    return CommuneLineage(
        row.id,
        row.era,
        row.code,
        row.name,
        row.province_code,
        row.province_name,
        became=linked if era == "pre2025" else [],
        formed_from=linked if era == "post2025" else [],
    )
