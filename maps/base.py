"""maps.base: what every BorderMap map has (offline basemap or tiles, banner, layer control).

Inputs are GeoJSON FeatureCollections (dicts) or GeoDataFrames; geometry is expected
already simplified and rounded for display (the database does that).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import folium

from maps import style
from maps.assets import LEAFLET, Assets, OfflineMap, check_offline, figure_of, require
from maps.elements import MapSetup, MarkReady, RegisterLayer, banner, page_style

FeatureCollection = dict[str, Any]
# Mainland Vietnam and its land borders, [[south, west], [north, east]] (lat/lon order).
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
SYNTHETIC_BANNER = "SYNTHETIC DEMO DATA: not real communes, officers or markers"


def as_features(data: Any) -> FeatureCollection:
    """A GeoJSON FeatureCollection from a dict or a GeoDataFrame (reprojected to WGS 84)."""
    if isinstance(data, dict):
        if data.get("type") != "FeatureCollection":
            raise ValueError("expected a GeoJSON FeatureCollection")
        return data
    if hasattr(data, "to_json") and hasattr(data, "crs"):
        if data.crs is not None and data.crs.to_epsg() != 4326:
            data = data.to_crs(4326)
        parsed: FeatureCollection = json.loads(data.to_json(drop_id=True))
        return parsed
    raise TypeError(f"expected a FeatureCollection dict or a GeoDataFrame, got {type(data)}")


def empty_features() -> FeatureCollection:
    """A FeatureCollection with no feature."""
    return {"type": "FeatureCollection", "features": []}


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


def feature_bounds(*collections: FeatureCollection) -> list[list[float]] | None:
    """[[south, west], [north, east]] of every coordinate in the collections, or None."""
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
            if f.get("geometry"):
                walk(f["geometry"]["coordinates"])
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


def new_map(
    *,
    assets: Assets,
    basemap: Basemap,
    tiles: Tiles | None = None,
    synthetic: bool,
    attribution: str = "BorderMap",
) -> OfflineMap:
    """An empty map with the vendored Leaflet, the basemap (or tiles) and the banner.

    The country layer is the base layer; with ``tiles`` the tiles are, and the country
    layer stays available in the layer control.
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
    if tiles is not None:
        folium.TileLayer(tiles.url, attr=tiles.attribution or " ", name="Tiles").add_to(m)
    countries = folium.GeoJson(
        basemap.countries,
        name="Offline basemap",
        overlay=False,
        show=tiles is None,
        interactive=False,
        style_function=_country_style,
    )
    countries.add_to(m)
    m.add_child(RegisterLayer("countries", countries))
    if synthetic:
        figure_of(m).html.add_child(banner(SYNTHETIC_BANNER), name="synthetic_banner")
    return m


def _country_style(feature: dict[str, Any]) -> dict[str, Any]:
    is_vietnam = feature.get("properties", {}).get("iso3") == "VNM"
    return {
        "fillColor": style.VIETNAM_FILL if is_vietnam else style.NEIGHBOUR_FILL,
        "fillOpacity": 1,
        "color": style.COUNTRY_LINE,
        "weight": 1,
    }


def add_outlines(m: folium.Map, basemap: Basemap) -> None:
    """Province outlines and the land border lines, as overlays above the data layers."""
    provinces = folium.GeoJson(
        basemap.provinces,
        name="Province outlines",
        interactive=False,
        style_function=lambda f: {
            "fill": False,
            "color": style.PROVINCE_LINE,
            "weight": 1,
            "dashArray": "4 3",
        },
    )
    provinces.add_to(m)
    m.add_child(RegisterLayer("provinces", provinces))
    borders = folium.GeoJson(
        basemap.borders,
        name="Land border",
        interactive=False,
        style_function=lambda f: {"color": style.BORDER_LINE, "weight": 2.5, "opacity": 0.9},
    )
    borders.add_to(m)
    m.add_child(RegisterLayer("borders", borders))


def finish(m: folium.Map, *, bounds: list[list[float]] | None) -> folium.Map:
    """Fit the view, add the layer control, mark the map ready, and check it is offline."""
    m.fit_bounds(bounds or VIETNAM_BOUNDS)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(MarkReady())
    check_offline(m)
    return m
