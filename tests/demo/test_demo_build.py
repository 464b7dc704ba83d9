"""Building the demo dataset: deterministic, all-or-nothing, ``--if-empty``, CLI output."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from service.commands.main import main
from service.db import demo_store
from service.demo import DemoDataset, generate_demo, write_demo
from service.demo.build import checksum
from service.demo.sources import read_natural_earth
from tests.conftest import drop_database, migrated_database

pytestmark = pytest.mark.db

MARKER_SQL = (
    "SELECT border_code, number, same_number_index, sub_number, elevation_m,"
    " encode(ST_AsEWKB(geom), 'hex') FROM marker ORDER BY id"
)
COMMUNE_SQL = (
    "SELECT era, code, is_land_border, is_coastal, encode(ST_AsEWKB(geom), 'hex')"
    " FROM commune ORDER BY id"
)


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    """A fresh in-memory generation with the default seed (not the one in the demo DB)."""
    return generate_demo(2011)


@pytest.fixture(scope="module")
def scratch_url(server_url: str) -> Iterator[str]:
    """A migrated database of this module's own: these tests write."""
    url = migrated_database(server_url, "bordermap_test_demo_build")
    yield url
    drop_database(server_url, url)


@pytest.fixture(scope="module")
def scratch(scratch_url: str) -> Iterator[Engine]:
    eng = create_engine(scratch_url)
    yield eng
    eng.dispose()


def _memory_rows(ds: DemoDataset, table: str, cols: tuple[str, ...]) -> list[tuple]:
    t = ds.table(table)
    idx = [t.columns.index(c) for c in cols]
    return [tuple(str(r[i]).lower() if c == "geom" else r[i] for c, i in zip(cols, idx, strict=True))
            for r in t.rows]  # fmt: skip


def _state(conn: Connection) -> tuple[dict[str, int], str, str, int]:
    markers = [tuple(r) for r in conn.execute(text(MARKER_SQL)).all()]
    communes = [tuple(r) for r in conn.execute(text(COMMUNE_SQL)).all()]
    version = conn.execute(text("SELECT version FROM data_version")).scalar_one()
    return demo_store.table_counts(conn), checksum(markers), checksum(communes), version


def test_same_seed_gives_the_same_rows(dataset: DemoDataset, demo_engine: Engine) -> None:
    """A second generation equals what the session fixture wrote to PostGIS, byte for byte."""
    marker_cols = ("border_code", "number", "same_number_index", "sub_number", "elevation_m",
                   "geom")  # fmt: skip
    commune_cols = ("era", "code", "is_land_border", "is_coastal", "geom")
    with demo_engine.connect() as c:
        db_markers = [tuple(r) for r in c.execute(text(MARKER_SQL)).all()]
        db_communes = [tuple(r) for r in c.execute(text(COMMUNE_SQL)).all()]
    assert checksum(_memory_rows(dataset, "marker", marker_cols)) == checksum(db_markers)
    assert checksum(_memory_rows(dataset, "commune", commune_cols)) == checksum(db_communes)


def test_another_seed_moves_markers_but_keeps_the_totals() -> None:
    from service.demo import borders, markers

    ne = read_natural_earth()
    lines = borders.border_lines(ne.outlines)
    a = markers.generate(lines, ne.outlines["VNM"], 2011)
    b = markers.generate(lines, ne.outlines["VNM"], 7)
    assert {k: len(v) for k, v in a.items()} == {k: len(v) for k, v in b.items()}
    assert [(m.lon, m.lat) for m in a["CN"]] != [(m.lon, m.lat) for m in b["CN"]]


def test_summary_text_reports_borders_eras_and_terms(dataset: DemoDataset) -> None:
    text_ = dataset.summary.as_text()
    assert "CN Việt Nam – Trung Quốc: 1,971 markers at 1,780 positions" in text_
    assert "LA Việt Nam – Lào: 1,002 markers at 905 positions" in text_
    assert "KH Việt Nam – Campuchia: 2,047 markers at 1,553 positions" in text_
    assert "pre2025: 63 provinces, 10,040 communes" in text_
    assert "post2025: 34 provinces, 3,321 communes" in text_
    for term in ("2000-2005", "2005-2010", "2010-2015", "2015-2020", "2020-2025", "2025-2030"):
        assert re.search(rf"{term}: [\d,]+ officers", text_), term
    assert "Built in" in text_


def test_cli_builds_when_empty_and_then_does_nothing(
    scratch_url: str,
    scratch: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", scratch_url)
    assert main(["demo", "build", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "1,971 markers at 1,780 positions" in out and "Built in" in out
    with scratch.connect() as c:
        before = _state(c)
    assert before[0]["marker"] == 5020
    assert main(["demo", "build", "--if-empty"]) == 0
    assert "nothing done" in capsys.readouterr().out
    with scratch.connect() as c:
        assert _state(c) == before  # same rows, and not even the version counter moved


@pytest.mark.parametrize("how", ["raise_before_commit", "bad_last_row"])
def test_a_failed_build_leaves_the_database_unchanged(
    how: str,
    dataset: DemoDataset,
    scratch: Engine,
    scratch_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with scratch.connect() as c:
        if not demo_store.has_rows(c, "border"):  # run alone: fill it first
            write_demo(scratch, dataset)
    with scratch.connect() as c:
        before = _state(c)

    if how == "raise_before_commit":

        def boom(conn: Connection) -> None:
            # Everything was written in this transaction (TRUNCATE included) ...
            assert demo_store.table_counts(conn)["marker_event"] == len(
                dataset.table("marker_event").rows
            )
            raise RuntimeError("injected failure after writing")

        with pytest.raises(RuntimeError, match="injected failure"):
            write_demo(scratch, dataset, before_commit=boom)
    else:
        # The last table's last row breaks a constraint: COPY fails after all else is in.
        last = dataset.tables[-1]
        broken = dataclasses.replace(
            last, rows=[*last.rows[:-1], (*last.rows[-1][:3], "general", *last.rows[-1][4:])]
        )
        bad = dataclasses.replace(dataset, tables=[*dataset.tables[:-1], broken])
        with pytest.raises(Exception, match="kind_known"):  # coordination_record.kind
            write_demo(scratch, bad)

    with scratch.connect() as c:
        assert _state(c) == before
