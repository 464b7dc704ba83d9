"""service.db.features: the statements behind the OGC items, feature and export requests.

A statement is built once per *shape* (what decides its SQL text: collection, purpose,
output properties, CRS, which filters, ...) and cached; the values (dates, filter values,
bbox, limit, offset) are bind parameters. Building a statement costs milliseconds, running
a cached one almost nothing.

Read paths build GeoJSON inside PostGIS: ``ST_AsGeoJSON`` for the geometry and
``json_build_object`` for the properties; a page's features are joined with
``string_agg`` and spliced into the response (:mod:`service.ogc.render`) unparsed.
``numberMatched`` is a ``count(*)`` with the same conditions over only the columns they
need (no geometry output, no display joins).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    FromClause,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from service.db.cql2_sql import compile_filter
from service.db.feature_sources import SOURCES, WhenShape, when_params, when_shape
from service.errors import NotFound
from service.ogc.collections import COLLECTIONS
from service.ogc.cql2 import Node, properties_used
from service.ogc.documents import Extent
from service.ogc.params import FeatureQuery, ItemsQuery
from service.ogc.render import FeatureText

Executor = Session | Connection
Col = ColumnElement[Any]


# --- statements -------------------------------------------------------------------------------

Purpose = Literal["page", "json", "count", "feature", "text", "wkb", "wkt", "tile"]


@dataclass(frozen=True, slots=True)
class Shape:
    """Everything that decides a statement's SQL text (values are bind parameters)."""

    collection: str
    purpose: Purpose
    when: WhenShape
    out: tuple[str, ...] = ()
    crs_srid: int = 4326
    crs_lat_first: bool = False
    crs_decimals: int = 8
    filters: tuple[str, ...] = ()  # filter parameter names
    n_bbox: int = 0
    sortby: tuple[tuple[str, bool], ...] = ()
    cql: Node | None = None
    paged: bool = True


def shape_of(q: ItemsQuery | FeatureQuery, purpose: Purpose) -> Shape:
    """The statement shape of a request."""
    items = isinstance(q, ItemsQuery)
    return Shape(
        collection=q.collection.id,
        purpose=purpose,
        when=when_shape(q.when),
        out=() if purpose == "count" else q.out_props,
        crs_srid=q.crs.srid,
        crs_lat_first=q.crs.lat_first,
        crs_decimals=q.crs.decimals,
        filters=tuple(p for p, _ in q.filters) if isinstance(q, ItemsQuery) else (),
        n_bbox=len(q.bbox) if isinstance(q, ItemsQuery) else 0,
        sortby=q.sortby if items and purpose != "count" else (),  # type: ignore[union-attr]
        cql=q.cql if isinstance(q, ItemsQuery) else None,
        paged=q.paged if isinstance(q, ItemsQuery) else True,
    )


def bind_values(q: ItemsQuery | FeatureQuery, today: dt.date) -> dict[str, Any]:
    """The bind parameters of a request's statement."""
    out = when_params(q.when, today)
    if isinstance(q, ItemsQuery):
        for param, values in q.filters:
            out[f"p_{param}"] = list(values)
        for i, b in enumerate(q.bbox):
            out.update(
                {f"bb{i}_x0": b.minx, f"bb{i}_y0": b.miny, f"bb{i}_x1": b.maxx, f"bb{i}_y1": b.maxy}
            )
        out.update(limit=q.limit, offset=q.offset)
    return out


def _geom_out(geom: Col, shape: Shape, *, axis_order: bool) -> Col:
    """Geometry in the output CRS; ``axis_order``: lat-first CRSs get their axes swapped."""
    out = geom
    if shape.crs_srid != 4326:
        out = func.ST_Transform(geom, literal_column(str(shape.crs_srid)))
    if axis_order and shape.crs_lat_first:
        out = func.ST_FlipCoordinates(out)
    return out


def _props_json(sub: FromClause, names: Iterable[str]) -> Col:
    args: list[Any] = []
    for n in names:
        args += [literal_column(f"'{n}'"), sub.c[n]]  # names come from the registry only
    return cast(func.json_build_object(*args), Text)


