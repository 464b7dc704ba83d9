"""service.web.routes.ogc_openapi: how the OGC parameters and responses appear in ``/api``.

The handlers read parameters themselves (:mod:`service.ogc.params`), so the OpenAPI
parameter objects are written here, following the OGC API - Features OpenAPI fragments.
"""

from __future__ import annotations

from typing import Any

from service.ogc.collections import Collection
from service.ogc.crs import supported_uris
from service.ogc.links import EXPORT_TYPES, GEOJSON
from service.ogc.params import ITEMS_FORMATS

_ERROR = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    }
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "A parameter is unknown or malformed (the message names it)", **_ERROR},
    404: {"description": "Unknown collection or feature", **_ERROR},
}
JSON_OR_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}, "text/html": {}}},
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


def _q(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def f_param(choices: tuple[str, ...]) -> dict[str, Any]:
    """The ``f`` parameter (format)."""
    return _q(
        "f",
        {"type": "string", "enum": list(choices)},
        "Format; default JSON, or HTML when a browser asks for it.",
    )


def _crs(name: str, what: str) -> dict[str, Any]:
    return _q(
        name,
        {"type": "string", "format": "uri", "enum": supported_uris()},
        f"CRS of {what}; default CRS84 (longitude, latitude). EPSG:4326 and EPSG:4756"
        " are latitude first. VN-2000 uses the official EPSG:6960 shift.",
    )


def _filter_schema(coll: Collection, prop_name: str) -> dict[str, Any]:
    prop = coll.prop(prop_name)
    if prop.type == "boolean":
        return {"type": "boolean"}
    return {"type": "string"}


def time_params() -> list[dict[str, Any]]:
    """``datetime`` and ``as_of``."""
    return [
        _q(
            "datetime",
            {"type": "string"},
            "A date/date-time or an interval (a/b, ../b, a/..): state and units on that date"
            " (intervals: units valid at some time within it, state at its end).",
        ),
        _q(
            "as_of",
            {"type": "string", "format": "date"},
            "State on a date (YYYY-MM-DD): marker status, units in force, active officers.",
        ),
    ]


def properties_param(coll: Collection) -> dict[str, Any]:
    """``properties``: which properties to return."""
    return _q(
        "properties",
        {"type": "array", "items": {"type": "string", "enum": list(coll.prop_names)}},
        "Comma-separated properties to return (default: all).",
        style="form",
        explode=False,
    )


def items_params(coll: Collection, default_limit: int, max_limit: int) -> list[dict[str, Any]]:
    """Every parameter of ``/collections/{id}/items``."""
    sortable = [p.name for p in coll.queryables]
    params = [
        f_param(ITEMS_FORMATS),
        _q(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit},
            "Features per page.",
        ),
        _q(
            "offset",
            {"type": "integer", "minimum": 0, "default": 0},
            "Features to skip (the next link sets it).",
        ),
        _q(
            "bbox",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            "minx,miny,maxx,maxy in bbox-crs (default CRS84).",
            style="form",
            explode=False,
        ),
        _crs("bbox-crs", "bbox"),
        _crs("crs", "the output geometries"),
        *time_params(),
        properties_param(coll),
        _q(
            "sortby",
            {
                "type": "array",
                "items": {"type": "string", "pattern": "^[+-]?(" + "|".join(sortable) + ")$"},
            },
            "Sort keys, comma-separated; '-' for descending.",
            style="form",
            explode=False,
        ),
        _q(
            "filter",
            {"type": "string"},
            "CQL2-text filter over the queryables, e.g. status = 'planted' AND number < 100.",
        ),
        _q("filter-lang", {"type": "string", "enum": ["cql2-text"]}, "Filter language."),
        _crs("filter-crs", "geometry literals in filter"),
    ]
    for f in coll.filters:
        schema = _filter_schema(coll, f.prop)
        params.append(_q(f.param, schema, f.description))
    return params


def feature_params(coll: Collection) -> list[dict[str, Any]]:
    """Parameters of ``/collections/{id}/items/{featureId}``."""
    return [
        f_param(("json", "geojson", "html")),
        _crs("crs", "the output geometry"),
        *time_params(),
        properties_param(coll),
    ]


ITEMS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Features (GeoJSON), an HTML page, or an export file",
        "content": {
            GEOJSON: {"schema": {"type": "object"}},
            "text/html": {},
            **{t: {} for t in EXPORT_TYPES.values()},
        },
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}
FEATURE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One feature",
        "content": {GEOJSON: {"schema": {"type": "object"}}, "text/html": {}},
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}
