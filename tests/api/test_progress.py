"""Progress figures: markers, positions and km demarcated per border and segment, on any date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from service.app import create_app
from service.db.progress import border_progress, segment_progress
from service.deps import get_session
from service.settings import Settings

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


@pytest.fixture
def client(conn: Connection) -> Iterator[TestClient]:
    """The app with its sessions on the rolled-back test connection."""
    url = conn.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]

    def session() -> Iterator[Session]:
        with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
            yield s

    app.dependency_overrides[get_session] = session
    with TestClient(app) as c:
        yield c


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
