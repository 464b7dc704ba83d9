"""service.demo.facts: the real figures the demo dataset is built to, read from data files.

The figures (border lengths, marker totals, segment lengths, dates, published marker places,
document titles) live in ``data/boundaries/*.csv``, one fact a row, each with its ``source``
and, where DOMAIN.md rates it L or X, ``approximate = true``; their provenance is in
``data/boundaries/README.md``. ``service/demo/boundaries`` is a link to that folder, so the
files are found beside this module both in a checkout and in an installed wheel (they ship as
package data). The files are read once, when this module is imported (a few kB; only demo
code imports it). A malformed file raises ``FactsError`` naming the file, line and field.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TypeVar

from service.vocabulary import REFORM_DATE

# The reform date is domain vocabulary (eras): one definition, in service.vocabulary.
REFORM = REFORM_DATE

DATA_DIR: Traversable = files("service.demo") / "boundaries"
APPROXIMATE_PREFIX = "approximate: "

T = TypeVar("T")


class FactsError(ValueError):
    """A facts file is missing, lacks a column or row, or holds a value of the wrong type."""


@dataclass(frozen=True)
class BorderFacts:
    """One land border as the official sources describe it."""

    code: str
    iso3: str
    name: str
    length_km: Decimal
    land_km: Decimal | None
    river_km: Decimal | None
    length_source: str
    length_approximate: bool
    markers: int
    positions: int
    demarcated_share: Decimal


@dataclass(frozen=True)
class SegmentFacts:
    """Official length of one pre-2025 province's stretch of a border."""

    length_km: Decimal
    land_km: Decimal | None
    river_km: Decimal | None
    source: str


@dataclass(frozen=True)
class _Row:
    """One data row: its fields by column name, and where it came from (for errors)."""

    file: str
    line: int
    fields: dict[str, str]

    def get(self, column: str, parse: Callable[[str], T]) -> T:
        try:
            return parse(self.fields[column])
        except (ValueError, InvalidOperation) as exc:
            raise FactsError(
                f"{self.file} line {self.line}, field {column!r}: {self.fields[column]!r} {exc}"
            ) from None

    def source(self) -> str:
        """``source``, prefixed ``approximate: `` when the row is flagged approximate."""
        text = self.get("source", _text)
        return APPROXIMATE_PREFIX + text if self.get("approximate", _bool) else text


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


def _bool(value: str) -> bool:
    if value not in ("true", "false"):
        raise ValueError("is not true or false")
    return value == "true"


