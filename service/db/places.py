"""service.db.places: the border posts and gates as points for the maps.

Posts of the era in force on the date (``era_on``), optionally of one province; gates all
(they do not change with the reform). ``kind`` is what a map shows beside the name: the
post's border (or "coastal"), the gate's type; positions flagged approximate say so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import text

from service.db.units import Executor
from service.vocabulary import era_on

_POSTS = """
SELECT name, COALESCE(border_code, 'coastal') || CASE WHEN position_approximate
         THEN ' (approximate position)' ELSE '' END AS kind,
       ST_AsGeoJSON(geom, 5) AS g, synthetic
FROM border_post
WHERE era = :era AND geom IS NOT NULL
  AND (CAST(:province AS text) IS NULL OR province_code = CAST(:province AS text))
ORDER BY code
"""
_GATES = """
SELECT name, gate_type || ' · ' || border_code || CASE WHEN position_approximate
         THEN ' (approximate position)' ELSE '' END AS kind,
       ST_AsGeoJSON(geom, 5) AS g, synthetic
FROM border_gate
WHERE geom IS NOT NULL AND (CAST(:border AS text) IS NULL OR border_code = CAST(:border AS text))
ORDER BY name
"""


def _features(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": json.loads(r.g),
            "properties": {"name": r.name, "kind": r.kind, "synthetic": r.synthetic},
        }
        for r in rows
    ]


def post_points(
    db: Executor, *, as_of: dt.date, province: str | None = None
) -> list[dict[str, Any]]:
    """GeoJSON Point features of the posts of the era in force on ``as_of``."""
    return _features(db.execute(text(_POSTS), {"era": era_on(as_of), "province": province}))


def gate_points(db: Executor, *, border: str | None = None) -> list[dict[str, Any]]:
    """GeoJSON Point features of the border gates."""
    return _features(db.execute(text(_GATES), {"border": border}))
