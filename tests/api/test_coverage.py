"""Coverage figures: seconded officers per border commune, on any date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, text

from service.db.coverage import commune_coverage, coverage_summary

pytestmark = pytest.mark.db

SQ = "SRID=4326;MULTIPOLYGON((({x} 22,{x1} 22,{x1} 22.1,{x} 22.1,{x} 22)))"


def _seed(conn: Connection) -> None:
    """Two eras; one province each; three border communes and one inland commune per era."""
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from) VALUES"
            " ('pre2025', '02', 'Ha Giang', 'tinh', '2025-07-01', NULL),"
            " ('post2025', '08', 'Tuyen Quang', 'tinh', NULL, '2025-07-01')"
        )
    )
    communes = [
        ("pre2025", "00001", "A", "02", True, False),
        ("pre2025", "00002", "B", "02", True, True),
        ("pre2025", "00003", "C", "02", False, True),
        ("pre2025", "00004", "Inland", "02", False, False),
        ("post2025", "00001", "A2", "08", True, False),
        ("post2025", "00005", "E", "08", False, True),
    ]
    for i, (era, code, name, prov, land, coast) in enumerate(communes):
        conn.execute(
            text(
                "INSERT INTO commune (era, code, name, unit_type, province_code, is_land_border,"
                " is_coastal, neighbour_countries, geom, synthetic)"
                " VALUES (:era, :code, :name, 'xa', :prov, :land, :coast, :nb, :g, true)"
            ),
            {
                "era": era,
                "code": code,
                "name": name,
                "prov": prov,
                "land": land,
                "coast": coast,
                "nb": ["CN"] if land else [],
                "g": SQ.format(x=104 + i / 10, x1=104.05 + i / 10),
            },
        )
    conn.execute(
        text(
            "INSERT INTO officer (id, service_number, full_name, synthetic) VALUES"
            " (1, 'S1', 'Secret One', true), (2, 'S2', 'Secret Two', true),"
            " (3, 'S3', 'Secret Three', true)"
        )
    )

    def cid(era: str, code: str) -> int:
        return int(
            conn.execute(
                text("SELECT id FROM commune WHERE era = :e AND code = :c"), {"e": era, "c": code}
            ).scalar_one()
        )

    rows = [
        # officer, commune, role, start, end
        (1, cid("pre2025", "00001"), "pho_bi_thu_dang_uy", "2005-01-01", "2010-01-01"),
        (1, cid("pre2025", "00001"), "dang_uy_vien", "2005-01-01", None),
        (2, cid("pre2025", "00001"), "dang_uy_vien", "2008-06-01", "2025-07-01"),
        (3, cid("pre2025", "00002"), "can_bo_tang_cuong", "2009-01-01", "2025-07-01"),
        (2, cid("post2025", "00001"), "pho_bi_thu_dang_uy", "2025-07-01", None),
        (3, cid("pre2025", "00004"), "can_bo_tang_cuong", "2009-01-01", None),
    ]
    for off, com, role, start, end in rows:
        conn.execute(
            text(
                "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date,"
                " end_date) VALUES (:o, :c, :r, '2020-2025', :s, :e)"
            ),
            {"o": off, "c": com, "r": role, "s": start, "e": end},
        )


def test_commune_coverage_small(conn: Connection) -> None:
    _seed(conn)
    rows = commune_coverage(conn, as_of=dt.date(2008, 12, 31))
    assert [r.code for r in rows] == ["00001", "00002", "00003"]  # inland commune excluded
    a = rows[0]
    assert a.officers == 2
    assert a.officers_by_role == {"dang_uy_vien": 2, "pho_bi_thu_dang_uy": 1}
    assert a.covered and a.synthetic and a.province_name == "Ha Giang"
    assert rows[1].officers == 0 and not rows[1].covered  # officer 3 starts in 2009
    # On the end date the officer has left; the next day too.
    on_end = {r.code: r.officers for r in commune_coverage(conn, as_of=dt.date(2010, 1, 1))}
    assert on_end == {"00001": 2, "00002": 1, "00003": 0}
    land = commune_coverage(conn, as_of=dt.date(2010, 1, 1), kind="land")
    assert [r.code for r in land] == ["00001", "00002"]
    coastal = commune_coverage(conn, as_of=dt.date(2010, 1, 1), kind="coastal")
    assert [r.code for r in coastal] == ["00002", "00003"]
    # After the reform: post-2025 units and their assignments only.
    post = commune_coverage(conn, as_of=dt.date(2025, 7, 1))
    assert [(r.code, r.name, r.officers) for r in post] == [("00001", "A2", 1), ("00005", "E", 0)]
    assert post[0].province_code == "08"


def test_coverage_summary_small(conn: Connection) -> None:
    _seed(conn)
    s = coverage_summary(conn, as_of=dt.date(2012, 1, 1))
    assert s.era == "pre2025" and len(s.provinces) == 1
    p = s.provinces[0]
    assert (p.communes, p.land_communes, p.coastal_communes) == (3, 2, 2)
    assert (p.covered, p.uncovered, p.officers) == (2, 1, 3)
    assert p.officers_by_role == {"can_bo_tang_cuong": 1, "dang_uy_vien": 2}
    assert [u.code for u in p.uncovered_communes] == ["00003"]
    assert s.totals.communes == 3 and s.totals.officers == 3 and s.totals.province_code is None
    assert s.synthetic
    empty = coverage_summary(conn, as_of=dt.date(2012, 1, 1), province="99")
    assert empty.provinces == [] and empty.totals.communes == 0


def test_bad_kind_rejected(conn: Connection) -> None:
    with pytest.raises(ValueError, match="kind"):
        commune_coverage(conn, as_of=dt.date(2012, 1, 1), kind="sea")
