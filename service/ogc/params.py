"""service.ogc.params: reading and checking the query parameters of the OGC endpoints.

Built on the one parser of :mod:`service.params` (dates, choices, numbers), so items,
reports, maps and the ``bordermap export`` command accept the same values with the same
messages. Every rejection is a BadRequest (400) naming the
parameter. Unknown parameters are rejected too (OGC API - Features /req/core/query-param-unknown).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from geo.bbox import BBox, parse_bbox
from geo.crs import transformer_to_wgs84
from geo.errors import GeoError
from service.errors import BadRequest
from service.ogc import cql2
from service.ogc.collections import Collection
from service.ogc.crs import CRS84, OutputCRS, resolve
from service.params import When, check_known, choice, integer
from service.params import when as parse_when

ItemsFormat = Literal["json", "geojson", "html", "csv", "gpkg", "fgb"]
ITEMS_FORMATS: tuple[ItemsFormat, ...] = ("json", "geojson", "html", "csv", "gpkg", "fgb")
PAGE_FORMATS = ("json", "html")
EXPORT_FORMATS = ("csv", "gpkg", "fgb")
MAX_OFFSET = 1_000_000_000

ITEMS_PARAMS = (
    "f",
    "limit",
    "offset",
    "bbox",
    "bbox-crs",
    "crs",
    "datetime",
    "as_of",
    "properties",
    "sortby",
    "filter",
    "filter-lang",
    "filter-crs",
)
FEATURE_PARAMS = ("f", "crs", "datetime", "as_of", "properties")


@dataclass(frozen=True, slots=True)
class ItemsQuery:
    """Everything an items request (or an export) asks for, checked."""

    collection: Collection
    limit: int
    offset: int = 0
    fmt: ItemsFormat = "json"
    crs: OutputCRS = CRS84
    bbox: tuple[BBox, ...] = ()  # lon/lat parts (split at the antimeridian)
    when: When | None = None
    filters: tuple[tuple[str, tuple[object, ...]], ...] = ()  # (param, values)
    properties: tuple[str, ...] | None = None  # None: all
    sortby: tuple[tuple[str, bool], ...] = ()  # (property, descending)
    cql: cql2.Node | None = None  # geometry literals already in lon/lat WGS 84
    echo: dict[str, str] = field(default_factory=dict)  # the accepted parameters, for links
    paged: bool = True  # False: an export of every match (no limit/offset given)

    @property
    def out_props(self) -> tuple[str, ...]:
        """Properties in the output, in collection order."""
        if self.properties is None:
            return self.collection.prop_names
        return tuple(p for p in self.collection.prop_names if p in self.properties)


@dataclass(frozen=True, slots=True)
class FeatureQuery:
    """A single-feature request."""

    collection: Collection
    fmt: str = "json"
    crs: OutputCRS = CRS84
    when: When | None = None
    properties: tuple[str, ...] | None = None

    @property
    def out_props(self) -> tuple[str, ...]:
        """Properties in the output, in collection order."""
        if self.properties is None:
            return self.collection.prop_names
        return tuple(p for p in self.collection.prop_names if p in self.properties)


def known_total(q: ItemsQuery, returned: int) -> int | None:
    """``numberMatched`` when the page itself tells it (a short page that is not empty, or
    an empty first page), else None: the count query is then needed."""
    if returned < q.limit and (returned > 0 or q.offset == 0):
        return q.offset + returned
    return None


def allowed_items_params(collection: Collection) -> tuple[str, ...]:
    """Every parameter the items endpoint of ``collection`` accepts."""
    return (*ITEMS_PARAMS, *(f.param for f in collection.filters))


def parse_items_query(
    collection: Collection,
    params: Mapping[str, str],
    *,
    default_limit: int,
    max_limit: int,
    today: dt.date,
    formats: Iterable[str] = ITEMS_FORMATS,
) -> ItemsQuery:
    """Check the items parameters of ``collection`` and return the query they describe."""
    check_known(params, allowed_items_params(collection))
    get = params.get
    fmt = choice("f", get("f"), formats, "json")
    limit = integer(get("limit"), name="limit", low=1, high=max_limit, default=default_limit)
    offset = integer(get("offset"), name="offset", low=0, high=MAX_OFFSET, default=0)
    crs = _crs("crs", get("crs"))
    bbox: tuple[BBox, ...] = ()
    if get("bbox") is not None:
        bbox = _bbox(get("bbox") or "", _crs("bbox-crs", get("bbox-crs")))
    elif get("bbox-crs") is not None:
        raise BadRequest("bbox-crs given without bbox")
    when = parse_when(get("datetime"), get("as_of"), today)
    filters = tuple(
        (f.param, _filter_values(collection, f.param, f.prop, params[f.param]))
        for f in collection.filters
        if f.param in params
    )
    cql = _cql(collection, get("filter"), get("filter-lang"), get("filter-crs"))
    query = ItemsQuery(
        collection=collection,
        limit=limit,
        offset=offset,
        fmt=fmt,  # type: ignore[arg-type]
        crs=crs,
        bbox=bbox,
        when=when,
        filters=filters,
        properties=_properties(collection, get("properties")),
        sortby=_sortby(collection, get("sortby")),
        cql=cql,
        echo={k: v for k, v in params.items() if k not in ("f", "limit", "offset")},
        paged=fmt not in EXPORT_FORMATS or "limit" in params or "offset" in params,
    )
    return query


def parse_feature_query(
    collection: Collection, params: Mapping[str, str], *, today: dt.date
) -> FeatureQuery:
    """Check the parameters of a single-feature request."""
    check_known(params, FEATURE_PARAMS)
    return FeatureQuery(
        collection=collection,
        fmt=choice("f", params.get("f"), ("json", "geojson", "html"), "json"),
        crs=_crs("crs", params.get("crs")),
        when=parse_when(params.get("datetime"), params.get("as_of"), today),
        properties=_properties(collection, params.get("properties")),
    )


# --- single parameters ------------------------------------------------------------------------


def _crs(name: str, value: str | None) -> OutputCRS:
    if value is None:
        return CRS84
    try:
        return resolve(value, name)
    except GeoError as exc:
        raise BadRequest(str(exc)) from None


def _bbox(value: str, crs: OutputCRS) -> tuple[BBox, ...]:
    try:
        box = parse_bbox(value, lat_first=crs.lat_first, geographic=crs.geographic)
    except GeoError as exc:
        raise BadRequest(f"bbox: {exc}") from None
    if crs.epsg == 4326:
        return tuple(box.parts())
    return (_box_to_wgs84(box, crs, "bbox"),)


def _box_to_wgs84(box: BBox, crs: OutputCRS, name: str) -> BBox:
    """Envelope in lon/lat of a box in ``crs``, with densified edges (TM edges curve)."""
    steps = 16
    xs: list[float] = []
    ys: list[float] = []
    for i in range(steps + 1):
        t = i / steps
        x = box.minx + t * (box.maxx - box.minx)
        y = box.miny + t * (box.maxy - box.miny)
        xs += [x, x, box.minx, box.maxx]
        ys += [box.miny, box.maxy, y, y]
    lon, lat = _to_wgs84(crs, xs, ys, name)
    return BBox(min(lon), min(lat), max(lon), max(lat))


def _to_wgs84(
    crs: OutputCRS, xs: list[float], ys: list[float], name: str
) -> tuple[list[float], list[float]]:
    """Transform x/y (easting/lon first) from ``crs`` to lon/lat with the pinned pipeline."""
    try:
        lon, lat = transformer_to_wgs84(crs.epsg).transform(xs, ys, errcheck=True)
    except Exception as exc:  # pyproj's ProjError: coordinates outside the projection
        raise BadRequest(f"{name}: coordinates cannot be transformed from {crs.uri}") from exc
    lons, lats = [float(v) for v in lon], [float(v) for v in lat]
    if not all(-180 <= v <= 180 for v in lons) or not all(-90 <= v <= 90 for v in lats):
        raise BadRequest(f"{name}: coordinates fall outside the globe in {crs.uri}")
    return lons, lats


def _filter_values(collection: Collection, param: str, prop_name: str, raw: str) -> tuple:
    prop = collection.prop(prop_name)
    values = [v.strip() for v in raw.split(",")]
    if not raw.strip() or any(v == "" for v in values):
        raise BadRequest(f"{param}: empty value")
    if len(values) > 1000:
        raise BadRequest(f"{param}: at most 1000 values")
    out: list[object] = []
    for v in values:
        if prop.type == "boolean":
            if v.lower() not in ("true", "false"):
                raise BadRequest(f"{param}: {v!r} is not true or false")
            out.append(v.lower() == "true")
        elif prop.type == "integer":
            if not re.fullmatch(r"-?[0-9]{1,9}", v):
                raise BadRequest(f"{param}: {v!r} is not an integer")
            out.append(int(v))
        else:
            if prop.enum and v not in prop.enum:
                raise BadRequest(f"{param}: {v!r} is not one of {', '.join(prop.enum)}")
            if prop.type == "array" and v not in ("CN", "LA", "KH"):
                raise BadRequest(f"{param}: {v!r} is not one of CN, LA, KH")
            if prop.pattern and not re.match(prop.pattern, v):
                raise BadRequest(f"{param}: {v!r} does not match {prop.pattern}")
            out.append(v)
    if prop.type == "boolean" and len(out) > 1:
        raise BadRequest(f"{param}: give one value, true or false")
    return tuple(out)


def _properties(collection: Collection, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    for n in names:
        if n not in collection.prop_names:
            raise BadRequest(
                f"properties: {n!r} is not a property of {collection.id};"
                f" known: {', '.join(collection.prop_names)}"
            )
    return tuple(names)


def _sortby(collection: Collection, value: str | None) -> tuple[tuple[str, bool], ...]:
    if value is None:
        return ()
    out: list[tuple[str, bool]] = []
    for raw in value.split(","):
        key = raw.strip()
        desc = key.startswith("-")
        name = key.lstrip("+-").strip()
        # A leading '+' arrives as a space when a client does not escape it.
        if not name:
            raise BadRequest("sortby: empty sort key")
        if name not in {p.name for p in collection.queryables}:
            raise BadRequest(f"sortby: {name!r} is not a sortable property of {collection.id}")
        if any(n == name for n, _ in out):
            raise BadRequest(f"sortby: {name!r} given twice")
        out.append((name, desc))
    return tuple(out)


def _cql(
    collection: Collection,
    text: str | None,
    lang: str | None,
    filter_crs: str | None,
) -> cql2.Node | None:
    if lang is not None and lang != "cql2-text":
        raise BadRequest(f"filter-lang: {lang!r} is not supported; use cql2-text")
    if text is None:
        if filter_crs is not None:
            raise BadRequest("filter-crs given without filter")
        return None
    node = cql2.parse(text)
    known = {p.name for p in collection.queryables} | {"geometry"}
    for name in sorted(cql2.properties_used(node)):
        if name not in known:
            raise cql2.CQL2Error(
                f"filter: {name!r} is not a queryable of {collection.id};"
                f" see /collections/{collection.id}/queryables"
            )
    crs = _crs("filter-crs", filter_crs)
    return cql2.map_geometries(node, lambda g: _literal_to_wgs84(g, crs))


def _literal_to_wgs84(g: cql2.GeometryLiteral, crs: OutputCRS) -> cql2.GeometryLiteral:
    """The literal in lon/lat WGS 84; a lat-first CRS has its numbers swapped first."""
    pts = g.positions()
    xs = [p[1] if crs.lat_first else p[0] for p in pts]
    ys = [p[0] if crs.lat_first else p[1] for p in pts]
    if crs.epsg == 4326:
        lons, lats = xs, ys
        if not all(-180 <= v <= 180 for v in lons) or not all(-90 <= v <= 90 for v in lats):
            raise BadRequest("filter: a geometry literal has coordinates outside the globe")
    else:
        lons, lats = _to_wgs84(crs, xs, ys, "filter")
    mapping = dict(zip(pts, zip(lons, lats, strict=True), strict=True))
    wkt_points: dict[tuple[float, float], tuple[float, float]] = mapping

    def rebuild(c: cql2.Coords) -> cql2.Coords:
        if len(c) == 2 and isinstance(c[0], float):
            return wkt_points[c]
        return tuple(rebuild(part) for part in c)

    return cql2.GeometryLiteral(g.kind, rebuild(g.coords))
