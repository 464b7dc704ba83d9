"""maps.base: what every BorderMap map has (offline basemap or tiles, banner, layer control).

Inputs are GeoJSON FeatureCollections (dicts) or GeoDataFrames; geometry is expected
already simplified and rounded for display (the database does that).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Element

from maps import style
from maps.assets import LEAFLET, Assets, OfflineMap, figure_of, require
from maps.elements import (
    ClusteredPoints,
    GeoJsonLayer,
    InitialView,
    LayerControl,
    MapSetup,
    RegisterLayer,
    ShowLayers,
    TileLayer,
    VectorTileLayer,
    banner,
    page_style,
)
from maps.render import check_page

FeatureCollection = dict[str, Any]
# Mainland Vietnam and its land borders, [[south, west], [north, east]] (lat/lon order).
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
SYNTHETIC_BANNER = "SYNTHETIC DEMO DATA: not real communes, officers or markers"


def as_features(data: Any) -> FeatureCollection:
    """A GeoJSON FeatureCollection from a dict or a GeoDataFrame.

    A GeoDataFrame is reprojected to WGS 84 and its coordinates rounded to 1e-5 degrees
    (about 1 m), as the database does for its own display geometry.
    """
    if isinstance(data, dict):
        if data.get("type") != "FeatureCollection":
            raise ValueError("expected a GeoJSON FeatureCollection")
        return data
    if hasattr(data, "to_json") and hasattr(data, "crs"):
        if data.crs is not None and data.crs.to_epsg() != 4326:
            data = data.to_crs(4326)
        data = data.set_geometry(
            shapely.transform(data.geometry.values, lambda xy: np.round(xy, 5))
        )
        parsed: FeatureCollection = json.loads(data.to_json(drop_id=True))
        return parsed
    raise TypeError(f"expected a FeatureCollection dict or a GeoDataFrame, got {type(data)}")


def empty_features() -> FeatureCollection:
    """A FeatureCollection with no feature."""
    return {"type": "FeatureCollection", "features": []}


def feature_bounds(*collections: FeatureCollection) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the features, or None when there are none.

    A feature's GeoJSON ``bbox`` is used when it has one (geometry that the database
    wrote as text is never parsed); otherwise its coordinates are walked.
    """
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for c in coords:
                walk(c)

    for fc in collections:
        for f in fc["features"]:
            if f.get("bbox"):
                x0, y0, x1, y1 = f["bbox"][:4]
                xs.extend((x0, x1))
                ys.extend((y0, y1))
            elif isinstance(f.get("geometry"), dict):
                walk(f["geometry"]["coordinates"])
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


@dataclass(frozen=True, slots=True)
class Basemap:
    """The light basemap drawn from the database: countries, provinces, border lines."""

    countries: FeatureCollection = field(default_factory=empty_features)
    provinces: FeatureCollection = field(default_factory=empty_features)
    borders: FeatureCollection = field(default_factory=empty_features)


@dataclass(frozen=True, slots=True)
class Tiles:
    """An operator-configured tile layer (``BORDERMAP_TILES_URL``); the only external host."""

    url: str
    attribution: str = ""


def new_map(
    *,
    assets: Assets,
    basemap: Basemap,
    tiles: Tiles | None = None,
    synthetic: bool,
    bounds: list[list[float]] | None = None,
    attribution: str = "BorderMap",
) -> OfflineMap:
    """An empty map framing ``bounds``, with Leaflet, the basemap (or tiles) and the banner.

    The country layer is the base layer; with ``tiles`` the tiles are, and the country
    layer stays available in the layer control. The view is set before any layer is
    added, so the layers are drawn once, already in place.
    """
    # Leaflet options: folium passes min_zoom/max_zoom only to tiles, but markercluster
    # needs the map's own maxZoom when there is no tile layer.
    options: dict[str, Any] = {"minZoom": 4, "maxZoom": 18}
    m = OfflineMap(
        location=[16.0, 106.0],
        zoom_start=6,
        tiles=None,
        control_scale=True,
        font_size="13px",
        **options,
    )
    require(m, assets, LEAFLET)
    figure_of(m).header.add_child(page_style(style.SEA), name="bordermap_css")
    m.add_child(MapSetup(prefix=attribution))
    m.add_child(InitialView(bounds or VIETNAM_BOUNDS))
    if tiles is not None:
        TileLayer(tiles.url, attr=tiles.attribution or " ", name="Tiles").add_to(m)
    countries = GeoJsonLayer(
        [
            {**f, "properties": {**f["properties"], "style": _country_key(f)}}
            for f in basemap.countries["features"]
        ],
        name="Offline basemap",
        style_key="style",
        styles=COUNTRY_STYLES,
        class_name="bm-country",
        interactive=False,
        overlay=False,
        show=tiles is None,
    )
    countries.add_to(m)
    m.add_child(RegisterLayer("countries", countries))
    if synthetic:
        figure_of(m).html.add_child(banner(SYNTHETIC_BANNER), name="synthetic_banner")
    return m


COUNTRY_STYLES = {
    key: {"fillColor": fill, "fillOpacity": 1, "color": style.COUNTRY_LINE, "weight": 1}
    for key, fill in (("vietnam", style.VIETNAM_FILL), ("neighbour", style.NEIGHBOUR_FILL))
}


def _country_key(feature: dict[str, Any]) -> str:
    return "vietnam" if feature["properties"].get("iso3") == "VNM" else "neighbour"


def add_layer(m: folium.Map, key: str, layer: Element) -> None:
    """Add ``layer`` to ``m`` and expose it as ``window.bordermap.layers[key]``."""
    m.add_child(layer)
    m.add_child(RegisterLayer(key, layer))


def add_outlines(m: folium.Map, basemap: Basemap) -> None:
    """Province outlines and the land border lines (non-interactive overlays)."""
    for key, name, fc, line in (
        (
            "provinces",
            "Province outlines",
            basemap.provinces,
            {"fill": False, "color": style.PROVINCE_LINE, "weight": 1, "dashArray": "4 3"},
        ),
        (
            "borders",
            "Land border",
            basemap.borders,
            {"color": style.BORDER_LINE, "weight": 2.5, "opacity": 0.9},
        ),
    ):
        layer = GeoJsonLayer(
            [{**f, "properties": {**f["properties"], "style": "line"}} for f in fc["features"]],
            name=name,
            style_key="style",
            styles={"line": line},
            class_name=f"bm-{key}",
            interactive=False,
        )
        add_layer(m, key, layer)


def finish(m: OfflineMap) -> OfflineMap:
    """Add the layer control, then the layers (the last one marks the map ready); check.

    The check refuses a map that would load anything from a CDN or render data through
    branca's template re-parse (see :mod:`maps.render`).
    """
    LayerControl(collapsed=False, position="topright").add_to(m)
    deferred = (GeoJsonLayer, ClusteredPoints, VectorTileLayer)
    shown = [el for el in m._children.values() if isinstance(el, deferred) and el.show]
    m.add_child(ShowLayers(shown))  # sets window.bordermap.ready after the last one
    check_page(m.get_root())
    return m
