"""service.ingest.border_features: border segments and border markers (with status events)."""

from __future__ import annotations

import re
from typing import Any

from geo.crs import transform_description
from geo.errors import GeoError
from geo.markers import parse_marker_label
from geo.measures import length_km
from service.ingest import fields
from service.ingest.base import (
    EARLIEST,
    ISO3_BY_BORDER,
    Collector,
    Context,
    Geo,
    Kind,
    RowErrors,
    border_code,
    check_dates,
    slug,
)
from service.ingest.fields import Row
from service.ingest.problems import RowError
from service.vocabulary import MARKER_CLASSES, MARKER_SETTINGS, MARKER_STATUSES

# Segment codes as the demo builds them: province, neighbour ISO3, "-U" when not demarcated.
SEGMENT_CODE = re.compile(r"^(\d{2})-(CHN|LAO|KHM)(-U)?$")

BORDER = ("border_code", "border", "bien_gioi", "neighbour", "neighbor_iso3", "neighbour_iso3")
SEG_CODE = ("code", "segment_code", "segment_id", "ma_doan")
PROVINCE_CODE = ("province_code", "ma_tinh")

_CLASS_ALIASES = {
    "main": "main",
    "chinh": "main",
    "moc_chinh": "main",
    "secondary": "secondary",
    "phu": "secondary",
    "moc_phu": "secondary",
    "coc_dau": "coc_dau",
    "cocdau": "coc_dau",
}
_SETTING_ALIASES = {
    "land": "land",
    "dat_lien": "land",
    "river_bank": "river_bank",
    "bo_song": "river_bank",
    "confluence": "confluence",
    "nga_ba_song": "confluence",
}


def _choice(
    field_name: str, value: Any, aliases: dict[str, str], allowed: tuple[str, ...]
) -> str | None:
    if fields.is_empty(value):
        return None
    found = aliases.get(slug(str(value)))
    if found is None or found not in allowed:
        raise RowError(field_name, f"{value!r} is not one of {', '.join(allowed)}")
    return found


