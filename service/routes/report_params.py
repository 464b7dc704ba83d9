"""service.routes.report_params: parse and check the query parameters of the report routes.

Parameters arrive as strings so that a malformed value gets a 400 naming the parameter
(FastAPI's own validation would answer 422 with a generic body).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from fastapi import Request

from service.db.models import BORDER_CODES, ERAS
from service.db.units import AmbiguousProvince, Executor, era_on, resolve_province
from service.errors import BadRequest

KINDS = ("all", "land", "coastal")


def only(request: Request, *allowed: str) -> None:
    """Reject any query parameter not in ``allowed`` (a typo must not pass silently).

    ``lang`` (the language of HTML pages, :mod:`service.i18n`) is accepted everywhere.
    """
    allowed = (*allowed, "lang")
    unknown = sorted(set(request.query_params.keys()) - set(allowed))
    if unknown:
        raise BadRequest(
            f"unknown query parameter(s): {', '.join(unknown)}; allowed: {', '.join(allowed)}"
        )


def as_of(value: str | None, *, name: str = "as_of") -> dt.date:
    """A ``YYYY-MM-DD`` date; today when absent."""
    if value is None:
        return dt.date.today()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise BadRequest(f"{name}: {value!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{name}: {value!r} is not a valid date ({exc})") from None


def border(value: str | None) -> str | None:
    """A border code (CN, LA, KH), or None (also for an empty value: no filter)."""
    if value is None or not value.strip():
        return None
    code = value.upper()
    if code not in BORDER_CODES:
        raise BadRequest(
            f"border: unknown border {value!r}; expected one of {', '.join(BORDER_CODES)}"
        )
    return code


def province(db: Executor, value: str | None, day: dt.date) -> str | None:
    """The code of the province ``value`` names on ``day`` (a code or a name), or None.

    ``value`` is a two-digit code of the era of ``day`` or a name of either era, with or
    without diacritics (``Cao Bằng``, ``cao bang``): see
    :func:`service.db.units.resolve_province`. An empty value means no filter.
    """
    if value is None or not value.strip():
        return None
    if not re.fullmatch(r"\d{2}", value.strip()) and not re.search(r"[^\W\d_]", value):
        raise BadRequest(f"province: {value!r} is neither a two-digit code nor a name")
    try:
        code = resolve_province(db, value, era_on(day))
    except AmbiguousProvince as exc:
        raise BadRequest(f"province: {exc}") from None
    if code is None:
        raise BadRequest(
            f"province: no province {value!r} on {day.isoformat()}"
            f" ({era_on(day)} units; codes and provinces changed on 2025-07-01)"
        )
    return code


def kind(value: str | None) -> str:
    """``all`` (default), ``land`` or ``coastal``."""
    if value is None:
        return "all"
    if value not in KINDS:
        raise BadRequest(f"kind: unknown kind {value!r}; expected one of {', '.join(KINDS)}")
    return value


def era(value: str | None, day: dt.date) -> str:
    """``pre2025`` or ``post2025``; the era of ``day`` when absent."""
    if value is None:
        return era_on(day)
    if value not in ERAS:
        raise BadRequest(f"era: unknown era {value!r}; expected one of {', '.join(ERAS)}")
    return value


def number(
    value: str | None,
    *,
    name: str,
    low: float,
    high: float,
    default: float | None = None,
) -> float:
    """A finite number in ``[low, high]``; ``default`` when absent (required if None)."""
    if value is None:
        if default is None:
            raise BadRequest(f"{name}: required")
        return default
    try:
        x = float(value)
    except ValueError:
        raise BadRequest(f"{name}: {value!r} is not a number") from None
    if not math.isfinite(x) or not low <= x <= high:
        raise BadRequest(f"{name}: {value!r} is out of range [{low:g}, {high:g}]")
    return x


def integer(value: str | None, *, name: str, low: int, high: int, default: int) -> int:
    """An integer in ``[low, high]``; ``default`` when absent."""
    if value is None:
        return default
    if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
        raise BadRequest(f"{name}: {value!r} is not an integer")
    k = int(value)
    if not low <= k <= high:
        raise BadRequest(f"{name}: {k} is out of range [{low}, {high}]")
    return k
