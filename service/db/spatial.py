"""service.db.spatial: the spatial questions users ask, answered as GeoJSON built in PostGIS.

Each function returns the finished GeoJSON text of a FeatureCollection (``ST_AsGeoJSON``
per row, assembled with ``json_build_object``/``json_agg``) so the service sends it as is.
Distances are geodesic metres (``geography``); coordinates are WGS 84 lon/lat with 7
decimals (about 1 cm).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from service.db.units import Executor, valid_on
from service.vocabulary import ERAS, era_on


# Generous metres-per-degree to turn a metre radius into a degree radius for the index
# prefilter: a degree of longitude is shortest at the highest latitude of the geometry.
def _deg(radius_m: str, g: str) -> str:
    lat = f"least(greatest(abs(ST_YMax({g})), abs(ST_YMin({g}))) + 1, 89)"
    return f"({radius_m} / (111320.0 * cos(radians({lat}))))"


_MARKER_PROPS = """json_build_object(
  'id', m.id, 'label', m.label, 'border_code', m.border_code, 'number', m.number,
  'marker_class', m.marker_class, 'setting', m.setting,
  'status', st.status, 'status_date', st.status_date, 'synthetic', m.synthetic
"""

# Status of marker ``m`` on :as_of. The function inlines; LIMIT keeps the subquery per row,
# so the marker_id condition reaches the event index and only these markers are looked up.
_STATUS_OF_M = (
    "SELECT s.status, s.status_date FROM marker_status_as_of(:as_of) s"
    " WHERE s.marker_id = m.id LIMIT 1"
)

_NEAR_BORDER = f"""
WITH b AS (
  SELECT b.code,
         COALESCE(b.geom, (SELECT ST_Multi(ST_Union(s.geom)) FROM border_segment s
                           WHERE s.border_code = b.code AND {valid_on("s")})) AS geom
  FROM border b
  WHERE CAST(:border AS text) IS NULL OR b.code = CAST(:border AS text)
),
-- Short pieces of line keep the index prefilter tight (a border's box covers half the
-- country); distances are then measured to the whole line (pieces may lose vertices).
piece AS MATERIALIZED (SELECT code, ST_Subdivide(geom, 32) AS g FROM b),
cand AS (
  SELECT DISTINCT c.id, piece.code
  FROM piece
  JOIN commune c ON ST_DWithin(c.geom, piece.g, {_deg(":m", "piece.g")})
  WHERE {valid_on("c")}
    AND (c.is_land_border OR c.is_coastal)
    AND (:kind = 'all' OR (:kind = 'land' AND c.is_land_border)
         OR (:kind = 'coastal' AND c.is_coastal))
),
hit AS (
  SELECT cand.id, b.code AS border_code,
         ST_Distance(c.geom::geography, b.geom::geography) AS distance_m
  FROM cand
  JOIN b ON b.code = cand.code
  JOIN commune c ON c.id = cand.id
  WHERE ST_DWithin(c.geom::geography, b.geom::geography, :m)
),
near AS (
  SELECT id, min(distance_m) AS distance_m, array_agg(border_code ORDER BY border_code) AS borders
  FROM hit GROUP BY id
),
f AS (
  SELECT c.province_code, c.code, json_build_object(
    'type', 'Feature', 'id', c.code,
    'geometry', ST_AsGeoJSON(c.geom, 7)::json,
    'properties', json_build_object(
      'code', c.code, 'name', c.name, 'era', c.era, 'province_code', c.province_code,
      'province_name', p.name, 'is_land_border', c.is_land_border,
      'is_coastal', c.is_coastal, 'neighbour_countries', c.neighbour_countries,
      'borders', near.borders, 'distance_m', round(near.distance_m::numeric, 1),
      'synthetic', c.synthetic)) AS feature
  FROM near
  JOIN commune c ON c.id = near.id
  JOIN province p ON p.era = c.era AND p.code = c.province_code
)
SELECT json_build_object(
  'type', 'FeatureCollection', 'numberReturned', count(*),
  'as_of', CAST(:as_of AS date), 'era', CAST(:era AS text), 'km', CAST(:km AS float8),
  'synthetic', COALESCE(bool_or((feature->'properties'->>'synthetic')::boolean), false),
  'features', COALESCE(json_agg(feature ORDER BY province_code, code), '[]'::json))::text
FROM f
"""

_IN_COMMUNE = f"""
WITH c AS (SELECT id, code, name, era, geom FROM commune WHERE code = :code AND era = :era),
f AS (
  SELECT m.border_code, m.number, m.label, json_build_object(
    'type', 'Feature', 'id', m.id,
    'geometry', ST_AsGeoJSON(m.geom, 7)::json,
    'properties', {_MARKER_PROPS})) AS feature, m.synthetic
  FROM c JOIN marker m ON ST_Covers(c.geom, m.geom)
  LEFT JOIN LATERAL ({_STATUS_OF_M}) st ON true
)
SELECT json_build_object(
  'type', 'FeatureCollection', 'numberReturned', (SELECT count(*) FROM f),
  'commune', json_build_object('code', c.code, 'name', c.name, 'era', c.era),
  'as_of', CAST(:as_of AS date),
  'synthetic', COALESCE((SELECT bool_or(synthetic) FROM f), false),
  'features', COALESCE((SELECT json_agg(feature ORDER BY border_code, number, label)
                        FROM f), '[]'::json))::text
