"""service.web.routes.spatial: spatial questions as GeoJSON built in PostGIS.

- ``/spatial/communes-near-border``: border communes within N km of a border line;
- ``/spatial/communes/{code}/markers``: the markers inside a commune;
- ``/spatial/markers/nearest``: the k markers nearest to a point (geodesic metres).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service import params
from service.db.spatial import communes_near_border, markers_in_commune, nearest_markers
from service.errors import BadRequest, NotFound
from service.web.deps import SessionDep
from service.web.routes.report_docs import (
    AS_OF,
    BORDER,
    ERA,
    ERRORS,
    GEOJSON,
    KIND,
    NOT_FOUND,
    extra,
    param,
)

router = APIRouter(prefix="/spatial", tags=["spatial"])

GEOJSON_TYPE = "application/geo+json"
MAX_KM = 200.0
MAX_K = 100

KM = param(
    "km",
    {"type": "number", "minimum": 0, "maximum": MAX_KM},
    f"Distance in km (geodesic), 0 to {MAX_KM:g}.",
    required=True,
)
LON = param(
    "lon",
    {"type": "number", "minimum": -180, "maximum": 180},
    "Longitude in degrees (WGS 84).",
    required=True,
)
LAT = param(
    "lat",
    {"type": "number", "minimum": -90, "maximum": 90},
    "Latitude in degrees (WGS 84).",
    required=True,
)
K = param(
    "k",
    {"type": "integer", "minimum": 1, "maximum": MAX_K},
    f"How many markers, 1 to {MAX_K}; default 5.",
)
CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "description": "Five-digit commune code.",
    "schema": {"type": "string", "pattern": r"^\d{5}$"},
}


def _geojson(body: str) -> Response:
    return Response(content=body, media_type=GEOJSON_TYPE)


@router.get(
    "/communes-near-border",
    response_class=Response,
    responses={**GEOJSON, **ERRORS},
    summary="Border communes within N km of a border",
    description=(
        "Border communes (land or coastal, per `kind`) valid on `as_of` whose area lies"
        " within `km` kilometres (geodesic) of the border line; each feature has"
        " `distance_m` and the `borders` within reach."
    ),
    openapi_extra=extra(KM, BORDER, AS_OF, KIND),
)
def near_border(request: Request, session: SessionDep) -> Response:
    """Border communes near a border line."""
    q = request.query_params
    params.check_known(request.query_params, ("km", "border", "as_of", "kind"))
    dist = params.number(q.get("km"), name="km", low=0.0, high=MAX_KM)
    day = params.as_of(q.get("as_of"))
    body = communes_near_border(
        session,
        km=dist,
        as_of=day,
        border=params.border(q.get("border")),
        kind=params.kind(q.get("kind")),
    )
    return _geojson(body)


@router.get(
    "/communes/{code}/markers",
    response_class=Response,
    responses={**GEOJSON, **ERRORS, **NOT_FOUND},
    summary="Markers inside a commune",
    description=(
        "Markers inside or on the boundary of the commune (`ST_Covers`), with their status"
        " on `as_of`. `era` picks which commune the code means (default: the era of"
        " `as_of`)."
    ),
    openapi_extra=extra(CODE, ERA, AS_OF),
)
def commune_markers(request: Request, session: SessionDep) -> Response:
    """Markers inside a commune."""
    q = request.query_params
    params.check_known(request.query_params, ("era", "as_of"))
    code = str(request.path_params["code"])
    if not re.fullmatch(r"\d{5}", code):
        raise BadRequest(f"code: {code!r} is not a five-digit commune code")
    day = params.as_of(q.get("as_of"))
    unit_era = params.era(q.get("era"), day)
    body = markers_in_commune(session, code=code, era=unit_era, as_of=day)
    if body is None:
        raise NotFound(f"no commune {code} in era {unit_era}")
    return _geojson(body)


@router.get(
    "/markers/nearest",
    response_class=Response,
    responses={**GEOJSON, **ERRORS},
    summary="The markers nearest to a point",
    description=(
        "The `k` markers nearest to (`lon`, `lat`) in WGS 84, by geodesic distance"
        " (`distance_m`, metres), nearest first; status on `as_of`."
    ),
    openapi_extra=extra(LON, LAT, K, BORDER, AS_OF),
)
def markers_nearest(request: Request, session: SessionDep) -> Response:
    """The k nearest markers to a point."""
    q = request.query_params
    params.check_known(request.query_params, ("lon", "lat", "k", "border", "as_of"))
    x = params.number(q.get("lon"), name="lon", low=-180.0, high=180.0)
    y = params.number(q.get("lat"), name="lat", low=-90.0, high=90.0)
    n = params.integer(q.get("k"), name="k", low=1, high=MAX_K, default=5)
    body = nearest_markers(
        session,
        lon=x,
        lat=y,
        k=n,
        as_of=params.as_of(q.get("as_of")),
        border=params.border(q.get("border")),
    )
    return _geojson(body)
