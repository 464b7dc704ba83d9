"""service.db.coordination: coordination records between the Border Guard and provinces.

A record is the coordination regulation a province signed with the Border Guard, or a
year's review conference or briefing of it (date, level, document number, decisions).
``coordination_records`` lists them by date; the yearly report lists the year's.
``add_coordination_record`` writes one (editors, through ``POST /coordination``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from service.db.units import Executor
from service.errors import NotFound
from service.vocabulary import era_on


@dataclass(frozen=True, slots=True)
class CoordinationRecord:
    """One record, with the province's name in its era."""

    id: int
    era: str
    province_code: str
    province_name: str | None
    kind: str
    event_date: dt.date
    level: str | None
    document_number: str | None
    decisions: str | None
    synthetic: bool


_RECORDS = """
SELECT r.id, r.era, r.province_code, p.name AS province_name, r.kind, r.event_date, r.level,
       r.document_number, r.decisions, r.synthetic
FROM coordination_record r
LEFT JOIN province p ON p.era = r.era AND p.code = r.province_code
WHERE (CAST(:start AS date) IS NULL OR r.event_date >= CAST(:start AS date))
  AND (CAST(:end AS date) IS NULL OR r.event_date <= CAST(:end AS date))
  AND (CAST(:province AS text) IS NULL OR r.province_code = CAST(:province AS text))
  AND (CAST(:era AS text) IS NULL OR r.era = CAST(:era AS text))
ORDER BY r.event_date, r.province_code, r.id
"""


def coordination_records(
    db: Executor,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    province: str | None = None,
    era: str | None = None,
) -> list[CoordinationRecord]:
    """Records dated ``start``..``end`` (inclusive, open when None), by date."""
    rows = db.execute(
        text(_RECORDS), {"start": start, "end": end, "province": province, "era": era}
    ).mappings()
    return [CoordinationRecord(**dict(r)) for r in rows]


def add_coordination_record(
    db: Executor,
    *,
    province_code: str,
    kind: str,
    event_date: dt.date,
    level: str | None,
    document_number: str | None,
    decisions: str | None,
) -> CoordinationRecord:
    """Insert one record (era: that of ``event_date``); the province must exist in that era.

    Raises NotFound for an unknown province; the caller commits (with its audit row).
    """
    era = era_on(event_date)
    known = db.execute(
        text("SELECT name FROM province WHERE era = :era AND code = :code"),
        {"era": era, "code": province_code},
    ).first()
    if known is None:
        raise NotFound(f"province_code: no province {province_code!r} in era {era}")
    new_id = db.execute(
        text(
            "INSERT INTO coordination_record (era, province_code, kind, event_date, level,"
            " document_number, decisions) VALUES (:era, :p, :kind, :d, :level, :doc, :dec)"
            " RETURNING id"
        ),
        {"era": era, "p": province_code, "kind": kind, "d": event_date, "level": level,
         "doc": document_number, "dec": decisions},
    ).scalar_one()  # fmt: skip
    return CoordinationRecord(
        id=int(new_id), era=era, province_code=province_code, province_name=known.name,
        kind=kind, event_date=event_date, level=level, document_number=document_number,
        decisions=decisions, synthetic=False,
    )  # fmt: skip
