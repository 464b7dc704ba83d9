"""service.ingest.admin_units: provinces, communes and official border-commune lists."""

from __future__ import annotations

from typing import Any

from service.ingest import fields
from service.ingest.base import (
    Collector,
    Context,
    Geo,
    Kind,
    RowErrors,
    check_dates,
    neighbour_list,
    slug,
)
from service.ingest.fields import Row
from service.vocabulary import GEOM_SOURCES, REFORM_DATE

# Same slugs as the demo builder (service.demo.units): the type comes from the name prefix.
COMMUNE_TYPES = (
    ("Thị trấn ", "thi_tran"),
    ("Phường ", "phuong"),
    ("Đặc khu ", "dac_khu"),
    ("Huyện ", "huyen"),
    ("Xã ", "xa"),
)
PROVINCE_TYPES = (("Thành phố ", "thanh_pho"), ("Tỉnh ", "tinh"))

CODE = ("code", "ma", "ma_xa", "commune_code", "ward_code", "id")
PROVINCE_CODE = ("province_code", "ma_tinh")
NAME = ("full_name", "fullname", "ten_day_du", "name", "ten")
UNIT_TYPE = ("unit_type", "division_type", "loai")
VALID_FROM = ("valid_from", "tu_ngay")
VALID_TO = ("valid_to", "den_ngay")
LAND = ("is_land_border", "land_border", "bien_gioi_dat_lien")
COASTAL = ("is_coastal", "coastal", "ven_bien")
NEIGHBOURS = ("neighbour_countries", "neighbor_countries", "border_countries", "neighbours")
GEOM_SOURCE = ("geom_source",)

_FLAGS = {
    "is_land_border": LAND,
    "is_coastal": COASTAL,
    "neighbour_countries": NEIGHBOURS,
}


def _unit_type(c: Collector, name: str | None, types: tuple[tuple[str, str], ...]) -> str | None:
    col, given = c.row.get(*UNIT_TYPE)
    if not fields.is_empty(given):
        value = str(given).strip()
        known = {slug for _, slug in types}
        s = slug(value)
        if s not in known:
            c.fail(col, f"{value!r} is not one of {', '.join(sorted(known))}")
            return None
        return s
    if name is None:
        return None
    for prefix, s in types:
        if name.casefold().startswith(prefix.casefold()):
            return s
    c.fail("unit_type", f"no unit_type column and the name {name!r} has no known prefix")
    return None


def _era_dates(c: Collector, row: dict[str, Any], ctx: Context) -> None:
    check_dates(c, row.get("valid_from"), row.get("valid_to"), ctx)
    vf, vt = row.get("valid_from"), row.get("valid_to")
    if ctx.era == "post2025" and vt is not None and vt <= REFORM_DATE:
        c.fail("valid_to", f"a post-2025 unit cannot end on {vt.isoformat()}, before the reform")
    if ctx.era == "pre2025" and vf is not None and vf >= REFORM_DATE:
        c.fail("valid_from", f"a pre-2025 unit cannot start on {vf.isoformat()}, after the reform")


def _unit(
    row: Row, geo: Geo | None, ctx: Context, *, digits: int
) -> tuple[Collector, dict[str, Any]]:
    c = Collector(row)
    code_and_pad = c.take(fields.code, CODE, digits)
    out: dict[str, Any] = {"era": ctx.era, "geom": geo.wgs84 if geo else None}
    if code_and_pad is not None:
        out["code"], padded = code_and_pad
        if padded:
            ctx.warn("code", f"leading zeros restored: {out['code']}")
        if ctx.known_codes is not None and out["code"] not in ctx.known_codes:
            level = "province" if digits == 2 else "commune"
            c.fail(
                c.row.get(*CODE)[0],
                f"{level} code {out['code']} is not known for era {ctx.era} (not in the"
                " reference list of units nor in the database); --new-codes accepts it",
            )
    out["name"] = c.take(fields.text, NAME, required=True)
    out["valid_from"] = c.take(fields.date, VALID_FROM)
    out["valid_to"] = c.take(fields.date, VALID_TO)
    out["geom_source"] = c.take(fields.text, GEOM_SOURCE) or "imported"
    if out["geom_source"] not in GEOM_SOURCES:
        c.fail("geom_source", f"{out['geom_source']!r} is not one of {', '.join(GEOM_SOURCES)}")
    out["is_land_border"] = c.take(fields.boolean, LAND)
    out["is_coastal"] = c.take(fields.boolean, COASTAL)
    out["neighbour_countries"] = c.take(neighbour_list, NEIGHBOURS)
    out["synthetic"] = c.take(fields.boolean, ("synthetic",))
    _era_dates(c, out, ctx)
    return c, out


