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
from maps.elements import (
    ESCAPE_JS,
    ClusteredPoints,
    Panel,
    Script,
    js_const,
)
from maps.segments import TOOLTIP_JS, progress_legend_rows, segments_layer

MARKER_FIELDS = ("label", "border_code", "marker_class", "status", "history")
STATUSES = (*style.MARKER_STATUS_COLOURS, style.NO_STATUS)
CLASSES = tuple(style.MARKER_CLASS_LABELS)

_POPUP_JS = """
function (r) {
    var e = bmEsc, h = "";
    for (var i = r[5].length - 1; i >= 0; i--) {
        h += "<tr><td>" + r[5][i][0] + "</td><td><span class='bm-swatch dot' style='background:"
            + BM_STATUS[r[5][i][1]][1] + "'></span>" + BM_STATUS[r[5][i][1]][0] + "</td></tr>";
    }
    return "<div class='bm-popup'><b>Marker " + e(r[2]) + "</b> <span class='muted'>"
        + e(BM_BORDERS[r[6]] || r[6]) + "</span><br>" + BM_CLASSES[r[3]]
        + "<br>Status: <b>" + BM_STATUS[r[4]][0] + "</b>"
        + "<table class='bm-history'>" + h + "</table></div>";
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

BORDER_NAMES = {"CN": "Vietnam–China", "LA": "Vietnam–Laos", "KH": "Vietnam–Cambodia"}


def marker_rows(features: dict[str, Any]) -> list[list[Any]]:
    """Compact rows ``[lat, lon, label, class, status, history, border]`` (indices for codes).

    ``history`` is ``[[date, status index], ...]`` oldest first.
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
                [[str(d), STATUSES.index(s)] for d, s in p["history"]],
                p["border_code"],
            ]
        )
    return rows


def legend_html(status_counts: Counter[str], as_of: dt.date) -> str:
    """Marker colours with their counts on this map, then the segment colours."""
    rows = [
        f'<tr data-status="{s}"><td><span class="bm-swatch dot" style="background:'
        f'{style.status_colour(s)}"></span>{escape(s)}</td>'
        f'<td class="n">{status_counts.get(s, 0)}</td></tr>'
        for s in STATUSES
        if s != style.NO_STATUS or status_counts.get(s)
    ]
    total = sum(status_counts.values())
    return (
        f"<h3>Markers by status, {as_of.isoformat()}</h3>"
        f'<table id="bm-legend-table">{"".join(rows)}'
        f'<tr data-status="total"><td><b>All markers</b></td><td class="n">{total}</td></tr>'
        "</table><h3 style='margin-top:6px'>Segments: line demarcated</h3>"
        f"<table>{progress_legend_rows()}</table>"
    )


def markers_map(
    markers: Any,
    segments: Any,
    *,
    as_of: dt.date,
    basemap: Basemap,
    assets: Assets,
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
    places
        (key, layer) of extra point layers (``maps.places``: border posts and gates), off
        until switched on.
    """
    points = as_features(markers)
    lines = as_features(segments)
    rows = marker_rows(points)
    m = new_map(
        assets=assets,
        basemap=basemap,
        tiles=tiles,
        synthetic=synthetic,
        bounds=feature_bounds(points, lines),
    )
    require(m, assets, MARKERCLUSTER)
    status_table = [[s, style.status_colour(s)] for s in STATUSES]
    m.add_child(
        Script(
            js_const("BM_STATUS", status_table)
            + js_const("BM_CLASSES", [style.MARKER_CLASS_LABELS[c] for c in CLASSES])
            + js_const("BM_BORDERS", BORDER_NAMES)
            + ESCAPE_JS
            + TOOLTIP_JS
        )
    )
    add_outlines(m, basemap)  # below the segments: the border line would hide them
    add_layer(m, "segments", segments_layer(lines, weight=4))
    cluster = ClusteredPoints(
        rows,
        name=f"Markers ({len(rows)})",
        style_js=_STYLE_JS,
        popup_js=_POPUP_JS,
        icon_js=_ICON_JS,
    )
    add_layer(m, "markers", cluster)
    for key, layer in places:
        add_layer(m, key, layer)
    counts = Counter(STATUSES[r[4]] for r in rows)
    m.add_child(Panel(legend_html(counts, as_of), dom_id="bm-legend", position="bottomright"))
    return finish(m)
