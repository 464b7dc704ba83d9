"""Coverage against targets, by commune class and per post; coordination records."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

pytestmark = pytest.mark.db

DAYS = [dt.date(2011, 12, 31), dt.date(2013, 12, 31), dt.date.today()]


def _independent(engine: Engine, target: dict, day: dt.date) -> tuple[int, int]:
    """(communes, covered) of a target by a plain query of its own (no shared SQL)."""
    kind, _, value = target["commune_set"].partition(":")
    era = "pre2025" if day < dt.date(2025, 7, 1) else "post2025"
    with engine.connect() as c:
        if kind == "list":
            ids = c.execute(
                text(
                    "SELECT m.commune_id FROM commune_list_member m JOIN commune_list l"
                    " ON l.id = m.list_id WHERE l.code = :v"
                ),
                {"v": value},
            ).scalars()
        elif kind == "class":
            lists = c.execute(
                text(
                    "SELECT id, valid_from, valid_to FROM commune_list WHERE commune_class = :v"
                    " AND valid_from <= :d ORDER BY valid_from"
                ),
                {"v": value, "d": day},
            ).all()
            current = [x for x in lists if x.valid_to is None or x.valid_to > day]
            chosen = (current or lists[-1:])[0].id
            ids = c.execute(
                text("SELECT commune_id FROM commune_list_member WHERE list_id = :l"),
                {"l": chosen},
            ).scalars()
        else:
            ids = c.execute(
                text("SELECT id FROM commune WHERE era = :v AND (is_land_border OR is_coastal)"),
                {"v": value},
            ).scalars()
        ids = list(ids)
        roles = target["roles"]
        covered = 0
        for cid in ids:
            code, c_era = c.execute(
                text("SELECT code, era FROM commune WHERE id = :i"), {"i": cid}
            ).one()
            if c_era == era:
                reach = [cid]
            else:
                reach = list(
                    c.execute(
                        text(
                            "SELECT n.id FROM admin_lineage l JOIN commune n"
                            " ON n.code = l.new_code AND n.era = 'post2025'"
                            " WHERE l.level = 'commune' AND l.old_code = :c"
                        ),
                        {"c": code},
                    ).scalars()
                )
            n = c.execute(
                text(
                    "SELECT count(*) FROM officer_assignment WHERE commune_id = ANY(:r)"
                    " AND start_date <= :d AND (end_date IS NULL OR end_date > :d)"
                    " AND (CAST(:roles AS text[]) IS NULL OR role = ANY(CAST(:roles AS text[])))"
                ),
                {"r": reach, "d": day, "roles": roles},
            ).scalar_one()
            covered += n > 0
    return len(ids), covered


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_coverage_against_each_target(
    demo_client: TestClient, demo_engine: Engine, day: dt.date
) -> None:
    body = demo_client.get(f"/coverage/targets?as_of={day}").json()
    assert {t["target"]["code"] for t in body["items"]} == {
        "xa-bien-gioi-2013",
        "cap-uy-2020-2025",
        "xa-dbkk-2015",
    }
    for item in body["items"]:
        communes, covered = _independent(demo_engine, item["target"], day)
        totals = item["totals"]
        assert (totals["communes"], totals["covered"]) == (communes, covered), item["target"]
        assert sum(p["communes"] for p in item["provinces"]) == communes
        assert sum(p["covered"] for p in item["provinces"]) == covered
        assert len(totals["uncovered_communes"]) == communes - covered
        one = demo_client.get(f"/coverage/targets/{item['target']['id']}?as_of={day}").json()
        assert one["totals"] == totals
    goal = next(i for i in body["items"] if i["target"]["code"] == "xa-bien-gioi-2013")
    assert goal["totals"]["communes"] == 1088
    if day.year == 2011:
        assert 50 < goal["totals"]["covered_pct"] < 80 and goal["met"] is None
    if day.year == 2013:
        assert goal["totals"]["covered_pct"] > 90 and goal["met"] is False


def test_coverage_rises_through_2011_2013(demo_client: TestClient) -> None:
    pct = [
        demo_client.get(f"/coverage/targets/1?as_of={y}-12-31").json()["totals"]["covered_pct"]
        for y in (2010, 2011, 2012, 2013)
    ]
    assert pct == sorted(pct) and pct[0] < pct[-1]


def test_classes_posts_and_records(demo_client: TestClient) -> None:
    classes = demo_client.get("/coverage/classes?as_of=2011-12-31").json()["items"]
    by = {c["commune_class"]: c for c in classes}
    assert by["border"]["totals"]["communes"] == 1088
    assert by["particularly_difficult"]["list_code"] == "particularly_difficult-2011-2015"
    assert by["coastal_bai_ngang"]["totals"]["communes"] > 0
    posts = demo_client.get("/coverage/posts?as_of=2011-12-31&province=04").json()
    assert posts["items"] and {p["province_code"] for p in posts["items"]} == {"04"}
    assert all(p["covered"] <= p["communes"] for p in posts["items"])
    assert sum(p["markers"] for p in posts["items"]) > 0
    assert "full_name" not in str(posts) and "SYN-" not in str(posts)
    records = demo_client.get("/coordination?year=2011").json()
    assert records["items"] and all(r["event_date"].startswith("2011") for r in records["items"])
    assert demo_client.get("/coordination?year=abc").status_code == 400
    assert demo_client.get("/coverage/targets/999").status_code == 404
    assert demo_client.get("/coverage/targets?bogus=1").status_code == 400


def test_coverage_map_shows_the_targets(demo_client: TestClient) -> None:
    """The coverage map's targets panel shows the /coverage/targets totals of its date."""
    page = demo_client.get("/maps/coverage?as_of=2011-12-31&lang=en").text
    assert "bm-targets-table" in page  # inside the panel's JS string
    goals = demo_client.get("/coverage/targets?as_of=2011-12-31").json()["items"]
    for g in goals:
        assert f"{g['totals']['covered']:,}/{g['totals']['communes']:,}" in page


def test_posts_and_gates_collections(demo_client: TestClient, demo_engine: Engine) -> None:
    with demo_engine.connect() as c:
        posts, gates = c.execute(
            text("SELECT (SELECT count(*) FROM border_post), (SELECT count(*) FROM border_gate)")
        ).one()
    fc = demo_client.get("/collections/border_posts/items?limit=10000").json()
    assert fc["numberMatched"] == posts and fc["features"][0]["properties"]["synthetic"]
    g = demo_client.get("/collections/border_gates/items?gate_type=international").json()
    assert 0 < g["numberMatched"] < gates
    assert all(f["properties"]["position_approximate"] for f in g["features"])
