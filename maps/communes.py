"""maps.communes: every commune of a date, by land-border / coastal / inland (pure builder).

A province's communes (a few hundred) are embedded in the page as GeoJSON, as the other
maps do. A layer larger than the service's threshold (the national map: 10,040 pre-2025
or 3,321 post-2025 communes, or imported full-resolution polygons) is drawn from vector
tiles instead (:class:`maps.elements.VectorTileLayer`): the page carries a tile URL, and
the browser fetches only the tiles in view, simplified for their zoom.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from maps.assets import VECTORGRID, Assets, OfflineMap, require
from maps.base import Basemap, Tiles, add_layer, add_outlines, finish, new_map
from maps.elements import ESCAPE_JS, GeoJsonLayer, Panel, Script, VectorTileLayer

# Style key of a commune (the same rule in Python for embedded features and in JS for tiles).
CLASS_JS = (
    "function (p) { return p.is_land_border ? 'land' : (p.is_coastal ? 'coastal' : 'inland'); }"
)
CLASSES = (
    ("land", "Land-border commune", "#d9480f"),
    ("coastal", "Coastal commune", "#1c7ed6"),
    ("inland", "Other commune", "#ced4da"),
)
STYLES = {
    key: {"fillColor": fill, "fillOpacity": 0.55, "color": "#495057", "weight": 0.4}
    for key, _, fill in CLASSES
}
_TOOLTIP_JS = """
function bmUnitTooltip(p) {
    return "<b>" + bmEsc(p.name) + "</b> <span class='muted'>" + bmEsc(p.code) + "</span><br>"
        + bmEsc(p.province_name || "") + " (" + bmEsc(p.province_code) + ")";
}
"""


def class_of(props: Mapping[str, Any]) -> str:
    """The style key of a commune from its flags (as :data:`CLASS_JS` does in the browser)."""
    if props["is_land_border"]:
        return "land"
    return "coastal" if props["is_coastal"] else "inland"


def legend_html(counts: Mapping[str, int], *, era: str, tiled: bool) -> str:
    """Legend: one row per class with its count, and how the communes are drawn."""
    rows = "".join(
        f'<tr data-class="{key}"><td><span class="bm-swatch" style="background:{fill}">'
        f'</span>{escape(label)}</td><td class="n">{counts.get(key, 0)}</td></tr>'
        for key, label, fill in CLASSES
    )
    eras = "pre-2025 units" if era == "pre2025" else "units since 1 Jul 2025"
    how = "drawn from vector tiles" if tiled else "embedded in the page"
    return (
        f'<h3>Communes ({sum(counts.values())})</h3><div class="muted">{eras}</div>'
        f'<table id="bm-legend-table">{rows}</table>'
        f'<div class="muted" id="bm-drawn" data-tiled="{str(tiled).lower()}">{how}</div>'
    )


def communes_map(
    communes: dict[str, Any] | None,
    *,
    counts: Mapping[str, int],
    era: str,
    tile_url: str | None,
    bounds: list[list[float]] | None,
    synthetic: bool,
    basemap: Basemap,
    assets: Assets,
    tiles: Tiles | None = None,
) -> OfflineMap:
    """Every commune, coloured by class.

    Parameters
    ----------
    communes
        FeatureCollection with ``code``, ``name``, ``province_code``, ``province_name``,
        ``is_land_border``, ``is_coastal``; None to draw from ``tile_url`` instead.
    counts
        Communes per class (``land``, ``coastal``, ``inland``), for the legend.
    era
        Era of the units shown.
    tile_url
        ``{z}/{x}/{y}`` template of Mapbox Vector Tiles with a ``communes`` layer of the
        same properties (used when ``communes`` is None).
    bounds
        ``[[south, west], [north, east]]`` to frame.
    """
    if communes is None and not tile_url:
        raise ValueError("communes_map needs the communes or a tile URL")
    m = new_map(assets=assets, basemap=basemap, tiles=tiles, synthetic=synthetic, bounds=bounds)
    m.add_child(Script(ESCAPE_JS + _TOOLTIP_JS))
    name = f"Communes ({sum(counts.values())})"
    layer: GeoJsonLayer | VectorTileLayer
    if communes is None:
        require(m, assets, VECTORGRID)
        layer = VectorTileLayer(
            str(tile_url),
            layer="communes",
            name=name,
            class_js=CLASS_JS,
            styles=STYLES,
            tooltip_js="bmUnitTooltip",
        )
    else:
        layer = GeoJsonLayer(
            [
                {**f, "properties": {**f["properties"], "cls": class_of(f["properties"])}}
                for f in communes["features"]
                if f.get("geometry")
            ],
            name=name,
            style_key="cls",
            styles=STYLES,
            class_name="bm-commune",
            tooltip_js="bmUnitTooltip",
            highlight={"weight": 2, "color": "#000000"},
        )
    add_layer(m, "communes", layer)
    add_outlines(m, basemap)
    legend = legend_html(counts, era=era, tiled=communes is None)
    m.add_child(Panel(legend, dom_id="bm-legend", position="bottomright"))
    return finish(m)
