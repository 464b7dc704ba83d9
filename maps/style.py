"""maps.style: colours, classes and labels shared by the maps (no folium here).

Colours are ColorBrewer-derived and readable on the light offline basemap; every class
has a legend label so the legend and the map cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

# Offline basemap.
SEA = "#dde8f0"
VIETNAM_FILL = "#fbfaf6"
NEIGHBOUR_FILL = "#ece9e1"
COUNTRY_LINE = "#b9b4a8"
PROVINCE_LINE = "#8f8a80"
BORDER_LINE = "#6b1f1a"

ROLE_LABELS: dict[str, str] = {
    "pho_bi_thu_dang_uy": "Deputy party secretary",
    "dang_uy_vien": "Party committee member",
    "pho_chu_tich_ubnd": "Vice-chair, People's Committee",
    "can_bo_tang_cuong": "Seconded cadre",
    "dang_vien_sinh_hoat_chi_bo_thon": "Member of a village party cell",
}


def role_label(role: str) -> str:
    """Readable English label of an officer role (the code itself when unknown)."""
    return ROLE_LABELS.get(role, role)


@dataclass(frozen=True, slots=True)
class CoverageClass:
    """One legend class of the coverage map: officers in ``[low, high]`` (high None: open)."""

    key: str
    label: str
    low: int
    high: int | None
    fill: str
    line: str


UNCOVERED = CoverageClass("uncovered", "Uncovered: no officer", 0, 0, "#fb6a4a", "#a50f15")
COVERAGE_CLASSES: tuple[CoverageClass, ...] = (
    UNCOVERED,
    CoverageClass("c1", "1 officer", 1, 1, "#c6dbef", "#4a6d8c"),
    CoverageClass("c2", "2 officers", 2, 2, "#6baed6", "#2b5676"),
    CoverageClass("c3", "3–4 officers", 3, 4, "#2171b5", "#123f66"),
    CoverageClass("c5", "5 or more officers", 5, None, "#08306b", "#041a3a"),
)


def coverage_class(officers: int) -> CoverageClass:
    """The legend class of a commune with ``officers`` seconded officers."""
    if officers < 0:
        raise ValueError(f"officers must be >= 0, got {officers}")
    for cls in COVERAGE_CLASSES:
        if officers >= cls.low and (cls.high is None or officers <= cls.high):
            return cls
    raise AssertionError("coverage classes do not cover every count")  # pragma: no cover


MARKER_STATUS_COLOURS: dict[str, str] = {
    "planned": "#8c8c8c",
    "surveyed": "#3f7fcf",
    "planted": "#33a02c",
    "verified": "#00441b",
    "damaged": "#e31a1c",
    "restored": "#ff7f00",
    "relocated": "#6a3d9a",
}
NO_STATUS = "none"
NO_STATUS_COLOUR = "#d0d0d0"
MARKER_CLASS_LABELS: dict[str, str] = {
    "main": "Main marker",
    "secondary": "Secondary marker",
    "coc_dau": "Cọc dấu (witness post)",
}


def status_colour(status: str | None) -> str:
    """Colour of a marker status (grey for a marker with no recorded status yet)."""
    if status is None or status == NO_STATUS:
        return NO_STATUS_COLOUR
    return MARKER_STATUS_COLOURS.get(status, NO_STATUS_COLOUR)


@dataclass(frozen=True, slots=True)
class ProgressClass:
    """One legend class of the progress colouring: percent in ``[low, high)``."""

    label: str
    low: float
    high: float
    colour: str


PROGRESS_CLASSES: tuple[ProgressClass, ...] = (
    ProgressClass("under 25 %", 0.0, 25.0, "#d7191c"),
    ProgressClass("25–50 %", 25.0, 50.0, "#f07c3b"),
    ProgressClass("50–75 %", 50.0, 75.0, "#d9a300"),
    ProgressClass("75–95 %", 75.0, 95.0, "#7fbf3f"),
    ProgressClass("95 % or more", 95.0, 100.0001, "#1a9641"),
)
NO_PROGRESS_COLOUR = "#9e9e9e"


def progress_class(pct: float | None) -> ProgressClass | None:
    """The legend class of a percentage (None when unknown)."""
    if pct is None:
        return None
    for cls in PROGRESS_CLASSES:
        if cls.low <= pct < cls.high:
            return cls
    raise ValueError(f"percentage out of range 0-100: {pct}")


def progress_colour(pct: float | None) -> str:
    """Colour of a demarcation percentage (grey when unknown)."""
    cls = progress_class(pct)
    return cls.colour if cls else NO_PROGRESS_COLOUR
