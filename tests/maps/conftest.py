"""Fixtures of the map tests: a small hand-made database (both eras) and headless Chromium.

The small database is for tests that must write (the map cache after a write) or need
exact, known figures; the full demo dataset comes from ``live_server``/``demo_engine``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Connection, create_engine, text

from ..conftest import drop_database, migrated_database, need

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OFFICER_NAMES = ("Secret Officer One", "Secret Officer Two", "Secret Officer Three")


def _box(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"SRID=4326;MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


def seed_small(conn: Connection) -> None:
    """Two eras, one border province each, five border communes, four markers."""
    conn.execute(
        text(
            "INSERT INTO country (iso3, name, geom) VALUES"
            " ('VNM', 'Viet Nam', :vn), ('CHN', 'China', :cn)"
        ),
        {"vn": _box(103.0, 21.0, 106.0, 22.5), "cn": _box(103.0, 22.5, 106.0, 24.0)},
    )
    conn.execute(
        text(
            "INSERT INTO border (code, iso3, name, geom, synthetic) VALUES"
            " ('CN', 'CHN', 'Vietnam–China', :g, true)"
        ),
        {"g": "SRID=4326;MULTILINESTRING((103.9 22.5,104.2 22.5,104.6 22.5))"},
    )
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from, geom,"
            " synthetic) VALUES"
            " ('pre2025', '02', 'Hà Giang', 'tinh', '2025-07-01', NULL, :g, true),"
            " ('post2025', '08', 'Tuyên Quang', 'tinh', NULL, '2025-07-01', :g, true)"
        ),
        {"g": _box(103.9, 22.0, 104.6, 22.5)},
    )
    communes = [
        ("pre2025", "00001", "Xã A <b>", "02", True, False, (103.9, 22.3, 104.1, 22.5)),
        ("pre2025", "00002", "Xã B", "02", True, True, (104.1, 22.3, 104.3, 22.5)),
        ("pre2025", "00003", "Xã C", "02", False, True, (104.3, 22.3, 104.6, 22.5)),
        ("pre2025", "00004", "Xã Inland", "02", False, False, (103.9, 22.0, 104.6, 22.3)),
        ("post2025", "00001", "Xã A2", "08", True, False, (103.9, 22.3, 104.3, 22.5)),
        ("post2025", "00005", "Xã E", "08", False, True, (104.3, 22.3, 104.6, 22.5)),
    ]
    for era, code, name, prov, land, coast, box in communes:
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
                "g": _box(*box),
            },
        )
    conn.execute(
        text(
            "INSERT INTO officer (id, service_number, full_name, synthetic) VALUES"
            " (1, 'S-001', :n1, true), (2, 'S-002', :n2, true), (3, 'S-003', :n3, true)"
        ),
        dict(zip(("n1", "n2", "n3"), OFFICER_NAMES, strict=True)),
    )
    # Explicit ids: move the sequence past them, as the demo builder does.
    conn.execute(text("SELECT setval('officer_id_seq', (SELECT max(id) FROM officer))"))
    assignments = [
        (1, "pre2025", "00001", "pho_bi_thu_dang_uy", "2005-01-01", None),
        (2, "pre2025", "00001", "dang_uy_vien", "2008-06-01", "2025-07-01"),
        (3, "pre2025", "00002", "can_bo_tang_cuong", "2009-01-01", "2025-07-01"),
        (2, "post2025", "00001", "pho_bi_thu_dang_uy", "2025-07-01", None),
    ]
    for officer, era, code, role, start, end in assignments:
        conn.execute(
            text(
                "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date,"
                " end_date, synthetic) SELECT :o, id, :r, '2020-2025', :s, :e, true"
                " FROM commune WHERE era = :era AND code = :c"
            ),
            {"o": officer, "era": era, "c": code, "r": role, "s": start, "e": end},
        )
    line = "SRID=4326;MULTILINESTRING((103.9 22.5,104.2 22.5,104.6 22.5))"
    conn.execute(
        text(
            "INSERT INTO border_segment (code, border_code, era, province_code, valid_to,"
            " valid_from, official_length_km, geom, synthetic) VALUES"
            " ('02-CHN', 'CN', 'pre2025', '02', '2025-07-01', NULL, 72.5, :g, true),"
            " ('08-CHN', 'CN', 'post2025', '08', NULL, '2025-07-01', 72.5, :g, true)"
        ),
        {"g": line},
    )
    markers = [
        # number, same_number_index, sub_number, class, lon, events
        (12, None, None, "main", 103.95, [("2002-03-01", "planned"), ("2003-05-02", "planted")]),
        (17, 3, None, "main", 104.1, [("2002-03-01", "planned"), ("2004-01-10", "planted")]),
        (
            1369,
            2,
            None,
            "main",
            104.3,
            [("2002-03-01", "planned"), ("2004-06-01", "planted"), ("2012-02-02", "damaged")],
        ),
        (511, None, 1, "secondary", 104.5, [("2006-03-01", "surveyed")]),
    ]
    for number, same, sub, cls, lon, events in markers:
        marker_id = conn.execute(
            text(
                "INSERT INTO marker (border_code, number, same_number_index, sub_number,"
                " marker_class, geom, synthetic) VALUES ('CN', :n, :same, :sub, :cls,"
                " ST_SetSRID(ST_MakePoint(:lon, 22.5), 4326), true) RETURNING id"
            ),
            {"n": number, "same": same, "sub": sub, "cls": cls, "lon": lon},
        ).scalar_one()
        for day, status in events:
            conn.execute(
                text(
                    "INSERT INTO marker_event (marker_id, status, event_date, synthetic)"
                    " VALUES (:m, :s, :d, true)"
                ),
                {"m": marker_id, "s": status, "d": day},
            )
        conn.execute(
            text(
                "INSERT INTO marker_segment (marker_id, era, segment_id)"
                " SELECT :m, era, id FROM border_segment"
            ),
            {"m": marker_id},
        )


def make_small_db(server_url: str) -> str:
    """Create, migrate and seed a throwaway database; return its URL."""
    url = migrated_database(server_url, "bordermap_test_maps")
    eng = create_engine(url)
    with eng.begin() as c:
        seed_small(c)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def small_db_url(server_url: str) -> Iterator[str]:
    """The small database, shared: tests must not write to it."""
    url = make_small_db(server_url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
def fresh_small_db_url(server_url: str) -> Iterator[str]:
    """A small database of its own, for a test that writes."""
    url = make_small_db(server_url)
    yield url
    drop_database(server_url, url)


@dataclass
class Visit:
    """What a page did in the browser: console errors and requests that left loopback."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    need(Path(CHROMIUM).exists() and shutil.which("chromium") is not None, "no chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(False, "playwright is not installed")
        raise
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser: Any, *, offline: bool = False) -> tuple[Any, Any, Visit]:
    """A new page on which every request leaving loopback is aborted and recorded.

    ``offline``: the whole network is off (loopback too); only file: and data: load.
    Returns (context, page, visit); the visit records console errors, every request, and
    the blocked ones.
    """
    visit = Visit()
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    if offline:
        ctx.set_offline(True)

    def route(r: Any) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            r.continue_()  # file:, data:, blob:
        elif not offline and (parts.hostname or "") in LOOPBACK:
            r.continue_()
        else:
            visit.external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("request", lambda req: visit.requests.append(req.url))
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(f"pageerror: {e}"))
    return ctx, page, visit
