"""service.db.units: which era of administrative units applies on a date, and which units exist.

Units (provinces, communes, border segments) come in two eras: ``pre2025`` before the
reform of 1 July 2025 and ``post2025`` from then on. A unit row is valid on a date when
its era is the one of that date and the date lies in ``[valid_from, valid_to)`` (a NULL
bound is open).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

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
    """The code of the province valid on ``day`` that ``value`` names; None when absent.

    ``value`` is a two-digit code (:func:`service.params.province_code`) or a name of either
    era, with or without diacritics (``Cao Bằng``, ``cao bang``; :func:`resolve_province`).
    An empty value means no filter. Otherwise a BadRequest naming the parameter.
    """
    if value is None or not value.strip():
        return None
    text_value = value.strip()
    if not any(c.isalpha() for c in text_value):
        code = province_code(text_value)  # digits: a code, or a 400 saying what a code is
        if code is not None and not province_exists(db, code, as_of=day):
            raise BadRequest(
                f"province: no province {code!r} on {day.isoformat()}"
                f" ({era_on(day)} units; codes changed on {REFORM_DATE.isoformat()})"
            )
        return code
    try:
        found = resolve_province(db, text_value, era_on(day))
    except AmbiguousProvince as exc:
        raise BadRequest(f"province: {exc}") from None
    if found is None:
        raise BadRequest(
            f"province: no province named {value!r} on {day.isoformat()} ({era_on(day)} units)"
        )
    return found


def commune_exists(db: Executor, code: str, *, era: str) -> bool:
    """True when a commune with ``code`` exists in ``era``."""
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERAS)}")
    row = db.execute(
        text("SELECT 1 FROM commune WHERE code = :code AND era = :era"),
        {"code": code, "era": era},
    ).first()
    return row is not None


def fold(name: str) -> str:
    """A name folded for matching: lower case, no diacritics (``đ`` → ``d``), one space.

    ``Cao Bằng``, ``cao bang`` and ``CAO  BANG`` fold alike; so do the old and new tone
    placements (``Hoà``/``Hòa``), which differ only in where the mark sits.
    """
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("–", " ").replace("-", " ").split())


# Words before a province's proper name that a reader may or may not type.
_PREFIXES = ("tinh ", "thanh pho ", "tp. ", "tp ")


def _bare(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


class AmbiguousProvince(ValueError):
    """A name that stands for several provinces of the era asked for."""


_PROVINCES = "SELECT era, code, name FROM province ORDER BY era, code"
_LINEAGE = "SELECT old_code, new_code FROM admin_lineage WHERE level = 'province'"


def resolve_province(db: Executor, value: str, era: str) -> str | None:
    """The code of the province of ``era`` that ``value`` names, or None when none does.

    ``value`` is a two-digit code of ``era``, or a name of either era in any case, with
    or without diacritics or the word "tỉnh"/"thành phố" (``Cao Bằng``, ``cao bang``). A
    name of the other era leads to its successor (or predecessor) through
    ``admin_lineage``; when that is several provinces, :class:`AmbiguousProvince` names
    them. Provinces are few (63 + 34), so they are matched here rather than in SQL.
    """
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERAS)}")
    rows = db.execute(text(_PROVINCES)).all()
    names = {(r.era, r.code): r.name for r in rows}
    text_value = value.strip()
    if text_value.isdigit() and len(text_value) == 2:
        return text_value if (era, text_value) in names else None
    wanted = _bare(fold(text_value))
    if not wanted:
        return None
    same = [code for (e, code), name in names.items() if e == era and _bare(fold(name)) == wanted]
    if same:
        return same[0]
    other = [code for (e, code), name in names.items() if e != era and _bare(fold(name)) == wanted]
    if not other:
        return None
    links = db.execute(text(_LINEAGE)).all()
    if era == ERAS[1]:  # an old name: where it went
        targets = sorted({r.new_code for r in links if r.old_code in other})
    else:  # a new name: what it was made of
        targets = sorted({r.old_code for r in links if r.new_code in other})
    targets = [c for c in targets if (era, c) in names]
    if len(targets) > 1:
        listed = ", ".join(f"{names[(era, c)]} ({c})" for c in targets)
        raise AmbiguousProvince(f"{value!r} stands for several provinces of {era}: {listed}")
    return targets[0] if targets else None


def province_name(db: Executor, code: str, *, era: str) -> str | None:
    """The name of province ``code`` of ``era`` (None when there is none)."""
    row = db.execute(
        text("SELECT name FROM province WHERE era = :era AND code = :code"),
        {"era": era, "code": code},
    ).first()
    return None if row is None else str(row.name)


_BORDER_PROVINCES = f"""
SELECT p.code, p.name FROM province p
WHERE {valid_on("p")}
  AND (EXISTS (SELECT 1 FROM commune c WHERE c.era = p.era AND c.province_code = p.code
               AND (c.is_land_border OR c.is_coastal))
       OR EXISTS (SELECT 1 FROM border_segment s WHERE s.era = p.era
                  AND s.province_code = p.code))
"""


def border_provinces(db: Executor, *, as_of: dt.date) -> list[tuple[str, str]]:
    """(code, name) of the provinces valid on ``as_of`` with border communes or segments.

    Sorted by name as a Vietnamese reader looks it up (diacritics folded).
    """
    rows = db.execute(text(_BORDER_PROVINCES), {"era": era_on(as_of), "as_of": as_of})
    return sorted(((r.code, r.name) for r in rows), key=lambda cn: (_bare(fold(cn[1])), cn[1]))
