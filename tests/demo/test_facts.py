"""The demo's real figures come from data/boundaries/*.csv, each row with its source."""

from __future__ import annotations

import csv
import fnmatch
import shutil
import tomllib
from pathlib import Path

import pytest

from service.demo import facts as F

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "boundaries"
FILES = sorted(p.name for p in DATA.glob("*.csv"))


def test_the_loader_reads_data_boundaries_and_the_wheel_ships_every_file() -> None:
    assert Path(str(F.DATA_DIR)).resolve() == DATA
    assert FILES == ["border_gates.csv", "borders.csv", "coverage_targets.csv", "dates.csv",
                     "documents.csv", "marker_counts.csv", "marker_places.csv",
                     "segments_pre2025.csv"]  # fmt: skip
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["service.demo"]
    for name in FILES:
        assert any(fnmatch.fnmatch(f"boundaries/{name}", pat) for pat in package_data), name


@pytest.mark.parametrize("name", FILES)
def test_every_row_names_its_source(name: str) -> None:
    with (DATA / name).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        if "approximate" in row:
            assert row["approximate"] in ("true", "false"), row


def test_approximate_figures_say_so_where_they_are_stored() -> None:
    by_code = {b.code: b for b in F.BORDERS}
    assert not by_code["CN"].length_approximate
    assert not by_code["CN"].length_source.startswith("approximate")
    for code in ("LA", "KH"):
        assert by_code[code].length_approximate
        assert by_code[code].length_source.startswith("approximate: ")
    approximate = {k for k, s in F.SEGMENTS_PRE2025.items() if s.source.startswith("approximate")}
    assert approximate == {("49", "LAO"), ("72", "KHM"), ("66", "KHM"), ("89", "KHM")}


def test_the_counts_add_up_to_each_borders_totals() -> None:
    """The files agree with each other: the scheme counts make the published totals."""
    by_code = {b.code: b for b in F.BORDERS}
    assert F.CN_MAIN_NUMBERS + F.CN_SECONDARY_POSITIONS == by_code["CN"].positions == 1780
    la_coc = F.LA_COC_DAU_EARLY[0] + F.LA_COC_DAU_LATE[0]
    assert F.LA_MAIN_MARKERS + la_coc == by_code["LA"].markers == 1002
    la_coc_positions = F.LA_COC_DAU_EARLY[1] + F.LA_COC_DAU_LATE[1]
    assert F.LA_MAIN_POSITIONS + la_coc_positions == by_code["LA"].positions == 905
    kh_markers = F.KH_MAIN_MARKERS + F.KH_SECONDARY_MARKERS + F.KH_COC_DAU
    assert kh_markers == by_code["KH"].markers == 2047
    kh_positions = F.KH_MAIN_POSITIONS + F.KH_SECONDARY_POSITIONS + F.KH_COC_DAU
    assert kh_positions == by_code["KH"].positions == 1553
    assert F.CN_FIRST_MARKER < F.CN_FIELD_DONE < F.CN_PROTOCOL_SIGNED < F.CN_PROTOCOL_IN_FORCE
    assert F.LA_FIELD_START < F.LA_MARKERS_DONE < F.LA_COC_DAU_DONE < F.LA_COMPLETION


def _copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def test_a_bad_value_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "borders.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2337,", ",2337x,"), "utf-8")
    with pytest.raises(F.FactsError, match=r"borders.csv line 3, field 'length_km'"):
        F.read_borders(folder)
    path.write_text(path.read_text(encoding="utf-8").replace(",2337x,", ",2,337,"), "utf-8")
    with pytest.raises(F.FactsError, match=r"borders.csv line 3: more fields than columns"):
        F.read_borders(folder)


def test_a_missing_column_or_key_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "dates.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("approximate,", "approx,", 1), "utf-8")
    with pytest.raises(F.FactsError, match=r"dates.csv: columns are .*'approx'"):
        F.read_dates(folder)
    counts = F.read_counts(folder)
    with pytest.raises(F.FactsError, match=r"marker_counts.csv: no row with key 'kh_coc_dau_2'"):
        counts["kh_coc_dau_2"]
    with pytest.raises(F.FactsError, match=r"segments_pre2025.csv: no such facts file"):
        F.read_segments(folder / "nowhere")
