"""maps.elements: the small page elements Folium lacks (panels, banner, clustered points).

Each is a ``MacroElement`` with an explicit template, so a map is still one Folium object
tree (``m.to_dict()`` lists them) and renders with ``m.get_root().render()``. None of them
carries Folium's class-level CDN lists; the JS libraries they need are added by the
builders through :func:`maps.assets.require`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from branca.element import Element, MacroElement
from folium.map import Layer
from folium.template import Template

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
.bm-chart { max-height: 45vh; overflow-y: auto; }
.bm-chart svg text { font: 11px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #222; }
"""


def page_style(sea: str) -> Element:
    """The BorderMap stylesheet, as a plain element for the page head."""
    # An empty icon: browsers would otherwise ask the server for /favicon.ico.
    return Element(f'<link rel="icon" href="data:,"><style>{PAGE_CSS % {"sea": sea}}</style>')


def banner(text: str) -> Element:
    """A banner across the top of the page that no layer can hide (e.g. synthetic data)."""
    return Element(f'<div class="bm-banner" id="bm-banner">{escape(text)}</div>')


class Panel(MacroElement):
    """A Leaflet control showing trusted HTML (legend, summary, chart) at a corner."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.id = {{ this.dom_id|tojson }};
            div.innerHTML = {{ this.html|tojson }};
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
        self.dom_id = dom_id
        self.position = position
        self.css_class = f"bm-panel {css_class}".strip()


class MapSetup(MacroElement):
    """Per-map JS: a plain attribution prefix (no outbound link) and a layer registry.

    ``window.bordermap.layers[name]`` gives tests and scripts the Leaflet layers by name
    instead of Folium's random variable names.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        window.bordermap = {map: {{ this._parent.get_name() }}, layers: {}, ready: false};
        {% endmacro %}
        """
    )

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.prefix = prefix


class RegisterLayer(MacroElement):
    """Expose a layer as ``window.bordermap.layers[name]`` (add after the layer)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.bordermap.layers[{{ this.key|tojson }}] = {{ this.layer.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, key: str, layer: Element) -> None:
        super().__init__()
        self._name = "RegisterLayer"
        self.key = key
        self.layer = layer


class MarkReady(MacroElement):
    """Set ``window.bordermap.ready`` once every layer is on the map (added last)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.bordermap.ready = true;
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MarkReady"


class Script(MacroElement):
    """A trusted script fragment (shared JS helpers of one map)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


class ClusteredPoints(Layer):
    """Thousands of points as canvas circle markers in one Leaflet.markercluster group.

    Rows are compact arrays (``[lat, lon, ...]``) rather than GeoJSON features or one
    ``folium.Marker`` each, which keeps 5,000+ markers small in the page and fast to draw.
    ``style_js`` and ``popup_js`` are JS function expressions of one row.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows|tojson }};
            var style = {{ this.style_js }};
            var popup = {{ this.popup_js }};
            // Own pane above the SVG overlays (Leaflet puts SVG above canvas in one pane).
            var map = {{ this._parent.get_name() }}, pane = "bmPoints";
            if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 450; }
            var renderer = L.canvas({padding: 0.5, pane: pane});
            var group = L.markerClusterGroup({{ this.cluster_options|tojson }});
            var layers = new Array(rows.length);
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var opts = style(r);
                opts.renderer = renderer;
                opts.pane = pane;
                var m = L.circleMarker([r[0], r[1]], opts);
                m.bindPopup(popup.bind(null, r));
                layers[i] = m;
            }
            group.addLayers(layers);
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
        cluster_options: dict[str, Any] | None = None,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ClusteredPoints"
        self.rows = [list(r) for r in rows]
        self.style_js = style_js
        self.popup_js = popup_js
        self.cluster_options = {
            "chunkedLoading": True,
            "showCoverageOnHover": False,
            "maxClusterRadius": 50,
            "spiderfyOnMaxZoom": True,
            **(cluster_options or {}),
        }


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
    return f"var {name} = {json.dumps(value, ensure_ascii=False, separators=(',', ':'))};"
