"""service.db.maplayers: display geometry and point data for the web maps, built in PostGIS.

Geometry for maps is simplified (``ST_Simplify`` keeping collapsed parts, tolerance in
degrees), stripped of points closer than 1e-5 degrees and written with 5 decimals
(``ST_AsGeoJSON(..., 5)``, about 1 m): the figures come from :mod:`service.db.coverage`
and :mod:`service.db.progress`, this module only draws. Geometries are returned as the
GeoJSON *text* PostGIS wrote: the page embeds it as is, never parsing a megabyte of
coordinates into Python objects and writing it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from service.db.units import Executor, valid_on
from service.vocabulary import era_on

# Default tolerances (degrees): about 30 m for communes and segments, 1 km for the basemap.
COMMUNE_TOLERANCE = 0.0003
LINE_TOLERANCE = 0.0003
BASEMAP_TOLERANCE = 0.01
# The basemap is cut to this box around Vietnam (lon/lat): China need not be drawn whole.
BASEMAP_BOX = (97.0, 4.0, 115.0, 26.5)


def _display(col: str) -> str:
    """SQL: ``col`` simplified by ``:tol``, de-duplicated at 1e-5 and written as GeoJSON.

    ``ST_Simplify(g, tol, true)`` (Douglas-Peucker, small parts kept) rather than
    ``ST_SimplifyPreserveTopology``: the output is only drawn, never measured or tested
    for validity, and it is 5-30 times faster (measured in bench/bench_maps.py notes).
    """
    return f"ST_AsGeoJSON(ST_RemoveRepeatedPoints(ST_Simplify({col}, :tol, true), 0.00001), 5)"


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _feature(geom: str | None, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geom, "properties": props}


class Shape(NamedTuple):
    """Display geometry as GeoJSON text, with its bounding box (lon/lat)."""

    geojson: str
    bbox: tuple[float, float, float, float]


# The box of the stored geometry (from its cached bbox: no extra computation).
_BBOX = "ST_XMin({g}) AS x0, ST_YMin({g}) AS y0, ST_XMax({g}) AS x1, ST_YMax({g}) AS y1"


def _shapes(rows: Any) -> dict[str, Shape | None]:
    return {r.code: Shape(r.g, (r.x0, r.y0, r.x1, r.y1)) if r.g else None for r in rows}


def commune_shapes(
    db: Executor, *, era: str, codes: Sequence[str], tolerance: float = COMMUNE_TOLERANCE
) -> dict[str, Shape | None]:
    """Display geometry of the communes ``codes`` of ``era``, by code."""
    # A join on unnest, not "= ANY(:codes)": planning a thousand-element ANY costs more
    # than the query.
    stmt = text(
        f"SELECT c.code, {_display('c.geom')} AS g, {_BBOX.format(g='c.geom')}"
        " FROM unnest(:codes) AS k(code) JOIN commune c ON c.era = :era AND c.code = k.code"
    ).bindparams(bindparam("codes", type_=ARRAY(Text)))
    rows = db.execute(stmt, {"era": era, "codes": list(codes), "tol": tolerance})
    return _shapes(rows)


@dataclass(frozen=True, slots=True)
class BasemapLayers:
    """The offline basemap of one date: countries, provinces, border lines.

    Each is a FeatureCollection dict whose geometries are GeoJSON text.
    """

    countries: dict[str, Any]
    provinces: dict[str, Any]
    borders: dict[str, Any]


def basemap_layers(
    db: Executor,
    *,
    as_of: dt.date,
    province: str | None = None,
    tolerance: float = BASEMAP_TOLERANCE,
) -> BasemapLayers:
    """Country outlines (cut to the region), provinces valid on ``as_of``, land borders.

    With ``province`` only that province's outline is drawn (finer, at a tenth of the
    tolerance); the countries and border lines stay whole for orientation.
    """
    box = "ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"  # a clip for display, not an overlay
    params: dict[str, Any] = dict(
        zip(("x0", "y0", "x1", "y1"), BASEMAP_BOX, strict=True), tol=tolerance
    )
    countries = db.execute(
        text(
            f"SELECT iso3, name, {_display(f'ST_ClipByBox2D(geom, {box})')} AS g"
            f" FROM country WHERE geom && {box} ORDER BY iso3"
        ),
        params,
    )
    country_fc = _fc([_feature(r.g, {"iso3": r.iso3, "name": r.name}) for r in countries])
    provinces = db.execute(
        text(
            f"SELECT p.code, p.name, {_display('p.geom')} AS g FROM province p"
            f" WHERE {valid_on('p')} AND p.geom IS NOT NULL"
            " AND (CAST(:province AS text) IS NULL OR p.code = CAST(:province AS text))"
            " ORDER BY p.code"
        ),
        {
            "era": era_on(as_of),
            "as_of": as_of,
            "province": province,
            "tol": tolerance / 10 if province else tolerance,
        },
    )
    province_fc = _fc([_feature(r.g, {"code": r.code, "name": r.name}) for r in provinces])
    borders = db.execute(
        text(
            f"SELECT code, name, {_display('geom')} AS g FROM border"
            " WHERE geom IS NOT NULL ORDER BY code"
        ),
        {"tol": tolerance / 10},
    )
    border_fc = _fc([_feature(r.g, {"code": r.code, "name": r.name}) for r in borders])
    return BasemapLayers(countries=country_fc, provinces=province_fc, borders=border_fc)


def segment_lines(
    db: Executor,
    *,
    as_of: dt.date,
    border: str | None = None,
    province: str | None = None,
    tolerance: float = LINE_TOLERANCE,
) -> dict[str, Shape | None]:
    """Display geometry of the border segments valid on ``as_of``, by segment code."""
    rows = db.execute(
        text(
            f"SELECT s.code, {_display('s.geom')} AS g, {_BBOX.format(g='s.geom')}"
            " FROM border_segment s"
            f" WHERE {valid_on('s')}"
            " AND (CAST(:border AS text) IS NULL OR s.border_code = CAST(:border AS text))"
            " AND (CAST(:province AS text) IS NULL OR s.province_code = CAST(:province AS text))"
        ),
        {
            "era": era_on(as_of),
            "as_of": as_of,
            "border": border,
            "province": province,
            "tol": tolerance,
        },
    )
    return _shapes(rows)


# Markers with a status on :as_of (as in service.db.progress), optionally those on the
# segments of one border / province of the era in force.
_MARKERS = f"""
WITH st AS (SELECT * FROM marker_status_as_of(:as_of)),
seg AS (
  SELECT s.id FROM border_segment s
  WHERE {valid_on("s")}
    AND (CAST(:province AS text) IS NULL OR s.province_code = CAST(:province AS text))
),
-- "date status|date status|..." oldest first: plain text is several times cheaper than jsonb.
hist AS (
  SELECT e.marker_id,
         string_agg(to_char(e.event_date, 'YYYY-MM-DD') || ' ' || e.status, '|'
                    ORDER BY e.event_date, e.id)
           AS history
  FROM marker_event e WHERE e.event_date <= :as_of GROUP BY e.marker_id
)
SELECT m.id, m.label, m.border_code, m.marker_class, m.synthetic, st.status,
       ST_Y(m.geom) AS lat, ST_X(m.geom) AS lon,
       hist.history
