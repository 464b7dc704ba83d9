"""service.ingest.readers: read GeoJSON, GeoPackage, (zipped) Shapefile and CSV in batches.

Geometries are returned exactly as written in the file (source CRS, source axis order);
transforming them is the runner's job. Nothing here loads the whole file into memory.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import AxisOrder
from service.ingest import fields
from service.ingest.problems import RowError, SourceError

GEO_SUFFIXES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".fgb": "FlatGeobuf",
    ".shp": "Shapefile",
}
CSV_SUFFIXES = {".csv", ".txt"}

# Coordinate columns (normalised names): (first, second, axis order fixed by the names or None
# = as --axis-order says, geographic?). Surveyors' files add units and systems to the names
# (``x_vn2000``, ``northing_m``, ``N (m)``): those suffixes are ignored.
_NAMED_COORDS: list[tuple[tuple[str, ...], tuple[str, ...], AxisOrder | None, bool]] = [
    (("lon", "long", "lng", "longitude", "kinhdo"), ("lat", "latitude", "vido"), "xy", True),
    (("easting", "east", "e", "toadoe"), ("northing", "north", "n", "toadon"), "xy", False),
    (("x", "toadox"), ("y", "toadoy"), None, False),
]
_COORD_SUFFIXES = ("", "m", "met", "metre", "meter", "vn2000", "vn2000m", "wgs84", "tm3", "utm")
EXPECTED_COORDS = (
    "lon/lat (longitude/latitude, kinh_do/vi_do), easting/northing (E/N),"
    " x/y (surveyors' X = northing: --axis-order northing_easting), with suffixes such as"
    " _m or _vn2000, or a WKT column (wkt, geometry)"
)
# A per-row CRS (EPSG code or URN) beside --crs: survey files mix zones.
CRS_COLUMNS = ("crs", "epsg", "srid", "crs_code", "epsg_code", "he_toa_do", "hetoado", "mui_chieu")
_WKT_COLUMNS = ("wkt", "geometry", "geom")


@dataclass
class Record:
    """One feature or CSV data line: its number, properties and geometry as written."""

    number: int
    props: dict[str, Any]
    geom: BaseGeometry | None = None
    geom_error: RowError | None = None


@dataclass
class Source:
    """An opened input file."""

    path: Path
    format: str
    unit: str  # "feature" or "line": what Problem.row counts
    columns: list[str]
    file_crs: str | None = None
    count: int | None = None
    geom_field: str = "geometry"
    # For CSV: the coordinate columns, the order their names fix, and whether they are lon/lat.
    coords: tuple[str, str] | None = None
    fixed_axis_order: AxisOrder | None = None
    geographic_columns: bool = False
    wkt_column: str | None = None
    crs_column: str | None = None  # per-row CRS
    layer_has_geometry: bool = True  # GDAL formats: False for an attribute-only table
    _ogr_path: str = ""
    _layer: str | None = None
    _csv_dialect: Any = field(default=None, repr=False)

    @property
    def has_geometry(self) -> bool:
        """True when the rows carry a geometry (file geometry, coordinate or WKT columns)."""
        if self.coords is not None or self.wkt_column is not None:
            return True
        return self.format != "CSV" and self.layer_has_geometry

    def batches(self, size: int) -> Iterator[list[Record]]:
        """Records in batches of at most ``size``."""
        if self.format == "CSV":
            yield from self._csv_batches(size)
        else:
            yield from self._ogr_batches(size)

    # --- GDAL formats ----------------------------------------------------------------------
    def _ogr_batches(self, size: int) -> Iterator[list[Record]]:
        number = 0
        try:
            with pyogrio.open_arrow(
                self._ogr_path, layer=self._layer, batch_size=size, use_pyarrow=True
            ) as (
                meta,
                reader,
            ):
                geom_col = meta.get("geometry_name") or "wkb_geometry"
                for batch in reader:
                    columns = batch.to_pydict()
                    wkbs = columns.pop(geom_col, [None] * batch.num_rows)
                    geoms = shapely.from_wkb(wkbs, on_invalid="ignore")
                    out = []
                    for i in range(batch.num_rows):
                        number += 1
                        props = {k: v[i] for k, v in columns.items()}
                        if self.coords is not None:  # a table of coordinates, no geometry
                            out.append(self._coords_record(number, props))
                            continue
                        geom = geoms[i]
                        error = None
                        if geom is None and wkbs[i] is not None:
                            error = RowError(self.geom_field, "unreadable geometry")
                        out.append(Record(number, props, geom, error))
                    yield out
        except pyogrio.errors.DataSourceError as exc:
            raise SourceError(f"cannot read {self.format} after feature {number}: {exc}") from exc

    # --- CSV ----------------------------------------------------------------------------------
    def _csv_batches(self, size: int) -> Iterator[list[Record]]:
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, dialect=self._csv_dialect)
            batch: list[Record] = []
            width = len(self.columns)
            try:
                next(reader)  # the header, already read by open_source
                for values in reader:
                    if all(fields.is_empty(v) for v in values):
                        continue  # blank line
                    if len(values) > width:
                        rec = Record(reader.line_num, dict(zip(self.columns, values, strict=False)))
                        rec.geom_error = RowError(None, f"{len(values)} values for {width} columns")
                    else:
                        raw = dict(zip(self.columns, values, strict=False))
                        rec = self._csv_record(reader.line_num, raw)
                    batch.append(rec)
                    if len(batch) >= size:
                        yield batch
                        batch = []
            except UnicodeDecodeError:
                raise SourceError(_not_utf8(self.path)) from None
            except csv.Error as exc:
                raise SourceError(f"line {reader.line_num}: malformed CSV: {exc}") from None
            if batch:
                yield batch

    def _csv_record(self, line: int, raw: dict[str, Any]) -> Record:
        if self.coords is not None:
            return self._coords_record(line, raw)
        rec = Record(line, raw)
        if self.wkt_column is not None:
            value = raw.get(self.wkt_column)
            if not fields.is_empty(value):
                try:
                    rec.geom = shapely.from_wkt(str(value))
                except shapely.errors.GEOSException as exc:
                    rec.geom_error = RowError(self.wkt_column, f"unreadable WKT: {exc}")
        return rec

    def _coords_record(self, number: int, raw: dict[str, Any]) -> Record:
        """A point from the coordinate columns; a bad value is an error of its own column."""
        rec = Record(number, raw)
        if self.coords is not None:
            a, b = self.coords
            va, vb = raw.get(a), raw.get(b)
            if fields.is_empty(va) and fields.is_empty(vb):
                rec.geom_error = RowError(self.geom_field, "no coordinates")
                return rec
            try:
                first = fields.number(a, va, required=True)
                second = fields.number(b, vb, required=True)
            except RowError as exc:
                rec.geom_error = exc
                return rec
            assert first is not None and second is not None
            rec.geom = shapely.Point(first, second)
        return rec


def open_source(path: Path, layer: str | None = None) -> Source:
    """Open ``path`` by its suffix; raise SourceError with a clear reason if it cannot be read."""
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        raise SourceError(f"{path} is a folder: give a file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path.name} is empty (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(path)
    if suffix == ".zip":
        return _open_ogr(path, _zipped_shapefile(path), "Shapefile", layer)
    if suffix in GEO_SUFFIXES:
        return _open_ogr(path, str(path), GEO_SUFFIXES[suffix], layer)
    raise SourceError(
        f"{path.name}: unknown format {suffix or '(no suffix)'}; use .geojson, .json, .gpkg,"
        " .zip (zipped Shapefile), .shp or .csv"
    )


def _zipped_shapefile(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            shps = [n for n in z.namelist() if n.lower().endswith(".shp")]
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{path.name} is not a valid zip file: {exc}") from exc
    if len(shps) != 1:
        found = ", ".join(shps) or "none"
        raise SourceError(f"{path.name} must hold exactly one .shp file (found: {found})")
    return f"/vsizip/{path.resolve()}/{shps[0]}"


def _open_ogr(path: Path, ogr_path: str, fmt: str, layer: str | None) -> Source:
    try:
        layers = pyogrio.list_layers(ogr_path) if fmt == "GeoPackage" else []
        if layer is None and len(layers) > 1:
            names = ", ".join(str(n) for n, _ in layers)
            raise SourceError(f"{path.name} has several layers ({names}): choose one with --layer")
        info = pyogrio.read_info(ogr_path, layer=layer)
    except pyogrio.errors.DataSourceError as exc:
        raise SourceError(f"cannot read {path.name} as {fmt}: {exc}") from exc
    except (pyogrio.errors.DataLayerError, ValueError) as exc:
        raise SourceError(f"{path.name}: {exc}") from exc
    count = int(info["features"])
    if count == 0:
        raise SourceError(f"{path.name} has no features")
    src = Source(
        path=path,
        format=fmt,
        unit="feature",
        columns=[str(c) for c in info["fields"]],
        file_crs=info["crs"],
        count=count,
        layer_has_geometry=bool(info.get("geometry_type")),
        _ogr_path=ogr_path,
        _layer=layer,
    )
    if not src.layer_has_geometry:  # an attribute table: coordinates in columns, as in CSV
        _find_coordinate_columns(src)
    _find_crs_column(src)
    return src


def _open_csv(path: Path) -> Source:
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(f"{path.name} is UTF-16: save it as UTF-8 (Excel: 'CSV UTF-8')")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header_line = fh.readline()
            sample = header_line + "".join(fh.readline() for _ in range(20))
    except UnicodeDecodeError:
        raise SourceError(_not_utf8(path)) from None
    if not header_line.strip():
        raise SourceError(f"{path.name}: the first line (column names) is empty")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    columns = next(csv.reader([header_line], dialect=dialect))
    columns = [c.strip() for c in columns]
    normed = [fields.norm(c) for c in columns]
    dupes = sorted({c for c in columns if normed.count(fields.norm(c)) > 1})
    if dupes:
        raise SourceError(f"{path.name}: duplicate column name(s): {', '.join(dupes)}")
    if len(sample.splitlines()) < 2:
        raise SourceError(f"{path.name} has column names but no data rows")
    src = Source(path=path, format="CSV", unit="line", columns=columns, _csv_dialect=dialect)
    _find_coordinate_columns(src)
    _find_crs_column(src)
    return src


def _coordinate_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The column named one of ``names``, possibly with a unit/system suffix."""
    for col in columns:
        key = fields.norm(col)
        for name in names:
            if key.startswith(name) and key[len(name) :] in _COORD_SUFFIXES:
                return col
    return None


