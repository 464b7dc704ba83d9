"""service.routes.inspections: inspections of markers and their photos.

Recording needs a writer (in the marker's provinces); reading, any signed-in user. Photos
are JPEG or PNG (by their first bytes), at most 10 MB (413 from ``Content-Length`` before
the body is read, and counted while it streams), at most 5 per inspection.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from service.db import inspections, marker_writes
from service.db.schema_writes import MAX_PHOTO_BYTES, PHOTO_TYPES
from service.errors import NotFound
from service.web import write_actions
from service.web.auth_deps import PRIVATE_NO_STORE, SignedInDep, WriterDep
from service.web.deps import SessionDep
from service.web.routes.marker_writes import ITEM, WRITE_RESPONSES, marker_id_of
from service.web.routes.write_models import InspectionIn
from service.web.routes.write_support import db_id, jsonable, read_limited, reading

router = APIRouter(tags=["writes"])


@router.post(
    ITEM + "/inspections",
    status_code=201,
    summary="markers: record an inspection",
    operation_id="addInspection_markers",
    responses=WRITE_RESPONSES,
)
def add_inspection(
    featureId: str,  # noqa: N803 - OGC's parameter name
    body: InspectionIn,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
) -> dict[str, Any]:
    """Record what an inspection found; damaged/destroyed/restored/verified also go to the
    marker's status history."""
    found = write_actions.record_inspection(session, principal, marker_id_of(featureId), body)
    return jsonable(found)


@router.get(
    ITEM + "/inspections",
    summary="markers: the inspections of a marker",
    operation_id="getInspections_markers",
)
def list_inspections(
    featureId: str,  # noqa: N803 - OGC's parameter name
    request: Request,
    principal: SignedInDep,
    session: SessionDep,
    response: Response,
) -> list[dict[str, Any]]:
    """Inspections of a marker, latest first (signed-in users)."""
    marker_id = marker_id_of(featureId)
    with reading(session) as conn:
        if marker_writes.state(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        rows = inspections.of_marker(conn, marker_id)
    response.headers.update(PRIVATE_NO_STORE)
    return [jsonable(r) for r in rows]


@router.get("/inspections/{inspection_id}", summary="one inspection", operation_id="getInspection")
def get_inspection(
    inspection_id: int,
    request: Request,
    principal: SignedInDep,
    session: SessionDep,
    response: Response,
) -> dict[str, Any]:
    """One inspection with the ids of its photos (signed-in users)."""
    with reading(session) as conn:
        found = inspections.get(conn, db_id(inspection_id, "inspection"))
    if found is None:
        raise NotFound(f"inspection {inspection_id} not found")
    response.headers.update(PRIVATE_NO_STORE)
    return jsonable(found)


@router.post(
    "/inspections/{inspection_id}/photos",
    status_code=201,
    summary="add a photo to an inspection",
    operation_id="addPhoto",
    responses={
        **WRITE_RESPONSES,
        **{
            413: {"description": "over 10 MB"},
            415: {"description": "neither JPEG nor PNG"},
            409: {"description": "the inspection has 5 photos already"},
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in PHOTO_TYPES},
        }
    },
)
async def add_photo(
    inspection_id: int, request: Request, principal: WriterDep, session: SessionDep
) -> dict[str, Any]:
    """Add a JPEG or PNG photo (the body, at most 10 MB) to an inspection (at most 5)."""
    data = await read_limited(request, MAX_PHOTO_BYTES, "the photo")
    from starlette.concurrency import run_in_threadpool

    inspection = db_id(inspection_id, "inspection")
    return await run_in_threadpool(write_actions.add_photo, session, principal, inspection, data)


@router.get(
    "/inspections/{inspection_id}/photos/{photo_id}",
    summary="a photo of an inspection",
    operation_id="getPhoto",
    response_class=Response,
    responses={200: {"content": {t: {} for t in PHOTO_TYPES}}},
)
def get_photo(
    inspection_id: int, photo_id: int, request: Request, principal: SignedInDep, session: SessionDep
) -> Response:
    """The photo's bytes (signed-in users only)."""
    with reading(session) as conn:
        media_type, data = inspections.photo(
            conn, db_id(inspection_id, "inspection"), db_id(photo_id, "photo")
        )
    return Response(data, media_type=media_type, headers=PRIVATE_NO_STORE)
