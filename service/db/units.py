"""service.db.units: which era of administrative units applies on a date, and which units exist.

Units (provinces, communes, border segments) come in two eras: ``pre2025`` before the
reform of 1 July 2025 and ``post2025`` from then on. A unit row is valid on a date when
its era is the one of that date and the date lies in ``[valid_from, valid_to)`` (a NULL
bound is open).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from service.errors import BadRequest
from service.params import province_code
from service.vocabulary import ERAS, REFORM_DATE, era_on

Executor = Session | Connection

# SQL condition: the row aliased ``a`` is in force on :as_of in era :era. The rule itself is
# the SQL function ``unit_valid_on`` (migration 0004), which every query calls.
VALID_ON = "unit_valid_on({a}.era, {a}.valid_from, {a}.valid_to, :era, :as_of)"


def valid_on(alias: str) -> str:
    """SQL condition: the unit row ``alias`` is valid on ``:as_of`` in era ``:era``."""
    return VALID_ON.format(a=alias)


def province_exists(db: Executor, code: str, *, as_of: dt.date) -> bool:
    """True when a province with ``code`` is valid on ``as_of``."""
    row = db.execute(
        text(f"SELECT 1 FROM province p WHERE p.code = :code AND {valid_on('p')}"),
        {"code": code, "era": era_on(as_of), "as_of": as_of},
    ).first()
    return row is not None


def checked_province(db: Executor, value: str | None, day: dt.date) -> str | None:
    """The province code ``value`` (see :func:`service.params.province_code`) if a province
    with it is valid on ``day``; None when absent. Otherwise a BadRequest naming it."""
    code = province_code(value)
    if code is not None and not province_exists(db, code, as_of=day):
        raise BadRequest(
            f"province: no province {code!r} on {day.isoformat()}"
            f" ({era_on(day)} units; codes changed on {REFORM_DATE.isoformat()})"
        )
    return code


def commune_exists(db: Executor, code: str, *, era: str) -> bool:
    """True when a commune with ``code`` exists in ``era``."""
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERAS)}")
    row = db.execute(
        text("SELECT 1 FROM commune WHERE code = :code AND era = :era"),
        {"code": code, "era": era},
    ).first()
    return row is not None
