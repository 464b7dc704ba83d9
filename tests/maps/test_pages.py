"""The overview page and the two-date comparison, on the small hand-made database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from service.web.app import create_app

from .conftest import OFFICER_NAMES

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def client(small_db_url: str) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=small_db_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def rows(html: str, table: str) -> list[str]:
    """The rows of table ``id=table`` (or ``data-list=table``) as plain text."""
    m = re.search(rf'<table (?:id|data-list)="{table}">(.*?)</table>', html, re.S)
    assert m, f"no table {table}"
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells[1:]]


def test_overview_in_vietnamese_with_the_api_figures(client: TestClient) -> None:
    client.cookies.clear()
    r = client.get("/overview?as_of=2013-01-01")
    assert r.status_code == 200 and r.headers["content-language"] == "vi"
    html = r.text
    assert '<html lang="vi">' in html and "Tiến độ phân giới cắm mốc theo tuyến biên giới" in html
    border = client.get("/progress/borders?as_of=2013-01-01").json()["items"][0]
    assert rows(html, "bm-progress")[0].startswith("Việt Nam – Trung Quốc")
    assert (
        f"{border['markers_planted']} / {border['markers_total']}" in rows(html, "bm-progress")[0]
    )
    coverage = client.get("/coverage/provinces?as_of=2013-01-01").json()["items"][0]
    province = rows(html, "bm-provinces")[0]
    assert province.startswith("Hà Giang")
    assert f" {coverage['covered']} {coverage['uncovered']} " in f" {province} "
    # The damaged marker waits for restoration, named by its segment, dated dd/mm/yyyy.
    assert rows(html, "bm-damaged") == ["1369(2) Hà Giang – Trung Quốc 02/02/2012 334"]
    assert rows(html, "bm-events")[0] == "02/02/2012 1369(2) Hà Giang – Trung Quốc bị hư hỏng"
    assert all(name not in html for name in OFFICER_NAMES)
    assert "DỮ LIỆU MÔ PHỎNG" in html


def test_overview_links_open_the_maps_filtered(client: TestClient) -> None:
    html = client.get("/overview?as_of=2013-01-01&lang=en").text
    assert "Demarcation progress by border" in html and '<html lang="en">' in html
    links = {unescape(h) for h in re.findall(r'href="(/maps/[^"]+)"', html)}
    assert "/maps/coverage?province=H%C3%A0+Giang&as_of=2013-01-01&lang=en" in links
    assert "/maps/progress?border=CN&as_of=2013-01-01&lang=en" in links
    assert "/maps/changes?from=2012-01-01&to=2013-01-01&lang=en" in links
    for link in links:
        page = client.get(link)
        assert page.status_code == 200, link
        assert '<html lang="en">' in page.text, link


def test_overview_of_today_and_bad_dates(client: TestClient) -> None:
    assert client.get("/overview").status_code == 200
    bad = client.get("/overview?as_of=2013-02-30")
    assert bad.status_code == 400 and "as_of" in bad.json()["detail"]
    assert client.get("/overview?date=2013-01-01").status_code == 400


def test_changes_between_two_dates(client: TestClient) -> None:
    html = client.get("/maps/changes?from=2003-01-01&to=2013-01-01&lang=en").text
    assert rows(html, "planted") == [
        "2003-05-02 12 Hà Giang – China",
        "2004-01-10 17(3) Hà Giang – China",
        "2004-06-01 1369(2) Hà Giang – China",
    ]
    assert rows(html, "damaged") == ["2012-02-02 1369(2) Hà Giang – China"]
    assert 'data-list="restored"' not in html  # none
    # Officers arrived in 2005-2009: two communes newly covered, none uncovered.
    assert [r.split()[:3] for r in rows(html, "newly_covered")] == [
        ["Xã", "A", "<b>"],
        ["Xã", "B", "Hà"],
    ]
    assert 'data-list="newly_uncovered"' not in html
    # Across the reform the communes are not compared one by one.
    across = client.get("/maps/changes?from=2025-06-01&to=2025-08-01&lang=en").text
    assert "not compared one by one" in across
    vi = client.get("/maps/changes?from=2003-01-01&to=2013-01-01&province=ha giang&lang=vi").text
    assert "Mốc bị hư hỏng" in vi and "02/02/2012" in vi


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("to=2013-01-01", "from"),
        ("from=2013-01-01&to=2012-01-01", "to"),
        ("from=2013-01-01&to=2013-01-01", "to"),
        ("from=2012-01-01&to=2013-01-01&province=Atlantis", "province"),
        ("from=2012-01-01&lang=de", "lang"),
    ],
)
def test_changes_refuses_bad_input(client: TestClient, query: str, message: str) -> None:
    r = client.get(f"/maps/changes?{query}")
    assert r.status_code == 400 and message in r.json()["detail"]


def test_overview_lists_recent_inspections_without_their_notes(fresh_small_db_url: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(fresh_small_db_url)
    with eng.begin() as c:
        inspection = c.execute(
            text(
                "INSERT INTO inspection (marker_id, inspected_on, found_status, inspecting_unit,"
                " note) SELECT id, '2012-03-01', 'destroyed', 'Đồn Biên phòng Lũng Cú',"
                " 'seen by Secret Witness' FROM marker WHERE number = 1369 RETURNING id"
            )
        ).scalar_one()
        c.execute(
            text(
                "INSERT INTO inspection_photo (inspection_id, media_type, sha256, data)"
                " VALUES (:i, 'image/png', 'x', :d)"
            ),
            {"i": inspection, "d": b"\x89PNG\r\n\x1a\n"},
        )
    eng.dispose()
    settings = Settings(_env_file=None, database_url=fresh_small_db_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        html = client.get("/overview?as_of=2013-01-01&lang=vi").text
        assert rows(html, "bm-inspections") == [
            "01/03/2012 1369(2) Hà Giang – Trung Quốc bị phá hủy Đồn Biên phòng Lũng Cú 1"
        ]
        assert "Secret Witness" not in html
        before = client.get("/overview?as_of=2012-01-01&lang=en").text
        assert "No inspection recorded up to this date." in before