def _find_coordinate_columns(src: Source) -> None:
    """Coordinate columns (first pair of names found), else a WKT column."""
    for firsts, seconds, fixed, geographic in _NAMED_COORDS:
        a = _coordinate_column(src.columns, firsts)
        b = _coordinate_column(src.columns, seconds)
        if a is not None and b is not None:
            src.coords = (a, b)
            src.fixed_axis_order = fixed
            src.geographic_columns = geographic
            src.geom_field = f"{a}/{b}"
            return
    by_norm = {fields.norm(c): c for c in src.columns}
    for name in _WKT_COLUMNS:
        if name in by_norm:
            src.wkt_column = by_norm[name]
            src.geom_field = by_norm[name]
            return


def _find_crs_column(src: Source) -> None:
    by_norm = {fields.norm(c): c for c in src.columns}
    for name in CRS_COLUMNS:
        if fields.norm(name) in by_norm:
            src.crs_column = by_norm[fields.norm(name)]
            return


def _not_utf8(path: Path) -> str:
    """Where the first non-UTF-8 byte is: line and byte offset."""
    line, offset, pending = 1, 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            data = pending + chunk
            try:
                data.decode("utf-8")
                pending = b""
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and exc.end == len(data):
                    pending = data[exc.start :]  # a character cut by the chunk boundary
                    data = data[: exc.start]
                else:
                    line += data[: exc.start].count(b"\n")
                    return (
                        f"{path.name} is not UTF-8: byte 0x{data[exc.start]:02X} at line {line}"
                        f" (byte offset {offset + exc.start}); save it as UTF-8"
                        " (Excel: 'CSV UTF-8')"
                    )
            line += data.count(b"\n")
            offset += len(data)
    return f"{path.name} is not UTF-8 (it ends inside a character); save it as UTF-8"
