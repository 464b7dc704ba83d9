"""service.ogc.tiles: OGC API - Tiles documents and parameters (vector tiles of big layers).

Three collections have tiles (:data:`TILE_LAYERS`), in one tile matrix set, WebMercatorQuad.
Paths follow the XYZ order of web maps and tipg, ``.../WebMercatorQuad/{z}/{x}/{y}``; the
templated links name the OGC variables (``{tileMatrix}/{tileCol}/{tileRow}``), so OGC
clients (GDAL's OGCAPI driver, QGIS) fill them in the right places.

A tile takes the same filters as the collection's items (dates, the collection's own
parameters, CQL2 ``filter``), parsed by the items parser; paging, bbox and output CRS do
not apply to a tile. An empty tile is a 200 with an empty body (a valid MVT with no
layers), so it carries an ETag and is revalidated like any other response.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.errors import BadRequest, NotFound
from service.ogc.collections import COLLECTIONS, Collection
from service.ogc.links import JSON, link, url
from service.ogc.params import ItemsQuery, parse_items_query
from service.params import check_known

MVT = "application/vnd.mapbox-vector-tile"
TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
MAX_ZOOM = 20
EXTENT = 4096  # MVT coordinate units per tile side
BUFFER = 64  # units drawn beyond the tile edge, so strokes meet across tiles
_HALF = 20037508.3427892  # half the WebMercatorQuad world, metres

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
)
REL_TILESETS = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
REL_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
# Parameters a tile request takes besides the collection's own filters.
TILE_PARAMS = ("datetime", "as_of", "filter", "filter-lang", "filter-crs")


@dataclass(frozen=True, slots=True)
class TileLayer:
    """What a collection's tiles carry: a layer of these properties (never personal data)."""

    props: tuple[str, ...]
    dimension: int  # 0 points, 1 lines, 2 polygons


TILE_LAYERS: dict[str, TileLayer] = {
    "communes": TileLayer(
        (
            "code",
            "name",
            "unit_type",
            "era",
            "province_code",
            "province_name",
            "is_land_border",
            "is_coastal",
            "geom_source",
            "synthetic",
        ),
        2,
    ),
    "border_segments": TileLayer(
        ("code", "border", "era", "province_code", "province_name", "demarcated", "synthetic"), 1
    ),
    "markers": TileLayer(
        (
            "label",
            "number",
            "border",
            "marker_class",
            "status",
            "status_date",
            "segment_code",
            "province_code",
            "synthetic",
        ),
        0,
    ),
}


def tiled(collection_id: str) -> Collection:
    """The collection if it has tiles, else NotFound."""
    if collection_id not in TILE_LAYERS:
        raise NotFound(f"collection {collection_id!r} has no tiles")
    return COLLECTIONS[collection_id]


@dataclass(frozen=True, slots=True)
class TileQuery:
    """One tile: its address and the items query its filters make."""

    z: int
    x: int
    y: int
    items: ItemsQuery

    @property
    def tolerance_deg(self) -> float:
        """Simplification tolerance: a quarter of a 256-pixel tile's screen pixel, in degrees
        of longitude (finer detail is lost when ``ST_AsMVTGeom`` snaps to the grid)."""
        return 360.0 / (2**self.z) / 1024.0


def _index(name: str, raw: str, hi: int) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 8:
        raise BadRequest(f"{name}: {raw!r} is not a non-negative integer")
    value = int(raw)
    if value > hi:
        raise NotFound(f"{name} {value} is outside WebMercatorQuad (0 to {hi})")
    return value


def parse_tile(
    coll: Collection, z: str, x: str, y: str, params: Mapping[str, str], today: dt.date
) -> TileQuery:
    """Check a tile address and its filters: 400 for malformed, 404 outside the matrix set."""
    zoom = _index("z (tileMatrix)", z, MAX_ZOOM)
    col = _index("x (tileCol)", x, 2**zoom - 1)
    row = _index("y (tileRow)", y, 2**zoom - 1)
    return TileQuery(zoom, col, row, parse_filters(coll, params, today))


def parse_filters(coll: Collection, params: Mapping[str, str], today: dt.date) -> ItemsQuery:
    """The items query of a tile request's filters (the items parser, fewer parameters)."""
    check_known(params, (*TILE_PARAMS, *(f.param for f in coll.filters)))
    return parse_items_query(coll, params, default_limit=1, max_limit=1, today=today)


# --- documents --------------------------------------------------------------------------------


def tile_matrix_set() -> dict[str, Any]:
    """``/tileMatrixSets/WebMercatorQuad`` in the OGC TMS 2.0 JSON encoding."""
    matrices = []
    for z in range(MAX_ZOOM + 1):
        cell = 2 * _HALF / 256 / 2**z
        matrices.append(
            {
                "id": str(z),
                "scaleDenominator": cell / 0.00028,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-_HALF, _HALF],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": 2**z,
                "matrixHeight": 2**z,
            }
        )
    return {
        "id": TMS_ID,
        "title": "Google Maps Compatible for the World",
        "uri": TMS_URI,
        "crs": CRS_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": matrices,
    }


