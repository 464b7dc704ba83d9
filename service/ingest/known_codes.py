"""service.ingest.known_codes: the unit codes an import accepts for an era.

The reference list is ``vietnamadminunits`` (:func:`service.demo.sources.reference_codes`);
``unit_codes_extra.csv`` beside this module adds codes official sources use and the package
lacks, each with its source. Codes already in the database for the era are known too.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from service.demo.sources import reference_codes

EXTRA = Path(__file__).with_name("unit_codes_extra.csv")


@lru_cache(maxsize=4)
def known_codes(level: str, era: str) -> frozenset[str]:
    """Codes of ``level`` (province, commune) known for ``era`` outside the database."""
    with EXTRA.open(encoding="utf-8", newline="") as fh:
        extra = {r["code"] for r in csv.DictReader(fh) if (r["era"], r["level"]) == (era, level)}
    return reference_codes(level, era) | extra
