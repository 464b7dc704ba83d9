"""The yearly report: its figures are the API's, in Vietnamese and English, HTML and PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.db.report import YearReport, year_report
from service.i18n import translator
from tests.conftest import ROOT, need

pytestmark = pytest.mark.db

THIS_YEAR = dt.date.today().year
ARTIFACTS = ROOT / "test-artifacts"


def _chromium() -> None:
    need(Path("/usr/bin/chromium").exists(), "no chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        need(False, "playwright is not installed")


@pytest.fixture(scope="module")
def reports(demo_engine: Engine) -> dict[int, YearReport]:
    with demo_engine.connect() as c:
        return {y: year_report(c, year=y) for y in (2011, THIS_YEAR)}


@pytest.mark.parametrize("year", [2011, THIS_YEAR])
def test_report_figures_are_the_apis(
    demo_client: TestClient, reports: dict[int, YearReport], year: int
) -> None:
    r = reports[year]
    day = r.as_of
    assert day == (dt.date.today() if year == THIS_YEAR else dt.date(year, 12, 31))

    api = demo_client.get(f"/progress/borders?as_of={day}").json()["items"]
    mine = {b.border_code: b for b in r.borders}
    for b in api:
        ours = mine[b["border_code"]]
        assert (ours.markers_planted, ours.km_demarcated, ours.pct_km) == (
            b["markers_planted"], b["km_demarcated"], b["pct_km"],
        )  # fmt: skip
    segs = demo_client.get(f"/progress/segments?as_of={day}").json()["items"]
    assert [(s.segment_code, s.km_demarcated) for s in r.segments] == [
        (s["segment_code"], s["km_demarcated"]) for s in segs
    ]
    act = demo_client.get(f"/progress/activity?year={year}").json()["items"]
    assert [(a.border_code, a.segment_code, a.planted, a.verified, a.damaged, a.restored)
            for a in r.activity] == [
        (a["border_code"], a["segment_code"], a["planted"], a["verified"], a["damaged"],
         a["restored"]) for a in act
    ]  # fmt: skip
    cov = demo_client.get(f"/coverage/provinces?as_of={day}").json()["totals"]
    assert (r.coverage.totals.officers, r.coverage.totals.officers_by_role) == (
        cov["officers"], cov["officers_by_role"],
    )  # fmt: skip
    targets = demo_client.get(f"/coverage/targets?as_of={day}").json()["items"]
    assert [(t.target.code, t.totals.communes, t.totals.covered) for t in r.targets] == [
        (t["target"]["code"], t["totals"]["communes"], t["totals"]["covered"]) for t in targets
    ]
    prev = demo_client.get(f"/coverage/targets?as_of={r.previous}").json()["items"]
    assert [t.totals.covered for t in r.targets_before] == [t["totals"]["covered"] for t in prev]
    classes = demo_client.get(f"/coverage/classes?as_of={day}").json()["items"]
    assert [c.totals.covered for c in r.classes] == [c["totals"]["covered"] for c in classes]
    posts = demo_client.get(f"/coverage/posts?as_of={day}").json()["items"]
    assert sum(p.officers for p in r.posts) == sum(p["officers"] for p in posts)
    assert sum(p.markers_damaged for p in r.posts) == sum(p["markers_damaged"] for p in posts)
    damaged = demo_client.get(
        f"/collections/markers/items?status=damaged&as_of={day}&limit=1"
    ).json()
    assert len(r.damaged) == damaged["numberMatched"]
    records = demo_client.get(f"/coordination?year={year}").json()["items"]
    assert [x.id for x in r.records] == [x["id"] for x in records]
    if year == 2011:
        assert sum(a.planted for a in r.activity if a.segment_code is None) > 0
        assert r.records and r.targets[0].totals.communes == 1088


@pytest.mark.parametrize(("lang", "title"), [("vi", "Báo cáo phối hợp công tác biên giới năm 2011"),
                                             ("en", "Border coordination report 2011")])  # fmt: skip
def test_report_page_in_both_languages(
    demo_client: TestClient, reports: dict[int, YearReport], lang: str, title: str
) -> None:
    resp = demo_client.get(f"/reports/2011?lang={lang}")
    assert resp.status_code == 200 and resp.headers["content-language"] == lang
    page = resp.text
    assert f"<h1>{title}</h1>" in page and f'<html lang="{lang}">' in page
    tr = translator(lang)
    goal = reports[2011].targets[0].totals
    assert f"{tr.format_number(goal.covered)} / {tr.format_number(goal.communes)}" in page
    assert page.count("<svg") >= 1 + 3 + 3  # bar chart, per-year charts, a map per border
    default = demo_client.get("/reports/2011").text
    assert "Báo cáo phối hợp" in default  # Vietnamese by default
    assert demo_client.get("/reports/2011?lang=fr").status_code == 400
    assert demo_client.get(f"/reports/{THIS_YEAR + 1}").status_code == 400
    assert demo_client.get("/reports/2011?province=99").status_code in (400, 404)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_report_pdf_holds_the_headline_figures(
    demo_client: TestClient, reports: dict[int, YearReport]
) -> None:
    _chromium()
    resp = demo_client.get("/reports/2011?f=pdf&lang=en")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    text = " ".join(_pdf_text(resp.content).split())
    r = reports[2011]
    tr = translator("en")
    assert "Border coordination report 2011" in text
    planted = sum(a.planted for a in r.activity if a.segment_code is None)
    assert f"Markers planted in the year {tr.format_number(planted)}" in text
    km = sum(b.km_demarcated or 0 for b in r.borders)
    assert tr.format_number(km, 1) in text
    goal = r.targets[0].totals
    assert f"{tr.format_number(goal.covered)} / {tr.format_number(goal.communes)}" in text


def test_report_command_writes_pdf_and_html(demo_db_url: str, tmp_path: Path) -> None:
    _chromium()
    env = {**os.environ, "BORDERMAP_DATABASE_URL": demo_db_url, "PYTHONPATH": str(ROOT)}
    for name in ("r.pdf", "r.html"):
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "service.commands.main", "report", "--year", "2011",
             "--province", "04", "-o", str(out)],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 1000
    text = _pdf_text((tmp_path / "r.pdf").read_bytes())
    assert "Báo cáo phối hợp công tác biên giới năm 2011" in " ".join(text.split())
    assert "Cao Bằng" in (tmp_path / "r.html").read_text(encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "service.commands.main", "report", "--year", "2011", "-o",
         str(tmp_path / "r.txt")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and ".html or .pdf" in bad.stderr


def test_screenshot_of_page_one(demo_client: TestClient) -> None:
    """Page 1 of the printed report, as an artifact for people to look at."""
    _chromium()
    from playwright.sync_api import sync_playwright

    html = demo_client.get("/reports/2011").text
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
        page.set_content(html)
        page.emulate_media(media="print")
        shot = ARTIFACTS / "report-2011-page1.png"
        page.screenshot(path=str(shot))
        assert page.locator("h1").inner_text().startswith("Báo cáo")
        b.close()
    assert shot.stat().st_size > 10_000
