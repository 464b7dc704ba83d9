"""service.db.tiles: Mapbox Vector Tiles of a collection, written by PostGIS.

A tile selects the collection's rows exactly as its items do (:mod:`service.db.features`:
the same :class:`~service.db.feature_sources.Source`, the same conditions for dates,
filters and CQL2), keeps those whose box meets the tile (plus its buffer, through the
GiST index), simplifies lines and polygons to a quarter pixel of the zoom, and has
``ST_AsMVTGeom`` clip and quantise them and ``ST_AsMVT`` encode the layer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    LargeBinary,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
)

from service.db.feature_sources import SOURCES
from service.db.features import (
    Executor,
    Shape,
    bind_values,
    condition_columns,
    conditions,
    shape_of,
)
from service.ogc.collections import COLLECTIONS
from service.ogc.tiles import BUFFER, EXTENT, TILE_LAYERS, TileQuery

_Z = bindparam("tz", type_=Integer)
_X = bindparam("tx", type_=Integer)
_Y = bindparam("ty", type_=Integer)
_TOL = bindparam("tol", type_=Float)


def tile_shape(q: TileQuery) -> Shape:
    """The statement shape of a tile request: its filters, and the layer's properties."""
    return dataclasses.replace(
        shape_of(q.items, "count"), purpose="tile", out=TILE_LAYERS[q.items.collection.id].props
    )


@lru_cache(maxsize=256)
def tile_statement(shape: Shape) -> Select[Any]:
    """One row, the tile's bytes (empty when no feature meets the tile)."""
    coll = COLLECTIONS[shape.collection]
    layer = TILE_LAYERS[coll.id]
    source = SOURCES[coll.id](shape.when)
    sub = source.select([*shape.out, *condition_columns(shape)], geom=True).subquery("f")
    envelope = func.ST_TileEnvelope(_Z, _X, _Y)
    # The tile plus its buffer, in the storage CRS (a Mercator box is a lon/lat box).
    reach = func.ST_Transform(
        func.ST_TileEnvelope(
            _Z,
            _X,
            _Y,
            func.ST_MakeEnvelope(
                -20037508.3427892, -20037508.3427892, 20037508.3427892, 20037508.3427892, 3857
            ),
            literal(BUFFER / EXTENT),
        ),
        4326,
    )
    geom: Any = sub.c.geom
    if layer.dimension > 0:  # points need no simplification
        geom = func.ST_Simplify(geom, _TOL, True)
    mvt_geom = func.ST_AsMVTGeom(
        func.ST_Transform(geom, 3857), envelope, EXTENT, BUFFER, True
    ).label("geom")
    props = [_attribute(sub.c[n], coll.prop(n).type).label(n) for n in shape.out]
    rows = (
        select(sub.c.id, mvt_geom, *props)
        .where(sub.c.geom.op("&&")(reach), *conditions(shape, sub))
        .subquery("t")
    )
    mvt = func.ST_AsMVT(
        literal_column("t"), literal(coll.id), EXTENT, literal("geom"), literal("id")
    )
    return (
        select(func.coalesce(mvt, cast(literal(b""), LargeBinary)))
        .select_from(rows)
        .where(rows.c.geom.is_not(None))
    )


def _attribute(col: Any, type_: str) -> Any:
    """A property as an MVT value: dates as ISO text (MVT has no date type)."""
    return cast(col, Text) if type_ == "date" else col


def tile_bytes(db: Executor, q: TileQuery, today: dt.date) -> bytes:
    """The tile ``q`` as Mapbox Vector Tile bytes (empty: no feature in it)."""
    values = {
        **bind_values(q.items, today),
        "tz": q.z,
        "tx": q.x,
        "ty": q.y,
        "tol": q.tolerance_deg,
    }
    data = db.execute(tile_statement(tile_shape(q)), values).scalar()
    return bytes(data) if data else b""
