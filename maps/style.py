"""maps.style: colours, classes and labels shared by the maps (no folium here).

Colours are ColorBrewer-derived and readable on the light offline basemap; every class
has a legend label so the legend and the map cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from maps.text import N_, Translator

# Offline basemap.
SEA = "#dde8f0"
VIETNAM_FILL = "#fbfaf6"
NEIGHBOUR_FILL = "#ece9e1"
COUNTRY_LINE = "#b9b4a8"
PROVINCE_LINE = "#8f8a80"
BORDER_LINE = "#6b1f1a"

# Labels are English msgids (translated where shown: ``tr.gettext(label)``).
ROLE_LABELS: dict[str, str] = {
    "pho_bi_thu_dang_uy": N_("Deputy secretary, commune party committee"),
    "dang_uy_vien": N_("Member, commune party committee"),
    "pho_chu_tich_ubnd": N_("Vice-chair, commune People's Committee"),
    "can_bo_tang_cuong": N_("Seconded cadre"),
    "dang_vien_sinh_hoat_chi_bo_thon": N_("Party member in a village cell"),
}
STATUS_LABELS: dict[str, str] = {
    "planned": N_("planned"),
    "surveyed": N_("surveyed"),
    "planted": N_("planted"),
    "verified": N_("verified"),
    "damaged": N_("damaged"),
    "restored": N_("restored"),
    "relocated": N_("relocated"),
    "none": N_("no status yet"),
}
# What an inspection found (service.db.schema_writes.INSPECTION_FINDINGS).
FINDING_LABELS: dict[str, str] = {
    "intact": N_("intact"),
    "damaged": N_("damaged"),
    "destroyed": N_("destroyed"),
    "displaced": N_("displaced"),
    "restored": N_("restored"),
    "verified": N_("verified"),
}
# The land borders, and the neighbour each one is with (segment names: province – neighbour).
BORDER_LABELS: dict[str, str] = {
    "CN": N_("Vietnam–China"),
    "LA": N_("Vietnam–Laos"),
    "KH": N_("Vietnam–Cambodia"),
}
NEIGHBOUR_LABELS: dict[str, str] = {"CN": N_("China"), "LA": N_("Laos"), "KH": N_("Cambodia")}
ERA_LABELS: dict[str, str] = {
    "pre2025": N_("units before 1 July 2025"),
    "post2025": N_("units since 1 July 2025"),
}


def role_label(role: str, tr: Translator) -> str:
    """The reader's name of an officer role (the code itself when unknown)."""
    return tr.gettext(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def status_label(status: str | None, tr: Translator) -> str:
    """The reader's name of a marker status (``None``: no status yet)."""
    key = status or "none"
    return tr.gettext(STATUS_LABELS[key]) if key in STATUS_LABELS else key


def finding_label(finding: str, tr: Translator) -> str:
    """The reader's word for what an inspection found."""
    return tr.gettext(FINDING_LABELS[finding]) if finding in FINDING_LABELS else finding


def border_label(code: str, tr: Translator) -> str:
    """The reader's name of a land border (``Việt Nam – Trung Quốc``)."""
    return tr.gettext(BORDER_LABELS[code]) if code in BORDER_LABELS else code


# The unit word before a province's proper name in the official name ("Tỉnh Cao Bằng").
UNIT_WORDS = ("Tỉnh ", "Thành phố ")


def short_province(name: str | None) -> str:
    """A province's proper name without its unit word: ``Tỉnh Cao Bằng`` → ``Cao Bằng``."""
    if not name:
        return ""
    for word in UNIT_WORDS:
        if name.startswith(word) and len(name) > len(word):
            return name[len(word) :]
    return name


def segment_label(province_name: str | None, border_code: str, tr: Translator) -> str:
    """A border segment by name: its province and the neighbour (``Cao Bằng – Trung Quốc``)."""
    neighbour = NEIGHBOUR_LABELS.get(border_code)
    where = short_province(province_name) or "?"
    return f"{where} – {tr.gettext(neighbour) if neighbour else border_code}"


@dataclass(frozen=True, slots=True)
class CoverageClass:
    """One legend class of the coverage map: officers in ``[low, high]`` (high None: open)."""

    key: str
    label: str
    low: int
    high: int | None
    fill: str
    line: str


UNCOVERED = CoverageClass("uncovered", N_("Uncovered: no officer"), 0, 0, "#fb6a4a", "#a50f15")
COVERAGE_CLASSES: tuple[CoverageClass, ...] = (
    UNCOVERED,
    CoverageClass("c1", N_("1 officer"), 1, 1, "#c6dbef", "#4a6d8c"),
    CoverageClass("c2", N_("2 officers"), 2, 2, "#6baed6", "#2b5676"),
    CoverageClass("c3", N_("3–4 officers"), 3, 4, "#2171b5", "#123f66"),
    CoverageClass("c5", N_("5 or more officers"), 5, None, "#08306b", "#041a3a"),
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
    "main": N_("Main marker"),
    "secondary": N_("Secondary marker"),
    "coc_dau": N_("Witness post (cọc dấu)"),
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
    ProgressClass(N_("under 25 %"), 0.0, 25.0, "#d7191c"),
    ProgressClass(N_("25–50 %"), 25.0, 50.0, "#f07c3b"),
    ProgressClass(N_("50–75 %"), 50.0, 75.0, "#d9a300"),
    ProgressClass(N_("75–95 %"), 75.0, 95.0, "#7fbf3f"),
    ProgressClass(N_("95 % or more"), 95.0, 100.0001, "#1a9641"),
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
