"""service.ingest.fields: find a column under its usual names and parse its value strictly.

Every parser raises RowError(field, reason) so the report names the column.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from service.ingest.problems import RowError

_NORM = re.compile(r"[^0-9a-z]")
_TRUE = {"true", "t", "1", "yes", "y", "x", "co", "có"}
_FALSE = {"false", "f", "0", "no", "n", "", "khong", "không"}


@lru_cache(maxsize=4096)
def norm(name: str) -> str:
    """Column-name key: lower case, only letters and digits (``provinceCode`` = ``province_code``)."""
    return _NORM.sub("", name.lower())


class Row:
    """One input row: its number and its properties looked up by normalised column name."""

    def __init__(self, number: int, props: Mapping[str, Any]) -> None:
        self.number = number
        self._props = {norm(k): (k, v) for k, v in props.items()}

    def has(self, *names: str) -> bool:
        """True if any of the column names exists (even with an empty value)."""
        return any(norm(n) in self._props for n in names)

    def get(self, *names: str) -> tuple[str, Any]:
        """(column name as written, value) of the first of ``names`` with a non-empty value."""
        first = names[0]
        for n in names:
            found = self._props.get(norm(n))
            if found is not None:
                if not is_empty(found[1]):
                    return found
                first = found[0]
        return first, None


def is_empty(value: Any) -> bool:
    """None, NaN and blank strings are empty."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(field: str, value: Any, *, required: bool = False) -> str | None:
    """A stripped string, or None."""
    if is_empty(value):
        if required:
            raise RowError(field, "is required")
        return None
    return str(value).strip()


def code(field: str, value: Any, digits: int) -> tuple[str, bool]:
    """A GSO code of ``digits`` digits as text; (code, padded) where padded means zeros restored."""
    if is_empty(value):
        raise RowError(field, f"is required ({digits}-digit code)")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    if not s.isdigit() or len(s) > digits:
        raise RowError(field, f"{s!r} is not a {digits}-digit code")
    return s.zfill(digits), len(s) < digits


def integer(field: str, value: Any, *, required: bool = False) -> int | None:
    """An integer, refusing fractions and words."""
    if is_empty(value):
        if required:
            raise RowError(field, "is required")
        return None
    if isinstance(value, bool):
        raise RowError(field, f"{value!r} is not an integer")
    if isinstance(value, int):
        return value
    try:
        f = float(str(value).strip())
    except ValueError:
        raise RowError(field, f"{value!r} is not an integer") from None
    if not f.is_integer():
        raise RowError(field, f"{value!r} is not an integer")
    return int(f)


def number(field: str, value: Any, *, required: bool = False) -> float | None:
    """A finite float; a decimal comma is accepted when there is no dot (``433094,76``)."""
    if is_empty(value):
        if required:
            raise RowError(field, "is required")
        return None
    if isinstance(value, bool):
        raise RowError(field, f"{value!r} is not a number")
    if isinstance(value, int | float):
        f = float(value)
    else:
        s = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if "," in s and "." not in s:
            s = s.replace(",", ".")
        try:
            f = float(s)
        except ValueError:
            raise RowError(field, f"{value!r} is not a number") from None
    if not math.isfinite(f):
        raise RowError(field, f"{value!r} is not a finite number")
    return f


def boolean(field: str, value: Any) -> bool | None:
    """true/false, 1/0, yes/no, có/không; None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False if s else None
    raise RowError(field, f"{value!r} is not true/false")


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def date(field: str, value: Any, *, required: bool = False) -> dt.date | None:
    """ISO ``2008-12-31`` or Vietnamese ``31/12/2008``; datetimes keep their date."""
    if is_empty(value):
        if required:
            raise RowError(field, "is required (YYYY-MM-DD)")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    try:
        m = _DMY.match(s)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        raise RowError(field, f"{s!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)") from None


def text_list(field: str, value: Any) -> list[str] | None:
    """A list from a JSON array, a list, or ``a, b`` / ``a;b`` text; None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    s = str(value).strip()
    if s.startswith("["):
        try:
            items = json.loads(s)
        except json.JSONDecodeError:
            raise RowError(field, f"{s!r} is not a JSON list") from None
        if not isinstance(items, list):
            raise RowError(field, f"{s!r} is not a list")
        return [str(v).strip() for v in items if str(v).strip()]
    return [p.strip() for p in re.split(r"[,;|]", s) if p.strip()]
