"""service.ogc.documents: the landing page, conformance, collection and queryables documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.ogc.collections import COLLECTIONS, Collection
from service.ogc.crs import CRS84_URI, supported_uris
from service.ogc.links import GEOJSON, HTML, JSON, OPENAPI, SCHEMA, doc_links, link, url
from service.ogc.tiles import CONFORMANCE as TILES_CONFORMANCE
from service.ogc.tiles import REL_TILESETS, TILE_LAYERS

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
    *TILES_CONFORMANCE,
    # Part 4 (draft), on the markers collection: POST/PUT/DELETE, PATCH, If-Match ETags.
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
)


@dataclass(frozen=True, slots=True)
class Extent:
    """Spatial (lon/lat) and temporal extent of a collection's data."""

    bbox: tuple[float, ...] | None
    start: str | None  # ISO date
    end: str | None


def landing(base: str, fmt: str, title: str, description: str) -> dict[str, Any]:
    """The landing page ``/``."""
    return {
        "title": title,
        "description": description,
        "links": [
            *doc_links(base, "/", fmt, "this document"),
            link(url(base, "/api"), "service-desc", OPENAPI, "the API definition (OpenAPI)"),
            link(url(base, "/api.html"), "service-doc", HTML, "the API documentation"),
            link(url(base, "/conformance"), "conformance", JSON, "conformance classes"),
            link(
                url(base, "/conformance"),
                "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                JSON,
                "conformance classes",
            ),
            link(url(base, "/collections"), "data", JSON, "feature collections"),
            link(
                url(base, "/collections"),
                "http://www.opengis.net/def/rel/ogc/1.0/data",
                JSON,
                "feature collections",
            ),
        ],
    }


def conformance(base: str, fmt: str) -> dict[str, Any]:
    """``/conformance``."""
    return {
        "conformsTo": list(CONFORMANCE),
        "links": doc_links(base, "/conformance", fmt, "conformance"),
    }


def collection(base: str, coll: Collection, extent: Extent, fmt: str) -> dict[str, Any]:
    """``/collections/{id}``: metadata, extents, CRS lists and links."""
    path = f"/collections/{coll.id}"
    out: dict[str, Any] = {
        "id": coll.id,
        "title": coll.title,
        "description": coll.description,
        "keywords": list(coll.keywords),
        "itemType": "feature",
        "crs": supported_uris(),
        "storageCrs": CRS84_URI,
        "links": [
            *doc_links(base, path, fmt, coll.title),
            link(url(base, f"{path}/items"), "items", GEOJSON, f"{coll.title} (GeoJSON)"),
            link(url(base, f"{path}/items", {"f": "html"}), "items", HTML, f"{coll.title} (HTML)"),
            # GDAL matches "describedBy"; the registered relation is "describedby".
            *(
                link(url(base, f"{path}/schema"), rel, SCHEMA, "schema of one feature")
                for rel in ("describedby", "describedBy")
            ),
            link(
                url(base, f"{path}/queryables"),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                SCHEMA,
                "queryables",
            ),
        ],
    }
    if coll.id in TILE_LAYERS:
        out["links"].append(
            link(url(base, f"{path}/tiles"), REL_TILESETS, JSON, f"{coll.title}: vector tiles")
        )
    spatial: dict[str, Any] = {"crs": CRS84_URI}
    if extent.bbox is not None:
        spatial["bbox"] = [list(extent.bbox)]
    out["extent"] = {"spatial": spatial}
    if coll.temporal is not None:
        out["extent"]["temporal"] = {
            "interval": [[extent.start, extent.end]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return out


def collections(base: str, extents: dict[str, Extent], fmt: str) -> dict[str, Any]:
    """``/collections``."""
    return {
        "links": doc_links(base, "/collections", fmt, "feature collections"),
        "crs": supported_uris(),
        "collections": [collection(base, c, extents[c.id], "json") for c in COLLECTIONS.values()],
    }


def queryables(base: str, coll: Collection) -> dict[str, Any]:
    """``/collections/{id}/queryables`` as JSON Schema (Part 3)."""
    geometry = {
        "title": "geometry",
        "description": f"{coll.geometry_type} geometry (spatial functions only)",
        "format": f"geometry-{coll.geometry_type.lower()}",
        "x-ogc-role": "primary-geometry",
    }
    props: dict[str, Any] = {"geometry": geometry}
    props.update({p.name: p.json_schema() for p in coll.queryables})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": url(base, f"/collections/{coll.id}/queryables"),
        "type": "object",
        "title": coll.title,
        "properties": props,
        "additionalProperties": False,
    }


def feature_schema(base: str, coll: Collection) -> dict[str, Any]:
    """``/collections/{id}/schema``: JSON Schema of one GeoJSON feature of ``coll``.

    Linked as ``describedby`` from the collection, so clients (GDAL) type every field,
    including those whose first values are null.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": url(base, f"/collections/{coll.id}/schema"),
        "title": f"{coll.title}: one feature (GeoJSON)",
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": coll.id_type},
            "geometry": {"type": "object", "description": f"{coll.geometry_type} (GeoJSON)"},
            "properties": {
                "type": "object",
                "properties": {p.name: p.json_schema() for p in coll.props},
            },
        },
    }
