"""service.params: the one parser of request and command parameters.

Every route (OGC items, progress, coverage, spatial, maps) and every command reads its
parameters through these functions, so the same value is accepted or refused everywhere
with the same message. Values arrive as strings; a bad one raises :class:`BadRequest`
naming the parameter (a 400 over HTTP, one line on the command line). Nothing here knows
HTTP or the database: checks that need the database (does this province exist on that
date?) live in the data layer (:func:`service.db.units.checked_province`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.errors import BadRequest
from service.vocabulary import BORDER_CODES, COMMUNE_KINDS, ERAS, Era, era_on, eras_between


@dataclass(frozen=True, slots=True)
class When:
    """The date(s) a request is about.

    ``start``/``end`` are inclusive; an instant has ``start == end``; None is open.
    ``explicit`` is False when the client gave no date (state collections use ``today``).
    """

    start: dt.date | None
    end: dt.date | None
    today: dt.date
    explicit: bool

    @property
    def is_instant(self) -> bool:
        """A single date (``as_of`` or an instant ``datetime``)."""
        return self.explicit and self.start is not None and self.start == self.end

    @property
    def state_date(self) -> dt.date:
        """The date whose state is shown: the instant, the end of an interval, or today."""
        return self.end if self.explicit and self.end is not None else self.today

    def eras(self) -> tuple[Era, ...]:
        """Administrative eras in force at some time within the dates."""
        return eras_between(self.start, self.end)


def check_known(params: Iterable[str], allowed: Iterable[str]) -> None:
    """Reject a parameter that is not in ``allowed``, naming it and listing the known ones."""
    ok = set(allowed)
    for name in params:
        if name not in ok:
            raise BadRequest(f"unknown query parameter {name!r}; accepted: {', '.join(sorted(ok))}")


_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = re.compile(rf"^({_DATE})(?:[Tt ][0-9:.]+(?:[Zz]|[+-][0-9]{{2}}:?[0-9]{{2}})?)?$")


def date(name: str, value: str) -> dt.date:
    """An RFC 3339 date (``2024-01-01``) or date-time (``2024-01-01T00:00:00Z``; its UTC day)."""
    text = value.strip()
    m = _DATETIME.match(text)
    if m is None:
        raise BadRequest(f"{name}: {value!r} is not an RFC 3339 date or date-time")
    try:
        if text != m.group(1):
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.UTC)
            return stamp.date()
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        raise BadRequest(f"{name}: {value!r} is not a valid date") from None


def as_of(value: str | None, *, name: str = "as_of", today: dt.date | None = None) -> dt.date:
    """The date of the figures: ``value`` (see :func:`date`), else today."""
    if value is None:
        return today or dt.date.today()
    return date(name, value)


def when(datetime: str | None, as_of_value: str | None, today: dt.date) -> When:
    """The dates of ``datetime`` (instant or interval, OGC API) or ``as_of`` (a date)."""
    if datetime is not None and as_of_value is not None:
        raise BadRequest("give either datetime or as_of, not both")
    if as_of_value is not None:
        d = date("as_of", as_of_value)
        return When(d, d, today, True)
    if datetime is None:
        return When(None, None, today, False)
    if "/" not in datetime:
        d = date("datetime", datetime)
        return When(d, d, today, True)
    parts = datetime.split("/")
    if len(parts) != 2:
        raise BadRequest(f"datetime: {datetime!r} has more than one '/'")
    start = None if parts[0] in ("", "..") else date("datetime", parts[0])
    end = None if parts[1] in ("", "..") else date("datetime", parts[1])
    if start is None and end is None:
        raise BadRequest("datetime: an interval needs at least one bound")
    if start is not None and end is not None and start > end:
        raise BadRequest("datetime: the interval starts after it ends")
    return When(start, end, today, True)


def choice(name: str, value: str | None, choices: Iterable[str], default: str) -> str:
    """One of ``choices``; ``default`` when absent."""
    options = tuple(choices)
    if value is None:
        return default
    if value not in options:
        raise BadRequest(f"{name}: {value!r} is not one of {', '.join(options)}")
    return value


def integer(value: str | None, *, name: str, low: int, high: int, default: int) -> int:
    """A whole number in ``[low, high]``; ``default`` when absent."""
    if value is None:
        return default
    if not re.fullmatch(r"[+-]?[0-9]{1,12}", value.strip()):
        raise BadRequest(f"{name}: {value!r} is not an integer")
    k = int(value)
    if not low <= k <= high:
        raise BadRequest(f"{name}: {k} is outside {low}..{high}")
    return k


def number(
    value: str | None, *, name: str, low: float, high: float, default: float | None = None
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
        raise BadRequest(f"{name}: {value!r} is outside {low:g}..{high:g}")
    return x


def border(value: str | None) -> str | None:
    """A border code (CN, LA, KH; any case), or None."""
    if value is None:
        return None
    code = value.upper()
    if code not in BORDER_CODES:
        raise BadRequest(
            f"border: unknown border {value!r}; expected one of {', '.join(BORDER_CODES)}"
        )
    return code


def province_code(value: str | None) -> str | None:
    """A two-digit province code, or None (whether it exists is the data layer's check)."""
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{2}", value):
        raise BadRequest(f"province: {value!r} is not a two-digit province code")
    return value


def kind(value: str | None) -> str:
    """Which border communes: ``all`` (default), ``land`` or ``coastal``."""
    if value is None:
        return "all"
    if value not in COMMUNE_KINDS:
        raise BadRequest(
            f"kind: unknown kind {value!r}; expected one of {', '.join(COMMUNE_KINDS)}"
        )
    return value


def era(value: str | None, day: dt.date) -> Era:
    """``pre2025`` or ``post2025``; the era of ``day`` when absent."""
    if value is None:
        return era_on(day)
    if value not in ERAS:
        raise BadRequest(f"era: unknown era {value!r}; expected one of {', '.join(ERAS)}")
    return "pre2025" if value == "pre2025" else "post2025"
