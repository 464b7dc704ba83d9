"""Progress figures: markers, positions and km demarcated per border and segment, on any date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from fastapi.testclient import TestClient
from pyproj import Geod
from shapely.ops import linemerge
from sqlalchemy import Connection, Engine, text

from service.db.progress import border_progress, segment_progress

pytestmark = pytest.mark.db

LINE = "SRID=4326;MULTILINESTRING((104 22,105 22))"


def _seed(conn: Connection) -> None:
    """One border line, one segment per era, six markers with histories (see the test)."""
    conn.execute(
        text(
            "INSERT INTO border (code, iso3, name, official_length_km, markers_expected,"
            " positions_expected, geom, synthetic)"
            " VALUES ('CN', 'CHN', 'Viet Nam - China', 1449.566, 10, 8, :g, true)"
        ),
        {"g": LINE},
    )
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from) VALUES"
            " ('pre2025', '02', 'Ha Giang', 'tinh', '2025-07-01', NULL),"
            " ('post2025', '08', 'Tuyen Quang', 'tinh', NULL, '2025-07-01')"
        )
    )
    seg = {}
    for era, prov, official, vt, vf in (
        ("pre2025", "02", 100, "2025-07-01", None),
        ("post2025", "08", None, None, "2025-07-01"),
    ):
        seg[era] = conn.execute(
            text(
                "INSERT INTO border_segment (code, border_code, era, province_code,"
                " official_length_km, valid_to, valid_from, geom, synthetic)"
                " VALUES (:code, 'CN', :era, :prov, :off, :vt, :vf, :g, true) RETURNING id"
            ),
            {
                "code": f"{prov}-CHN",
                "era": era,
                "prov": prov,
                "off": official,
                "vt": vt,
                "vf": vf,
                "g": LINE,
            },
        ).scalar_one()
    markers = [
        # number, same-number index, sub-number, lon, lat, events
        (
            1,
            None,
            None,
            104.0,
            22.0,
            [("planned", "2001-01-01"), ("planted", "2002-01-01"), ("verified", "2009-01-01")],
        ),
        (2, None, None, 104.25, 22.0, [("planned", "2001-01-01"), ("planted", "2003-01-01")]),
        (3, 1, None, 104.5, 22.0005, [("planned", "2001-01-01"), ("planted", "2004-01-01")]),
        (3, 2, None, 104.5, 21.9995, [("planned", "2001-01-01"), ("planted", "2006-01-01")]),
        (
            4,
            None,
            None,
            104.75,
            22.0,
            [
                ("planned", "2001-01-01"),
                ("planted", "2002-01-01"),
                ("damaged", "2010-01-01"),
                ("restored", "2012-01-01"),
            ],
        ),
        (4, None, 1, 105.0, 22.0, [("planned", "2001-01-01")]),
    ]
    for number, idx, sub, lon, lat, events in markers:
        mid = conn.execute(
            text(
                "INSERT INTO marker (border_code, number, same_number_index, sub_number,"
                " marker_class, geom, synthetic) VALUES ('CN', :n, :i, :s, 'main',"
                " ST_SetSRID(ST_MakePoint(:x, :y), 4326), true) RETURNING id"
            ),
            {"n": number, "i": idx, "s": sub, "x": lon, "y": lat},
        ).scalar_one()
        for era, sid in seg.items():
            conn.execute(
                text("INSERT INTO marker_segment VALUES (:m, :e, :s)"),
                {"m": mid, "e": era, "s": sid},
            )
        for status, day in events:
            conn.execute(
                text(
                    "INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, :s, :d)"
                ),
                {"m": mid, "s": status, "d": day},
            )


def test_segment_progress_by_hand(conn: Connection) -> None:
    _seed(conn)
    (s,) = segment_progress(conn, as_of=dt.date(2003, 6, 30))
    assert (s.segment_code, s.province_code, s.province_name) == ("02-CHN", "02", "Ha Giang")
    assert (s.markers_total, s.markers_planned, s.markers_planted) == (6, 3, 3)
    assert s.positions_done == 3  # numbers 1, 2, 4; number 3 not yet planted
    assert s.by_status["planned"] == 3 and s.by_status["planted"] == 3
    assert s.pct_markers == 50.0
    # Only the stretch 1 -> 2 has both ends planted: a quarter of the line.
    assert s.pct_km == pytest.approx(25.0, abs=0.01)
    assert s.length_km == 100.0 and s.length_basis == "official"
    assert s.km_demarcated == pytest.approx(25.0, abs=0.01)
    assert s.synthetic

    (s,) = segment_progress(conn, as_of=dt.date(2010, 6, 30))
    assert (s.markers_planted, s.markers_verified, s.markers_damaged) == (5, 1, 1)
    assert s.positions_done == 4  # the 3(1)/3(2) pair is one position
    assert s.pct_km == pytest.approx(75.0, abs=0.01)  # 4 -> 4/1 open: 4/1 only planned

    (s,) = segment_progress(conn, as_of=dt.date(2026, 1, 1))
    assert (s.segment_code, s.province_code) == ("08-CHN", "08")
    assert s.markers_damaged == 0 and s.by_status["restored"] == 1
    assert s.length_basis == "measured"
    assert s.length_km == pytest.approx(103.2, abs=0.3)  # 1 degree of longitude at 22 N
    assert s.km_demarcated == pytest.approx(0.75 * s.length_km, abs=0.01)

    (s,) = segment_progress(conn, as_of=dt.date(2000, 1, 1))
    assert s.markers_total == 0 and s.pct_markers is None and s.pct_km == 0.0


@pytest.mark.parametrize(("planned", "pct"), [("2005-01-01", 75.0), ("2002-06-01", 50.0)])
def test_km_densification_does_not_undo_demarcation(
    conn: Connection, planned: str, pct: float
) -> None:
    """A marker planned between 1 and 2 after both stood does not break their stretch."""
    _seed(conn)
    mid = conn.execute(
        text(
            "INSERT INTO marker (border_code, number, sub_number, marker_class, geom)"
            " VALUES ('CN', 1, 1, 'secondary', 'SRID=4326;POINT(104.1 22)') RETURNING id"
        )
    ).scalar_one()
    conn.execute(
        text("INSERT INTO marker_segment SELECT :m, era, id FROM border_segment"), {"m": mid}
    )
    conn.execute(
        text("INSERT INTO marker_event (marker_id, status, event_date) VALUES (:m, 'planned', :d)"),
        {"m": mid, "d": planned},
    )
    (s,) = segment_progress(conn, as_of=dt.date(2006, 6, 30))
    assert s.markers_planned == 2 and s.pct_km == pytest.approx(pct, abs=0.01)


def test_border_progress_by_hand(conn: Connection) -> None:
    _seed(conn)
    (b,) = border_progress(conn, as_of=dt.date(2010, 6, 30))
    assert b.border_code == "CN" and b.segment_code is None and b.province_code is None
    assert b.markers_expected == 10 and b.pct_markers == 50.0
    assert b.positions_expected == 8 and b.pct_positions == 50.0
    assert b.length_km == 1449.566 and b.length_basis == "official"
    assert b.km_demarcated == pytest.approx(0.75 * 1449.566, abs=0.01)
    (p,) = border_progress(conn, as_of=dt.date(2010, 6, 30), province="02")
    assert p.province_code == "02" and p.province_name == "Ha Giang"
    assert p.markers_expected is None and p.pct_markers == pytest.approx(83.33)
    assert p.markers_planted == 5 and p.length_km == 100.0
    assert border_progress(conn, as_of=dt.date(2010, 6, 30), province="08") == []
    assert border_progress(conn, as_of=dt.date(2010, 6, 30), border="LA") == []


# --- over HTTP, on the seeded rows -------------------------------------------------------


def _same(csv_value: str, json_value: object) -> bool:
    if json_value is None:
        return csv_value == ""
    if isinstance(json_value, bool):
        return csv_value == str(json_value).lower()
    if isinstance(json_value, int | float):
        return float(csv_value) == pytest.approx(float(json_value))
    return csv_value == str(json_value)


@pytest.mark.parametrize("level", ["borders", "segments"])
def test_http_csv_matches_json(conn: Connection, client: TestClient, level: str) -> None:
    _seed(conn)
    j = client.get(f"/progress/{level}?as_of=2010-06-30")
    assert j.status_code == 200, j.text
    body = j.json()
    assert body["as_of"] == "2010-06-30" and body["era"] == "pre2025" and body["synthetic"]
    assert "Accept" in j.headers["vary"]  # JSON and CSV share the URL
    c = client.get(f"/progress/{level}?as_of=2010-06-30&f=csv")
    assert c.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert len(rows) == len(body["items"]) == 1
    for row, item in zip(rows, body["items"], strict=True):
        for key, value in item.items():
            if key == "by_status":
                for status, n in value.items():
                    assert int(row[f"status_{status}"]) == n
            else:
                assert _same(row[key], value), (key, row[key], value)
    accept = client.get(f"/progress/{level}?as_of=2010-06-30", headers={"Accept": "text/csv"})
    assert accept.text == c.text
    assert client.get(f"/progress/{level}", headers={"Accept": "*/*"}).json()["era"] == "post2025"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("as_of=2010-6-30", "as_of"),
        ("as_of=2010-02-29", "as_of"),
        ("border=XX", "border"),
        ("province=ab", "province"),
        ("province=02&as_of=2026-01-01", "province"),
        ("f=pdf", "f"),
        ("limit=5", "limit"),
    ],
)
@pytest.mark.parametrize("level", ["borders", "segments"])
def test_http_bad_parameters(
    conn: Connection, client: TestClient, level: str, query: str, name: str
) -> None:
    _seed(conn)
    r = client.get(f"/progress/{level}?{query}")
    assert r.status_code == 400, r.text
    assert name in r.json()["detail"]


# --- on the demo data, against an independent computation in pandas/shapely ---------------

ORDER = ["planned", "surveyed", "planted", "verified", "damaged", "restored", "relocated"]
PLANTED = {"planted", "verified", "damaged", "restored", "relocated"}
DATES = [dt.date(2003, 6, 30), dt.date(2008, 12, 31), dt.date(2014, 6, 30), dt.date.today()]


@pytest.fixture(scope="module")
def raw(demo_engine: Engine) -> dict[str, pd.DataFrame]:
    """The raw rows, read once."""
    return {
        "border": gpd.read_postgis("SELECT * FROM border", demo_engine, geom_col="geom"),
        "segment": gpd.read_postgis("SELECT * FROM border_segment", demo_engine, geom_col="geom"),
        "marker": gpd.read_postgis(
            "SELECT id, border_code, number, sub_number, synthetic, geom FROM marker",
            demo_engine,
            geom_col="geom",
        ),
        "marker_segment": pd.read_sql("SELECT * FROM marker_segment", demo_engine),
        "lineage": pd.read_sql("SELECT * FROM admin_lineage", demo_engine),
        "event": pd.read_sql(
            "SELECT id, marker_id, status, event_date FROM marker_event", demo_engine
        ),
    }


def _era(day: dt.date) -> str:
    return "pre2025" if day < dt.date(2025, 7, 1) else "post2025"


def _valid(df: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    vf = pd.to_datetime(df["valid_from"]).dt.date
    vt = pd.to_datetime(df["valid_to"]).dt.date
    ok = (df["era"] == _era(day)) & (vf.isna() | (vf <= day)) & (vt.isna() | (vt > day))
    return df[ok]


def _markers_on(raw: dict[str, pd.DataFrame], day: dt.date) -> pd.DataFrame:
    """Every marker with its latest status on ``day`` (markers without one dropped), the
    date it entered the plan and the date it was first planted (as known on ``day``)."""
    ev = raw["event"][pd.to_datetime(raw["event"]["event_date"]).dt.date <= day].copy()
    ev["rank"] = ev["status"].map(ORDER.index)
    ev = ev.sort_values(["marker_id", "event_date", "rank", "id"])
    latest = ev.groupby("marker_id")["status"].last().rename("status")
    first = ev.groupby("marker_id")["event_date"].min().rename("first_date")
    plant = ev[ev["status"].isin(PLANTED)].groupby("marker_id")["event_date"].min()
    m = raw["marker"].merge(latest, left_on="id", right_index=True)
    m = m.merge(first, left_on="id", right_index=True)
    m["plant_date"] = m["id"].map(plant)
    m["planted"] = m["status"].isin(PLANTED)
    m["position"] = list(zip(m["number"], m["sub_number"].fillna(-1), strict=True))
    return m


def _counts(m: pd.DataFrame) -> dict[str, object]:
    return {
        "markers_total": len(m),
        "markers_planned": int(m["status"].isin(["planned", "surveyed"]).sum()),
        "markers_planted": int(m["planted"].sum()),
        "markers_verified": int((m["status"] == "verified").sum()),
        "markers_damaged": int((m["status"] == "damaged").sum()),
        "positions_done": int(m.loc[m["planted"], "position"].nunique()),
        "by_status": {s: int((m["status"] == s).sum()) for s in ORDER},
    }


def _share(entries: list[tuple[float, bool, object, object]]) -> float:
    """The documented rule by brute force: for each stop S planted on T, the nearest markers
    of T's plan on either side bound a demarcated stretch when they stood by T."""
    entries = sorted(entries, key=lambda e: (e[0], not e[1]))
    pieces = []
    for f, planted, _first, plant in entries:
        if not planted:
            continue
        known = [e for e in entries if e[2] <= plant]  # type: ignore[operator]
        left = [e for e in known if e[0] < f]
        right = [e for e in known if e[0] > f]
        for near, end in ((left[-1] if left else None, 0.0), (right[0] if right else None, 1.0)):
            if near is None:
                pieces.append(sorted((f, end)))
            elif near[1] and near[3] <= plant:  # type: ignore[operator]
                pieces.append(sorted((f, near[0])))
    covered = reach = 0.0
    for lo, hi in sorted(pieces):
        lo = max(lo, reach)
        if hi > lo:
            covered, reach = covered + hi - lo, hi
    return covered


