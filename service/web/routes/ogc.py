"""service.web.routes.ogc: OGC API - Features landing page, conformance, collections, queryables.

Every collection gets its own paths (``/collections/markers/...``), as pygeoapi does, so
the OpenAPI document at ``/api`` lists each collection's own filter parameters.
Parameters are read by :mod:`service.ogc.params` (one parser for HTTP and the CLI), which
answers 400 naming the parameter; the OpenAPI parameter list is written to match.
Unknown collections get 404 from the catch-all paths at the end.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from service.db.features import collection_extents
from service.errors import BadRequest, NotFound
from service.ogc import documents, html
from service.ogc.collections import COLLECTIONS, Collection
from service.ogc.links import SCHEMA, base_url, doc_links, negotiate
from service.params import check_known
from service.settings import Settings
from service.web.deps import connection, get_settings
from service.web.routes import ogc_items
from service.web.routes.ogc_openapi import ERROR_RESPONSES, JSON_OR_HTML, f_param

TITLE = "BorderMap"
DESCRIPTION = (
    "Vietnam's land borders, border segments, markers with their status history, provinces"
    " and communes of both administrative eras, and Border Guard officer coverage (counts"
    " only), as OGC API - Features."
)


def _json(doc: Any, media_type: str = "application/json") -> Response:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode(), media_type=media_type)


def _format(request: Request, choices: tuple[str, ...] = ("json", "html")) -> str:
    check_known(request.query_params.keys(), ("f",))
    f = request.query_params.get("f")
    fmt = negotiate(f, request.headers.get("accept"), choices)
    if fmt is None:
        raise BadRequest(f"f: {f!r} is not one of {', '.join(choices)}")
    return fmt


def _base(request: Request) -> str:
    return base_url(get_settings(request).base_url, str(request.base_url))


def _answer(fmt: str, doc: dict[str, Any], base: str, template: str, title: str) -> Response:
    """``doc`` as JSON, or as HTML rendered with ``template`` when ``fmt`` is html."""
    if fmt == "html":
        return HTMLResponse(
            html.render(template, title=title, base=base, doc=doc, links=doc["links"])
        )
    return _json(doc)


def landing(request: Request) -> Response:
    """Landing page: links to the API definition, conformance and collections."""
    fmt, base = _format(request), _base(request)
    doc = documents.landing(base, fmt, TITLE, DESCRIPTION)
    return _answer(fmt, doc, base, "landing.html", TITLE)


def conformance(request: Request) -> Response:
    """The conformance classes BorderMap implements."""
    fmt, base = _format(request), _base(request)
    return _answer(fmt, documents.conformance(base, fmt), base, "conformance.html", "Conformance")


def collections(request: Request) -> Response:
    """Every feature collection with its extent and CRS lists."""
    fmt, base = _format(request), _base(request)
    with connection(request) as conn:
        extents = collection_extents(conn)
    doc = documents.collections(base, extents, fmt)
    return _answer(fmt, doc, base, "collections.html", "Collections")


def _collection_handler(coll: Collection) -> Any:
    def collection(request: Request) -> Response:
        fmt, base = _format(request), _base(request)
        with connection(request) as conn:
            extent = collection_extents(conn)[coll.id]
        doc = documents.collection(base, coll, extent, fmt)
        return _answer(fmt, doc, base, "collection.html", coll.title)

    collection.__doc__ = f"Metadata of {coll.id}: extent, CRSs (Part 2), links."
    return collection


def _queryables_handler(coll: Collection) -> Any:
    def queryables(request: Request) -> Response:
        fmt, base = _format(request), _base(request)
        doc = documents.queryables(base, coll)
        if fmt == "html":
            links = doc_links(base, f"/collections/{coll.id}/queryables", fmt, "queryables")
            return HTMLResponse(
                html.render(
                    "queryables.html",
                    title=f"{coll.title}: queryables",
                    base=base,
                    doc=doc,
                    links=links,
                )
            )
        return _json(doc, SCHEMA)

    queryables.__doc__ = f"Queryables of {coll.id} (JSON Schema): names for filter and sortby."
    return queryables


def _schema_handler(coll: Collection) -> Any:
    def schema(request: Request) -> Response:
        _format(request, ("json",))
        return _json(documents.feature_schema(_base(request), coll), SCHEMA)

    schema.__doc__ = f"JSON Schema of one {coll.id} feature (GeoJSON)."
    return schema


def _unknown_collection(collectionId: str) -> Response:  # noqa: N803 - OGC's parameter name
    raise NotFound(f"collection {collectionId!r} not found")


def _unknown_feature(collectionId: str, featureId: str) -> Response:  # noqa: N803
    raise NotFound(f"collection {collectionId!r} not found")


def make_router(settings: Settings) -> APIRouter:
    """All OGC API - Features routes (the limits in the API definition come from settings)."""
    router = APIRouter(tags=["OGC API - Features"], responses=ERROR_RESPONSES)
    doc_params = {"parameters": [f_param(("json", "html"))]}
    common: dict[str, Any] = {
        "methods": ["GET"],
        "response_class": Response,
        "responses": JSON_OR_HTML,
        "openapi_extra": doc_params,
    }
    router.add_api_route(
        "/", landing, summary="Landing page", operation_id="getLandingPage", **common
    )
    router.add_api_route(
        "/conformance",
        conformance,
        summary="Conformance classes",
        operation_id="getConformance",
        **common,
    )
    router.add_api_route(
        "/collections",
        collections,
        summary="Feature collections",
        operation_id="getCollections",
        **common,
    )
    for coll in COLLECTIONS.values():
        path = f"/collections/{coll.id}"
        router.add_api_route(
            path,
            _collection_handler(coll),
            summary=f"{coll.title}: metadata",
            operation_id=f"describe_{coll.id}",
            **common,
        )
        router.add_api_route(
            f"{path}/queryables",
            _queryables_handler(coll),
            summary=f"{coll.title}: queryables",
            operation_id=f"queryables_{coll.id}",
            methods=["GET"],
            response_class=Response,
            responses={200: {"content": {SCHEMA: {"schema": {"type": "object"}}, "text/html": {}}}},
            openapi_extra=doc_params,
        )
        router.add_api_route(
            f"{path}/schema",
            _schema_handler(coll),
            summary=f"{coll.title}: feature schema",
            operation_id=f"schema_{coll.id}",
            methods=["GET"],
            response_class=Response,
            responses={200: {"content": {SCHEMA: {"schema": {"type": "object"}}}}},
            openapi_extra={"parameters": [f_param(("json",))]},
        )
        ogc_items.add_routes(router, coll, settings)
    hidden: dict[str, Any] = {"methods": ["GET"], "include_in_schema": False}
    router.add_api_route("/collections/{collectionId}", _unknown_collection, **hidden)
    for tail in ("/items", "/queryables", "/schema"):
        router.add_api_route(f"/collections/{{collectionId}}{tail}", _unknown_collection, **hidden)
    router.add_api_route(
        "/collections/{collectionId}/items/{featureId}", _unknown_feature, **hidden
    )
    return router
