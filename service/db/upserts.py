"""service.db.upserts: the SQL of the importers (staging tables, checks, upserts by natural key).

Rows are first copied into temporary staging tables (``ON COMMIT DROP``; they fire no
triggers). Each staged row is then classified against its table as new, changed or same, and
only new and changed rows are written. Statements run only when they have rows to write, so
re-importing an unchanged file executes no write at all and ``data_version`` stays put (its
triggers fire once per statement, even for zero rows).

Every identifier below comes from the constant table specs in this module, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shapely import set_srid, to_wkb
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Col:
    """A column written by an import: staging type, and how it is updated and inserted."""

    name: str
    type: str
    optional: bool = False  # written only when the file has the column
    update: str | None = None  # SQL in terms of s (stage) and t (target); default s.<name>
    insert: str | None = None  # SQL in terms of s; default s.<name>

    def update_sql(self) -> str:
        return self.update or f"s.{self.name}"

    def insert_sql(self) -> str:
        return self.insert or f"s.{self.name}"

    def compare(self, alias: str, expr: str | None = None) -> str:
        value = expr if expr is not None else f"{alias}.{self.name}"
        return f"ST_AsEWKB({value})" if self.type.startswith("geometry") else value


@dataclass(frozen=True)
class Target:
    """A table an import writes: its natural key and columns, and its staging table."""

    table: str
    stage: str
    key: tuple[Col, ...]
    cols: tuple[Col, ...]
    extra: tuple[Col, ...] = ()  # staging-only columns
    nullable_key: tuple[str, ...] = ()

    def written(self, present: set[str]) -> list[Col]:
        return [c for c in self.cols if not c.optional or c.name in present]

    def join(self) -> str:
        return " AND ".join(
            f"t.{k.name} IS NOT DISTINCT FROM s.{k.name}"
            if k.name in self.nullable_key
            else f"t.{k.name} = s.{k.name}"
            for k in self.key
        )


# A file may say its rows are synthetic (BorderMap's own export of the demo data does);
# without the column, imported rows are real data.
_SYNTHETIC = Col(
    "synthetic",
    "boolean",
    update="COALESCE(s.synthetic, false)",
    insert="COALESCE(s.synthetic, false)",
)


# Geometry read back from BorderMap's own text exports is rounded to the output precision
# (8 decimals of a degree, or 3 of a metre: at most ~0.8 mm off). Geometries whose vertices
# agree to 1.5e-8 degrees (~1.6 mm) are the same: the stored one is kept (for a marker, with
# the coordinates and CRS as first recorded); anything farther is a change (a move).
SAME_GEOMETRY = (
    "(ST_AsEWKB(s.geom) = ST_AsEWKB(t.geom) OR (ST_NPoints(s.geom) = ST_NPoints(t.geom)"
    " AND ST_HausdorffDistance(s.geom, t.geom) <= 1.5e-8))"
)


def _kept_if_same_geometry(name: str, type_: str) -> Col:
    return Col(name, type_, update=f"CASE WHEN {SAME_GEOMETRY} THEN t.{name} ELSE s.{name} END")


def _flag(name: str, default: str, official_wins: bool) -> Col:
    keep = f"COALESCE(s.{name}, t.{name})"
    if official_wins:  # an official border-commune list wins over flags from geometry files
        keep = f"CASE WHEN t.border_flag_source = 'official' THEN t.{name} ELSE {keep} END"
    return Col(
        name,
        "boolean" if default == "false" else "text[]",
        optional=True,
        update=keep,
        insert=f"COALESCE(s.{name}, {default})",
    )


def _unit_cols(official_wins: bool) -> tuple[Col, ...]:
    return (
        Col("name", "text"),
        Col("unit_type", "text"),
        Col("valid_from", "date", optional=True),
        Col("valid_to", "date", optional=True),
        _kept_if_same_geometry("geom", "geometry(MultiPolygon, 4326)"),
        Col("geom_source", "text", update="COALESCE(s.geom_source, 'imported')"),
        _flag("is_land_border", "false", official_wins),
        _flag("is_coastal", "false", official_wins),
        _flag("neighbour_countries", "'{}'::text[]", official_wins),
        _SYNTHETIC,
    )


_ERA_CODE = (Col("era", "text"), Col("code", "text"))

PROVINCE = Target("province", "stage_province", _ERA_CODE, _unit_cols(False))
COMMUNE = Target(
    "commune",
    "stage_commune",
    _ERA_CODE,
    (
        *_unit_cols(True)[:2],
        Col("province_code", "text"),
        Col("district_name", "text", optional=True),
        *_unit_cols(True)[2:],
    ),
)
BORDER_COMMUNE = Target(
    "commune",
    "stage_border_commune",
    _ERA_CODE,
    (
        Col("is_land_border", "boolean"),
        Col("is_coastal", "boolean", optional=True, update="COALESCE(s.is_coastal, t.is_coastal)"),
        Col(
            "neighbour_countries",
            "text[]",
            optional=True,
            update="COALESCE(s.neighbour_countries, t.neighbour_countries)",
        ),
        Col("border_flag_source", "text", update="'official'"),
    ),
)
BORDER_SEGMENT = Target(
    "border_segment",
    "stage_border_segment",
    _ERA_CODE,
    (
        Col("border_code", "text"),
        Col("province_code", "text"),
        Col("valid_from", "date", optional=True),
        Col("valid_to", "date", optional=True),
        Col("official_length_km", "numeric(10,3)", optional=True),
        Col("official_land_km", "numeric(10,3)", optional=True),
        Col("official_river_km", "numeric(10,3)", optional=True),
        Col("length_source", "text", optional=True),
        Col("measured_length_km", "numeric(10,3)"),
        Col("demarcated", "boolean"),
        _kept_if_same_geometry("geom", "geometry(MultiLineString, 4326)"),
        Col("synthetic", "boolean", update="false", insert="false"),
    ),
)
MARKER = Target(
    "marker",
    "stage_marker",
    (
        Col("border_code", "text"),
        Col("number", "integer"),
        Col("same_number_index", "smallint"),
        Col("sub_number", "integer"),
    ),
    (
        Col("marker_class", "text"),
        Col("size_class", "text", optional=True),
        Col(
            "setting",
            "text",
            optional=True,
            update="COALESCE(s.setting, t.setting)",
            insert="COALESCE(s.setting, 'land')",
        ),
        Col("material", "text", optional=True),
        Col("planted_by", "text", optional=True),
        Col("elevation_m", "numeric(7,2)", optional=True),
        _kept_if_same_geometry("geom", "geometry(Point, 4326)"),
        _kept_if_same_geometry("source_crs", "text"),
        _kept_if_same_geometry("source_x", "double precision"),
        _kept_if_same_geometry("source_y", "double precision"),
        _kept_if_same_geometry("source_axis_order", "text"),
        _kept_if_same_geometry("source_transform", "text"),
        _SYNTHETIC,
    ),
    extra=(
        Col("status", "text"),
        Col("status_date", "date"),
        Col("source_document", "text"),
        Col("note", "text"),
    ),
    nullable_key=("same_number_index", "sub_number"),
)
OFFICER = Target(
    "officer",
    "stage_officer",
    (Col("service_number", "text"),),
    (
        Col("full_name", "text"),
        Col("rank", "text", optional=True),
        Col("home_unit", "text", optional=True),
        Col("synthetic", "boolean", update="false", insert="false"),
    ),
)
ASSIGNMENT = Target(
    "officer_assignment",
    "stage_officer_assignment",
    (
        Col("officer_id", "integer"),
        Col("commune_id", "integer"),
        Col("role", "text"),
        Col("start_date", "date"),
    ),
    (
        Col("term", "text"),
        Col("end_date", "date", optional=True),
        Col("synthetic", "boolean", update="false", insert="false"),
    ),
    extra=(
        Col("era", "text"),
        Col("service_number", "text"),
        Col("full_name", "text"),
        Col("rank", "text"),
        Col("home_unit", "text"),
        Col("commune_code", "text"),
    ),
)
TARGETS = {
    t.stage: t for t in (PROVINCE, COMMUNE, BORDER_COMMUNE, BORDER_SEGMENT, MARKER, ASSIGNMENT)
}


# --- session set-up and look-ups ----------------------------------------------------------------


def begin_import(conn: Connection) -> None:
    """One import at a time (transaction-scoped advisory lock); big files may take minutes."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('bordermap.import'))"))
    conn.execute(text("SET LOCAL statement_timeout = '15min'"))


