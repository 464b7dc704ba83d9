"""Provinces by name: any case, with or without diacritics or unit word, either era."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from service.db.units import AmbiguousProvince, border_provinces, fold, resolve_province

pytestmark = pytest.mark.db


@pytest.fixture
def provinces(conn: Connection) -> Connection:
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from) VALUES"
            " ('pre2025', '02', 'Tỉnh Hà Giang', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '04', 'Tỉnh Cao Bằng', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '08', 'Tỉnh Tuyên Quang', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '46', 'Tỉnh Thừa Thiên Huế', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '56', 'Tỉnh Khánh Hòa', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '58', 'Tỉnh Ninh Thuận', 'tinh', '2025-07-01', NULL),"
            " ('post2025', '04', 'Tỉnh Cao Bằng', 'tinh', NULL, '2025-07-01'),"
            " ('post2025', '08', 'Tỉnh Tuyên Quang', 'tinh', NULL, '2025-07-01'),"
            " ('post2025', '46', 'Thành phố Huế', 'thanh_pho', NULL, '2025-07-01'),"
            " ('post2025', '56', 'Tỉnh Khánh Hoà', 'tinh', NULL, '2025-07-01')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO admin_lineage (level, old_code, new_code) VALUES"
            " ('province', '02', '08'), ('province', '08', '08'), ('province', '04', '04'),"
            " ('province', '46', '46'), ('province', '56', '56'), ('province', '58', '56')"
        )
    )
    return conn


@pytest.mark.parametrize(
    ("value", "era", "code"),
    [
        ("Cao Bằng", "pre2025", "04"),
        ("cao bang", "post2025", "04"),
        ("  CAO   BẰNG ", "pre2025", "04"),
        ("Tỉnh Cao Bằng", "post2025", "04"),
        ("tinh cao bang", "post2025", "04"),
        ("04", "post2025", "04"),
        ("99", "post2025", None),
        ("Hà Giang", "pre2025", "02"),
        ("ha giang", "post2025", "08"),  # merged into Tuyên Quang on 1 July 2025
        ("Thừa Thiên Huế", "post2025", "46"),  # renamed: Thành phố Huế
        ("thanh pho hue", "post2025", "46"),
        ("Khánh Hòa", "post2025", "56"),  # old tone placement, new name spelled Hoà
        ("khanh hoa", "pre2025", "56"),
        ("Ninh Thuận", "post2025", "56"),
        ("Atlantis", "pre2025", None),
        ("", "pre2025", None),
    ],
)
def test_resolve_province(provinces: Connection, value: str, era: str, code: str | None) -> None:
    assert resolve_province(provinces, value, era) == code


def test_a_new_province_formed_from_several_is_ambiguous_in_the_old_era(
    provinces: Connection,
) -> None:
    # Khánh Hoà (post2025) was formed from Khánh Hòa and Ninh Thuận; "Khánh Hoà" also names
    # the old Khánh Hòa, which wins. A new name with no old namesake would be ambiguous:
    provinces.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_from) VALUES"
            " ('post2025', '91', 'Tỉnh An Giang Mới', 'tinh', '2025-07-01')"
        )
    )
    provinces.execute(
        text(
            "INSERT INTO admin_lineage (level, old_code, new_code) VALUES"
            " ('province', '56', '91'), ('province', '58', '91')"
        )
    )
    with pytest.raises(AmbiguousProvince, match="Khánh Hòa.*Ninh Thuận"):
        resolve_province(provinces, "an giang moi", "pre2025")


def test_fold() -> None:
    assert fold("Đồng Văn") == fold("dong van") == "dong van"
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("Thuỷ") == fold("Thủy")
    assert fold("Bà Rịa–Vũng Tàu") == "ba ria vung tau"


def test_border_provinces_sorted_by_name_without_unit_word(provinces: Connection) -> None:
    import datetime as dt

    provinces.execute(
        text(
            "INSERT INTO commune (era, code, name, unit_type, province_code, is_land_border,"
            " is_coastal) VALUES ('pre2025', '00001', 'A', 'xa', '04', true, false),"
            " ('pre2025', '00002', 'B', 'xa', '02', true, false),"
            " ('pre2025', '00003', 'C', 'xa', '56', false, true)"
        )
    )
    names = [n for _, n in border_provinces(provinces, as_of=dt.date(2020, 1, 1))]
    assert names == ["Tỉnh Cao Bằng", "Tỉnh Hà Giang", "Tỉnh Khánh Hòa"]
