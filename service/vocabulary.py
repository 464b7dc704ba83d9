"""service.vocabulary: BorderMap's domain words, imported by every layer.

The eras of administrative units, the border codes, the marker life cycle, classes and
settings, the officer roles and the kinds of border commune. Nothing here imports the rest
of the service, so the data layer, the protocol packages, the maps and the commands all
name these the same way (the database constraints are generated from them too).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Era = Literal["pre2025", "post2025"]
ERAS: tuple[Era, Era] = ("pre2025", "post2025")
# The 2025 reform of provinces and communes took effect on this day (DOMAIN.md §4.3).
REFORM_DATE = dt.date(2025, 7, 1)

GEOM_SOURCES = ("official", "imported", "approximate")
BORDER_CODES = ("CN", "LA", "KH")
MARKER_CLASSES = ("main", "secondary", "coc_dau")
MARKER_SETTINGS = ("land", "river_bank", "confluence")
# Order matters: on one date a later status in this list wins (planted before verified).
MARKER_STATUSES = ("planned", "surveyed", "planted", "verified", "damaged", "restored", "relocated")
OFFICER_ROLES = (
    "pho_bi_thu_dang_uy",
    "dang_uy_vien",
    "pho_chu_tich_ubnd",
    "can_bo_tang_cuong",
    "dang_vien_sinh_hoat_chi_bo_thon",
)
# Which border communes a coverage figure counts: on a land border, on the coast, or both.
COMMUNE_KINDS = ("all", "land", "coastal")


def era_on(day: dt.date) -> Era:
    """The era of units in force on ``day``: ``pre2025`` before 2025-07-01, else ``post2025``."""
    return ERAS[0] if day < REFORM_DATE else ERAS[1]


def eras_between(start: dt.date | None, end: dt.date | None) -> tuple[Era, ...]:
    """The eras in force at some time from ``start`` to ``end`` (inclusive; None is open)."""
    first = ERAS[0] if start is None else era_on(start)
    last = ERAS[1] if end is None else era_on(end)
    return ERAS[ERAS.index(first) : ERAS.index(last) + 1]


# Official lists of communes, by period (issue 11): the border communes a report counts, the
# particularly difficult communes (xã đặc biệt khó khăn) and the coastal "bãi ngang" ones.
COMMUNE_CLASSES = ("border", "particularly_difficult", "coastal_bai_ngang")
# Border gates (cửa khẩu) by rank.
GATE_TYPES = ("international", "main", "secondary")
# Coordination between the Border Guard and a province: the signed regulation, and each
# year's review conference or briefing.
COORDINATION_KINDS = ("regulation", "review_conference", "briefing")
