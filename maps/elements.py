"""maps.elements: the page elements of BorderMap maps (layers, panels, banner, clusters).

Each is a ``MacroElement`` with an explicit template, so a map is still one Folium object
tree (``m.to_dict()`` lists them) and renders with ``m.get_root().render()``. All render
through :class:`maps.render.RenderOnce` (data is never parsed as a template) and carry no
CDN lists; the JS libraries they need are added by the builders (:func:`maps.assets.require`).
Data goes into the page as compact JSON (:func:`maps.render.js_json`); GeoJSON geometry
that PostGIS already wrote (:class:`RawGeometry`) is copied in without being parsed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import folium
from branca.element import Element
from folium.map import Layer
from folium.template import Template

from maps.render import Raw, RenderOnce, js_json

# One stylesheet for every BorderMap page. System fonts only: nothing to download.
PAGE_CSS = """
.leaflet-container.folium-map { background: %(sea)s; font: 13px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
.bm-panel { background: rgba(255,255,255,0.94); border-radius: 6px; padding: 8px 10px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); color: #222; max-width: 340px; }
.bm-panel h3 { margin: 0 0 6px; font-size: 14px; }
.bm-panel table { border-collapse: collapse; }
.bm-panel td { padding: 1px 6px 1px 0; vertical-align: top; }
.bm-panel td.n { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.bm-panel .muted { color: #666; font-size: 12px; }
.bm-swatch { display: inline-block; width: 16px; height: 12px; margin-right: 6px;
  vertical-align: -1px; border: 1px solid #555; }
.bm-swatch.line { height: 0; border-width: 3px 0 0 0; border-style: solid; width: 18px;
  vertical-align: 3px; }
.bm-swatch.dot { width: 11px; height: 11px; border-radius: 50%%; }
.bm-banner { position: absolute; top: 0; left: 50%%; transform: translateX(-50%%);
  z-index: 1001; background: #7a1f00; color: #fff; padding: 5px 14px; font: 600 13px/1.3
  system-ui, "DejaVu Sans", Arial, sans-serif; border-radius: 0 0 6px 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.4); pointer-events: none; text-align: center; }
.bm-tip td { padding: 0 6px 0 0; } .bm-tip td.n { text-align: right; font-weight: 600; }
.bm-tip b { font-size: 13px; }
.bm-chart { max-height: calc(100vh - 200px); overflow-y: auto; }
.bm-ring { width: 40px; height: 40px; border-radius: 50%%; display: flex;
  align-items: center; justify-content: center; box-shadow: 0 0 2px rgba(0,0,0,0.6); }
.bm-ring b { width: 26px; height: 26px; border-radius: 50%%; background: #fff;
  font: 600 11px/26px system-ui, "DejaVu Sans", Arial, sans-serif; text-align: center;
  color: #222; }
.bm-chart svg text { font: 11px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #222; }
"""


def page_style(sea: str) -> Element:
    """The BorderMap stylesheet, as raw text for the page head."""
    # An empty icon: browsers would otherwise ask the server for /favicon.ico.
    return Raw(f'<link rel="icon" href="data:,"><style>{PAGE_CSS % {"sea": sea}}</style>')


def banner(text: str) -> Element:
    """A banner across the top of the page that no layer can hide (e.g. synthetic data)."""
    return Raw(f'<div class="bm-banner" id="bm-banner">{escape(text)}</div>')


class RawGeometry(str):
    """A GeoJSON geometry already serialised (by ``ST_AsGeoJSON``): copied in as is."""

    __slots__ = ()


def features_js(features: Sequence[Mapping[str, Any]]) -> str:
    """A FeatureCollection as JSON text; :class:`RawGeometry` geometries are not re-encoded.

    One ``json.dumps`` of the whole collection with a placeholder string per raw geometry
    (a random token no data can know), then the placeholders are swapped for the geometry
    text: several times faster than encoding feature by feature.
    """
    token = secrets.token_hex(8)
    raw: list[str] = []
    out = []
    for f in features:
        geom: Any = f.get("geometry")
        if isinstance(geom, RawGeometry):
            raw.append(geom)
            geom = f"{token}:{len(raw) - 1}"
        item: dict[str, Any] = {"type": "Feature"}
        if "id" in f:
            item["id"] = f["id"]
        item["geometry"] = geom
        item["properties"] = f.get("properties")
        out.append(item)
    text = js_json({"type": "FeatureCollection", "features": out})
    if not raw:
        return text
    return re.sub(f'"{token}:(\\d+)"', lambda m: raw[int(m.group(1))], text)


class GeoJsonLayer(Layer, RenderOnce):
    """A GeoJSON layer styled in the browser from a class property and a style table.

    ``styles`` maps the value of ``properties[style_key]`` to Leaflet path options, so a
    thousand features share a handful of styles (Python decides the class, once). Paths
    get ``class_name`` (tests count them in the DOM); ``tooltip_js`` is a JS function of a
    feature's properties returning the tooltip HTML, called when the tooltip opens.
    Interactive layers get a hover highlight. The data sits in a
    ``<script type="application/json">`` block read with ``JSON.parse`` (browsers parse
    that much faster than the same data as a JS literal) when the layer is first shown.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data"
          data-class="{{ this.class_name|e }}">{{ this.data_js }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles_js }}, loaded = false;
            var layer = L.geoJSON(null, {
                className: {{ this.class_name_js }},
                interactive: {{ this.interactive_js }},
                style: function (f) { return styles[f.properties[{{ this.key_js }}]]; }
            });
            // Features are built when the layer is first shown, not all before the first
            // paint. Registered before the tooltip: its focus listeners need the paths.
            layer.on("add", function () {
                if (loaded) { return; }
                loaded = true;
                layer.addData(JSON.parse(
                    document.getElementById("{{ this.get_name() }}_data").textContent));
            });
            {%- if this.tooltip_js %}
            // One tooltip and one pair of listeners for the whole layer, not per feature.
            layer.bindTooltip(function (l) { return ({{ this.tooltip_js }})(l.feature.properties); },
                              {sticky: true, className: "bm-tip"});
            {%- endif %}
            {%- if this.highlight %}
            layer.on("mouseover", function (e) {
                e.layer.setStyle({{ this.highlight_js }});
                e.layer.bringToFront();
            });
            layer.on("mouseout", function (e) { layer.resetStyle(e.layer); });
            {%- endif %}
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: Sequence[Mapping[str, Any]],
        *,
        name: str,
        style_key: str,
        styles: Mapping[str, Mapping[str, Any]],
        class_name: str = "",
        tooltip_js: str | None = None,
        interactive: bool = True,
        highlight: Mapping[str, Any] | None = None,
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "GeoJsonLayer"
        missing = {str(f["properties"].get(style_key)) for f in features} - set(styles)
        if missing:
            raise ValueError(f"no style for {style_key} = {', '.join(sorted(missing))}")
        self.features = list(features)
        self.data_js = features_js(self.features)
        self.styles_js = js_json(styles)
        self.key_js = js_json(style_key)
        self.class_name = class_name
        self.class_name_js = js_json(class_name)
        self.interactive_js = "true" if interactive else "false"
        self.tooltip_js = tooltip_js
        self.highlight = interactive and highlight is not None
        self.highlight_js = js_json(dict(highlight or {}))

    def render(self, **kwargs: Any) -> str:
        """Define the layer; :class:`ShowLayers` adds it to the map (after the control)."""
        return RenderOnce.render(self, **kwargs)


class VectorTileLayer(Layer, RenderOnce):
    """A layer drawn from Mapbox Vector Tiles (Leaflet.VectorGrid, SVG), styled like
    :class:`GeoJsonLayer`: ``class_js`` is a JS function of a feature's properties giving
    the key of its style in ``styles``.

    For layers too big to embed: the page carries a URL template instead of the data, and
    the browser fetches only the tiles in view, simplified for their zoom. ``tooltip_js``
    (a JS function of the properties returning HTML) is shown on hover.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles_js }}, classOf = {{ this.class_js }};
            var layer = L.vectorGrid.protobuf({{ this.url_js }}, {
                rendererFactory: L.svg.tile,
                interactive: {{ this.interactive_js }},
                maxNativeZoom: {{ this.max_zoom }},
                vectorTileLayerStyles: {
                    {{ this.layer_js }}: function (p) {
                        return L.extend({fill: true}, styles[classOf(p)]);
                    }
                }
            });
            {%- if this.tooltip_js %}
            var tip = null;
            layer.on("mouseover", function (e) {
                tip = L.tooltip({sticky: true, className: "bm-tip"})
                    .setLatLng(e.latlng)
                    .setContent(({{ this.tooltip_js }})(e.layer.properties));
                {{ this._parent.get_name() }}.openTooltip(tip);
            });
            layer.on("mouseout", function () {
                if (tip) { {{ this._parent.get_name() }}.closeTooltip(tip); tip = null; }
            });
            {%- endif %}
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        url: str,
        *,
        layer: str,
        name: str,
        class_js: str,
        styles: Mapping[str, Mapping[str, Any]],
        tooltip_js: str | None = None,
        max_zoom: int = 20,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "VectorTileLayer"
        self.url_js = js_json(url)
        self.layer_js = js_json(layer)
        self.class_js = class_js
        self.styles_js = js_json(styles)
        self.tooltip_js = tooltip_js
        self.interactive_js = "true" if tooltip_js else "false"
        self.max_zoom = int(max_zoom)

    def render(self, **kwargs: Any) -> str:
        """Define the layer; :class:`ShowLayers` adds it to the map (after the control)."""
        return RenderOnce.render(self, **kwargs)


class LayerControl(folium.LayerControl, RenderOnce):
    """Folium's layer control, rendered through :class:`RenderOnce`."""


class TileLayer(folium.TileLayer, RenderOnce):
    """Folium's tile layer (only for an operator-configured URL), rendered once."""


class Panel(RenderOnce):
    """A Leaflet control showing trusted HTML (legend, summary, chart) at a corner."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position_js }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class_js }});
            div.id = {{ this.dom_id_js }};
            div.innerHTML = {{ this.html_js }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, html: str, *, dom_id: str, position: str = "bottomright", css_class: str = ""
    ) -> None:
        super().__init__()
        self._name = "Panel"
        self.html = html
        self.html_js = js_json(html)
        self.dom_id_js = js_json(dom_id)
        self.position_js = js_json(position)
        self.css_class_js = js_json(f"bm-panel {css_class}".strip())


class MapSetup(RenderOnce):
    """Per-map JS: a plain attribution prefix (no outbound link) and a layer registry.

    ``window.bordermap.layers[name]`` gives tests and scripts the Leaflet layers by name
    instead of Folium's random variable names.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix_js }});
        window.bordermap = {map: {{ this._parent.get_name() }}, layers: {}, ready: false};
        {% endmacro %}
        """
    )

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.prefix_js = js_json(escape(prefix))


class RegisterLayer(RenderOnce):
    """Expose a layer as ``window.bordermap.layers[key]`` (add after the layer)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.bordermap.layers[{{ this.key_js }}] = {{ this.layer.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, key: str, layer: Element) -> None:
        super().__init__()
        self._name = "RegisterLayer"
        self.key_js = js_json(key)
        self.layer = layer


class InitialView(RenderOnce):
    """Frame ``bounds`` at once, before any layer is added (layers draw once, in place)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds_js }}, {animate: false, padding: [16, 16]});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "InitialView"
        self.bounds_js = js_json([list(p) for p in bounds])


class ShowLayers(RenderOnce):
    """Add the shown layers to the map one per frame, in order; then set ``ready``.

    After the layer control is in place (it measures itself when added: with thousands of
    SVG paths already in the page that forced layout alone took 100-200 ms). One layer per
    animation frame lets the browser paint the basemap and the first data layer while the
    next is still being built, instead of one long task before anything shows.
    ``window.bordermap.ready`` is set once the last layer is on the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var queue = [{% for layer in this.layers %}{{ layer.get_name() }}, {% endfor %}];
            function next() {
                var layer = queue.shift();
                if (layer) { layer.addTo(map); }
                if (queue.length) {
                    requestAnimationFrame(function () { setTimeout(next, 0); });
                } else {
                    window.bordermap.ready = true;
                }
            }
            next();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layers: Sequence[Layer]) -> None:
        super().__init__()
        self._name = "ShowLayers"
        self.layers = list(layers)


class Script(RenderOnce):
    """A trusted script fragment (shared JS helpers of one map)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


class ClusteredPoints(Layer, RenderOnce):
    """Thousands of points as canvas circle markers in one Leaflet.markercluster group.

    Rows are compact arrays (``[lat, lon, ...]``) rather than GeoJSON features or one
    ``folium.Marker`` each, which keeps 5,000+ markers small in the page and fast to draw.
    ``style_js`` and ``popup_js`` are JS function expressions of one row; ``icon_js``
    (optional) builds a cluster's icon (each child marker has its row as ``bmRow``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows_js }};
            var style = {{ this.style_js }};
            var popup = {{ this.popup_js }};
            // Own pane above the SVG overlays (Leaflet puts SVG above canvas in one pane).
            var map = {{ this._parent.get_name() }}, pane = "bmPoints";
            if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 450; }
            var renderer = L.canvas({padding: 0.5, pane: pane});
            var options = {{ this.options_js }};
            {%- if this.icon_js %}
            options.iconCreateFunction = {{ this.icon_js }};
            {%- endif %}
            var group = L.markerClusterGroup(options);
            var layers = new Array(rows.length);
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var opts = style(r);
                opts.renderer = renderer;
                opts.pane = pane;
                var m = L.circleMarker([r[0], r[1]], opts);
                m.bmRow = r;
                layers[i] = m;
            }
            group.addLayers(layers);
            // One popup for the group, built when a marker is clicked (not 5,000 upfront).
            group.bindPopup(function (m) { return popup(m.bmRow); });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        name: str,
        style_js: str,
        popup_js: str,
        icon_js: str | None = None,
        cluster_options: dict[str, Any] | None = None,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ClusteredPoints"
        self.rows = [list(r) for r in rows]
        self.rows_js = js_json(self.rows)
        self.style_js = style_js
        self.popup_js = popup_js
        self.icon_js = icon_js
        self.options_js = js_json(
            {
                "chunkedLoading": True,
                "showCoverageOnHover": False,
                "maxClusterRadius": 50,
                "spiderfyOnMaxZoom": True,
                **(cluster_options or {}),
            }
        )

    def render(self, **kwargs: Any) -> str:
        """Define the layer; :class:`ShowLayers` adds it to the map (after the control)."""
        return RenderOnce.render(self, **kwargs)


# HTML-escape a value in JS (names and labels come from data, never trusted as HTML).
ESCAPE_JS = """
function bmEsc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
}
"""


def js_const(name: str, value: Any) -> str:
    """``var name = <json>;`` for data shared by a map's JS helpers."""
    return f"var {name} = {js_json(value)};"