FROM c
"""

# KNN on the index gives k candidates; the farthest of them bounds the true k nearest in
# metres, so a geodesic search within that radius cannot miss one.
_NEAREST = f"""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
cand AS (
  SELECT ST_Distance(m.geom::geography, p.g::geography) AS d
  FROM marker m, p
  WHERE CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text)
  -- The point written out (not p.g): a KNN index scan needs a plan-time constant.
  ORDER BY m.geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
  LIMIT :k
),
r AS (SELECT max(d) AS m FROM cand),
hit AS (
  SELECT m.id, ST_Distance(m.geom::geography, p.g::geography) AS distance_m
  FROM marker m, p, r
  WHERE (CAST(:border AS text) IS NULL OR m.border_code = CAST(:border AS text))
    AND ST_DWithin(m.geom, p.g, {_deg("r.m", "p.g")} + 1e-9)
    AND ST_DWithin(m.geom::geography, p.g::geography, r.m + 0.001)
  ORDER BY distance_m, m.id
  LIMIT :k
),
f AS (
  SELECT hit.distance_m, m.id, m.synthetic, json_build_object(
    'type', 'Feature', 'id', m.id,
    'geometry', ST_AsGeoJSON(m.geom, 7)::json,
    'properties', {_MARKER_PROPS},
      'distance_m', round(hit.distance_m::numeric, 2))) AS feature
  FROM hit JOIN marker m ON m.id = hit.id
  LEFT JOIN LATERAL ({_STATUS_OF_M}) st ON true
)
SELECT json_build_object(
  'type', 'FeatureCollection', 'numberReturned', count(*),
  'point', json_build_object('type', 'Point', 'coordinates', json_build_array(:lon, :lat)),
  'as_of', CAST(:as_of AS date),
  'synthetic', COALESCE(bool_or(synthetic), false),
  'features', COALESCE(json_agg(feature ORDER BY distance_m, id), '[]'::json))::text
FROM f
"""


def communes_near_border(
    db: Executor, *, km: float, as_of: dt.date, border: str | None = None, kind: str = "all"
) -> str:
    """Border communes valid on ``as_of`` within ``km`` of a border line, as GeoJSON.

    Parameters
    ----------
    km
        Geodesic distance in kilometres (0 means touching the line).
    border
        ``CN``, ``LA`` or ``KH``; None for any border.
    kind
        ``all`` (land or coastal border communes), ``land`` or ``coastal``.

    Each feature carries ``distance_m`` (to the nearest matching border) and ``borders``
    (the borders within ``km``). The border line is ``border.geom``, or the union of the
    border's segments valid on the date when the border has no line of its own.
    """
    if kind not in ("all", "land", "coastal"):
        raise ValueError(f"unknown kind {kind!r}")
    params = {
        "border": border,
        "kind": kind,
        "km": km,
        "m": km * 1000.0,
        "as_of": as_of,
        "era": era_on(as_of),
    }
    return str(db.execute(text(_NEAR_BORDER), params).scalar_one())


def markers_in_commune(db: Executor, *, code: str, era: str, as_of: dt.date) -> str | None:
    """Markers inside (or on the boundary of) commune ``code`` of ``era``, as GeoJSON.

    Each marker carries its status on ``as_of``. Returns None when the commune does not
    exist in that era.
    """
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}")
    row = db.execute(text(_IN_COMMUNE), {"code": code, "era": era, "as_of": as_of}).first()
    return None if row is None else str(row[0])


def nearest_markers(
    db: Executor,
    *,
    lon: float,
    lat: float,
    k: int,
    as_of: dt.date,
    border: str | None = None,
) -> str:
    """The ``k`` markers nearest to (``lon``, ``lat``) by geodesic distance, as GeoJSON.

    Features are ordered by ``distance_m`` (metres), ties by marker id; each carries its
    status on ``as_of``.
    """
    params = {"lon": lon, "lat": lat, "k": k, "as_of": as_of, "border": border}
    return str(db.execute(text(_NEAREST), params).scalar_one())
