"""maps.segments: border segments coloured by demarcation progress (markers and progress maps).

Segment features carry the progress API's figures for that segment (``/progress/segments``):
``segment_code``, ``border_code``, ``province_name``, ``pct_km``, ``km_demarcated``,
``length_km``, ``markers_planted``, ``markers_total``, ``pct_markers``. The colour is
``pct_km``, the share of the line between planted markers.
"""

from __future__ import annotations

from html import escape
from typing import Any

from maps import style
from maps.elements import GeoJsonLayer
from maps.text import Translator

SEGMENT_FIELDS = (
    "segment_code",
    "border_code",
    "province_name",
    "pct_km",
    "km_demarcated",
    "length_km",
    "markers_planted",
    "markers_total",
    "pct_markers",
)

# Needs bmEsc, bmNum and BM_T (segment_texts) on the page.
TOOLTIP_JS = """
function bmPct(v) { return v === null || v === undefined ? BM_T.na : bmNum(v, 1) + " %"; }
function bmKm(v) { return v === null || v === undefined ? BM_T.na : bmNum(v, 1) + " km"; }
function bmSegmentTooltip(p) {
    var e = bmEsc;
    return "<b>" + e(p.segment_name) + "</b> <span class='muted'>" + e(p.segment_code)
        + "</span><table><tr><td>" + BM_T.line + "</td><td class='n'>" + bmPct(p.pct_km)
        + "</td></tr><tr><td>" + BM_T.km + "</td><td class='n'>" + bmKm(p.km_demarcated)
        + " / " + bmKm(p.length_km) + "</td></tr>"
        + "<tr><td>" + BM_T.planted + "</td><td class='n'>" + bmNum(p.markers_planted)
        + " / " + bmNum(p.markers_total) + "</td></tr></table>";
}
"""


def segment_texts(tr: Translator) -> dict[str, str]:
    """The words of the segment tooltip (``BM_T``), in the reader's language."""
    return {
        "na": tr.gettext("n/a"),
        "line": tr.gettext("Line demarcated"),
        "km": tr.gettext("Km demarcated"),
        "planted": tr.gettext("Markers planted"),
    }


NO_FIGURE = "none"


def progress_key(pct: float | None) -> str:
    """Style key of a percentage: the index of its progress class, or ``none``."""
    cls = style.progress_class(pct)
    return NO_FIGURE if cls is None else str(style.PROGRESS_CLASSES.index(cls))


def check_segments(features: dict[str, Any]) -> None:
    """Raise when a segment feature lacks one of ``SEGMENT_FIELDS``."""
    for f in features["features"]:
        missing = [k for k in SEGMENT_FIELDS if k not in f.get("properties", {})]
        if missing:
            raise ValueError(f"segment feature lacks {', '.join(missing)}")


def segments_layer(
    features: dict[str, Any], *, weight: float, tr: Translator, css: str = "bm-segment"
) -> GeoJsonLayer:
    """One GeoJSON layer of segment lines, coloured by ``pct_km``, with tooltips.

    Named "Segments by progress (N)" in the layer control, N counting every feature given.
    Each segment is named by its province and neighbour (``Cao Bằng – Trung Quốc``).
    """
    check_segments(features)
    keyed = [
        {
            **f,
            "id": f["properties"]["segment_code"],
            "properties": {
                **f["properties"],
                "cls": progress_key(f["properties"]["pct_km"]),
                "segment_name": style.segment_label(
                    f["properties"]["province_name"], f["properties"]["border_code"], tr
                ),
            },
        }
        for f in features["features"]
        if f.get("geometry")
    ]
    styles = {
        str(i): {"color": c.colour, "weight": weight, "opacity": 0.95}
        for i, c in enumerate(style.PROGRESS_CLASSES)
    }
    styles[NO_FIGURE] = {"color": style.NO_PROGRESS_COLOUR, "weight": weight, "opacity": 0.95}
    return GeoJsonLayer(
        keyed,
        name=tr.gettext("Segments by progress ({n})").format(
            n=tr.format_number(len(features["features"]))
        ),
        style_key="cls",
        styles=styles,
        class_name=css,
        tooltip_js="bmSegmentTooltip",
        highlight={"weight": weight + 3},
    )


def progress_legend_rows(tr: Translator) -> str:
    """Legend rows of the progress classes (line swatches)."""
    rows = [
        f'<tr><td><span class="bm-swatch line" style="border-color:{c.colour}"></span>'
        f"{escape(tr.gettext(c.label))}</td></tr>"
        for c in style.PROGRESS_CLASSES
    ]
    rows.append(
        f'<tr><td><span class="bm-swatch line" style="border-color:{style.NO_PROGRESS_COLOUR}">'
        f"</span>{escape(tr.gettext('no figure'))}</td></tr>"
    )
    return "".join(rows)