def tile_matrix_sets(base: str) -> dict[str, Any]:
    """``/tileMatrixSets``: the one set BorderMap serves."""
    href = url(base, f"/tileMatrixSets/{TMS_ID}")
    return {
        "tileMatrixSets": [
            {
                "id": TMS_ID,
                "title": "Google Maps Compatible for the World",
                "uri": TMS_URI,
                "links": [link(href, "self", JSON, TMS_ID), link(href, REL_SCHEME, JSON, TMS_ID)],
            }
        ]
    }


def tile_template(base: str, coll: Collection, query: str = "", *, ogc: bool = True) -> str:
    """The tile URL template; ``ogc``: OGC variable names, else ``{z}/{x}/{y}``."""
    tail = "{tileMatrix}/{tileCol}/{tileRow}" if ogc else "{z}/{x}/{y}"
    href = url(base, f"/collections/{coll.id}/tiles/{TMS_ID}/") + tail
    return href + (f"?{query}" if query else "")


def _bbox(extent: tuple[float, ...] | None) -> list[float]:
    if extent is None:
        return [102.0, 8.0, 110.0, 23.5]  # Vietnam: an empty collection still has a box
    return list(extent)


def tileset(
    base: str, coll: Collection, extent: tuple[float, ...] | None, query: str = ""
) -> dict[str, Any]:
    """``/collections/{id}/tiles/WebMercatorQuad``: tileset metadata (OGC API - Tiles)."""
    layer = TILE_LAYERS[coll.id]
    path = f"/collections/{coll.id}/tiles/{TMS_ID}"
    x0, y0, x1, y1 = _bbox(extent)
    return {
        "title": f"{coll.title}: vector tiles",
        "dataType": "vector",
        "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "tileMatrixSetLimits": [_limits(z, (x0, y0, x1, y1)) for z in range(MAX_ZOOM + 1)],
        "boundingBox": {
            "lowerLeft": [x0, y0],
            "upperRight": [x1, y1],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        },
        "layers": [
            {
                "id": coll.id,
                "title": coll.title,
                "dataType": "vector",
                "geometryDimension": layer.dimension,
                "minTileMatrix": "0",
                "maxTileMatrix": str(MAX_ZOOM),
                "propertiesSchema": {
                    "type": "object",
                    "properties": {p: coll.prop(p).json_schema() for p in layer.props},
                },
            }
        ],
        "links": [
            link(url(base, path), "self", JSON, "this tileset"),
            link(url(base, f"/tileMatrixSets/{TMS_ID}"), REL_SCHEME, JSON, TMS_ID),
            link(url(base, f"/collections/{coll.id}"), "collection", JSON, coll.title),
            link(url(base, f"{path}/tilejson.json"), "describedby", JSON, "TileJSON"),
            {**link(tile_template(base, coll, query), "item", MVT, "a tile"), "templated": True},
        ],
    }


def _limits(z: int, box: tuple[float, float, float, float]) -> dict[str, Any]:
    """The rows and columns of zoom ``z`` that hold the lon/lat ``box``."""
    x0, y0, x1, y1 = box
    col0, row1 = tile_of(x0, y0, z)
    col1, row0 = tile_of(x1, y1, z)
    return {
        "tileMatrix": str(z),
        "minTileRow": row0,
        "maxTileRow": row1,
        "minTileCol": col0,
        "maxTileCol": col1,
    }


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """(column, row) of the WebMercatorQuad tile of zoom ``z`` holding the point."""
    n = 2**z
    lat = max(min(lat, 85.0511), -85.0511)
    col = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    row = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(col, 0), n - 1), min(max(row, 0), n - 1)


def tilesets(base: str, coll: Collection) -> dict[str, Any]:
    """``/collections/{id}/tiles``: the list of the collection's tilesets (one)."""
    href = url(base, f"/collections/{coll.id}/tiles/{TMS_ID}")
    return {
        "tilesets": [
            {
                "title": f"{coll.title}: vector tiles",
                "dataType": "vector",
                "crs": CRS_3857,
                "tileMatrixSetURI": TMS_URI,
                "links": [
                    link(href, "self", JSON, "tileset"),
                    link(url(base, f"/tileMatrixSets/{TMS_ID}"), REL_SCHEME, JSON, TMS_ID),
                    {**link(tile_template(base, coll), "item", MVT, "a tile"), "templated": True},
                ],
            }
        ],
        "links": [
            link(url(base, f"/collections/{coll.id}/tiles"), "self", JSON, "tilesets"),
            link(url(base, f"/collections/{coll.id}"), "collection", JSON, coll.title),
        ],
    }


def tilejson(
    base: str, coll: Collection, extent: tuple[float, ...] | None, query: str = ""
) -> dict[str, Any]:
    """TileJSON 3.0.0 of the collection's tiles (the filters of ``query`` in the URL)."""
    layer = TILE_LAYERS[coll.id]
    fields = {p: coll.prop(p).description for p in layer.props}
    x0, y0, x1, y1 = _bbox(extent)
    return {
        "tilejson": "3.0.0",
        "name": coll.id,
        "description": coll.description,
        "scheme": "xyz",
        "tiles": [tile_template(base, coll, query, ogc=False)],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": [x0, y0, x1, y1],
        "center": [(x0 + x1) / 2, (y0 + y1) / 2, 5],
        "vector_layers": [
            {"id": coll.id, "fields": fields, "minzoom": 0, "maxzoom": MAX_ZOOM},
        ],
    }
