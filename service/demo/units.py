"""service.demo.units: provinces and communes of both eras, with a usable centroid each.

Codes come as TEXT with leading zeros. The unit type is taken from the name prefix (the
packages' own type fields are not trusted, DOMAIN.md section 7.1). A few package centroids
are unusable and are replaced, always flagged approximate in the README:
- the five pre-2025 island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa,
  Lý Sơn, Côn Đảo) become commune-level units coded and placed like their 2025 successor;
- the three pre-2025 Trường Sa communes share one mainland point in the package; they are
  put on their islands (approximate public positions);
- coincident centroids are spread a few hundred metres apart so every unit gets a cell.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from service.demo.facts import REFORM
from service.demo.sources import AdminUnitsSource, UnitRow

PRE, POST = "pre2025", "post2025"

_COMMUNE_PREFIXES = (
    ("Thị trấn ", "thi_tran"),
    ("Phường ", "phuong"),
    ("Đặc khu ", "dac_khu"),
    ("Huyện ", "huyen"),
    ("Xã ", "xa"),
)
_PROVINCE_PREFIXES = (("Thành phố ", "thanh_pho"), ("Tỉnh ", "tinh"))

# Approximate island positions (lon, lat) for the pre-2025 Trường Sa communes.
_TRUONG_SA = {
    "22736": (111.920, 8.645),  # Thị trấn Trường Sa: Trường Sa Lớn island
    "22737": (114.333, 11.430),  # Xã Song Tử Tây
    "22739": (114.329, 9.885),  # Xã Sinh Tồn
}
_DUPLICATE_STEP_DEG = 0.004


class UnitError(ValueError):
    """The package data cannot be turned into units (names a unit and the reason)."""


@dataclass
class Commune:
    """A commune-level unit of one era."""

    era: str
    code: str
    name: str
    unit_type: str
    province_code: str
    district_name: str | None
    lon: float
    lat: float
    area_km2: float | None
    key: str
    centroid_note: str | None = None


@dataclass
class Province:
    """A provincial unit of one era."""

    era: str
    code: str
    name: str
    unit_type: str
    key: str

    @property
    def valid_from(self) -> dt.date | None:
        return REFORM if self.era == POST else None

    @property
    def valid_to(self) -> dt.date | None:
        return REFORM if self.era == PRE else None


@dataclass
class Units:
    """Both eras' units and the lineage between them (codes)."""

    provinces: dict[str, list[Province]]
    communes: dict[str, list[Commune]]
    province_lineage: list[tuple[str, str, bool]]
    commune_lineage: list[tuple[str, str, bool]]


def _type(name: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    for prefix, kind in prefixes:
        if name.casefold().startswith(prefix.casefold()):
            return kind
    raise UnitError(f"unit {name!r}: unknown name prefix")


def _spread_duplicates(communes: list[Commune]) -> None:
    """Move the 2nd, 3rd ... unit sharing a point onto a small spiral around it."""
    seen: dict[tuple[float, float], int] = {}
    for c in communes:
        k = seen.get((c.lon, c.lat), 0)
        seen[(c.lon, c.lat)] = k + 1
        if k:
            angle = k * 2.399963  # golden angle: points never line up
            r = _DUPLICATE_STEP_DEG * math.sqrt(k)
            c.lon, c.lat = c.lon + r * math.cos(angle), c.lat + r * math.sin(angle)
            c.centroid_note = "package centroid shared with another unit; moved slightly"


def build_units(src: AdminUnitsSource) -> Units:
    """Provinces, communes and lineage of both eras, sorted by code."""
    current_by_key = {r.key: r for r in src.current}
    successor: dict[str, UnitRow] = {}
    for lin in src.commune_lineage:
        if lin.is_default and lin.new_key in current_by_key:
            successor.setdefault(lin.old_key, current_by_key[lin.new_key])

    communes: dict[str, list[Commune]] = {PRE: [], POST: []}
    for era, rows in ((PRE, src.legacy), (POST, src.current)):
        for r in rows:
            code, lon, lat, note = r.code, r.lon, r.lat, None
            if code is None or lon is None or lat is None:
                succ = successor.get(r.key)
                if succ is None or succ.code is None or succ.lon is None or succ.lat is None:
                    raise UnitError(f"unit {r.key!r}: no code or centroid and no successor")
                code = code or succ.code
                lon, lat = succ.lon, succ.lat
                note = "island district without communes: code and centroid of its successor"
            if era == PRE and code in _TRUONG_SA:
                lon, lat = _TRUONG_SA[code]
                note = "package centroid on the mainland; approximate island position"
            communes[era].append(
                Commune(
                    era=era,
                    code=code,
                    name=r.name,
                    unit_type=_type(r.name, _COMMUNE_PREFIXES),
                    province_code=r.province_code,
                    district_name=r.district_name,
                    lon=float(lon),
                    lat=float(lat),
                    area_km2=r.area_km2,
                    key=r.key,
                    centroid_note=note,
                )
            )
        communes[era].sort(key=lambda c: c.code)
        codes = [c.code for c in communes[era]]
        if len(set(codes)) != len(codes):
            raise UnitError(f"{era}: duplicate commune codes in the package")
        _spread_duplicates(communes[era])

    provinces: dict[str, list[Province]] = {}
    for era, rows in ((PRE, src.legacy), (POST, src.current)):
        seen: dict[str, Province] = {}
        for r in rows:
            if r.province_code not in seen:
                kind = _type(r.province_name, _PROVINCE_PREFIXES)
                key = r.key.split("_", 1)[0]  # package keys: province_[district_]ward
                seen[r.province_code] = Province(era, r.province_code, r.province_name, kind, key)
        provinces[era] = sorted(seen.values(), key=lambda p: p.code)

    pre_code = {p.key: p.code for p in provinces[PRE]}
    post_code = {p.key: p.code for p in provinces[POST]}
    province_lineage = sorted(
        {(pre_code[old], post_code[new], True) for old, new in src.province_lineage}
    )
    pre_by_key = {c.key: c.code for c in communes[PRE]}
    post_by_key = {c.key: c.code for c in communes[POST]}
    lineage: dict[tuple[str, str], bool] = {}
    for lin in src.commune_lineage:
        old = pre_by_key.get(lin.old_key)
        new = post_by_key.get(lin.new_key)
        if old is None or new is None:
            raise UnitError(f"lineage {lin.old_key} -> {lin.new_key}: unit not found")
        lineage[(old, new)] = lineage.get((old, new), False) or lin.is_default
    return Units(
        provinces=provinces,
        communes=communes,
        province_lineage=province_lineage,
        commune_lineage=sorted((o, n, d) for (o, n), d in lineage.items()),
    )