def condition_columns(shape: Shape) -> list[str]:
    """The properties the request's filters and CQL2 read (what :func:`conditions` needs)."""
    by_param = {f.param: f for f in COLLECTIONS[shape.collection].filters}
    used = [by_param[p].prop for p in shape.filters]
    if shape.cql is not None:
        used += sorted(properties_used(shape.cql) - {"geometry"})
    return used


def conditions(shape: Shape, sub: FromClause) -> list[Col]:
    """The request's conditions (filters, bbox, CQL2) over the columns of ``sub``."""
    coll = COLLECTIONS[shape.collection]
    by_param = {f.param: f for f in coll.filters}
    conds: list[Col] = []
    for param in shape.filters:
        f = by_param[param]
        values: Any = bindparam(f"p_{param}", expanding=f.kind == "eq")
        if f.kind == "contains":
            conds.append(sub.c[f.prop].overlap(cast(values, ARRAY(Text))))
        else:
            conds.append(sub.c[f.prop].in_(values))
    if shape.n_bbox:
        boxes = [
            func.ST_Intersects(
                sub.c.geom,
                func.ST_MakeEnvelope(
                    *(bindparam(f"bb{i}_{k}", type_=Float) for k in ("x0", "y0", "x1", "y1")),
                    4326,
                ),
            )
            for i in range(shape.n_bbox)
        ]
        conds.append(or_(*boxes))
    if shape.cql is not None:
        queryables = {p.name: (sub.c[p.name], p.type) for p in coll.queryables if p.name in sub.c}
        conds.append(compile_filter(shape.cql, queryables, sub.c.geom))
    return conds


def _shown(src: FromClause) -> Col:
    """The geometry to write: ``geom_out`` when the source shows another than it filters."""
    return src.c.geom_out if "geom_out" in src.c else src.c.geom


def _output(shape: Shape, src: FromClause) -> Select[Any]:
    """``id``, the geometry (GeoJSON, WKB or WKT) and the properties of the rows of ``src``."""
    if shape.purpose in ("wkb", "wkt"):
        g = _geom_out(_shown(src), shape, axis_order=False)
        geom_col = (
            func.ST_AsBinary(g)
            if shape.purpose == "wkb"
            else func.ST_AsText(g, literal_column(str(shape.crs_decimals)))
        )
        return select(src.c.id, geom_col, *(src.c[n] for n in shape.out))
    g = _geom_out(_shown(src), shape, axis_order=True)
    return select(
        src.c.id,
        # options 0: no "crs" member (the Content-Crs header says it; PostGIS's short-CRS
        # lookup fails on the custom pinned SRIDs).
        func.ST_AsGeoJSON(g, literal_column(str(shape.crs_decimals)), literal_column("0")),
        _props_json(src, shape.out),
    )


