"""service.web.routes.ogc_items: ``/collections/{id}/items`` and ``/items/{featureId}``.

JSON pages are spliced from PostGIS text (:mod:`service.ogc.render`); ``f=csv|gpkg|fgb``
streams every match as a file (:mod:`service.outputs.export`), with the same filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from service.db.features import count_matched, features_json, features_page, get_feature
from service.db.marker_writes import current_etag
from service.errors import BadRequest
from service.ogc import html
from service.ogc.collections import Collection
from service.ogc.links import GEOJSON, base_url, doc_links, items_links, link, url, wants_html
from service.ogc.params import (
    EXPORT_FORMATS,
    known_total,
    parse_feature_query,
    parse_items_query,
)
from service.ogc.render import feature_bytes, feature_collection_text
from service.outputs import export
from service.settings import Settings
from service.web.deps import connection, get_settings
from service.web.read_routing import read_engine
from service.web.routes.ogc_openapi import (
    FEATURE_RESPONSES,
    ITEMS_RESPONSES,
    feature_params,
    items_params,
)


def today() -> dt.date:
    """The date used when a request gives none (state collections show today's state)."""
    return dt.date.today()


def single_params(request: Request) -> dict[str, str]:
    """The query parameters, each at most once (a repeated one is ambiguous: 400)."""
    out: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in out:
            raise BadRequest(f"{key}: given more than once")
        out[key] = value
    if "f" not in out and wants_html(request.headers.get("accept")):
        out["f"] = "html"
    return out


def marker_etag(conn: Connection, feature_id: object) -> str | None:
    """The strong ETag of a live marker (None for other ids)."""
    return current_etag(conn, int(str(feature_id)))


def _content_crs(uri: str) -> dict[str, str]:
    return {"Content-Crs": f"<{uri}>"}


def _items_handler(coll: Collection) -> Any:
    def items(request: Request) -> Response:
        settings = get_settings(request)
        day = today()
        q = parse_items_query(
            coll,
            single_params(request),
            default_limit=settings.default_limit,
            max_limit=settings.max_limit,
            today=day,
        )
        base = base_url(settings.base_url, str(request.base_url))
        if q.fmt in EXPORT_FORMATS:
            return export.http_response(read_engine(request), q, day)
        with connection(request) as conn:
            if q.fmt != "html":
                returned, text = features_json(conn, q, day)
                matched = known_total(q, returned)
                if matched is None:
                    matched = count_matched(conn, q, day)
                links = items_links(base, q, returned, matched)
                body = feature_collection_text(text, returned, matched, links)
                return Response(body, media_type=GEOJSON, headers=_content_crs(q.crs.uri))
            features = features_page(conn, q, day)
            matched = known_total(q, len(features))
            if matched is None:
                matched = count_matched(conn, q, day)
        links = items_links(base, q, len(features), matched)
        rows = [html.parsed(f) for f in features]
        page = html.render(
            "items.html",
            title=coll.title,
            base=base,
            collection=coll,
            columns=q.out_props,
            features=rows,
            matched=matched,
            returned=len(features),
            offset=q.offset,
            links=links,
            synthetic=any(r["properties"].get("synthetic") for r in rows),
        )
        return HTMLResponse(page)

    items.__doc__ = (
        f"Features of {coll.id}: paged (next links), filtered by bbox, dates, properties and"
        " CQL2; GeoJSON, HTML, or every match as CSV, GeoPackage or FlatGeobuf."
    )
    return items


def _feature_handler(coll: Collection) -> Any:
    def feature(
        featureId: str,  # noqa: N803 - OGC's parameter name
        request: Request,
    ) -> Response:
        settings = get_settings(request)
        day = today()
        q = parse_feature_query(coll, single_params(request), today=day)
        base = base_url(settings.base_url, str(request.base_url))
        with connection(request) as conn:
            f = get_feature(conn, q, featureId, day)
            # Markers are writable: their ETag is the row's version, which If-Match checks.
            item_etag = marker_etag(conn, f.id) if coll.id == "markers" else None
        path = f"/collections/{coll.id}/items/{featureId}"
        fmt = "html" if q.fmt == "html" else "json"
        links = [
            *doc_links(base, path, fmt, "this feature"),
            link(
                url(base, f"/collections/{coll.id}"), "collection", "application/json", coll.title
            ),
        ]
        if fmt == "html":
            return HTMLResponse(
                html.render(
                    "feature.html",
                    title=f"{coll.title}: {featureId}",
                    base=base,
                    collection=coll,
                    feature=html.parsed(f),
                    geometry_summary=html.geometry_summary(f.geometry),
                    links=links,
                )
            )
        links[0]["type"] = GEOJSON
        headers = _content_crs(q.crs.uri)
        if item_etag is not None:
            headers["ETag"] = item_etag
        return Response(feature_bytes(f, links), media_type=GEOJSON, headers=headers)

    feature.__doc__ = f"One feature of {coll.id} by id."
    return feature


def add_routes(router: APIRouter, coll: Collection, settings: Settings) -> None:
    """The items and feature paths of ``coll``."""
    path = f"/collections/{coll.id}/items"
    router.add_api_route(
        path,
        _items_handler(coll),
        methods=["GET"],
        summary=f"{coll.title}: features",
        operation_id=f"getFeatures_{coll.id}",
        response_class=Response,
        responses=ITEMS_RESPONSES,
        openapi_extra={
            "parameters": items_params(coll, settings.default_limit, settings.max_limit)
        },
    )
    router.add_api_route(
        path + "/{featureId}",
        _feature_handler(coll),
        methods=["GET"],
        summary=f"{coll.title}: one feature",
        operation_id=f"getFeature_{coll.id}",
        response_class=Response,
        responses=FEATURE_RESPONSES,
        openapi_extra={"parameters": feature_params(coll)},
    )