def unit_codes(conn: Connection, level: str, era: str) -> set[str]:
    """Codes of the provinces or communes of one era."""
    table = {"province": "province", "commune": "commune"}[level]
    rows = conn.execute(text(f"SELECT code FROM {table} WHERE era = :era"), {"era": era})
    return {r[0] for r in rows}


def border_codes(conn: Connection) -> set[str]:
    """Codes of the borders in the database (CN, LA, KH)."""
    return {r[0] for r in conn.execute(text("SELECT code FROM border"))}


# --- staging ---------------------------------------------------------------------------------


def _stage_cols(target: Target) -> list[Col]:
    seen: dict[str, Col] = {}
    for c in (*target.key, *target.cols, *target.extra):
        seen.setdefault(c.name, c)
    return list(seen.values())


def create_stage(conn: Connection, target: Target) -> None:
    """The temporary staging table of ``target`` (dropped at commit or rollback)."""
    cols = ", ".join(f"{c.name} {c.type}" for c in _stage_cols(target))
    conn.execute(
        text(
            f"CREATE TEMP TABLE {target.stage} (row_no integer PRIMARY KEY, action text,"
            f" target_id integer, {cols}) ON COMMIT DROP"
        )
    )


def stage_rows(conn: Connection, target: Target, rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY parsed rows (dicts with ``row_no`` and the staging columns) into the stage."""
    cols = [c for c in _stage_cols(target) if c.name not in ("officer_id", "commune_id")]
    geoms = {c.name for c in cols if c.type.startswith("geometry")}
    names = ", ".join(["row_no", *(c.name for c in cols)])
    n = 0
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor() as cur, cur.copy(f"COPY {target.stage} ({names}) FROM STDIN") as copy:
        for r in rows:
            values: list[Any] = [r["row_no"]]
            for c in cols:
                v = r.get(c.name)
                if c.name in geoms and isinstance(v, BaseGeometry):
                    v = to_wkb(set_srid(v, 4326), hex=True, include_srid=True)  # hex EWKB
                values.append(v)
            copy.write_row(values)
            n += 1
    return n


# --- classify and write ------------------------------------------------------------------------


def classify(conn: Connection, target: Target, present: set[str]) -> dict[str, int]:
    """Mark each staged row new, changed or same; return the counts. Writes only the stage."""
    cols = target.written(present)
    old = ", ".join(c.compare("t") for c in cols)
    new = ", ".join(c.compare("s", c.update_sql()) for c in cols)
    conn.execute(text(f"UPDATE {target.stage} SET action = 'new', target_id = NULL"))
    conn.execute(
        text(
            f"UPDATE {target.stage} s SET target_id = t.id,"
            f" action = CASE WHEN ROW({old}) IS DISTINCT FROM ROW({new})"
            f" THEN 'changed' ELSE 'same' END"
            f" FROM {target.table} t WHERE {target.join()}"
        )
    )
    counts = {"new": 0, "changed": 0, "same": 0}
    for action, n in conn.execute(
        text(f"SELECT action, count(*) FROM {target.stage} GROUP BY action")
    ):
        counts[str(action)] = int(n)
    return counts


def apply(conn: Connection, target: Target, present: set[str], counts: Mapping[str, int]) -> None:
    """Write the new and changed rows classified by ``classify``; nothing if there are none."""
    cols = target.written(present)
    if counts.get("changed"):
        sets = ", ".join(f"{c.name} = {c.update_sql()}" for c in cols)
        conn.execute(
            text(
                f"UPDATE {target.table} t SET {sets} FROM {target.stage} s"
                f" WHERE s.target_id = t.id AND s.action = 'changed'"
            )
        )
    if counts.get("new"):
        names = ", ".join(c.name for c in (*target.key, *cols))
        exprs = ", ".join([f"s.{k.name}" for k in target.key] + [c.insert_sql() for c in cols])
        conn.execute(
            text(
                f"INSERT INTO {target.table} ({names}) SELECT {exprs} FROM {target.stage} s"
                f" WHERE s.action = 'new' ORDER BY s.row_no"
            )
        )
        conn.execute(
            text(
                f"UPDATE {target.stage} s SET target_id = t.id FROM {target.table} t"
                f" WHERE s.action = 'new' AND {target.join()}"
            )
        )


# --- kind-specific steps --------------------------------------------------------------------


def markers_far_from_border(
    conn: Connection, max_m: float
) -> list[tuple[int, str, float | None, bool]]:
    """Staged markers farther than ``max_m`` metres from their border line.

    Each: (row, border, metres or None when the border has no line, line is approximate).
    """
    rows = conn.execute(
        text(
            "SELECT s.row_no, s.border_code,"
            " ST_Distance(s.geom::geography, b.geom::geography) AS d,"
            " b.geom_source = 'approximate' AS approximate"
            " FROM stage_marker s JOIN border b ON b.code = s.border_code"
            " WHERE b.geom IS NULL OR CASE"
            # Cheap planar test first: a degree is at most ~111.32 km here, so a point this
            # close in degrees is within max_m; only the others need the geodesic distance.
            "  WHEN ST_DWithin(s.geom, b.geom, :deg) THEN false"
            "  ELSE NOT ST_DWithin(s.geom::geography, b.geom::geography, :m) END"
            " ORDER BY s.row_no"
        ),
        {"m": max_m, "deg": max_m / 111_320.0},
    )
    return [(int(r[0]), str(r[1]), None if r[2] is None else float(r[2]), bool(r[3])) for r in rows]


_NEW_EVENTS = (
    " FROM stage_marker s WHERE s.status IS NOT NULL AND (s.target_id IS NULL OR NOT EXISTS ("
    " SELECT 1 FROM marker_event e WHERE e.marker_id = s.target_id"
    " AND e.event_date = s.status_date AND e.status = s.status))"
)


def count_new_events(conn: Connection) -> int:
    """Status events of the staged markers not yet in their history."""
    return int(conn.execute(text("SELECT count(*)" + _NEW_EVENTS)).scalar_one())


def append_events(conn: Connection) -> int:
    """Append the new status events (history is never overwritten)."""
    n = count_new_events(conn)
    if n:
        conn.execute(
            text(
                "INSERT INTO marker_event (marker_id, status, event_date, source_document, note)"
                " SELECT s.target_id, s.status, s.status_date, s.source_document, s.note"
                + _NEW_EVENTS
                + " ORDER BY s.row_no"
            )
        )
    return n


_SEGMENT_WANT = """
WITH want AS (
  SELECT s.target_id AS marker_id, e.era, seg.id AS segment_id
  FROM stage_marker s
  CROSS JOIN (VALUES ('pre2025'), ('post2025')) AS e(era)
  CROSS JOIN LATERAL (
    SELECT bs.id FROM border_segment bs
    WHERE bs.border_code = s.border_code AND bs.era = e.era AND bs.geom IS NOT NULL
    ORDER BY bs.geom <-> s.geom LIMIT 1
  ) seg
  WHERE s.action IN ('new', 'changed')
), diff AS (
  SELECT w.* FROM want w
  LEFT JOIN marker_segment ms ON ms.marker_id = w.marker_id AND ms.era = w.era
  WHERE ms.segment_id IS DISTINCT FROM w.segment_id
)
"""


def link_marker_segments(conn: Connection) -> int:
    """Link new and moved markers to the nearest segment of their border in each era."""
    n = int(conn.execute(text(_SEGMENT_WANT + "SELECT count(*) FROM diff")).scalar_one())
    if n:
        conn.execute(
            text(
                _SEGMENT_WANT + "INSERT INTO marker_segment (marker_id, era, segment_id)"
                " SELECT marker_id, era, segment_id FROM diff"
                " ON CONFLICT (marker_id, era) DO UPDATE SET segment_id = EXCLUDED.segment_id"
            )
        )
    return n


def stage_officers(conn: Connection) -> None:
    """Officers of the staged assignments (one row per service number) in their own stage."""
    conn.execute(
        text(
            "CREATE TEMP TABLE stage_officer ON COMMIT DROP AS"
            " SELECT DISTINCT ON (service_number) row_no, NULL::text AS action,"
            " NULL::integer AS target_id, service_number, full_name, rank, home_unit"
            " FROM stage_officer_assignment ORDER BY service_number, row_no"
        )
    )


def officer_name_conflicts(conn: Connection) -> list[tuple[int, str]]:
    """Staged rows whose service number carries different names within the file."""
    rows = conn.execute(
        text(
            "SELECT s.row_no, s.service_number FROM stage_officer_assignment s"
            " JOIN (SELECT service_number FROM stage_officer_assignment GROUP BY service_number"
            " HAVING count(DISTINCT full_name) > 1) d USING (service_number) ORDER BY s.row_no"
        )
    )
    return [(int(r[0]), str(r[1])) for r in rows]


def resolve_assignment_ids(conn: Connection) -> None:
    """Officer and commune ids of the staged assignments (officers must be written first)."""
    conn.execute(
        text(
            "UPDATE stage_officer_assignment s SET officer_id = o.id"
            " FROM officer o WHERE o.service_number = s.service_number"
        )
    )
    conn.execute(
        text(
            "UPDATE stage_officer_assignment s SET commune_id = c.id"
            " FROM commune c WHERE c.era = s.era AND c.code = s.commune_code"
        )
    )


_UNLISTED = (
    " FROM commune t WHERE t.era = :era"
    " AND NOT EXISTS (SELECT 1 FROM stage_border_commune s WHERE s.code = t.code)"
)


def official_unlisted(conn: Connection, era: str, coastal: bool) -> int:
    """Communes of the era missing from an official list whose flags must be cleared."""
    differs = (
        " AND (t.is_land_border OR t.neighbour_countries <> '{}'"
        " OR t.border_flag_source <> 'official'" + (" OR t.is_coastal)" if coastal else ")")
    )
    return int(
        conn.execute(text("SELECT count(*)" + _UNLISTED + differs), {"era": era}).scalar_one()
    )


def apply_official_unlisted(conn: Connection, era: str, coastal: bool) -> int:
    """Clear the border flags of communes not on the official list (source: official)."""
    n = official_unlisted(conn, era, coastal)
    if n:
        sets = "is_land_border = false, neighbour_countries = '{}', border_flag_source = 'official'"
        if coastal:
            sets += ", is_coastal = false"
        differs = (
            " AND (t.is_land_border OR t.neighbour_countries <> '{}'"
            " OR t.border_flag_source <> 'official'" + (" OR t.is_coastal)" if coastal else ")")
        )
        conn.execute(
            text(
                f"UPDATE commune t SET {sets}" + _UNLISTED.replace(" FROM commune t", "") + differs
            ),
            {"era": era},
        )
    return n
