"""The schema keeps bad rows out, and the status history answers as-of questions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError

pytestmark = pytest.mark.db

SQUARE = "SRID=4326;MULTIPOLYGON(((105 21,105.1 21,105.1 21.1,105 21.1,105 21)))"
BOWTIE = "SRID=4326;MULTIPOLYGON(((105 21,105.1 21.1,105.1 21,105 21.1,105 21)))"


def _seed(conn: Connection) -> dict[str, int]:
    conn.execute(
        text(
            "INSERT INTO border (code, iso3, name, geom) VALUES ('CN', 'CHN', 'Viet Nam - China',"
            " 'SRID=4326;MULTILINESTRING((103 22.5,104 22.8))')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, geom)"
            " VALUES ('pre2025', '02', 'Ha Giang', 'tinh', '2025-07-01', :g),"
            "        ('post2025', '08', 'Tuyen Quang', 'tinh', NULL, :g)"
        ),
        {"g": SQUARE},
    )
    commune = conn.execute(
        text(
            "INSERT INTO commune (era, code, name, unit_type, province_code, geom)"
            " VALUES ('post2025', '00715', 'Lung Cu', 'xa', '08', :g) RETURNING id"
        ),
        {"g": SQUARE},
    ).scalar_one()
    marker = conn.execute(
        text(
            "INSERT INTO marker (border_code, number, same_number_index, marker_class, geom)"
            " VALUES ('CN', 261, 2, 'main', 'SRID=4326;POINT(104.85 22.94)') RETURNING id"
        )
    ).scalar_one()
    officer = conn.execute(
        text("INSERT INTO officer (service_number, full_name) VALUES ('X1', 'A') RETURNING id")
    ).scalar_one()
    return {"commune": commune, "marker": marker, "officer": officer}


BAD_ROWS = {
    "invalid polygon": (
        "INSERT INTO province (era, code, name, unit_type, geom)"
        f" VALUES ('post2025', '99', 'X', 'tinh', '{BOWTIE}')",
        "geom_valid",
    ),
    "wrong SRID": (
        "INSERT INTO province (era, code, name, unit_type, geom) VALUES"
        " ('post2025', '98', 'X', 'tinh', 'SRID=3405;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))')",
        "SRID",
    ),
    "wrong geometry type": (
        "INSERT INTO province (era, code, name, unit_type, geom) VALUES"
        " ('post2025', '97', 'X', 'tinh', 'SRID=4326;POINT(105 21)')",
        "Geometry type",
    ),
    "duplicate code in one era": (
        "INSERT INTO province (era, code, name, unit_type) VALUES ('post2025', '08', 'Y', 'tinh')",
        "province_era_code_key",
    ),
    "code without leading zero": (
        "INSERT INTO province (era, code, name, unit_type) VALUES ('post2025', '8', 'Y', 'tinh')",
        "code_format",
    ),
    "unknown era": (
        "INSERT INTO province (era, code, name, unit_type) VALUES ('2030', '01', 'Y', 'tinh')",
        "era_known",
    ),
    "commune in a province of another era": (
        "INSERT INTO commune (era, code, name, unit_type, province_code)"
        " VALUES ('pre2025', '00001', 'X', 'xa', '08')",
        "commune_province_fkey",
    ),
    "validity dates reversed": (
        "INSERT INTO province (era, code, name, unit_type, valid_from, valid_to)"
        " VALUES ('pre2025', '10', 'Lao Cai', 'tinh', '2025-07-01', '2020-01-01')",
        "valid_dates",
    ),
    "duplicate marker": (
        "INSERT INTO marker (border_code, number, same_number_index, marker_class, geom)"
        " VALUES ('CN', 261, 2, 'main', 'SRID=4326;POINT(104.85 22.94)')",
        "marker_natural_key",
    ),
    "unknown marker class": (
        "INSERT INTO marker (border_code, number, marker_class, geom)"
        " VALUES ('CN', 5, 'giant', 'SRID=4326;POINT(104 22.9)')",
        "class_known",
    ),
    "quadruple same-number marker": (
        "INSERT INTO marker (border_code, number, same_number_index, marker_class, geom)"
        " VALUES ('CN', 17, 4, 'main', 'SRID=4326;POINT(103 22.6)')",
        "same_number_index_range",
    ),
    "marker without position": (
        "INSERT INTO marker (border_code, number, marker_class) VALUES ('CN', 6, 'main')",
        "geom",
    ),
    "unknown border": (
        "INSERT INTO marker (border_code, number, marker_class, geom)"
        " VALUES ('TH', 1, 'main', 'SRID=4326;POINT(104 22.9)')",
        "marker_border_code_fkey",
    ),
    "assignment ends before it starts": (
        "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date, end_date)"
        " VALUES (:officer, :commune, 'dang_uy_vien', '2020-2025', '2022-01-01', '2021-01-01')",
        "dates_ordered",
    ),
    "unknown role": (
        "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date)"
        " VALUES (:officer, :commune, 'general', '2020-2025', '2022-01-01')",
        "role_known",
    ),
    "unknown status": (
        "INSERT INTO marker_event (marker_id, status, event_date)"
        " VALUES (:marker, 'stolen', '2005-01-01')",
        "status_known",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_bad_rows_are_refused(conn: Connection, case: str) -> None:
    ids = _seed(conn)
    sql, expected = BAD_ROWS[case]
    savepoint = conn.begin_nested()
    with pytest.raises(DBAPIError) as err:
        conn.execute(text(sql), {k: v for k, v in ids.items() if f":{k}" in sql})
    savepoint.rollback()
    assert expected.lower() in str(err.value).lower()


def test_same_status_twice_on_one_date_is_refused(conn: Connection) -> None:
    ids = _seed(conn)
    insert = text(
        "INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, 'planted', :d)"
    )
    conn.execute(insert, {"m": ids["marker"], "d": dt.date(2005, 3, 1)})
    with pytest.raises(IntegrityError, match="marker_event_once"):
        conn.execute(insert, {"m": ids["marker"], "d": dt.date(2005, 3, 1)})


def test_history_is_append_only(conn: Connection) -> None:
    ids = _seed(conn)
    conn.execute(
        text("INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, 'planted', :d)"),
        {"m": ids["marker"], "d": dt.date(2005, 3, 1)},
    )
    for sql in (
        "UPDATE marker_event SET status = 'verified'",
        "DELETE FROM marker_event",
    ):
        savepoint = conn.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(sql))
        savepoint.rollback()
    assert conn.execute(text("SELECT status FROM marker_event")).scalar_one() == "planted"


def test_status_as_of_follows_history(conn: Connection) -> None:
    ids = _seed(conn)
    m = ids["marker"]
    history = [
        ("planned", dt.date(2002, 1, 10)),
        ("surveyed", dt.date(2003, 5, 2)),
        ("planted", dt.date(2004, 8, 20)),
        ("verified", dt.date(2004, 8, 20)),  # same day: verified wins over planted
        ("damaged", dt.date(2015, 7, 1)),
        ("restored", dt.date(2016, 2, 1)),
    ]
    for status, day in history:
        conn.execute(
            text("INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, :s, :d)"),
            {"m": m, "s": status, "d": day},
        )

    def as_of(day: str) -> str | None:
        return conn.execute(
            text("SELECT status FROM marker_status_as_of(CAST(:d AS date)) WHERE marker_id = :m"),
            {"d": day, "m": m},
        ).scalar_one_or_none()

    assert as_of("2001-12-31") is None
    assert as_of("2002-01-10") == "planned"
    assert as_of("2004-08-19") == "surveyed"
    assert as_of("2004-08-20") == "verified"
    assert as_of("2008-12-31") == "verified"
    assert as_of("2015-12-31") == "damaged"
    assert as_of("2026-01-01") == "restored"


def test_marker_label_is_derived(conn: Connection) -> None:
    _seed(conn)
    conn.execute(
        text(
            "INSERT INTO marker (border_code, number, sub_number, marker_class, geom)"
            " VALUES ('CN', 511, 1, 'secondary', 'SRID=4326;POINT(104 22.9)'),"
            "        ('CN', 234, NULL, 'main', 'SRID=4326;POINT(104.73 22.83)')"
        )
    )
    labels = conn.execute(text("SELECT label FROM marker ORDER BY label")).scalars().all()
    assert labels == ["234", "261(2)", "511/1"]
    from geo.markers import marker_label

    assert [marker_label(261, 2, None), marker_label(511, None, 1)] == ["261(2)", "511/1"]


def test_writes_bump_the_data_version(conn: Connection) -> None:
    before = conn.execute(text("SELECT version FROM data_version")).scalar_one()
    _seed(conn)
    after = conn.execute(text("SELECT version FROM data_version")).scalar_one()
    assert after >= before + 5
