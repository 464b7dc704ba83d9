"""maps.markers: every border marker coloured by status, clustered (pure builder).

Markers go into one Leaflet.markercluster group as canvas circle markers built from compact
rows, so 5,000+ markers stay small in the page and smooth to pan. Segments underneath are
coloured by demarcation progress (:mod:`maps.segments`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from branca.element import Element

from maps import style
from maps.assets import MARKERCLUSTER, Assets, OfflineMap, require
from maps.base import (
    Basemap,
    Tiles,
    add_layer,
    add_outlines,
    as_features,
    feature_bounds,
    finish,
    new_map,
)
from maps.controls import ViewControls, controls_panel
from maps.elements import (
    ESCAPE_JS,
    ClusteredPoints,
    Panel,
    Script,
    js_const,
    number_js,
)
from maps.page import PageText
from maps.segments import TOOLTIP_JS, progress_legend_rows, segment_texts, segments_layer
from maps.text import Translator

MARKER_FIELDS = ("label", "border_code", "marker_class", "status", "history")
STATUSES = (*style.MARKER_STATUS_COLOURS, style.NO_STATUS)
CLASSES = tuple(style.MARKER_CLASS_LABELS)

_POPUP_JS = """
function (r) {
    var e = bmEsc, h = "";
    for (var i = r[5].length - 1; i >= 0; i--) {
        h += "<tr><td>" + e(r[5][i][0]) + "</td><td><span class='bm-swatch dot' style='background:"
            + BM_STATUS[r[5][i][1]][1] + "'></span>" + e(BM_STATUS[r[5][i][1]][0]) + "</td></tr>";
    }
    return "<div class='bm-popup'><b>" + BM_T.marker + " " + e(r[2]) + "</b> <span class='muted'>"
        + e(BM_BORDERS[r[6]] || r[6]) + "</span><br>" + e(BM_CLASSES[r[3]])
        + "<br>" + BM_T.status + ": <b>" + e(BM_STATUS[r[4]][0]) + "</b>"
        + "<table class='bm-history'><caption>" + BM_T.history + "</caption>" + h
        + "</table></div>";
}
"""

_STYLE_JS = """
function (r) {
    return {radius: 5, weight: 1, color: "#222", fillColor: BM_STATUS[r[4]][1],
            fillOpacity: 0.95};
}
"""

# A cluster is a ring showing the share of each status among its markers.
_ICON_JS = """
function (cluster) {
    var ms = cluster.getAllChildMarkers(), n = ms.length, counts = {}, i, at = 0, stops = [];
    for (i = 0; i < n; i++) { var s = ms[i].bmRow[4]; counts[s] = (counts[s] || 0) + 1; }
    Object.keys(counts).sort().forEach(function (s) {
        var end = at + 360 * counts[s] / n;
        stops.push(BM_STATUS[s][1] + " " + at.toFixed(1) + "deg " + end.toFixed(1) + "deg");
        at = end;
    });
    return L.divIcon({
        html: "<div class='bm-ring' style='background:conic-gradient(" + stops.join(",")
            + ")'><b>" + n + "</b></div>",
        className: "marker-cluster bm-cluster", iconSize: L.point(40, 40)
    });
}
"""


def _day(value: Any, tr: Translator) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return tr.format_date(value)


def marker_rows(features: dict[str, Any], tr: Translator) -> list[list[Any]]:
    """Compact rows ``[lat, lon, label, class, status, history, border]`` (indices for codes).

    ``history`` is ``[[date, status index], ...]`` oldest first, dates as the reader
    writes them (dd/mm/yyyy in Vietnamese).
    """
    rows: list[list[Any]] = []
    for f in features["features"]:
        p = f["properties"]
        missing = [k for k in MARKER_FIELDS if k not in p]
        if missing:
            raise ValueError(f"marker feature lacks {', '.join(missing)}")
        lon, lat = f["geometry"]["coordinates"][:2]
        status = p["status"] or style.NO_STATUS
        if status not in STATUSES or p["marker_class"] not in CLASSES:
            raise ValueError(f"unknown status or class on marker {p['label']!r}")
        rows.append(
            [
                round(float(lat), 5),
                round(float(lon), 5),
                p["label"],
                CLASSES.index(p["marker_class"]),
                STATUSES.index(status),
                [[_day(d, tr), STATUSES.index(s)] for d, s in p["history"]],
                p["border_code"],
            ]
        )
    return rows


def legend_html(status_counts: Counter[str], as_of: dt.date, tr: Translator) -> str:
    """Marker colours with their counts on this map, then the segment colours."""
    n = tr.format_number
    rows = [
        f'<tr data-status="{s}"><td><span class="bm-swatch dot" style="background:'
        f'{style.status_colour(s)}"></span>{escape(style.status_label(s, tr))}</td>'
        f'<td class="n">{n(status_counts.get(s, 0))}</td></tr>'
        for s in STATUSES
        if s != style.NO_STATUS or status_counts.get(s)
    ]
    total = sum(status_counts.values())
    title = tr.gettext("Markers by status, {date}").format(date=tr.format_date(as_of))
    return (
        f"<h3>{escape(title)}</h3>"
        f'<table id="bm-legend-table">{"".join(rows)}'
        f'<tr data-status="total"><td><b>{escape(tr.gettext("All markers"))}</b></td>'
        f'<td class="n">{n(total)}</td></tr>'
        f"</table><h3>{escape(tr.gettext('Segments: line demarcated'))}</h3>"
        f"<table>{progress_legend_rows(tr)}</table>"
    )


def markers_map(
    markers: Any,
    segments: Any,
    *,
    as_of: dt.date,
    basemap: Basemap,
    assets: Assets,
    tr: Translator,
    page: PageText | None = None,
    controls: ViewControls | None = None,
    tiles: Tiles | None = None,
    synthetic: bool,
    places: Sequence[tuple[str, Element]] = (),
) -> OfflineMap:
    """The markers map: clustered markers by status over segments coloured by progress.

    Parameters
    ----------
    markers
        Points (FeatureCollection or GeoDataFrame) with ``MARKER_FIELDS`` properties.
    segments
        Lines with the ``maps.segments.SEGMENT_FIELDS`` properties.
    as_of
        The date the statuses are for (shown in the legend).
    synthetic
        True when any data shown is synthetic (a banner says so).
    tr, page, controls
        The reader's language, the top bar and the filter panel (:mod:`maps.controls`).
    places
        (key, layer) of extra point layers (``maps.places``: border posts and gates), off
        until switched on.
    """
    points = as_features(markers)
    lines = as_features(segments)
    rows = marker_rows(points, tr)
    m = new_map(
        assets=assets,
        basemap=basemap,
        page=page or PageText(tr.gettext("Border markers by status"), tr.lang),
        tr=tr,
        tiles=tiles,
        synthetic=synthetic,
        bounds=feature_bounds(points, lines),
    )
    require(m, assets, MARKERCLUSTER)
    status_table = [[style.status_label(s, tr), style.status_colour(s)] for s in STATUSES]
    texts = {
        **segment_texts(tr),
        "marker": tr.gettext("Marker"),
        "status": tr.gettext("Status"),
        "history": tr.gettext("Status history"),
    }
    m.add_child(
        Script(
            js_const("BM_STATUS", status_table)
            + js_const("BM_CLASSES", [tr.gettext(style.MARKER_CLASS_LABELS[c]) for c in CLASSES])
            + js_const("BM_BORDERS", {b: style.border_label(b, tr) for b in style.BORDER_LABELS})
            + js_const("BM_T", texts)
            + ESCAPE_JS
            + number_js(tr)
            + TOOLTIP_JS
        )
    )
    add_outlines(m, basemap, tr)  # below the segments: the border line would hide them
    add_layer(m, "segments", segments_layer(lines, weight=4, tr=tr))
    cluster = ClusteredPoints(
        rows,
        name=tr.gettext("Markers ({n})").format(n=tr.format_number(len(rows))),
        style_js=_STYLE_JS,
        popup_js=_POPUP_JS,
        icon_js=_ICON_JS,
    )
    add_layer(m, "markers", cluster)
    for key, layer in places:
        add_layer(m, key, layer)
    counts = Counter(STATUSES[r[4]] for r in rows)
    m.add_child(
        Panel(
            legend_html(counts, as_of, tr),
            dom_id="bm-legend",
            title=tr.gettext("Legend"),
            # Left: the layer control (markers, segments, posts, gates) fills the right.
            position="bottomleft",
        )
    )
    if controls is not None:
        m.add_child(controls_panel(controls, tr))
    return finish(m, tr)
