"""service.outputs.export: every feature matching an items query, as GeoPackage, FlatGeobuf, CSV or
GeoJSON, with flat memory.

Rows come from a server-side cursor in batches (:func:`service.db.features.iter_plain_rows`).
GeoPackage and FlatGeobuf are written by GDAL (pyogrio) from an Arrow stream built batch by
batch; CSV and GeoJSON are written as the batches arrive. Files store coordinates in x/y
(easting, longitude first) order, as GIS files do, and carry the CRS (GPKG, FGB); CSV has
a ``wkt`` column (GDAL reads it as the geometry) and, for points, ``x``/``y``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyogrio
from fastapi.responses import StreamingResponse
from pyproj import CRS
from sqlalchemy import Engine

from service.db.features import iter_feature_text, iter_plain_rows
from service.ogc.collections import Collection, PropType
from service.ogc.crs import OutputCRS
from service.ogc.links import EXPORT_TYPES
from service.ogc.params import ItemsQuery
from service.ogc.render import stream_feature_collection

log = logging.getLogger(__name__)

FILE_FORMATS = ("gpkg", "fgb", "csv", "geojson")
DRIVERS = {"gpkg": "GPKG", "fgb": "FlatGeobuf"}
BATCH = 2000

_ARROW: dict[PropType, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "array": pa.string(),  # comma-joined: GPKG and FGB have no list fields
}


def _plain(value: Any, kind: PropType) -> Any:
    if value is None:
        return None
    if kind == "array":
        return ",".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def file_crs(crs: OutputCRS) -> CRS:
    """The CRS written into files: x/y data, so CRS84 and EPSG:4326 both become EPSG:4326."""
    return CRS.from_epsg(crs.epsg)


def _schema(coll: Collection, names: tuple[str, ...]) -> pa.Schema:
    id_type = pa.int64() if coll.id_type == "integer" else pa.string()
    fields = [pa.field("id", id_type)]
    fields += [pa.field(n, _ARROW[coll.prop(n).type]) for n in names]
    fields.append(
        pa.field("geometry", pa.binary(), metadata={"ARROW:extension:name": "geoarrow.wkb"})
    )
    return pa.schema(fields)


def _batches(
    engine: Engine, q: ItemsQuery, today: dt.date, schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    names = q.out_props
    kinds = [q.collection.prop(n).type for n in names]
    with engine.connect() as conn:
        for rows in iter_plain_rows(conn, q, today, geometry="wkb", batch=BATCH):
            columns: list[list[Any]] = [[r[0] for r in rows]]
            for i, kind in enumerate(kinds):
                columns.append([_plain(r[2 + i], kind) for r in rows])
            columns.append([bytes(r[1]) if r[1] is not None else None for r in rows])
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                schema=schema,
            )


def write_ogr(engine: Engine, q: ItemsQuery, today: dt.date, fmt: str, path: Path) -> None:
    """Write a GeoPackage (``gpkg``) or FlatGeobuf (``fgb``) file at ``path``."""
    schema = _schema(q.collection, q.out_props)
    reader = pa.RecordBatchReader.from_batches(schema, _batches(engine, q, today, schema))
    pyogrio.write_arrow(
        reader,
        str(path),
        layer=q.collection.id,
        driver=DRIVERS[fmt],
        geometry_name="geometry",
        geometry_type=q.collection.geometry_type,
        crs=file_crs(q.crs).to_wkt(),
    )


def iter_csv(engine: Engine, q: ItemsQuery, today: dt.date) -> Iterator[bytes]:
    """CSV chunks: ``id``, the properties, ``wkt`` (+ ``x``, ``y`` for points), ``crs``.

    CSV has no place for a CRS, so every row names it (``EPSG:4326``, x/y order): the file
    imports back into BorderMap (or QGIS) without being told.
    """
    names = q.out_props
    kinds = [q.collection.prop(n).type for n in names]
    points = q.collection.geometry_type == "Point"
    crs = f"EPSG:{q.crs.epsg}"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", *names, "wkt", *(("x", "y") if points else ()), "crs"])
    with engine.connect() as conn:
        for rows in iter_plain_rows(conn, q, today, geometry="wkt", batch=BATCH):
            for r in rows:
                values = [_csv_value(_plain(v, k)) for v, k in zip(r[2:], kinds, strict=True)]
                extra: list[Any] = []
                if points:
                    extra = list(_point_xy(r[1]))
                w.writerow([r[0], *values, r[1] or "", *extra, crs])
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _point_xy(wkt: str | None) -> tuple[str, str]:
    # ST_AsText of a point: "POINT(x y)".
    if not wkt or not wkt.startswith("POINT("):
        return "", ""
    x, y = wkt[6:-1].split()
    return x, y


def iter_geojson(engine: Engine, q: ItemsQuery, today: dt.date) -> Iterator[bytes]:
    """One FeatureCollection of every match, streamed."""
    with engine.connect() as conn:
        yield from stream_feature_collection(iter_feature_text(conn, q, today, batch=BATCH), [])


def write_file(engine: Engine, q: ItemsQuery, today: dt.date, fmt: str, path: Path) -> None:
    """Write every match of ``q`` to ``path`` in ``fmt`` (gpkg, fgb, csv, geojson)."""
    if fmt in DRIVERS:
        if path.exists():
            path.unlink()  # GDAL would append to, or refuse, an existing file
        write_ogr(engine, q, today, fmt, path)
        return
    chunks = iter_csv(engine, q, today) if fmt == "csv" else iter_geojson(engine, q, today)
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)


def _filename(q: ItemsQuery) -> str:
    return f"{q.collection.id}.{q.fmt}"


def http_response(engine: Engine, q: ItemsQuery, today: dt.date) -> StreamingResponse:
    """The export of ``q`` as an HTTP response (``q.fmt`` is csv, gpkg or fgb)."""
    headers = {
        "Content-Crs": f"<{q.crs.uri}>",
        "Content-Disposition": f'attachment; filename="{_filename(q)}"',
    }
    media = EXPORT_TYPES[q.fmt]
    if q.fmt == "csv":
        return StreamingResponse(iter_csv(engine, q, today), media_type=media, headers=headers)
    # GDAL writes files; the file is sent in chunks, then removed.
    fd, name = tempfile.mkstemp(prefix="bordermap-export-", suffix=f".{q.fmt}")
    os.close(fd)
    path = Path(name)
    try:
        write_file(engine, q, today, q.fmt, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    headers["Content-Length"] = str(path.stat().st_size)
    return StreamingResponse(_read_then_remove(path), media_type=media, headers=headers)


def _read_then_remove(path: Path, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The file in chunks; removed afterwards, also when the client goes away mid-way."""
    try:
        with path.open("rb") as f:
            while block := f.read(chunk):
                yield block
    finally:
        path.unlink(missing_ok=True)
