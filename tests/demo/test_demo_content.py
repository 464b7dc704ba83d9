"""The demo dataset in PostGIS (built once per session by the ``demo_engine`` fixture).

Read-only: nothing here writes to the shared demo database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

pytestmark = pytest.mark.db

EXPECTED = {  # border -> (markers, positions) from DOMAIN.md sections 0-3
    "CN": (1971, 1780),
    "LA": (1002, 905),
    "KH": (2047, 1553),
}
PLANTED = "('planted', 'verified', 'damaged', 'restored', 'relocated')"


@pytest.fixture(scope="module")
def db(demo_engine: Engine) -> Iterator[Connection]:
    with demo_engine.connect() as c:
        yield c


def rows(db: Connection, sql: str, **params: object) -> list[tuple]:
    return [tuple(r) for r in db.execute(text(sql), params).all()]


def scalar(db: Connection, sql: str, **params: object) -> object:
    return db.execute(text(sql), params).scalar_one()


def test_markers_and_positions_per_border_match_the_real_totals(db: Connection) -> None:
    got = {
        b: (m, p)
        for b, m, p in rows(
            db,
            "SELECT border_code, count(*), count(DISTINCT (number, sub_number))"
            " FROM marker GROUP BY border_code",
        )
    }
    assert got == EXPECTED
    expected_in_table = {
        b: (m, p)
        for b, m, p in rows(db, "SELECT code, markers_expected, positions_expected FROM border")
    }
    assert expected_in_table == EXPECTED


def test_marker_classes_follow_the_published_splits(db: Connection) -> None:
    split = {
        (b, c): (m, p)
        for b, c, m, p in rows(
            db,
            "SELECT border_code, marker_class, count(*), count(DISTINCT (number, sub_number))"
            " FROM marker GROUP BY 1, 2",
        )
    }
    assert split[("LA", "main")] == (834, 792)
    assert split[("LA", "coc_dau")] == (168, 113)
    assert split[("KH", "main")] == (315, 264)
    assert split[("KH", "secondary")] == (1511, 1068)
    assert split[("KH", "coc_dau")] == (221, 221)
    assert split[("CN", "secondary")][1] == 402
    # CN main markers are numbered 1..1378 west to east, every number present.
    nums = rows(db, "SELECT min(number), max(number), count(DISTINCT number) FROM marker"
                    " WHERE border_code = 'CN' AND marker_class = 'main'")  # fmt: skip
    assert nums == [(1, 1378, 1378)]
    # KH main numbers stop at 314 (the last point at the sea); 50 lie in undemarcated gaps.
    kh = rows(db, "SELECT max(number), count(DISTINCT number) FROM marker"
                  " WHERE border_code = 'KH' AND marker_class = 'main'")  # fmt: skip
    assert kh == [(314, 264)]


def test_labels_follow_the_numbering_schemes(db: Connection) -> None:
    labels = {b: set() for b in EXPECTED}
    for b, label in rows(db, "SELECT border_code, label FROM marker"):
        labels[b].add(label)
    assert {"234", "345", "261(1)", "261(2)", "17(1)", "17(2)", "17(3)", "1369(2)"} <= labels["CN"]
    assert {"605(1)", "605(2)", "511/1"} <= labels["LA"]
    pattern = re.compile(r"^\d+(/\d+)?(\([123]\))?$")
    assert all(pattern.match(x) for s in labels.values() for x in s)
    # CN single main markers: odd planted by China, even by Vietnam.
    wrong = scalar(db, "SELECT count(*) FROM marker WHERE border_code = 'CN' AND marker_class ="
                       " 'main' AND same_number_index IS NULL AND planted_by <>"
                       " CASE WHEN number % 2 = 1 THEN 'CN' ELSE 'VN' END")  # fmt: skip
    assert wrong == 0
    assert rows(db, "SELECT DISTINCT size_class FROM marker WHERE border_code = 'CN'"
                    " ORDER BY 1") == [("large",), ("medium",), ("small",)]  # fmt: skip
    assert rows(db, "SELECT DISTINCT size_class FROM marker WHERE border_code = 'KH'"
                    " AND marker_class = 'main' ORDER BY 1") == [("A",), ("B",), ("C",)]  # fmt: skip


def test_numbering_runs_the_real_way_and_meets_published_places(db: Connection) -> None:
    ends = {
        b: (x1, y1, x2, y2)
        for b, x1, y1, x2, y2 in rows(
            db,
            "SELECT a.border_code, ST_X(a.geom), ST_Y(a.geom), ST_X(z.geom), ST_Y(z.geom)"
            " FROM marker a JOIN marker z ON z.border_code = a.border_code"
            " WHERE a.marker_class = 'main' AND z.marker_class = 'main'"
            " AND a.number = 1 AND a.sub_number IS NULL AND a.same_number_index IS NULL"
            " AND z.sub_number IS NULL AND z.number = (SELECT max(number) FROM marker"
            "   WHERE border_code = a.border_code AND marker_class = 'main')"
            " AND COALESCE(z.same_number_index, 1) = 1",
        )
    }
    assert ends["CN"][0] < 103 and ends["CN"][2] > 107.5  # Điện Biên -> Móng Cái
    assert ends["LA"][1] > 22 and ends["LA"][3] < 15  # Điện Biên -> Kon Tum
    assert ends["KH"][1] > 14 and ends["KH"][3] < 11  # Kon Tum -> the sea at Kiên Giang
    # Published places (DOMAIN.md 1.1): within the 1:10M line's generalisation of them.
    near = rows(
        db,
        "SELECT label, ST_Distance(geom::geography, ST_MakePoint(:x, :y)::geography)"
        " FROM marker WHERE border_code = 'CN' AND label IN ('234', '345')",
        x=104.734389,
        y=22.831847,
    )
    assert dict(near)["234"] < 3000
    lao_bao = scalar(
        db,
        "SELECT ST_Distance(geom::geography, ST_MakePoint(106.593, 16.62)::geography)"
        " FROM marker WHERE border_code = 'LA' AND label = '605(2)'",
    )
    assert lao_bao < 3000


def test_same_number_markers_stand_on_both_sides_tens_of_metres_apart(db: Connection) -> None:
    pairs = rows(
        db,
        "SELECT a.border_code, ST_Distance(a.geom::geography, b.geom::geography),"
        " ST_Within(a.geom, v.geom), ST_Within(b.geom, v.geom)"
        " FROM marker a JOIN marker b ON b.border_code = a.border_code AND b.number = a.number"
        "  AND b.sub_number IS NOT DISTINCT FROM a.sub_number"
        "  AND a.same_number_index = 1 AND b.same_number_index = 2"
        " JOIN country v ON v.iso3 = 'VNM'",
    )
    assert len(pairs) > 500
    assert all(20 <= d <= 120 for _, d, _, _ in pairs)
    # (1) on the neighbour's side, (2) on Vietnam's side of the (generalised) line.
    assert sum(not a and b for _, _, a, b in pairs) / len(pairs) > 0.95


def test_every_marker_lies_near_its_border_line(db: Connection) -> None:
    worst = rows(
        db,
        "SELECT m.border_code, max(ST_Distance(m.geom::geography, b.geom::geography))"
        " FROM marker m JOIN border b ON b.code = m.border_code GROUP BY 1",
    )
    assert len(worst) == 3
    assert all(d < 100 for _, d in worst), worst


def test_units_per_era(db: Connection) -> None:
    got = {
        (t, era): n
        for t, era, n in rows(
            db,
            "SELECT 'province', era, count(*) FROM province GROUP BY era"
            " UNION ALL SELECT 'commune', era, count(*) FROM commune GROUP BY era",
        )
    }
    assert got == {
        ("province", "pre2025"): 63,
        ("province", "post2025"): 34,
        ("commune", "pre2025"): 10040,
        ("commune", "post2025"): 3321,
    }
    reform = dt.date(2025, 7, 1)
    for table in ("province", "commune"):
        dates = rows(db, f"SELECT era, valid_from, valid_to FROM {table} GROUP BY 1, 2, 3")
        assert sorted(dates) == [("post2025", reform, None), ("pre2025", None, reform)]
    types = dict(rows(db, "SELECT unit_type, count(*) FROM commune WHERE era = 'post2025'"
                          " GROUP BY 1"))  # fmt: skip
    assert types == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert {t for (t,) in rows(db, "SELECT DISTINCT unit_type FROM province")} == {
        "tinh",
        "thanh_pho",
    }


def test_codes_are_text_with_leading_zeros_and_lineage_covers_both_eras(db: Connection) -> None:
    assert scalar(db, "SELECT count(*) FROM commune WHERE code !~ '^[0-9]{5}$'") == 0
    assert rows(db, "SELECT code, name FROM province WHERE era = 'pre2025' AND code = '02'") == [
        ("02", "Tỉnh Hà Giang")
    ]
    # Lào Cai changed code with the reform (10 -> 15); Hà Giang went into Tuyên Quang (08).
    lineage = set(rows(db, "SELECT old_code, new_code FROM admin_lineage WHERE level = 'province'"))
    assert {("10", "15"), ("15", "15"), ("02", "08"), ("08", "08")} <= lineage
    assert len(lineage) == 63
    unmapped_old = scalar(
        db,
        "SELECT count(*) FROM commune c WHERE era = 'pre2025' AND NOT EXISTS (SELECT 1 FROM"
        " admin_lineage l WHERE l.level = 'commune' AND l.old_code = c.code)",
    )
    unmapped_new = scalar(
        db,
        "SELECT count(*) FROM commune c WHERE era = 'post2025' AND NOT EXISTS (SELECT 1 FROM"
        " admin_lineage l WHERE l.level = 'commune' AND l.new_code = c.code)",
    )
    assert (unmapped_old, unmapped_new) == (0, 0)
    # A divided old commune has exactly one default successor.
    assert scalar(db, "SELECT count(*) FROM (SELECT old_code FROM admin_lineage WHERE level ="
                      " 'commune' GROUP BY 1 HAVING count(*) FILTER (WHERE is_default) <> 1) x")  \
        == 0  # fmt: skip


def test_all_geometries_are_valid_multipolygons_or_lines(db: Connection) -> None:
    for table, kind in (
        ("country", "ST_MultiPolygon"),
        ("province", "ST_MultiPolygon"),
        ("commune", "ST_MultiPolygon"),
        ("border", "ST_MultiLineString"),
        ("border_segment", "ST_MultiLineString"),
        ("marker", "ST_Point"),
    ):
        bad = scalar(
            db,
            f"SELECT count(*) FROM {table} WHERE geom IS NULL OR NOT ST_IsValid(geom)"
            " OR ST_IsEmpty(geom) OR ST_SRID(geom) <> 4326 OR GeometryType(geom) IS NULL"
            " OR ST_GeometryType(geom) <> :kind",
            kind=kind,
        )
        assert bad == 0, table


def test_island_units_exist_in_both_eras(db: Connection) -> None:
    found = rows(
        db,
        "SELECT era, code, unit_type, is_coastal, ST_Area(geom::geography) > 0 FROM commune"
        " WHERE code IN ('20333', '22736') ORDER BY era, code",
    )
    assert found == [
        ("post2025", "20333", "dac_khu", True, True),
        ("post2025", "22736", "dac_khu", True, True),
        ("pre2025", "20333", "huyen", True, True),
        ("pre2025", "22736", "thi_tran", True, True),
    ]
    # Trường Sa is far out at sea, not on the mainland.
    assert scalar(db, "SELECT ST_X(ST_Centroid(geom)) FROM commune WHERE era = 'post2025'"
                      " AND code = '22736'") > 113  # fmt: skip


def test_border_communes_are_flagged_from_the_geometry(db: Connection) -> None:
    counts = dict(rows(db, "SELECT era, count(*) FROM commune WHERE is_land_border GROUP BY era"))
    # Far fewer after the ~3:1 mergers; the same order as the real ~435 (pre) / 249 (post).
    assert 250 <= counts["pre2025"] <= 600
    assert 150 <= counts["post2025"] <= 350
    assert counts["post2025"] < counts["pre2025"]
    assert scalar(db, "SELECT count(*) FROM commune WHERE is_land_border <>"
                      " (cardinality(neighbour_countries) > 0)") == 0  # fmt: skip
    assert scalar(db, "SELECT count(*) FROM commune WHERE border_flag_source <> 'geometric'") == 0
    # Lũng Cú (Hà Giang, then Tuyên Quang) is on the China border in both eras.
    assert rows(db, "SELECT era, neighbour_countries FROM commune WHERE name = 'Xã Lũng Cú'"
                    " ORDER BY era") == [("post2025", ["CHN"]), ("pre2025", ["CHN"])]  # fmt: skip
    # Every segment's province has land-border communes on that neighbour.
    orphan = scalar(
        db,
        "SELECT count(*) FROM border_segment s JOIN border b ON b.code = s.border_code"
        " WHERE NOT EXISTS (SELECT 1 FROM commune c WHERE c.era = s.era"
        " AND c.province_code = s.province_code AND b.iso3 = ANY(c.neighbour_countries))",
    )
    assert orphan == 0


def test_segments_tile_each_border_in_both_eras(db: Connection) -> None:
    provinces = {
        (era, b): n
        for era, b, n in rows(
            db,
            "SELECT era, border_code, count(DISTINCT province_code) FROM border_segment"
            " GROUP BY 1, 2",
        )
    }
    # DOMAIN.md: 7 / 10 / 10 provinces before the reform; 7 / 9 / 8 after.
    assert provinces == {
        ("pre2025", "CN"): 7, ("pre2025", "LA"): 10, ("pre2025", "KH"): 10,
        ("post2025", "CN"): 7, ("post2025", "LA"): 9, ("post2025", "KH"): 8,
    }  # fmt: skip
    cover = rows(
        db,
        "SELECT s.era, b.code, sum(ST_Length(s.geom::geography)) / ST_Length(b.geom::geography)"
        " FROM border_segment s JOIN border b ON b.code = s.border_code"
        " GROUP BY s.era, b.code, b.geom",
    )
    assert all(abs(share - 1) < 1e-6 for _, _, share in cover), cover
    bad_codes = scalar(
        db,
        "SELECT count(*) FROM border_segment s JOIN border b ON b.code = s.border_code"
        " WHERE s.code !~ ('^' || s.province_code || '-' || b.iso3 || '(-U)?$')",
    )
    assert bad_codes == 0
    mismatch = scalar(
        db,
        "SELECT count(*) FROM border_segment WHERE abs(measured_length_km -"
        " ST_Length(geom::geography) / 1000) > 0.01 * measured_length_km",
    )
    assert mismatch == 0
    official = dict(rows(db, "SELECT code, official_length_km FROM border_segment"
                             " WHERE era = 'pre2025' AND official_length_km IS NOT NULL"))  # fmt: skip
    assert str(official["02-CHN"]) == "277.556"
    assert str(official["40-LAO"]) == "468.281"
    assert len(official) == 15


def test_cambodia_line_is_84_percent_demarcated_and_gaps_have_no_markers(db: Connection) -> None:
    share = scalar(
        db,
        "SELECT sum(ST_Length(geom::geography)) FILTER (WHERE demarcated)"
        " / sum(ST_Length(geom::geography)) FROM border_segment"
        " WHERE era = 'pre2025' AND border_code = 'KH'",
    )
    assert 0.82 <= share <= 0.86
    assert scalar(db, "SELECT count(*) FROM border_segment WHERE NOT demarcated AND"
                      " border_code <> 'KH'") == 0  # fmt: skip
    in_gaps = scalar(
        db,
        "SELECT count(*) FROM marker_segment ms JOIN border_segment s ON s.id = ms.segment_id"
        " WHERE NOT s.demarcated",
    )
    assert in_gaps == 0


def test_every_marker_has_a_segment_of_its_border_in_each_era(db: Connection) -> None:
    assert rows(db, "SELECT era, count(*) FROM marker_segment GROUP BY era ORDER BY era") == [
        ("post2025", 5020),
        ("pre2025", 5020),
    ]
    wrong = scalar(
        db,
        "SELECT count(*) FROM marker_segment ms JOIN marker m ON m.id = ms.marker_id"
        " JOIN border_segment s ON s.id = ms.segment_id"
        " WHERE s.border_code <> m.border_code OR s.era <> ms.era"
        " OR NOT ST_DWithin(m.geom, s.geom, 0.001)",  # about 100 m; geography is slow here
    )
    assert wrong == 0


def _planted_as_of(db: Connection, day: str) -> dict[str, int]:
    return dict(
        rows(
            db,
            f"SELECT m.border_code, count(*) FROM marker_status_as_of(CAST(:d AS date)) s"
            f" JOIN marker m ON m.id = s.marker_id WHERE s.status IN {PLANTED} GROUP BY 1",
            d=day,
        )
    )


def test_progress_grows_over_the_real_timelines(db: Connection) -> None:
    days = ["2001-12-26", "2001-12-27", "2004-12-31", "2006-12-31", "2008-12-31",
            "2010-12-31", "2013-06-30", "2014-12-31", "2016-03-16", "2019-10-05", "2026-01-01"]  # fmt: skip
    series = [_planted_as_of(db, d) for d in days]
    for border in EXPECTED:
        counts = [s.get(border, 0) for s in series]
        assert counts == sorted(counts), (border, counts)
    by_day = dict(zip(days, series, strict=True))
    assert by_day["2001-12-26"].get("CN", 0) == 0  # first CN marker: 27 Dec 2001
    assert by_day["2001-12-27"]["CN"] >= 1
    assert 0 < by_day["2004-12-31"]["CN"] < by_day["2006-12-31"]["CN"] < 1971
    assert by_day["2008-12-31"]["CN"] == 1971  # field work done 31 Dec 2008
    assert by_day["2006-12-31"].get("KH", 0) < 50  # KH field work began late 2006
    assert by_day["2013-06-30"]["LA"] == 834 + 29  # the June 2013 interim count
    assert by_day["2014-12-31"]["LA"] == 1002
    assert by_day["2019-10-05"]["KH"] == 2047
    assert by_day["2008-12-31"]["KH"] < by_day["2014-12-31"]["KH"] < 2047


def test_status_histories_are_sane(db: Connection) -> None:
    first_cn = scalar(db, "SELECT min(event_date) FROM marker_event e JOIN marker m ON"
                          " m.id = e.marker_id WHERE m.border_code = 'CN' AND e.status = 'planted'")  # fmt: skip
    assert first_cn == dt.date(2001, 12, 27)
    first_la_new = rows(
        db,
        "SELECT m.label, e.event_date FROM marker_event e JOIN marker m ON m.id = e.marker_id"
        " WHERE m.border_code = 'LA' AND e.status = 'planted' AND e.event_date >= '2008-01-01'"
        " ORDER BY e.event_date, m.label LIMIT 2",
    )
    assert first_la_new == [("605(1)", dt.date(2008, 9, 5)), ("605(2)", dt.date(2008, 9, 5))]
    # Life-cycle steps in order for every marker: planned <= surveyed <= planted <= verified.
    disorder = scalar(
        db,
        "SELECT count(*) FROM (SELECT marker_id,"
        " min(event_date) FILTER (WHERE status = 'planned') p,"
        " min(event_date) FILTER (WHERE status = 'surveyed') s,"
        " min(event_date) FILTER (WHERE status = 'planted') pl,"
        " min(event_date) FILTER (WHERE status = 'verified') v"
        " FROM marker_event GROUP BY marker_id) x"
        " WHERE p IS NULL OR pl IS NULL OR v IS NULL OR p > pl OR s > pl OR pl > v"
        " OR s < p",
    )
    assert disorder == 0
    assert scalar(db, "SELECT count(*) FROM marker_event WHERE source_document IS NULL") == 0
    assert scalar(db, "SELECT count(*) FROM marker_event WHERE event_date > DATE '2026-01-01'") == 0


def test_everything_is_synthetic_and_approximate(db: Connection) -> None:
    for table in ("border", "province", "commune", "border_segment", "marker", "marker_event",
                  "officer", "officer_assignment"):  # fmt: skip
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE NOT synthetic") == 0, table
        assert scalar(db, f"SELECT count(*) FROM {table}") > 0, table
    for table in ("border", "province", "commune", "country"):
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE geom_source <> 'approximate'") == 0
    notes = [n for (n,) in rows(db, "SELECT source_note FROM country ORDER BY iso3")]
    assert len(notes) == 4 and all("Natural Earth" in n for n in notes)
    sources = dict(rows(db, "SELECT code, length_source FROM border"))
    assert "approximate" in sources["LA"] and "approximate" in sources["KH"]


def test_some_laos_markers_keep_vn2000_survey_coordinates(db: Connection) -> None:
    from geo.crs import to_wgs84

    recorded = rows(
        db,
        "SELECT source_crs, source_x, source_y, source_axis_order, ST_X(geom), ST_Y(geom)"
        " FROM marker WHERE source_crs <> 'EPSG:4326'",
    )
    assert len(recorded) > 100
    for crs, x, y, order, lon, lat in recorded[:50]:
        assert re.match(r"^EPSG:(9208|9209|9212)$", crs) and order == "northing_easting"
        assert 1_500_000 < x < 2_500_000 and 300_000 < y < 700_000  # X = northing, Y = easting
        back = to_wgs84(x, y, int(crs.split(":")[1]), axis_order="northing_easting")
        assert back == pytest.approx((lon, lat), abs=1e-9)


def test_officers_per_term_and_their_communes(db: Connection) -> None:
    per_term = dict(rows(db, "SELECT term, count(DISTINCT officer_id) FROM officer_assignment"
                             " GROUP BY term"))  # fmt: skip
    assert list(per_term) == sorted(per_term)
    assert set(per_term) == {"2000-2005", "2005-2010", "2010-2015", "2015-2020", "2020-2025",
                             "2025-2030"}  # fmt: skip
    assert per_term["2000-2005"] < per_term["2005-2010"] < per_term["2010-2015"]
    assert all(1000 <= per_term[t] <= 1700 for t in ("2010-2015", "2015-2020", "2020-2025"))
    # Pre-2025 terms: communes of the 2011 list; 2025-2030: post-2025 border communes.
    wrong_era = scalar(
        db,
        "SELECT count(*) FROM officer_assignment a JOIN commune c ON c.id = a.commune_id"
        " WHERE (a.term = '2025-2030') <> (c.era = 'post2025')"
        " OR (c.era = 'post2025' AND NOT (c.is_land_border OR c.is_coastal))"
        " OR (c.era = 'pre2025' AND NOT EXISTS (SELECT 1 FROM commune_list_member m"
        "     JOIN commune_list l ON l.id = m.list_id"
        "     WHERE l.code = 'bien-gioi-2011' AND m.commune_id = c.id))"
        " OR a.start_date < COALESCE(c.valid_from, a.start_date)"
        " OR COALESCE(a.end_date, DATE '2030-07-01') > COALESCE(c.valid_to, DATE '2030-07-01')",
    )
    assert wrong_era == 0
    # Coverage of the list rises through 2011-2013 towards every commune.
    share = {
        year: scalar(
            db,
            "SELECT avg((EXISTS (SELECT 1 FROM active_assignments(:d) a"
            " WHERE a.commune_id = m.commune_id))::int) FROM commune_list_member m"
            " JOIN commune_list l ON l.id = m.list_id WHERE l.code = 'bien-gioi-2011'",
            d=dt.date(year, 12, 31),
        )
        for year in (2005, 2010, 2011, 2012, 2013)
    }
    assert share[2005] < share[2010] < share[2011] < share[2012] < share[2013]
    assert 0.9 <= float(share[2013]) < 1.0, share
    assert scalar(db, "SELECT count(*) FROM officer WHERE service_number !~ '^SYN-[0-9]{8}$'") == 0


def test_border_commune_list_of_2011(db: Connection) -> None:
    """The synthetic stand-in: exactly 1,088 pre-2025 communes, 435 on land, flagged."""
    counts = rows(
        db,
        "SELECT count(*), count(*) FILTER (WHERE m.is_land_border), bool_and(l.synthetic),"
        " bool_and(c.era = 'pre2025') FROM commune_list_member m"
        " JOIN commune_list l ON l.id = m.list_id JOIN commune c ON c.id = m.commune_id"
        " WHERE l.code = 'bien-gioi-2011'",
    )
    assert counts == [(1088, 435, True, True)]
    # The geometric flags stay as they were.
    assert scalar(db, "SELECT count(*) FROM commune WHERE era = 'pre2025' AND"
                      " (is_land_border OR is_coastal)") == 1265  # fmt: skip


def test_id_sequences_are_past_the_written_ids(db: Connection) -> None:
    for table in ("province", "commune", "border_segment", "marker", "marker_event", "officer",
                  "officer_assignment"):  # fmt: skip
        last = scalar(db, f"SELECT last_value FROM {table}_id_seq")
        assert last == scalar(db, f"SELECT max(id) FROM {table}"), table