def _covered(line: object, m: pd.DataFrame) -> tuple[float, float]:
    """(covered metres, line metres) by the documented rule, in shapely and pyproj."""
    geod = Geod(ellps="WGS84")
    merged = linemerge(line)
    parts = [p for p in getattr(merged, "geoms", [merged]) if p.length > 0]
    line_m = sum(geod.geometry_length(p) for p in parts)
    located: dict[int, list[tuple[float, bool, object, object]]] = {
        i: [] for i in range(len(parts))
    }
    for pt, planted, first, plant in zip(
        m.geometry, m["planted"], m["first_date"], m["plant_date"], strict=True
    ):
        i = min(range(len(parts)), key=lambda j: parts[j].distance(pt))
        f = parts[i].project(pt, normalized=True)
        located[i].append((f, bool(planted), first, plant))
    covered = sum(
        _share(entries) * geod.geometry_length(parts[i]) for i, entries in located.items()
    )
    return covered, line_m


def _carried(raw: dict[str, pd.DataFrame], seg: object) -> float | None:
    """The documented carry-over of official lengths to a post-2025 segment, in shapely."""
    lin = raw["lineage"]
    olds = lin.loc[(lin["level"] == "province") & (lin["new_code"] == seg.province_code)]  # type: ignore[attr-defined]
    pre = raw["segment"]
    pre = pre[
        (pre["era"] == "pre2025")
        & (pre["border_code"] == seg.border_code)  # type: ignore[attr-defined]
        & (pre["demarcated"] == seg.demarcated)  # type: ignore[attr-defined]
        & pre["province_code"].isin(olds["old_code"])
    ]
    if pre.empty or pre["official_length_km"].isna().any():
        return None
    if shapely.hausdorff_distance(shapely.union_all(pre.geometry), seg.geom) >= 0.0005:  # type: ignore[attr-defined]
        return None
    return float(pre["official_length_km"].astype(float).sum())


