"""The search data layer on the demo data: real Vietnamese names, markers, officers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from geo.vietnamese import bare_name, fold, tone_key
from service.db.lineage import lineage
from service.db.search import MAX_LIMIT, Hit, search

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def db(demo_engine: Engine) -> Iterator[Connection]:
    with demo_engine.connect() as c:
        yield c


def names(hits: list[Hit]) -> list[str]:
    return [h.name for h in hits]


def test_sql_keys_equal_python_keys_on_every_demo_name(db: Connection) -> None:
    rows = db.execute(
        text(
            "SELECT name, bm_bare_name(name) AS bare, bm_fold(name) AS folded,"
            " bm_tone_key(name) AS toned, bm_search_key(name) AS key FROM ("
            " SELECT name FROM commune UNION SELECT name FROM province"
            " UNION SELECT full_name FROM officer) n"
        )
    ).all()
    assert len(rows) > 9_000  # distinct names
    wrong = [
        r.name
        for r in rows
        if (r.bare, r.folded, r.toned, r.key)
        != (bare_name(r.name), fold(r.name), tone_key(r.name), fold(bare_name(r.name)))
    ]
    assert wrong == []


def test_keys_are_immutable_for_indexes(db: Connection) -> None:
    volatility = dict(
        db.execute(
            text(
                "SELECT proname, provolatile FROM pg_proc WHERE proname IN"
                " ('bm_fold', 'bm_bare_name', 'bm_tone_key', 'bm_search_key')"
            )
        ).all()
    )
    assert volatility == dict.fromkeys(
        ("bm_fold", "bm_bare_name", "bm_tone_key", "bm_search_key"), "i"
    )


def test_lung_cu_finds_lung_cu_first_in_both_eras(db: Connection) -> None:
    hits = search(db, "lung cu")
    top = hits[:2]
    assert {(h.kind, h.name, h.era, h.match) for h in top} == {
        ("commune", "Xã Lũng Cú", "pre2025", "exact"),
        ("commune", "Xã Lũng Cú", "post2025", "exact"),
    }
    old = next(h for h in top if h.era == "pre2025")
    new = next(h for h in top if h.era == "post2025")
    assert old.province_name == "Tỉnh Hà Giang"
    assert new.province_name == "Tỉnh Tuyên Quang"
    # what the old commune became, and what the new one was formed from (admin_lineage)
    assert [u.name for u in old.became] == ["Xã Lũng Cú"]
    assert "Xã Lũng Cú" in [u.name for u in new.formed_from]
    assert all(u.era == "pre2025" for u in new.formed_from)


def test_dong_van_finds_the_dong_van_units_whatever_the_case(db: Connection) -> None:
    for q in ("dong van", "DONG VAN", "Đồng Văn", "đồng văn"):
        hits = search(db, q, limit=MAX_LIMIT)
        exact = {(h.era, h.code) for h in hits if h.match == "exact"}
        assert ("pre2025", "00721") in exact, q  # Thị trấn Đồng Văn, Hà Giang
        assert ("post2025", "00721") in exact, q  # Xã Đồng Văn, Tuyên Quang


def test_tone_marks_rank_the_name_typed_above_its_unaccented_twin(db: Connection) -> None:
    # Real pair of the demo data: Đồng Văn (several) and Đông Văn (Thanh Hóa, 16417).
    plain = search(db, "dong van", limit=MAX_LIMIT)
    assert {"Xã Đông Văn", "Thị trấn Đồng Văn"} <= set(names(plain))
    assert len({h.score for h in plain if bare_name(h.name) in ("Đồng Văn", "Đông Văn")}) == 1

    accented = search(db, "Đồng Văn", limit=MAX_LIMIT)
    dong = [h for h in accented if bare_name(h.name) == "Đồng Văn"]
    twin = next(h for h in accented if h.name == "Xã Đông Văn")
    assert dong
    assert all(h.score > twin.score for h in dong)
    assert accented.index(twin) > max(accented.index(h) for h in dong)


def test_other_real_tone_mark_pairs(db: Connection) -> None:
    for typed, twin in (("Yên Phụ", "Yên Phú"), ("Việt Hùng", "Việt Hưng")):
        hits = search(db, typed, limit=MAX_LIMIT)
        mine = [h for h in hits if bare_name(h.name) == typed]
        other = [h for h in hits if bare_name(h.name) == twin]
        assert mine and other, typed
        assert min(h.score for h in mine) > max(h.score for h in other), typed


def test_old_and_new_tone_placement_give_the_same_results(db: Connection) -> None:
    stored = db.execute(
        text("SELECT count(*) FROM commune WHERE bm_bare_name(name) = 'Hòa Bình'")
    ).scalar_one()
    assert stored > 0  # the demo data writes the new placement
    new = search(db, "Hòa Bình", limit=MAX_LIMIT)
    old = search(db, "Hoà Bình", limit=MAX_LIMIT)
    assert [(h.kind, h.id, h.score) for h in old] == [(h.kind, h.id, h.score) for h in new]
    assert old[0].score > 3.5  # exact with accents: the placement does not count
    thuy = search(db, "Thuỷ Hà")  # stored as "Phường Thủy Hà"
    assert thuy[0].name == "Phường Thủy Hà"
    assert thuy[0].score == search(db, "Thủy Hà")[0].score > 3.5


def test_a_province_word_narrows(db: Connection) -> None:
    hits = search(db, "tan dong tay ninh")
    assert [(h.name, h.province_name) for h in hits[:2]] == [
        ("Xã Tân Đông", "Tỉnh Tây Ninh"),
        ("Xã Tân Đông", "Tỉnh Tây Ninh"),
    ]
    assert {h.era for h in hits[:2]} == {"pre2025", "post2025"}
    # without the province every Tân Đông ties; Long An and Tiền Giang are there too
    plain = {h.province_name for h in search(db, "tan dong", limit=MAX_LIMIT)}
    assert {"Tỉnh Tây Ninh", "Tỉnh Long An", "Tỉnh Tiền Giang"} <= plain


def test_a_province_is_found_by_its_name(db: Connection) -> None:
    hits = search(db, "cao bang")
    assert [(h.kind, h.name, h.match) for h in hits[:2]] == [
        ("province", "Tỉnh Cao Bằng", "exact"),
        ("province", "Tỉnh Cao Bằng", "exact"),
    ]
    assert hits[0].era == "post2025"  # the current era first


@pytest.mark.parametrize("label", ["1369(2)", "511/1", "1369 (2)"])
def test_marker_label_exact_first(db: Connection, label: str) -> None:
    hits = search(db, label)
    wanted = label.replace(" ", "")
    expected = db.execute(
        text("SELECT count(*) FROM marker WHERE label = :l"), {"l": wanted}
    ).scalar_one()
    assert expected >= 1
    assert [h.name for h in hits[:expected]] == [wanted] * expected
    assert all(h.kind == "marker" and h.match == "exact" for h in hits[:expected])
    assert hits[0].border_code in ("CN", "LA", "KH")
    assert all(h.match != "exact" for h in hits[expected:])


def test_officers_only_when_allowed(db: Connection) -> None:
    officer = db.execute(
        text(
            "SELECT o.id, o.full_name, o.service_number FROM officer o"
            " JOIN officer_assignment a ON a.officer_id = o.id"
            " WHERE a.end_date IS NULL ORDER BY o.id LIMIT 1"
        )
    ).one()
    for q in (officer.full_name, fold(officer.full_name), officer.service_number):
        hidden = search(db, q, limit=MAX_LIMIT)
        assert all(h.kind != "officer" for h in hidden), q
        assert officer.full_name not in names(hidden) or all(h.kind != "officer" for h in hidden)
    shown = search(db, officer.service_number, officers=True)
    assert (shown[0].kind, shown[0].id, shown[0].name) == ("officer", officer.id, officer.full_name)
    assert shown[0].assignments and shown[0].assignments[0]["commune"]["name"]
    by_name = search(db, officer.full_name, officers=True, limit=MAX_LIMIT)
    assert officer.id in {h.id for h in by_name if h.kind == "officer"}


def test_limit_bounds(db: Connection) -> None:
    assert len(search(db, "son", limit=3)) == 3
    assert len(search(db, "son", limit=MAX_LIMIT)) == MAX_LIMIT
    with pytest.raises(ValueError):
        search(db, "son", limit=MAX_LIMIT + 1)


def test_nothing_found_is_an_empty_list(db: Connection) -> None:
    assert search(db, "zzqqxx") == []


def test_lineage_both_ways(db: Connection) -> None:
    became = lineage(db, "commune", "pre2025", ["00721"])
    assert [(u.era, u.code, u.name) for u in became["00721"]] == [
        ("post2025", "00721", "Xã Đồng Văn")
    ]
    formed = lineage(db, "commune", "post2025", ["00721"])
    assert ("pre2025", "00721", "Thị trấn Đồng Văn") in [
        (u.era, u.code, u.name) for u in formed["00721"]
    ]
    assert lineage(db, "province", "pre2025", ["02"])["02"][0].name == "Tỉnh Tuyên Quang"
