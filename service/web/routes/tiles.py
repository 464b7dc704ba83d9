"""service.web.routes.tiles: OGC API - Tiles (vector tiles) of communes, segments and markers.

Documents and parameters: :mod:`service.ogc.tiles`; SQL: :mod:`service.db.tiles`.
ETag, 304 and gzip come from the app's middleware like every GET.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from service.db.features import collection_extents
from service.db.tiles import tile_bytes
from service.errors import NotFound
from service.ogc import tiles
from service.ogc.collections import COLLECTIONS, Collection
from service.ogc.links import JSON
from service.web.deps import connection
from service.web.routes.ogc import _base, _json
from service.web.routes.ogc_items import single_params, today
from service.web.routes.ogc_openapi import ERROR_RESPONSES

Responses = dict[int | str, dict[str, Any]]
_JSON_RESPONSE: Responses = {200: {"content": {JSON: {}}}}
_MVT_RESPONSE: Responses = {200: {"content": {tiles.MVT: {}}}}


def _filters(request: Request, coll: Collection) -> str:
    """The request's filters, checked, as the query string to carry into tile links."""
    params = single_params(request)
    params.pop("f", None)
    tiles.parse_filters(coll, params, today())
    return urlencode(params)


def _extent(request: Request, coll: Collection) -> tuple[float, ...] | None:
    with connection(request) as conn:
        return collection_extents(conn)[coll.id].bbox


def tile_matrix_sets(request: Request) -> Response:
    """The tile matrix sets (WebMercatorQuad)."""
    return _json(tiles.tile_matrix_sets(_base(request)))


def web_mercator_quad() -> Response:
    """The WebMercatorQuad tile matrix set (OGC TMS 2.0 JSON)."""
    return _json(tiles.tile_matrix_set())


def _tilesets_handler(coll: Collection) -> Any:
    def tilesets(request: Request) -> Response:
        _filters(request, coll)
        return _json(tiles.tilesets(_base(request), coll))

    tilesets.__doc__ = f"Tilesets of {coll.id} (one: WebMercatorQuad vector tiles)."
    return tilesets


def _described_handler(coll: Collection, describe: Any, doc: str) -> Any:
    """A document built by ``describe(base, coll, extent, filters)`` (tileset, TileJSON)."""

    def document(request: Request) -> Response:
        query = _filters(request, coll)
        return _json(describe(_base(request), coll, _extent(request, coll), query))

    document.__doc__ = doc
    return document


def _tileset_handler(coll: Collection) -> Any:
    doc = f"Tileset metadata of {coll.id} in WebMercatorQuad (OGC API - Tiles)."
    return _described_handler(coll, tiles.tileset, doc)


def _tilejson_handler(coll: Collection) -> Any:
    doc = f"TileJSON 3.0.0 of {coll.id}'s tiles; filters are carried into the URL."
    return _described_handler(coll, tiles.tilejson, doc)


def _tile_handler(coll: Collection) -> Any:
    def tile(z: str, x: str, y: str, request: Request) -> Response:
        day = today()
        q = tiles.parse_tile(coll, z, x, y, single_params(request), day)
        with connection(request) as conn:
            data = tile_bytes(conn, q, day)
        return Response(data, media_type=tiles.MVT)

    tile.__doc__ = (
        f"A Mapbox Vector Tile of {coll.id} (layer {coll.id!r}), with the items' filters;"
        " an empty tile is a 200 with an empty body."
    )
    return tile


def _no_tiles(collectionId: str, rest: str = "") -> Response:  # noqa: N803 - OGC's name
    coll = tiles.tiled(collectionId)
    raise NotFound(f"{coll.id}: no tiles at {rest!r}; the tile matrix set is {tiles.TMS_ID}")


def make_router() -> APIRouter:
    """The tile routes of every tiled collection, and the tile matrix sets."""
    router = APIRouter(tags=["OGC API - Tiles"], responses=ERROR_RESPONSES)
    common: dict[str, Any] = {"methods": ["GET"], "response_class": Response}
    router.add_api_route(
        "/tileMatrixSets",
        tile_matrix_sets,
        summary="Tile matrix sets",
        operation_id="getTileMatrixSetsList",
        responses=_JSON_RESPONSE,
        **common,
    )
    router.add_api_route(
        f"/tileMatrixSets/{tiles.TMS_ID}",
        web_mercator_quad,
        summary="The WebMercatorQuad tile matrix set",
        operation_id="getTileMatrixSet_WebMercatorQuad",
        responses=_JSON_RESPONSE,
        **common,
    )
    for cid in tiles.TILE_LAYERS:
        coll = COLLECTIONS[cid]
        path = f"/collections/{cid}/tiles"
        tms = f"{path}/{tiles.TMS_ID}"
        for route, handler, what, op, resp in (
            (path, _tilesets_handler, "tilesets", "getTileSetsList", _JSON_RESPONSE),
            (tms, _tileset_handler, "tileset", "getTileSet", _JSON_RESPONSE),
            (f"{tms}/tilejson.json", _tilejson_handler, "TileJSON", "getTileJSON", _JSON_RESPONSE),
            (
                f"{tms}/{{z}}/{{x}}/{{y}}",
                _tile_handler,
                "vector tile",
                "getTile",
                _MVT_RESPONSE,
            ),
        ):
            router.add_api_route(
                route,
                handler(coll),
                summary=f"{coll.title}: {what}",
                operation_id=f"{op}_{cid}",
                responses=resp,
                **common,
            )
    hidden: dict[str, Any] = {"methods": ["GET"], "include_in_schema": False}
    router.add_api_route("/collections/{collectionId}/tiles", _no_tiles, **hidden)
    router.add_api_route("/collections/{collectionId}/tiles/{rest:path}", _no_tiles, **hidden)
    return router
