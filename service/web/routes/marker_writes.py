"""service.routes.marker_writes: OGC API – Features Part 4 on ``/collections/markers/items``.

``POST`` creates (201 + ``Location``), ``PUT`` replaces, ``PATCH`` takes an RFC 7396 merge
patch (``application/merge-patch+json``), ``DELETE`` retires (an end date, never an erase).
``PUT``/``PATCH``/``DELETE`` need ``If-Match`` with the item's ETag (``GET`` gives it):
missing is 428, stale is 412, and then nothing changes. Status events are appended with
``POST .../items/{featureId}/events``.

Each request is one transaction: the province check, the change and its audit row.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import ValidationError
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from geo.area import check_point
from geo.crs import source_crs, to_wgs84, transform_description
from service.auth import policy
from service.db import audit, marker_writes
from service.db.features import get_feature
from service.db.marker_writes import MarkerFields
from service.errors import BadRequest, NotFound, PreconditionRequired
from service.ogc.collections import get_collection
from service.ogc.links import GEOJSON, base_url, url
from service.ogc.params import parse_feature_query
from service.ogc.render import feature_bytes
from service.web.auth_deps import WriterDep
from service.web.deps import SessionDep
from service.web.routes.write_models import (
    EARLIEST,
    MERGE_PATCH_SCHEMA,
    MarkerFeature,
    StatusEvent,
)
from service.web.routes.write_support import (
    MERGE_PATCH,
    db_id,
    problems,
    read_merge_patch,
    reading,
    writing,
)

router = APIRouter(tags=["writes"])
ITEMS = "/collections/markers/items"
ITEM = ITEMS + "/{featureId}"

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="the item's ETag, from GET (required)"),
]
ContentCrs = Annotated[
    str | None,
    Header(
        alias="Content-Crs",
        description="CRS of the body's coordinates, x/y order (default CRS84); e.g."
        " <http://www.opengis.net/def/crs/EPSG/0/9209>",
    ),
]
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "a field or value the server cannot accept (named)"},
    401: {"description": "no or a bad credential"},
    403: {"description": "the role or its provinces do not allow this write"},
    404: {"description": "no such (live) marker"},
    409: {"description": "another marker has this number on this border"},
    412: {"description": "If-Match names an older version: nothing was changed"},
    428: {"description": "If-Match is missing"},
}


def marker_id_of(feature_id: str) -> int:
    """A marker id from the path (404 for anything that cannot be one)."""
    return db_id(feature_id, "feature")


def _fields(feature: MarkerFeature, content_crs: str | None) -> MarkerFields:
    """The marker to store: position in WGS 84 (checked), and as written when not CRS84."""
    x, y = feature.geometry.coordinates[0], feature.geometry.coordinates[1]
    p = feature.properties
    source: dict[str, Any] = {}
    if content_crs:
        crs = source_crs(content_crs.strip().strip("<>"))
        lon, lat = to_wgs84(x, y, crs, "xy")
        source = {
            "source_crs": crs.label,
            "source_x": x,
            "source_y": y,
            "source_axis_order": "xy",
            "source_transform": transform_description(crs),
        }
    else:
        lon, lat = x, y
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise BadRequest(f"geometry: ({x}, {y}) cannot be transformed to WGS 84")
    check_point(lon, lat)
    return MarkerFields(
        border_code=p.border,
        number=p.number,
        same_number_index=p.same_number_index,
        sub_number=p.sub_number,
        marker_class=p.marker_class,
        size_class=p.size_class,
        setting=p.setting,
        material=p.material,
        planted_by=p.planted_by,
        elevation_m=p.elevation_m,
        lon=lon,
        lat=lat,
        **source,
    )


def _feature_response(
    conn: Connection, request: Request, marker_id: int, status: int, etag: str
) -> Response:
    coll = get_collection("markers")
    day = dt.date.today()
    f = get_feature(conn, parse_feature_query(coll, {}, today=day), str(marker_id), day)
    headers = {"ETag": etag, "Cache-Control": "no-store"}
    if status == 201:
        base = base_url(request.app.state.settings.base_url, str(request.base_url))
        headers["Location"] = url(base, f"{ITEMS}/{marker_id}")
    return Response(feature_bytes(f), status_code=status, media_type=GEOJSON, headers=headers)


def _need_if_match(if_match: str | None, marker_id: int) -> str:
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"If-Match is required to change marker {marker_id}: GET it and send its ETag"
        )
    return if_match


@router.post(
    ITEMS,
    status_code=201,
    summary="markers: create a marker",
    operation_id="createFeature_markers",
    response_class=Response,
    responses={
        **WRITE_RESPONSES,
        **{201: {"description": "created; Location names it, ETag versions it"}},
    },
)
def create_marker(
    feature: MarkerFeature,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    content_crs: ContentCrs = None,
) -> Response:
    """Create a marker (and its first status event when ``status`` is given)."""
    fields = _fields(feature, content_crs)
    p = feature.properties
    if (p.status is None) != (p.status_date is None):
        raise BadRequest("status and status_date go together")
    with writing(session) as conn:
        policy.require_write(
            principal, marker_writes.provinces_at(conn, fields.border_code, fields.lon, fields.lat)
        )
        marker_id, after = marker_writes.create(conn, fields)
        if p.status is not None and p.status_date is not None:
            marker_writes.add_event(conn, marker_id, p.status, p.status_date)
            after = marker_writes.state(conn, marker_id) or after
        audit.record(conn, principal, "marker.create", "marker", marker_id, None, _view(after))
        return _feature_response(conn, request, marker_id, 201, marker_writes.etag_of(after))


def _view(s: dict[str, Any] | None) -> dict[str, Any] | None:
    return marker_writes.audit_view(s)


def _replace(
    request: Request,
    session: Session,
    principal: Any,
    marker_id: int,
    if_match: str,
    feature: MarkerFeature,
    content_crs: str | None,
    kind: str,
) -> Response:
    fields = _fields(feature, content_crs)
    moved_on = feature.properties.moved_on or dt.date.today()
    if moved_on > dt.date.today():
        raise BadRequest(f"moved_on {moved_on.isoformat()} is in the future")
    with writing(session) as conn:
        provinces = marker_writes.provinces_of(conn, marker_id) | marker_writes.provinces_at(
            conn, fields.border_code, fields.lon, fields.lat
        )
        if marker_writes.state(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        policy.require_write(principal, provinces)
        before, after = marker_writes.replace(conn, marker_id, if_match, fields, moved_on)
        audit.record(conn, principal, kind, "marker", marker_id, _view(before), _view(after))
        return _feature_response(conn, request, marker_id, 200, marker_writes.etag_of(after))


@router.put(
    ITEM,
    summary="markers: replace a marker",
    operation_id="replaceFeature_markers",
    response_class=Response,
    responses={**WRITE_RESPONSES, **{200: {"description": "replaced; the new ETag"}}},
)
def replace_marker(
    featureId: str,  # noqa: N803 - OGC's parameter name
    feature: MarkerFeature,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    if_match: IfMatch = None,
    content_crs: ContentCrs = None,
) -> Response:
    """Replace a marker; a new position keeps the former one in its history."""
    marker_id = marker_id_of(featureId)
    seen = _need_if_match(if_match, marker_id)
    return _replace(
        request, session, principal, marker_id, seen, feature, content_crs, "marker.replace"
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: apply ``patch`` to ``target``."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _stored_feature(s: dict[str, Any]) -> dict[str, Any]:
    """The writable representation of a stored marker (what a merge patch applies to)."""
    props = {
        "border": s["border_code"],
        "number": s["number"],
        "same_number_index": s["same_number_index"],
        "sub_number": s["sub_number"],
        "marker_class": s["marker_class"],
        "size_class": s["size_class"],
        "setting": s["setting"],
        "material": s["material"],
        "planted_by": s["planted_by"],
        "elevation_m": s["elevation_m"],
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
        "properties": {k: v for k, v in props.items() if v is not None},
    }


@router.patch(
    ITEM,
    summary="markers: update a marker (merge patch)",
    operation_id="updateFeature_markers",
    response_class=Response,
    responses={
        **WRITE_RESPONSES,
        **{
            200: {"description": "updated; the new ETag"},
            415: {"description": "not a merge patch"},
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {MERGE_PATCH: {"schema": MERGE_PATCH_SCHEMA}},
        }
    },
)
async def update_marker(
    featureId: str,  # noqa: N803 - OGC's parameter name
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    if_match: IfMatch = None,
) -> Response:
    """Update some fields of a marker (RFC 7396 merge patch, CRS84 coordinates)."""
    marker_id = marker_id_of(featureId)
    patch = await read_merge_patch(request, "a marker")
    seen = _need_if_match(if_match, marker_id)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        _apply_patch, request, session, principal, marker_id, seen, patch
    )


def _apply_patch(
    request: Request,
    session: Session,
    principal: Any,
    marker_id: int,
    seen: str,
    patch: dict[str, Any],
) -> Response:
    with reading(session) as conn:
        s = marker_writes.state(conn, marker_id)
    if s is None or s["retired_on"] is not None:
        raise NotFound(f"feature {marker_id!r} not found in markers")
    merged = merge_patch(_stored_feature(s), patch)
    try:
        feature = MarkerFeature.model_validate(merged)
    except ValidationError as exc:
        raise BadRequest(f"the patched marker is not valid: {problems(exc)}") from None
    return _replace(request, session, principal, marker_id, seen, feature, None, "marker.update")


@router.delete(
    ITEM,
    status_code=204,
    summary="markers: retire a marker",
    operation_id="deleteFeature_markers",
    response_class=Response,
    responses={**WRITE_RESPONSES, **{204: {"description": "retired (kept, with its end date)"}}},
)
def retire_marker(
    featureId: str,  # noqa: N803 - OGC's parameter name
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    if_match: IfMatch = None,
    retired_on: dt.date | None = None,
    note: str | None = None,
) -> Response:
    """Retire a marker: from ``retired_on`` (default today) it leaves the collection; its
    record and history stay."""
    marker_id = marker_id_of(featureId)
    seen = _need_if_match(if_match, marker_id)
    on = retired_on or dt.date.today()
    if not EARLIEST <= on <= dt.date.today():
        raise BadRequest(f"retired_on {on.isoformat()} is not between 1885 and today")
    if note is not None and "\x00" in note:
        raise BadRequest("note: must not contain NUL characters")
    with writing(session) as conn:
        if marker_writes.state(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        policy.require_write(principal, marker_writes.provinces_of(conn, marker_id))
        before, after = marker_writes.retire(conn, marker_id, seen, on, note)
        audit.record(
            conn, principal, "marker.retire", "marker", marker_id, _view(before), _view(after)
        )
    return Response(status_code=204)


@router.post(
    ITEM + "/events",
    status_code=201,
    summary="markers: append a status event",
    operation_id="addEvent_markers",
    responses=WRITE_RESPONSES,
)
def add_event(
    featureId: str,  # noqa: N803 - OGC's parameter name
    event: StatusEvent,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
) -> dict[str, Any]:
    """Append a status event (planted, verified, damaged, restored, ...) to a marker."""
    marker_id = marker_id_of(featureId)
    if event.date > dt.date.today():
        raise BadRequest(f"date {event.date.isoformat()} is in the future")
    with writing(session) as conn:
        if marker_writes.state(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        policy.require_write(principal, marker_writes.provinces_of(conn, marker_id))
        event_id, new = marker_writes.add_event(
            conn, marker_id, event.status, event.date, event.note, event.source_document
        )
        if new:
            audit.record(
                conn,
                principal,
                "marker.event",
                "marker",
                marker_id,
                None,
                {"event_id": event_id, **event.model_dump(mode="json")},
            )
    return {"id": event_id, "marker_id": marker_id, "new": new, **event.model_dump(mode="json")}
