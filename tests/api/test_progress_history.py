"""Progress over the years: the demarcated share never falls, official lengths survive the reform."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, Engine, text

from service.db.progress import border_progress, segment_progress

pytestmark = pytest.mark.db

YEARS = [dt.date(y, 12, 31) for y in range(2000, dt.date.today().year)] + [dt.date.today()]


def _lost_markers(conn: Connection, day: dt.date) -> set[int]:
    """Markers planted by ``day`` whose status on ``day`` is no longer planted-or-later."""
    rows = conn.execute(
        text(
            "SELECT s.marker_id FROM marker_status_as_of(:d) s"
            " WHERE s.status IN ('planned', 'surveyed') AND EXISTS ("
            "  SELECT 1 FROM marker_event e WHERE e.marker_id = s.marker_id"
            "  AND e.event_date <= :d AND e.status NOT IN ('planned', 'surveyed'))"
        ),
        {"d": day},
    )
    return {r[0] for r in rows}


def test_demo_demarcated_share_never_decreases(demo_engine: Engine) -> None:
    """Year by year (2000-today), each border's and segment's share only grows (no demo
    marker is ever lost; the Laos densification of 2008-2014 no longer pulls it down)."""
    with demo_engine.connect() as conn:
        prev_b: dict[str, float] = {}
        prev_s: dict[tuple[str, str], float] = {}
        for day in YEARS:
            assert not _lost_markers(conn, day), day
            for b in border_progress(conn, as_of=day):
                assert b.pct_km is not None
                assert b.pct_km >= prev_b.get(b.border_code, 0.0) - 1e-9, (b.border_code, day)
                prev_b[b.border_code] = b.pct_km
            segs = segment_progress(conn, as_of=day)
            era = "pre2025" if day < dt.date(2025, 7, 1) else "post2025"
            for s in segs:
                key = (era, str(s.segment_code))
                assert s.pct_km is not None
                assert s.pct_km >= prev_s.get(key, 0.0) - 1e-9, (key, day)
                prev_s[key] = s.pct_km
        la = border_progress(conn, as_of=dt.date(2009, 12, 31), border="LA")[0]
        assert la.pct_km == 100.0  # the 1978-1987 line stays demarcated during densification


def test_demo_official_length_after_reform(demo_engine: Engine) -> None:
    """Cao Bằng's stretch did not change in 2025: 333 km official in both eras."""
    with demo_engine.connect() as conn:
        (old,) = segment_progress(conn, as_of=dt.date(2020, 1, 1), province="04")
        (new,) = segment_progress(conn, as_of=dt.date.today(), province="04")
    assert (old.segment_code, old.length_km, old.length_basis) == ("04-CHN", 333.0, "official")
    assert (new.segment_code, new.length_km, new.length_basis) == (
        "04-CHN",
        333.0,
        "official_carried",
    )
    assert new.measured_km == old.measured_km  # the same line


def _seg(conn: Connection, code: str, era: str, prov: str, km: float | None, wkt: str) -> None:
    vt, vf = ("2025-07-01", None) if era == "pre2025" else (None, "2025-07-01")
    conn.execute(
        text(
            "INSERT INTO border_segment (code, border_code, era, province_code,"
            " official_length_km, valid_to, valid_from, geom, synthetic)"
            " VALUES (:c, 'CN', :e, :p, :km, :vt, :vf, ST_GeomFromText(:g, 4326), true)"
        ),
        {"c": code, "e": era, "p": prov, "km": km, "vt": vt, "vf": vf, "g": wkt},
    )


@pytest.mark.parametrize(("second_km", "basis", "km"), [(50.0, "official_carried", 150.0),
                                                        (None, "measured", None)])  # fmt: skip
def test_official_lengths_of_merged_provinces_add_up(
    conn: Connection, second_km: float | None, basis: str, km: float | None
) -> None:
    """Two old provinces merged into one: their official lengths add up, if both have one."""
    conn.execute(
        text(
            "INSERT INTO border (code, iso3, name, official_length_km, geom, synthetic)"
            " VALUES ('CN', 'CHN', 'Viet Nam - China', 1449.566,"
            " 'SRID=4326;MULTILINESTRING((104 22,105 22))', true)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from) VALUES"
            " ('pre2025', '02', 'Ha Giang', 'tinh', '2025-07-01', NULL),"
            " ('pre2025', '06', 'Tuyen Quang', 'tinh', '2025-07-01', NULL),"
            " ('post2025', '08', 'Tuyen Quang', 'tinh', NULL, '2025-07-01');"
            " INSERT INTO admin_lineage VALUES ('province', '02', '08', true),"
            " ('province', '06', '08', true)"
        )
    )
    _seg(conn, "02-CHN", "pre2025", "02", 100.0, "MULTILINESTRING((104 22,104.5 22))")
    _seg(conn, "06-CHN", "pre2025", "06", second_km, "MULTILINESTRING((104.5 22,105 22))")
    _seg(conn, "08-CHN", "post2025", "08", None, "MULTILINESTRING((104 22,104.5 22,105 22))")
    (s,) = segment_progress(conn, as_of=dt.date(2026, 1, 1))
    assert s.length_basis == basis
    if km is not None:
        assert s.length_km == km
    (b,) = border_progress(conn, as_of=dt.date(2026, 1, 1), province="08")
    assert b.length_basis == basis
