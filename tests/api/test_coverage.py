"""Coverage figures: seconded officers per border commune, on any date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

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


# --- over HTTP, on the seeded rows -------------------------------------------------------


def test_http_json_csv_and_no_personal_data(conn: Connection, client: TestClient) -> None:
    _seed(conn)
    r = client.get("/coverage/communes", params={"as_of": "2010-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["era"] == "pre2025" and body["synthetic"] is True
    assert [i["officers"] for i in body["items"]] == [2, 1, 0]
    assert body["uncovered"] == [{"code": "00003", "name": "C", "province_code": "02"}]
    assert body["totals"]["officers"] == 3 and body["totals"]["covered"] == 2
    for secret in ("Secret", "S1", "S2", "S3"):
        assert secret not in r.text
    c = client.get("/coverage/communes", params={"as_of": "2010-01-01", "f": "csv"})
    assert c.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert [(x["code"], int(x["officers"]), x["covered"]) for x in rows] == [
        ("00001", 2, "true"),
        ("00002", 1, "true"),
        ("00003", 0, "false"),
    ]
    assert rows[0]["officers_dang_uy_vien"] == "2" and "Secret" not in c.text
    a = client.get("/coverage/provinces?as_of=2010-01-01", headers={"Accept": "text/csv"})
    assert a.headers["content-type"].startswith("text/csv")
    (prow,) = list(csv.DictReader(io.StringIO(a.text)))
    assert prow["uncovered_communes"] == "00003" and prow["covered_pct"] == "66.67"
    p = client.get("/coverage/provinces?as_of=2026-01-01&province=08&kind=coastal").json()
    assert p["items"][0]["uncovered_communes"] == [
        {"code": "00005", "name": "E", "province_code": "08"}
    ]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("as_of=2010-13-01", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("province=2", "province"),
        ("province=08&as_of=2010-01-01", "province"),  # a post-2025 code before the reform
        ("kind=sea", "kind"),
        ("f=xml", "f"),
        ("provinc=02", "provinc"),
    ],
)
def test_http_bad_parameters(conn: Connection, client: TestClient, query: str, names: str) -> None:
    _seed(conn)
    for path in ("/coverage/communes", "/coverage/provinces"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400, r.text
        assert names in r.json()["detail"]


# --- on the demo data, against an independent computation in pandas ----------------------

# The demo's secondments start with the 2015-2020 term.
DATES = [dt.date(2014, 6, 30), dt.date(2020, 1, 1), dt.date(2025, 6, 30), dt.date.today()]


@pytest.fixture(scope="module")
def raw(demo_engine: Engine) -> dict[str, pd.DataFrame]:
    frames = {
        "commune": pd.read_sql(
            "SELECT id, era, code, name, province_code, valid_from, valid_to, is_land_border,"
            " is_coastal, synthetic FROM commune",
            demo_engine,
        ),
        "assignment": pd.read_sql(
            "SELECT officer_id, commune_id, role, start_date, end_date FROM officer_assignment",
            demo_engine,
        ),
        "officer": pd.read_sql("SELECT service_number, full_name FROM officer", demo_engine),
    }
    for name, cols in (
        ("commune", ("valid_from", "valid_to")),
        ("assignment", ("start_date", "end_date")),
    ):
        for col in cols:
            frames[name][col] = pd.to_datetime(frames[name][col]).dt.date
    return frames


def _active(raw: dict[str, pd.DataFrame], day: dt.date) -> pd.DataFrame:
    a = raw["assignment"]
    return a[(a["start_date"] <= day) & (a["end_date"].isna() | (a["end_date"] > day))]


def _expected(raw: dict[str, pd.DataFrame], day: dt.date, kind: str) -> pd.DataFrame:
    """Per border commune valid on ``day``: distinct active officers, per role too."""
    era = "pre2025" if day < dt.date(2025, 7, 1) else "post2025"
    c = raw["commune"]
    flags = {
        "all": c["is_land_border"] | c["is_coastal"],
        "land": c["is_land_border"],
        "coastal": c["is_coastal"],
    }
    valid = (c["valid_from"].isna() | (c["valid_from"] <= day)) & (
        c["valid_to"].isna() | (c["valid_to"] > day)
    )
    c = c[(c["era"] == era) & valid & flags[kind]]
    a = _active(raw, day)
    a = a[a["commune_id"].isin(c["id"])]
    out = c.set_index("id")
    out["officers"] = a.groupby("commune_id")["officer_id"].nunique()
    out["officers"] = out["officers"].fillna(0).astype(int)
    roles: dict[int, dict[str, int]] = {int(i): {} for i in out.index}
    for (commune_id, role), n in a.groupby(["commune_id", "role"])["officer_id"].nunique().items():
        roles[int(commune_id)][str(role)] = int(n)
    out["roles"] = [dict(sorted(roles[int(i)].items())) for i in out.index]
    return out.sort_values(["province_code", "code"])


@pytest.mark.parametrize("day", DATES, ids=str)
def test_demo_communes_match_independent_count(
    demo_client: TestClient, raw: dict[str, pd.DataFrame], day: dt.date
) -> None:
    response = demo_client.get(f"/coverage/communes?as_of={day}")
    body = response.json()
    exp = _expected(raw, day, "all")
    assert [i["code"] for i in body["items"]] == list(exp["code"])
    assert [i["officers"] for i in body["items"]] == list(exp["officers"])
    assert [i["officers_by_role"] for i in body["items"]] == list(exp["roles"])
    assert [u["code"] for u in body["uncovered"]] == list(exp.loc[exp["officers"] == 0, "code"])
    assert body["totals"]["communes"] == len(exp)
    assert body["totals"]["covered"] == int((exp["officers"] > 0).sum())
    active = _active(raw, day)
    assert (
        body["totals"]["officers"]
        == active.loc[active["commune_id"].isin(exp.index), "officer_id"].nunique()
    )
    assert body["synthetic"] is bool(exp["synthetic"].any())
    if day.year >= 2016:
        assert body["totals"]["covered"] > 0  # the demo has officers then
    # Nothing personal leaves the API.
    personal = set(raw["officer"]["full_name"]) | set(raw["officer"]["service_number"])
    assert not any(p in response.text for p in personal)


@pytest.mark.parametrize(
    ("day", "kind"),
    [(DATES[0], "all"), (DATES[1], "land"), (DATES[2], "coastal"), (DATES[3], "all")],
    ids=str,
)
def test_demo_provinces_match_independent_count(
    demo_client: TestClient, raw: dict[str, pd.DataFrame], day: dt.date, kind: str
) -> None:
    body = demo_client.get(f"/coverage/provinces?as_of={day}&kind={kind}").json()
    exp = _expected(raw, day, kind)
    active = _active(raw, day)
    got = {i["province_code"]: i for i in body["items"]}
    assert set(got) == set(exp["province_code"])
    for code, group in exp.groupby("province_code"):
        item = got[code]
        assert item["communes"] == len(group)
        assert item["land_communes"] == int(group["is_land_border"].sum())
        assert item["coastal_communes"] == int(group["is_coastal"].sum())
        assert item["covered"] == int((group["officers"] > 0).sum())
        mine = active[active["commune_id"].isin(group.index)]
        assert item["officers"] == mine["officer_id"].nunique()
        assert item["officers_by_role"] == mine.groupby("role")["officer_id"].nunique().to_dict()
        assert [u["code"] for u in item["uncovered_communes"]] == sorted(
            group.loc[group["officers"] == 0, "code"]
        )
    assert body["totals"]["communes"] == len(exp)
    assert (
        body["totals"]["officers"]
        == active.loc[active["commune_id"].isin(exp.index), "officer_id"].nunique()
    )


def test_demo_csv_matches_json_and_filters(demo_client: TestClient, demo_engine: Engine) -> None:
    day = dt.date(2020, 1, 1)
    j = demo_client.get(f"/coverage/provinces?as_of={day}").json()
    province = j["items"][0]["province_code"]
    c = demo_client.get(f"/coverage/provinces?as_of={day}&f=csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert [r["province_code"] for r in rows] == [i["province_code"] for i in j["items"]]
    for r, i in zip(rows, j["items"], strict=True):
        assert int(r["covered"]) == i["covered"] and int(r["officers"]) == i["officers"]
        codes = [x for x in r["uncovered_communes"].split(";") if x]
        assert codes == [u["code"] for u in i["uncovered_communes"]]
    one = demo_client.get(f"/coverage/communes?as_of={day}&province={province}").json()
    assert {i["province_code"] for i in one["items"]} == {province}
    cc = demo_client.get(f"/coverage/communes?as_of={day}&province={province}&f=csv")
    crow = list(csv.DictReader(io.StringIO(cc.text)))
    assert [(r["code"], int(r["officers"])) for r in crow] == [
        (i["code"], i["officers"]) for i in one["items"]
    ]
    # The functions the maps call give the same numbers as the API.
    with Session(demo_engine) as s:
        rows_fn = commune_coverage(s, as_of=day, province=province)
        assert [(r.code, r.officers, r.covered) for r in rows_fn] == [
            (i["code"], i["officers"], i["covered"]) for i in one["items"]
        ]