def parse_province(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """A province row: 2-digit code, name, type, dates, flags, polygon."""
    c, out = _unit(row, geo, ctx, digits=2)
    out["unit_type"] = _unit_type(c, out["name"], PROVINCE_TYPES)
    if c.errors:
        raise RowErrors(c.errors)
    return out


def parse_commune(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """A commune row: 5-digit code, name, type, province known for the era, flags, polygon."""
    c, out = _unit(row, geo, ctx, digits=5)
    out["unit_type"] = _unit_type(c, out["name"], COMMUNE_TYPES)
    out["district_name"] = c.take(fields.text, ("district_name", "district", "huyen"))
    prov = c.take(fields.code, PROVINCE_CODE, 2)
    if prov is not None:
        out["province_code"] = prov[0]
        if prov[0] not in ctx.provinces:
            c.fail(
                c.row.get(*PROVINCE_CODE)[0],
                f"province {prov[0]} is not in the database for era {ctx.era}"
                " (import the provinces first)",
            )
    if c.errors:
        raise RowErrors(c.errors)
    return out


def parse_border_commune(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """One line of an official border-commune list: a code known for the era, optional type."""
    c = Collector(row)
    out: dict[str, Any] = {"era": ctx.era}
    code_and_pad = c.take(fields.code, CODE, 5)
    if code_and_pad is not None:
        out["code"] = code_and_pad[0]
        if code_and_pad[0] not in ctx.communes:
            c.fail(
                c.row.get(*CODE)[0],
                f"commune {code_and_pad[0]} is not in the database for era {ctx.era}",
            )
    land = c.take(fields.boolean, LAND)
    coastal = c.take(fields.boolean, COASTAL)
    col, kind = row.get("type", "border_type", "loai_bien_gioi")
    if not fields.is_empty(kind):
        s = slug(str(kind))
        if s in ("land", "dat_lien", "bien_gioi_dat_lien"):
            land, coastal = True, coastal or False
        elif s in ("sea", "coastal", "bien", "bien_gioi_bien", "ven_bien"):
            land, coastal = land or False, True
        elif s in ("both", "land_and_sea", "ca_hai"):
            land, coastal = True, True
        else:
            c.fail(col, f"{kind!r} is not land, sea or both")
    out["is_land_border"] = True if land is None else land
    out["is_coastal"] = coastal
    out["neighbour_countries"] = c.take(neighbour_list, NEIGHBOURS)
    if c.errors:
        raise RowErrors(c.errors)
    return out


_UNIT_OPTIONAL = {
    "valid_from": VALID_FROM,
    "valid_to": VALID_TO,
    "geom_source": GEOM_SOURCE,
    **_FLAGS,
}

PROVINCES = Kind(
    name="provinces",
    geometry="polygon",
    parse=parse_province,
    key=lambda r: (r["code"],),
    key_label="code",
    stage="province",
    islands=True,
    optional=_UNIT_OPTIONAL,
)
COMMUNES = Kind(
    name="communes",
    geometry="polygon",
    parse=parse_commune,
    key=lambda r: (r["code"],),
    key_label="code",
    stage="commune",
    islands=True,
    optional={**_UNIT_OPTIONAL, "district_name": ("district_name", "district", "huyen")},
)
BORDER_COMMUNES = Kind(
    name="border-communes",
    geometry=None,
    parse=parse_border_commune,
    key=lambda r: (r["code"],),
    key_label="code",
    stage="border_commune",
    geometry_required=False,
    optional={"is_coastal": (*COASTAL, "type", "border_type"), "neighbour_countries": NEIGHBOURS},
)