def _check_counts(item: dict[str, object], expected: dict[str, object]) -> None:
    for key, value in expected.items():
        if key == "by_status":
            assert item[key] == value
        else:
            assert item[key] == value, key


@pytest.mark.parametrize("day", DATES, ids=str)
def test_demo_segments_match_independent_count(
    demo_client: TestClient, raw: dict[str, pd.DataFrame], day: dt.date
) -> None:
    body = demo_client.get(f"/progress/segments?as_of={day}").json()
    segs = _valid(raw["segment"], day)
    assert sorted(i["segment_code"] for i in body["items"]) == sorted(segs["code"])
    assert body["era"] == _era(day)
    markers = _markers_on(raw, day)
    links = raw["marker_segment"][raw["marker_segment"]["era"] == _era(day)]
    markers = markers.merge(links[["marker_id", "segment_id"]], left_on="id", right_on="marker_id")
    items = {i["segment_code"]: i for i in body["items"]}
    planted_total = 0
    for seg in segs.itertuples():
        item = items[seg.code]
        mine = markers[markers["segment_id"] == seg.id]
        _check_counts(item, _counts(mine))
        planted_total += int(mine["planted"].sum())
        covered, line_m = _covered(seg.geom, mine)
        assert item["pct_km"] == pytest.approx(100 * covered / line_m, abs=0.02), seg.code
        official = seg.official_length_km
        ref = float(official) if official is not None and not pd.isna(official) else None
        if ref is None and seg.era == "post2025":
            ref = _carried(raw, seg)
        if ref is None:
            measured = seg.measured_length_km
            ref = float(measured) if not pd.isna(measured) else line_m / 1000
        assert item["length_km"] == pytest.approx(ref, abs=0.001)
        assert item["km_demarcated"] == pytest.approx(ref * covered / line_m, abs=0.05)
    if day >= dt.date(2009, 1, 1):
        assert planted_total > 0  # the figures are not trivially zero