def parse_segment(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """A border segment: ``04-CHN`` code agreeing with its province and border, a line."""
    c = Collector(row)
    out: dict[str, Any] = {"era": ctx.era, "geom": geo.wgs84 if geo else None}
    code_col, code_value = row.get(*SEG_CODE)
    code = c.take(fields.text, SEG_CODE, required=True)
    out["border_code"] = c.take(border_code, BORDER)
    prov = c.take(fields.code, PROVINCE_CODE, 2)
    out["province_code"] = prov[0] if prov else None
    if code is not None:
        m = SEGMENT_CODE.match(code)
        if not m:
            c.fail(code_col, f"{code!r} is not a segment code like 04-CHN or 91-KHM-U")
        else:
            out["code"] = code
            if out["province_code"] is None:
                out["province_code"] = m.group(1)
            elif m.group(1) != out["province_code"]:
                c.fail(code_col, f"{code} does not start with its province {out['province_code']}")
            if out["border_code"] and ISO3_BY_BORDER[out["border_code"]] != m.group(2):
                c.fail(code_col, f"{code} is not on border {out['border_code']}")
            out["border_code"] = (
                out["border_code"] or {v: k for k, v in ISO3_BY_BORDER.items()}[m.group(2)]
            )
            demarcated = c.take(fields.boolean, ("demarcated", "da_phan_gioi"))
            out["demarcated"] = m.group(3) is None if demarcated is None else demarcated
            if demarcated is not None and demarcated == bool(m.group(3)):
                c.fail("demarcated", f"{demarcated} contradicts the code {code}")
    if out["province_code"] is not None and out["province_code"] not in ctx.provinces:
        c.fail(
            "province_code",
            f"province {out['province_code']} is not in the database for era {ctx.era}",
        )
    if out.get("border_code") and out["border_code"] not in ctx.borders:
        c.fail("border_code", f"border {out['border_code']} is not in the database")
    for name, aliases in (
        ("official_length_km", ("official_length_km", "official_km")),
        ("official_land_km", ("official_land_km",)),
        ("official_river_km", ("official_river_km",)),
    ):
        v = c.take(fields.number, aliases)
        if v is not None and not 0 <= v < 5000:
            c.fail(name, f"{v} km is not a plausible length")
        out[name] = v
    out["length_source"] = c.take(fields.text, ("length_source",))
    out["valid_from"] = c.take(fields.date, ("valid_from",))
    out["valid_to"] = c.take(fields.date, ("valid_to",))
    check_dates(c, out["valid_from"], out["valid_to"], ctx)
    if geo is not None:
        try:
            out["measured_length_km"] = round(length_km(geo.wgs84), 3)
        except GeoError as exc:
            c.fail("geometry", str(exc))
    if c.errors:
        raise RowErrors(c.errors)
    return out


LABEL = ("label", "marker", "so_hieu_moc", "ten_moc", "moc")
NUMBER = ("number", "so", "so_moc", "marker_number")
INDEX = ("same_number_index", "same_index", "index")
SUB = ("sub_number", "sub", "so_phu")
STATUS = ("status", "trang_thai")
STATUS_DATE = ("status_date", "event_date", "ngay", "date")


def parse_marker(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """A marker: border, number scheme (or label), class, position as recorded, status event."""
    c = Collector(row)
    out: dict[str, Any] = {"geom": geo.wgs84 if geo else None}
    out["border_code"] = c.take(border_code, BORDER)
    if out["border_code"] and out["border_code"] not in ctx.borders:
        c.fail("border_code", f"border {out['border_code']} is not in the database")
    number = c.take(fields.integer, NUMBER)
    index = c.take(fields.integer, INDEX)
    sub = c.take(fields.integer, SUB)
    label_col, label = row.get(*LABEL)
    if not fields.is_empty(label):
        try:
            parsed = parse_marker_label(str(label))
        except GeoError as exc:
            c.fail(label_col, str(exc))
        else:
            if number is not None and (number, index, sub) != parsed:
                c.fail(label_col, f"{label!r} disagrees with number/same_number_index/sub_number")
            number, index, sub = parsed
    if number is None:
        if not c.errors:
            c.fail("number", "is required (or a label such as 261(2) or 511/1)")
    elif number < 0:
        c.fail("number", f"{number} is negative")
    if index is not None and index not in (1, 2, 3):
        c.fail("same_number_index", f"{index} is not 1, 2 or 3")
    if sub is not None and sub <= 0:
        c.fail("sub_number", f"{sub} is not positive")
    out.update(number=number, same_number_index=index, sub_number=sub)
    cls = c.take(_choice, ("marker_class", "class", "loai_moc"), _CLASS_ALIASES, MARKER_CLASSES)
    out["marker_class"] = cls or ("secondary" if sub is not None else "main")
    out["setting"] = c.take(_choice, ("setting", "vi_tri"), _SETTING_ALIASES, MARKER_SETTINGS)
    out["size_class"] = c.take(fields.text, ("size_class", "size", "kich_thuoc"))
    out["material"] = c.take(fields.text, ("material", "vat_lieu"))
    out["planted_by"] = c.take(fields.text, ("planted_by",))
    elevation = c.take(fields.number, ("elevation_m", "elevation", "do_cao", "z", "h"))
    if elevation is not None and not -100 <= elevation <= 9000:
        c.fail("elevation_m", f"{elevation} m is not a plausible elevation")
    out["elevation_m"] = None if elevation is None else round(elevation, 2)
    # Position as recorded.
    src = ctx.source
    if geo is not None and src is not None:
        out.update(
            source_crs=src.label,
            source_x=geo.first,
            source_y=geo.second,
            source_axis_order=ctx.axis_order,
            source_transform=transform_description(src),
        )
    # A status event, appended to the marker's history.
    status = c.take(_choice, STATUS, {s: s for s in MARKER_STATUSES}, MARKER_STATUSES)
    status_date = c.take(fields.date, STATUS_DATE)
    if status is not None and status_date is None and not c.row.get(*STATUS_DATE)[1]:
        c.fail("status_date", f"status {status!r} needs a date")
    if status_date is not None:
        if status is None and fields.is_empty(row.get(*STATUS)[1]):
            c.fail("status", "a status_date needs a status")
        if not EARLIEST <= status_date <= ctx.today:
            c.fail("status_date", f"{status_date.isoformat()} is not between 1885 and today")
    out.update(
        status=status,
        status_date=status_date,
        source_document=c.take(fields.text, ("source_document", "document", "van_ban")),
        note=c.take(fields.text, ("note", "ghi_chu")),
        synthetic=c.take(fields.boolean, ("synthetic",)),
    )
    if c.errors:
        raise RowErrors(c.errors)
    return out


SEGMENTS = Kind(
    name="segments",
    geometry="line",
    parse=parse_segment,
    key=lambda r: (r["code"],),
    key_label="code",
    stage="border_segment",
    optional={
        "official_length_km": ("official_length_km", "official_km"),
        "official_land_km": ("official_land_km",),
        "official_river_km": ("official_river_km",),
        "length_source": ("length_source",),
        "valid_from": ("valid_from",),
        "valid_to": ("valid_to",),
    },
)
MARKERS = Kind(
    name="markers",
    geometry="point",
    parse=parse_marker,
    key=lambda r: (r["border_code"], r["number"], r["same_number_index"], r["sub_number"]),
    key_label="border/number/same_number_index/sub_number",
    stage="marker",
    optional={
        "setting": ("setting", "vi_tri"),
        "size_class": ("size_class", "size", "kich_thuoc"),
        "material": ("material", "vat_lieu"),
        "planted_by": ("planted_by",),
        "elevation_m": ("elevation_m", "elevation", "do_cao", "z", "h"),
    },
)