FROM marker m
JOIN st ON st.marker_id = m.id
JOIN hist ON hist.marker_id = m.id
WHERE (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
  AND (CAST(:province AS text) IS NULL OR EXISTS (
        SELECT 1 FROM marker_segment ms JOIN seg ON seg.id = ms.segment_id
        WHERE ms.marker_id = m.id AND ms.era = :era))
ORDER BY m.border_code, m.number, m.sub_number NULLS FIRST, m.same_number_index NULLS FIRST
"""


@dataclass(frozen=True, slots=True)
class MarkerPoint:
    """A marker as the markers map draws it: position, label, class, status and history."""

    lat: float
    lon: float
    label: str
    border_code: str
    marker_class: str
    status: str
    history: list[tuple[str, str]]
    synthetic: bool


def marker_points(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> list[MarkerPoint]:
    """Every marker with a status on ``as_of`` (its history up to that date)."""
    rows = db.execute(
        text(_MARKERS),
        {"as_of": as_of, "era": era_on(as_of), "border": border, "province": province},
    )
    return [
        MarkerPoint(
            lat=round(r.lat, 5),
            lon=round(r.lon, 5),
            label=r.label,
            border_code=r.border_code,
            marker_class=r.marker_class,
            status=r.status,
            history=[(d, st) for d, _, st in (h.partition(" ") for h in r.history.split("|"))],
            synthetic=bool(r.synthetic),
        )
        for r in rows
    ]


_PLANTING = f"""
WITH seg AS (
  SELECT s.id FROM border_segment s
  WHERE {valid_on("s")}
    AND (CAST(:province AS text) IS NULL OR s.province_code = CAST(:province AS text))
),
first_planted AS (
  SELECT e.marker_id, min(e.event_date) AS d
  FROM marker_event e
  WHERE e.status = 'planted' AND e.event_date <= :as_of
  GROUP BY e.marker_id
)
SELECT extract(year FROM fp.d)::int AS year, count(*) AS n
FROM first_planted fp
JOIN marker m ON m.id = fp.marker_id
WHERE (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
  AND (CAST(:province AS text) IS NULL OR EXISTS (
        SELECT 1 FROM marker_segment ms JOIN seg ON seg.id = ms.segment_id
        WHERE ms.marker_id = m.id AND ms.era = :era))
GROUP BY 1 ORDER BY 1
"""


def planting_by_year(
    db: Executor, *, as_of: dt.date, border: str | None = None, province: str | None = None
) -> dict[int, int]:
    """Markers first planted in each year, up to ``as_of`` (filters as in marker_points)."""
    rows = db.execute(
        text(_PLANTING),
        {"as_of": as_of, "era": era_on(as_of), "border": border, "province": province},
    )
    return {int(r.year): int(r.n) for r in rows}


@dataclass(frozen=True, slots=True)
class CommuneLayer:
    """Every commune valid on a date (optionally of one province), for the communes map.

    ``features`` is None when there are more than the caller's limit: the map then draws
    them from vector tiles instead of embedding them.
    """

    era: str
    counts: dict[str, int]  # "land", "coastal" (not also land), "inland"
    bbox: tuple[float, float, float, float] | None
    synthetic: bool
    features: list[dict[str, Any]] | None


_COMMUNE_WHERE = (
    f"{valid_on('c')} AND (CAST(:province AS text) IS NULL OR c.province_code = :province)"
)


def commune_layer(
    db: Executor,
    *,
    as_of: dt.date,
    province: str | None,
    max_features: int,
    tolerance: float = COMMUNE_TOLERANCE,
) -> CommuneLayer:
    """The communes of ``as_of`` (and ``province``): counts and box always; display
    geometry and properties only when there are at most ``max_features``."""
    values = {"as_of": as_of, "era": era_on(as_of), "province": province, "tol": tolerance}
    head = db.execute(
        text(
            "WITH s AS (SELECT count(*) FILTER (WHERE c.is_land_border) AS land,"
            " count(*) FILTER (WHERE c.is_coastal AND NOT c.is_land_border) AS coastal,"
            " count(*) FILTER (WHERE NOT c.is_land_border AND NOT c.is_coastal) AS inland,"
            " coalesce(bool_or(c.synthetic), false) AS synthetic, ST_Extent(c.geom) AS box"
            f" FROM commune c WHERE {_COMMUNE_WHERE})"
            " SELECT land, coastal, inland, synthetic, ST_XMin(box) AS x0, ST_YMin(box) AS y0,"
            " ST_XMax(box) AS x1, ST_YMax(box) AS y1 FROM s"
        ),
        values,
    ).one()
    counts = {"land": int(head.land), "coastal": int(head.coastal), "inland": int(head.inland)}
    bbox = None if head.x0 is None else (head.x0, head.y0, head.x1, head.y1)
    features = None
    if sum(counts.values()) <= max_features:
        rows = db.execute(
            text(
                f"SELECT c.code, c.name, c.province_code, p.name AS province_name,"
                f" c.is_land_border, c.is_coastal, {_display('c.geom')} AS g"
                " FROM commune c LEFT JOIN province p ON p.era = c.era"
                f" AND p.code = c.province_code WHERE {_COMMUNE_WHERE} ORDER BY c.code"
            ),
            values,
        )
        features = [
            _feature(
                r.g,
                {
                    "code": r.code,
                    "name": r.name,
                    "province_code": r.province_code,
                    "province_name": r.province_name,
                    "is_land_border": r.is_land_border,
                    "is_coastal": r.is_coastal,
                },
            )
            for r in rows
        ]
    return CommuneLayer(era_on(as_of), counts, bbox, bool(head.synthetic), features)