@lru_cache(maxsize=1024)
def statement(shape: Shape) -> Select[Any]:
    """The statement of ``shape``, built once.

    A page is chosen first from only the columns its conditions and order need (often an
    index-only scan), then its rows are joined to the output columns and written as
    GeoJSON: neither the output joins nor the GeoJSON are computed for rows that OFFSET
    skips or that the conditions reject.
    """
    source = SOURCES[shape.collection]
    used = condition_columns(shape) + [n for n, _ in shape.sortby]
    spatial = shape.n_bbox > 0 or shape.cql is not None

    def order(t: FromClause) -> list[Any]:
        keys: list[Any] = []
        for name, desc in shape.sortby:
            col = t.c[name]
            keys.append(col.desc().nulls_last() if desc else col.asc().nulls_last())
        return [*keys, t.c.id]  # a total order: pages never overlap or skip

    if shape.purpose == "count":
        sub = source(shape.when).select(used, geom=spatial).subquery("f")
        return select(func.count()).select_from(sub).where(*conditions(shape, sub))
    if shape.purpose == "feature":
        sub = source(shape.when).select(shape.out, geom=True).subquery("f")
        return _output(shape, sub).where(sub.c.id == bindparam("fid"))
    if not shape.paged:  # an export of every match
        sub = source(shape.when).select([*shape.out, *used], geom=True).subquery("f")
        return _output(shape, sub).where(*conditions(shape, sub)).order_by(*order(sub))
    sub = source(shape.when).select(used, geom=spatial).subquery("f")
    page = (
        select(sub.c.id, *(sub.c[n] for n, _ in shape.sortby))
        .where(*conditions(shape, sub))
        .order_by(*order(sub))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("pg")
    )
    out = source(shape.when).select(shape.out, geom=True).subquery("o")
    if shape.purpose != "json":
        stmt = _output(shape, out).select_from(page.join(out, out.c.id == page.c.id))
        return stmt.order_by(*order(page))
    # One row for the whole page: the number of features and their GeoJSON, joined in
    # PostgreSQL (no per-feature work in Python).
    rows = (
        select(
            _feature_text(shape, out).label("feature"),
            page.c.id,
            *(page.c[n] for n, _ in shape.sortby),
        )
        .select_from(page.join(out, out.c.id == page.c.id))
        .subquery("r")
    )
    joined = func.string_agg(
        rows.c.feature, aggregate_order_by(literal_column("','"), *order(rows))
    )
    page_json: Any = select(func.count(), func.coalesce(joined, literal_column("''")))
    return page_json


def _feature_text(shape: Shape, src: FromClause) -> Col:
    """One GeoJSON Feature as text, written by PostgreSQL."""
    g = _geom_out(_shown(src), shape, axis_order=True)
    geojson = func.ST_AsGeoJSON(g, literal_column(str(shape.crs_decimals)), literal_column("0"))
    return func.concat(
        literal_column("""'{"type":"Feature","id":'"""),
        cast(func.to_json(src.c.id), Text),
        literal_column("""',"geometry":'"""),
        func.coalesce(geojson, literal_column("'null'")),
        literal_column("""',"properties":'"""),
        _props_json(src, shape.out),
        literal_column("'}'"),
    )


# --- running them -----------------------------------------------------------------------------


def count_matched(db: Executor, q: ItemsQuery, today: dt.date) -> int:
    """``numberMatched``: one ``count(*)`` with the same conditions, no geometry output."""
    stmt = statement(shape_of(q, "count"))
    return int(db.execute(stmt, bind_values(q, today)).scalar_one())


def features_json(db: Executor, q: ItemsQuery, today: dt.date) -> tuple[int, str]:
    """The page ``q`` asks for as (number of features, their GeoJSON joined by commas)."""
    row = db.execute(statement(shape_of(q, "json")), bind_values(q, today)).one()
    return int(row[0]), str(row[1])


def features_page(db: Executor, q: ItemsQuery, today: dt.date) -> list[FeatureText]:
    """The page of features ``q`` asks for, in a stable order."""
    rows = db.execute(statement(shape_of(q, "page")), bind_values(q, today))
    return [FeatureText(*row) for row in rows]


def _id_value(q: FeatureQuery, feature_id: str) -> int | str:
    coll = q.collection
    if coll.id_type == "integer":
        if not feature_id.isdigit() or len(feature_id) > 9:
            raise NotFound(f"feature {feature_id!r} not found in {coll.id}")
        return int(feature_id)
    return feature_id


def get_feature(db: Executor, q: FeatureQuery, feature_id: str, today: dt.date) -> FeatureText:
    """One feature by id (under the dates of ``q``), or NotFound."""
    values = {**bind_values(q, today), "fid": _id_value(q, feature_id)}
    row = db.execute(statement(shape_of(q, "feature")), values).first()
    if row is None:
        raise NotFound(f"feature {feature_id!r} not found in {q.collection.id}")
    return FeatureText(*row)