@pytest.mark.parametrize("day", DATES, ids=str)
def test_demo_borders_match_independent_count(
    demo_client: TestClient, raw: dict[str, pd.DataFrame], day: dt.date
) -> None:
    body = demo_client.get(f"/progress/borders?as_of={day}").json()
    markers = _markers_on(raw, day)
    segs = _valid(raw["segment"], day)
    links = raw["marker_segment"][raw["marker_segment"]["era"] == _era(day)]
    items = {i["border_code"]: i for i in body["items"]}
    assert set(items) == set(raw["border"]["code"])
    for b in raw["border"].itertuples():
        item = items[b.code]
        mine = markers[markers["border_code"] == b.code]
        _check_counts(item, _counts(mine))
        if b.markers_expected:
            assert item["pct_markers"] == pytest.approx(
                100 * mine["planted"].sum() / b.markers_expected, abs=0.01
            )
        covered = line_m = 0.0
        for seg in segs[segs["border_code"] == b.code].itertuples():
            on_seg = mine[mine["id"].isin(links.loc[links["segment_id"] == seg.id, "marker_id"])]
            c, total = _covered(seg.geom, on_seg)
            covered, line_m = covered + c, line_m + total
        if line_m:
            assert item["pct_km"] == pytest.approx(100 * covered / line_m, abs=0.02)
            assert item["length_km"] == pytest.approx(float(b.official_length_km), abs=0.001)
    if day == dt.date(2008, 12, 31):
        # Field work on the China border ended that day: every CN position was planted.
        cn = items["CN"]
        assert cn["positions_done"] == cn["positions_expected"] or cn["pct_positions"] > 90


def test_demo_province_filter_and_csv(
    demo_client: TestClient, raw: dict[str, pd.DataFrame]
) -> None:
    day = dt.date(2014, 6, 30)
    segs = _valid(raw["segment"], day)
    province = segs["province_code"].iloc[0]
    body = demo_client.get(f"/progress/segments?as_of={day}&province={province}").json()
    assert {i["province_code"] for i in body["items"]} == {province}
    assert len(body["items"]) == int((segs["province_code"] == province).sum())
    borders = demo_client.get(f"/progress/borders?as_of={day}&province={province}").json()
    for b in borders["items"]:
        same = [i for i in body["items"] if i["border_code"] == b["border_code"]]
        assert b["markers_planted"] == sum(i["markers_planted"] for i in same)
    c = demo_client.get(f"/progress/segments?as_of={day}", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(c.text)))
    j = demo_client.get(f"/progress/segments?as_of={day}").json()["items"]
    assert [r["segment_code"] for r in rows] == [i["segment_code"] for i in j]
    for row, item in zip(rows, j, strict=True):
        assert _same(row["km_demarcated"], item["km_demarcated"])
        assert _same(row["positions_done"], item["positions_done"])
        assert _same(row["pct_km"], item["pct_km"])
