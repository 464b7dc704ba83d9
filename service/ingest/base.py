"""service.ingest.base: what a kind of import is, and the per-import context its parser sees."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.crs import AxisOrder, SourceCRS
from geo.geometry import GeometryKind
from service.ingest import fields
from service.ingest.fields import Row
from service.ingest.problems import RowError

# Neighbours as stored in neighbour_countries (ISO3) and the border codes of the border table.
BORDER_BY_ISO3 = {"CHN": "CN", "LAO": "LA", "KHM": "KH"}
_BORDER_ALIASES = {
    **{k.lower(): v for k, v in BORDER_BY_ISO3.items()},
    **{v.lower(): v for v in BORDER_BY_ISO3.values()},
    "china": "CN",
    "trungquoc": "CN",
    "laos": "LA",
    "lao": "LA",
    "cambodia": "KH",
    "campuchia": "KH",
}
ISO3_BY_BORDER = {v: k for k, v in BORDER_BY_ISO3.items()}
EARLIEST = dt.date(1885, 1, 1)  # the schema's floor for marker events (Franco-Chinese treaties)


@lru_cache(maxsize=8192)
def slug(value: str) -> str:
    """ASCII snake case of Vietnamese text: ``Phó Bí thư Đảng ủy`` → ``pho_bi_thu_dang_uy``."""
    s = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return "_".join("".join(ch if ch.isalnum() else " " for ch in s).split())


def border_code(field_name: str, value: Any) -> str:
    """CN / LA / KH from a border code, ISO3 code or country name."""
    if fields.is_empty(value):
        raise RowError(field_name, "is required (CN, LA or KH)")
    found = _BORDER_ALIASES.get(slug(str(value)).replace("_", ""))
    if found is None:
        raise RowError(field_name, f"{value!r} is not a border (CN/CHN, LA/LAO, KH/KHM)")
    return found


def neighbour_list(field_name: str, value: Any) -> list[str] | None:
    """ISO3 codes of neighbours from a list of codes or names; None when absent."""
    items = fields.text_list(field_name, value)
    if items is None:
        return None
    return sorted({ISO3_BY_BORDER[border_code(field_name, v)] for v in items})


@dataclass
class Context:
    """What a parser needs besides the row: era, codes known in the database, duplicates."""

    era: str
    today: dt.date
    provinces: set[str] = field(default_factory=set)
    communes: set[str] = field(default_factory=set)
    borders: set[str] = field(default_factory=set)
    # Codes a unit import may use (reference list of the era + database); None: any code.
    known_codes: frozenset[str] | None = None
    columns: set[str] = field(default_factory=set)  # normalised column names of the file
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    # Geometry of the current row, as transformed, and its source description.
    source: SourceCRS | None = None
    axis_order: AxisOrder = "xy"
    row_crs_cache: dict[str, Any] = field(default_factory=dict)  # per-row CRS column values

    def has_column(self, *names: str) -> bool:
        """True if the file has any of these columns (normalised comparison)."""
        return any(fields.norm(n) in self.columns for n in names)

    def warn(self, field_name: str | None, reason: str) -> None:
        """A warning for the current row."""
        self.warnings.append((field_name, reason))


@dataclass
class Geo:
    """A row's geometry: in WGS 84 (checked) and the first two numbers as written."""

    wgs84: BaseGeometry
    first: float | None = None
    second: float | None = None


class Collector:
    """Parses several fields of a row, collecting every error instead of stopping at the first."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.errors: list[RowError] = []

    def take(self, parse: Callable[..., Any], names: tuple[str, ...], *args: Any, **kw: Any) -> Any:
        """``parse(column, value, ...)`` on the first non-empty column of ``names``."""
        col, value = self.row.get(*names)
        try:
            return parse(col, value, *args, **kw)
        except RowError as exc:
            self.errors.append(exc)
            return None

    def fail(self, field_name: str | None, reason: str) -> None:
        """Record an error found by a cross-field check."""
        self.errors.append(RowError(field_name, reason))


class RowErrors(Exception):
    """All the errors of one row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Kind:
    """One kind of import: its geometry, its parser, its natural key and its staging table."""

    name: str
    geometry: GeometryKind | None
    parse: Callable[[Row, Geo | None, Context], dict[str, Any]]
    key: Callable[[dict[str, Any]], tuple[Any, ...]]
    key_label: str
    stage: str
    islands: bool = False  # admin units may lie offshore (Hoàng Sa, Trường Sa)
    geometry_required: bool = True
    # Optional columns: canonical name → the file column names that fill it.
    optional: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def present(self, ctx: Context) -> set[str]:
        """The optional columns this file has (only those are updated on existing rows)."""
        return {name for name, aliases in self.optional.items() if ctx.has_column(*aliases)}


def check_dates(c: Collector, start: dt.date | None, end: dt.date | None, ctx: Context) -> None:
    """valid_from < valid_to, both after 1885 and not in the future beyond a year."""
    for name, d in (("valid_from", start), ("valid_to", end)):
        if d is not None and not EARLIEST <= d <= ctx.today + dt.timedelta(days=366):
            c.fail(name, f"{d.isoformat()} is not a plausible date")
    if start is not None and end is not None and end <= start:
        c.fail("valid_to", f"{end.isoformat()} is not after valid_from {start.isoformat()}")