def _decimal_or_none(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def read_rows(name: str, columns: tuple[str, ...], folder: Traversable = DATA_DIR) -> list[_Row]:
    """The rows of ``folder/name``, after checking that its header is exactly ``columns``."""
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FactsError(f"{name}: no such facts file in {folder}") from None
    reader = csv.DictReader(text.splitlines(), restval="")
    if tuple(reader.fieldnames or ()) != columns:
        raise FactsError(f"{name}: columns are {reader.fieldnames}, expected {list(columns)}")
    rows = []
    for r in reader:
        if None in r:  # more fields than columns: an unquoted comma
            raise FactsError(f"{name} line {reader.line_num}: more fields than columns")
        rows.append(_Row(name, reader.line_num, dict(r)))
    return rows


def read_borders(folder: Traversable = DATA_DIR) -> tuple[BorderFacts, ...]:
    """``borders.csv``: the three land borders with official lengths and marker totals."""
    cols = ("code", "iso3", "name", "length_km", "land_km", "river_km", "approximate", "source",
            "markers", "positions", "demarcated_share", "counts_approximate", "counts_source")  # fmt: skip
    return tuple(
        BorderFacts(
            code=r.get("code", _text),
            iso3=r.get("iso3", _text),
            name=r.get("name", _text),
            length_km=r.get("length_km", Decimal),
            land_km=r.get("land_km", _decimal_or_none),
            river_km=r.get("river_km", _decimal_or_none),
            length_source=r.source(),
            length_approximate=r.get("approximate", _bool),
            markers=r.get("markers", int),
            positions=r.get("positions", int),
            demarcated_share=r.get("demarcated_share", Decimal),
        )
        for r in read_rows("borders.csv", cols, folder)
    )


def read_segments(folder: Traversable = DATA_DIR) -> dict[tuple[str, str], SegmentFacts]:
    """``segments_pre2025.csv``, keyed by (pre-2025 province code, neighbour ISO3)."""
    cols = ("province_code", "neighbour_iso3", "province", "length_km", "land_km", "river_km",
            "approximate", "source")  # fmt: skip
    return {
        (r.get("province_code", _text), r.get("neighbour_iso3", _text)): SegmentFacts(
            r.get("length_km", Decimal),
            r.get("land_km", _decimal_or_none),
            r.get("river_km", _decimal_or_none),
            r.source(),
        )
        for r in read_rows("segments_pre2025.csv", cols, folder)
    }


class _Keyed(dict[str, T]):
    """Rows by key; a missing key is a ``FactsError`` naming the file."""

    def __init__(self, name: str, items: dict[str, T]) -> None:
        super().__init__(items)
        self.name = name

    def __missing__(self, key: str) -> T:
        raise FactsError(f"{self.name}: no row with key {key!r}")


def _keyed(name: str, columns: tuple[str, ...], folder: Traversable) -> dict[str, _Row]:
    return {r.get("key", _text): r for r in read_rows(name, columns, folder)}


def read_documents(folder: Traversable = DATA_DIR) -> dict[str, str]:
    """``documents.csv``: titles of the source documents named in status events, by key."""
    rows = _keyed("documents.csv", ("key", "title", "source"), folder)
    return _Keyed("documents.csv", {k: r.get("title", _text) for k, r in rows.items()})


def read_dates(folder: Traversable = DATA_DIR) -> dict[str, dt.date]:
    """``dates.csv``: key dates of the demarcation timelines (ISO dates)."""
    rows = _keyed("dates.csv", ("key", "date", "approximate", "source"), folder)
    return _Keyed("dates.csv", {k: r.get("date", dt.date.fromisoformat) for k, r in rows.items()})


def read_counts(folder: Traversable = DATA_DIR) -> dict[str, int]:
    """``marker_counts.csv``: the marker and position totals of the numbering schemes."""
    rows = _keyed("marker_counts.csv", ("key", "value", "approximate", "source"), folder)
    return _Keyed("marker_counts.csv", {k: r.get("value", int) for k, r in rows.items()})


@dataclass(frozen=True)
class Place:
    """A published or approximate place of a named marker (lon/lat, WGS 84)."""

    number: int | None
    lon: float
    lat: float


def read_places(folder: Traversable = DATA_DIR) -> dict[str, list[Place]]:
    """``marker_places.csv``: marker places by key (``cn_anchor`` has several rows)."""
    name = "marker_places.csv"
    out: dict[str, list[Place]] = _Keyed(name, {})
    for r in read_rows(name, ("key", "number", "lon", "lat", "approximate", "source"), folder):
        place = Place(r.get("number", _int_or_none), r.get("lon", float), r.get("lat", float))
        out.setdefault(r.get("key", _text), []).append(place)
    return out


def _numbered(place: Place) -> int:
    if place.number is None:
        raise FactsError(f"marker_places.csv: the place {place} needs a marker number")
    return place.number


BORDERS = read_borders()
BORDER_BY_ISO3 = {b.iso3: b for b in BORDERS}
# Keyed by (pre-2025 province code, neighbour ISO3).
SEGMENTS_PRE2025 = read_segments()
# Source documents named in status events.
DOC = read_documents()

_date = read_dates()
CN_COMMITTEE = _date["cn_committee"]
CN_FIRST_MARKER = _date["cn_first_marker"]
CN_FIELD_DONE = _date["cn_field_done"]
CN_PROTOCOL_SIGNED = _date["cn_protocol_signed"]
CN_PROTOCOL_IN_FORCE = _date["cn_protocol_in_force"]
LA_FIELD_START = _date["la_field_start"]
LA_MARKERS_DONE = _date["la_markers_done"]
LA_COC_DAU_START = _date["la_coc_dau_start"]
LA_COC_DAU_DONE = _date["la_coc_dau_done"]
LA_COMPLETION = _date["la_completion"]
KH_FIELD_START = _date["kh_field_start"]
KH_PROTOCOL_SIGNED = _date["kh_protocol_signed"]

_count = read_counts()
CN_MAIN_NUMBERS = _count["cn_main_numbers"]
CN_SECONDARY_POSITIONS = _count["cn_secondary_positions"]
LA_MAIN_POSITIONS = _count["la_main_positions"]
LA_MAIN_MARKERS = _count["la_main_markers"]
# (markers, positions): cọc dấu planted by Jun 2013, and from Jul 2013 to Dec 2014.
LA_COC_DAU_EARLY = (_count["la_coc_dau_early_markers"], _count["la_coc_dau_early_positions"])
LA_COC_DAU_LATE = (_count["la_coc_dau_late_markers"], _count["la_coc_dau_late_positions"])
KH_MAIN_PLANNED = _count["kh_main_planned"]
KH_MAIN_POSITIONS = _count["kh_main_positions"]
KH_MAIN_MARKERS = _count["kh_main_markers"]
KH_SECONDARY_POSITIONS = _count["kh_secondary_positions"]
KH_SECONDARY_MARKERS = _count["kh_secondary_markers"]
KH_COC_DAU = _count["kh_coc_dau"]

_place = read_places()
# Published marker coordinates used as anchors for the numbering: number -> (lon, lat).
# Positions are snapped to the (generalised) Natural Earth line.
CN_ANCHORS = {_numbered(p): (p.lon, p.lat) for p in _place["cn_anchor"]}
# Approximate places: Móng Cái – Dongxing gate (first CN marker, 2001), Lao Bảo – Densavanh
# gate (LA double marker 605, field work start 2008), Mộc Bài – Bavet gate (KH, Sep 2006).
CN_FIRST_MARKER_NUMBER = _numbered(_place["cn_first_marker"][0])
CN_FIRST_MARKER_PLACE = (_place["cn_first_marker"][0].lon, _place["cn_first_marker"][0].lat)
LA_FIRST_MARKER_NUMBER = _numbered(_place["la_first_marker"][0])
LA_FIRST_MARKER_PLACE = (_place["la_first_marker"][0].lon, _place["la_first_marker"][0].lat)
KH_FIRST_MARKER_PLACE = (_place["kh_first_marker"][0].lon, _place["kh_first_marker"][0].lat)
