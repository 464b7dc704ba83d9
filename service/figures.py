"""service.figures: the one typed definition of each figure BorderMap reports.

The data layer (:mod:`service.db.coverage`, :mod:`service.db.progress`) computes them, the
routes return them as they are (JSON and CSV), and the map builders (:mod:`maps`) draw
them: one definition, so a field added here reaches every output. Their meaning is
specified in the docstrings of the data-layer modules that compute them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Progress:
    """Progress figures of one border (``segment_code`` None) or one segment on a date."""

    border_code: str
    border_name: str
    segment_code: str | None
    province_code: str | None
    province_name: str | None
    markers_total: int
    markers_planned: int
    markers_planted: int
    markers_verified: int
    markers_damaged: int
    by_status: dict[str, int]
    markers_expected: int | None
    pct_markers: float | None
    positions_done: int
    positions_expected: int | None
    pct_positions: float | None
    length_km: float | None
    length_basis: str | None
    measured_km: float | None
    km_demarcated: float | None
    pct_km: float | None
    demarcated_flag: bool | None
    synthetic: bool


@dataclass(frozen=True, slots=True)
class CommuneCoverage:
    """Coverage of one border commune on a date (no geometry: join maps on ``code``)."""

    code: str
    name: str
    province_code: str
    province_name: str
    is_land_border: bool
    is_coastal: bool
    neighbour_countries: list[str]
    officers: int
    officers_by_role: dict[str, int]
    covered: bool
    synthetic: bool


@dataclass(frozen=True, slots=True)
class UncoveredCommune:
    """A border commune with no active officer."""

    code: str
    name: str
    province_code: str


@dataclass(frozen=True, slots=True)
class ProvinceCoverage:
    """Coverage of the border communes of one province (or of all, for the totals)."""

    province_code: str | None
    province_name: str | None
    communes: int
    land_communes: int
    coastal_communes: int
    covered: int
    uncovered: int
    covered_pct: float | None  # share of border communes covered, in % (None: no communes)
    officers: int
    officers_by_role: dict[str, int]
    uncovered_communes: list[UncoveredCommune] = field(default_factory=list)
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """Province rows and the totals over them, for one date, province filter and kind."""

    as_of: dt.date
    era: str
    kind: str
    provinces: list[ProvinceCoverage]
    totals: ProvinceCoverage
    synthetic: bool