def iter_feature_text(
    conn: Connection, q: ItemsQuery, today: dt.date, *, batch: int = 2000
) -> Iterator[list[FeatureText]]:
    """Every matching feature (``limit``/``offset`` only when ``q.paged``), streamed in
    batches from a server-side cursor: memory stays flat whatever the size."""
    stmt = statement(shape_of(q, "text"))
    yield from _stream(conn, stmt, bind_values(q, today), batch, lambda r: FeatureText(*r))


def iter_plain_rows(
    conn: Connection, q: ItemsQuery, today: dt.date, *, geometry: str, batch: int = 2000
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows ``(id, geometry, *properties)`` for file exports, streamed in batches.

    ``geometry``: ``wkb`` or ``wkt``, in the output CRS in x/y (easting, longitude first)
    order as files store it. Properties are plain values (no JSON).
    """
    purpose: Purpose = "wkb" if geometry == "wkb" else "wkt"
    stmt = statement(shape_of(q, purpose))
    yield from _stream(conn, stmt, bind_values(q, today), batch, tuple)


def _stream(
    conn: Connection,
    stmt: Select[Any],
    values: dict[str, Any],
    batch: int,
    make: Callable[[Any], Any],
) -> Iterator[list[Any]]:
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt, values)
    try:
        for part in result.partitions(batch):
            yield [make(r) for r in part]
    finally:
        result.close()


# --- collection metadata ----------------------------------------------------------------------

_EXTENTS = text(
    """
    WITH e(id, box, t0) AS (
      SELECT 'borders', (SELECT ST_Extent(geom) FROM border), NULL::date
      UNION ALL
      SELECT 'border_segments', (SELECT ST_Extent(geom) FROM border_segment),
             (SELECT min(valid_from) FROM border_segment)
      UNION ALL
      SELECT 'markers', (SELECT ST_Extent(geom) FROM marker),
             (SELECT min(event_date) FROM marker_event)
      UNION ALL
      SELECT 'communes', (SELECT ST_Extent(geom) FROM commune),
             (SELECT min(valid_from) FROM commune)
      UNION ALL
      SELECT 'provinces', (SELECT ST_Extent(geom) FROM province),
             (SELECT min(valid_from) FROM province)
      UNION ALL
      SELECT 'officer_coverage',
             (SELECT ST_Extent(geom) FROM commune WHERE is_land_border OR is_coastal),
             (SELECT min(start_date) FROM officer_assignment)
      UNION ALL
      SELECT 'border_posts', (SELECT ST_Extent(geom) FROM border_post), NULL::date
      UNION ALL
      SELECT 'border_gates', (SELECT ST_Extent(geom) FROM border_gate), NULL::date
    )
    SELECT id, ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box), t0 FROM e
    """
)


_VERSION = text("SELECT current_database(), (SELECT version FROM data_version WHERE id = 1)")
# (database, data version) → extents: they change only with the data, and scanning every
# table's boxes costs ~40 ms, far more than the one-row version lookup.
_extents_cache: dict[tuple[str, int], dict[str, Extent]] = {}
_extents_lock = threading.Lock()


def _outward(x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    """The box rounded outwards to 1e-6 degrees (~0.1 m): short, and still holds the data."""
    k = 1e6
    return (
        math.floor(x0 * k) / k,
        math.floor(y0 * k) / k,
        math.ceil(x1 * k) / k,
        math.ceil(y1 * k) / k,
    )


def collection_extents(db: Executor) -> dict[str, Extent]:
    """Lon/lat box and first date of every collection's data, cached per data version."""
    database, version = db.execute(_VERSION).one()
    key = (str(database), int(version or 0))
    with _extents_lock:
        hit = _extents_cache.get(key)
    if hit is not None:
        return hit
    out: dict[str, Extent] = {}
    for cid, x0, y0, x1, y1, t0 in db.execute(_EXTENTS):
        box = None if x0 is None else _outward(float(x0), float(y0), float(x1), float(y1))
        out[cid] = Extent(box, t0.isoformat() if t0 else None, None)
    with _extents_lock:
        if len(_extents_cache) > 16:
            _extents_cache.clear()
        _extents_cache[key] = out
    return out
