"""service.routes.officers: officers (personal data) and their assignments.

Reading an officer needs a signed-in role allowed to see personal data in the officer's
provinces; creating one needs a writer without province limits (an officer new to BorderMap
has no province yet); correcting one, a writer in every province the officer served in.
Assignments are written in the commune's province. Responses are never cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from service.auth import policy
from service.db import audit, officer_writes
from service.errors import BadRequest, Forbidden, NotFound
from service.ogc.links import base_url, url
from service.web import write_actions
from service.web.auth_deps import PRIVATE_NO_STORE, SignedInDep, WriterDep
from service.web.deps import SessionDep
from service.web.routes.write_models import (
    OFFICER_PATCH_SCHEMA,
    AssignmentEnd,
    AssignmentIn,
    OfficerIn,
)
from service.web.routes.write_support import (
    MERGE_PATCH,
    db_id,
    jsonable,
    problems,
    read_merge_patch,
    reading,
    writing,
)

router = APIRouter(tags=["officers"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "a field the server cannot accept (named)"},
    401: {"description": "no or a bad credential"},
    403: {"description": "the role or its provinces do not allow this"},
    404: {"description": "no such officer, assignment or commune"},
    409: {"description": "a duplicate service number or an overlapping assignment"},
}


@router.post("/officers", status_code=201, summary="add an officer", responses=RESPONSES)
def create_officer(
    body: OfficerIn, request: Request, principal: WriterDep, session: SessionDep, response: Response
) -> dict[str, Any]:
    """Add an officer (writers not limited to provinces)."""
    policy.require_write(principal, [])
    with writing(session) as conn:
        found = officer_writes.create_officer(conn, body.model_dump())
        audit.record(conn, principal, "officer.create", "officer", found["id"], None, found)
    response.headers.update(PRIVATE_NO_STORE)
    base = base_url(request.app.state.settings.base_url, str(request.base_url))
    response.headers["Location"] = url(base, f"/officers/{found['id']}")
    return found


@router.get("/officers/{officer_id}", summary="one officer", responses=RESPONSES)
def get_officer(
    officer_id: int,
    request: Request,
    principal: SignedInDep,
    session: SessionDep,
    response: Response,
) -> dict[str, Any]:
    """An officer's record (personal data: signed-in roles allowed to see it)."""
    with reading(session) as conn:
        found = officer_writes.officer(conn, db_id(officer_id, "officer"))
        provinces = officer_writes.provinces_of_officer(conn, officer_id)
    if found is None:
        raise NotFound(f"officer {officer_id} not found")
    if not policy.can_read_personal(principal, provinces):
        raise Forbidden("this officer is outside the provinces you may read")
    response.headers.update(PRIVATE_NO_STORE)
    return found


@router.patch(
    "/officers/{officer_id}",
    summary="correct an officer (merge patch)",
    responses=RESPONSES | {415: {"description": "not a merge patch"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {MERGE_PATCH: {"schema": OFFICER_PATCH_SCHEMA}},
        }
    },
)
async def correct_officer(
    officer_id: int, request: Request, principal: WriterDep, session: SessionDep
) -> dict[str, Any]:
    """Correct an officer's fields (RFC 7396: the fields given; null clears an optional one)."""
    patch = await read_merge_patch(request, "an officer")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        _correct, session, principal, db_id(officer_id, "officer"), patch
    )


def _correct(
    session: Session, principal: Any, officer_id: int, patch: dict[str, Any]
) -> dict[str, Any]:
    with writing(session) as conn:
        current = officer_writes.officer(conn, officer_id)
        if current is None:
            raise NotFound(f"officer {officer_id} not found")
        policy.require_write(principal, officer_writes.provinces_of_officer(conn, officer_id))
        merged = {k: current[k] for k in officer_writes.OFFICER_FIELDS}
        for k, v in patch.items():
            merged[k] = v
        try:
            checked = OfficerIn.model_validate({k: v for k, v in merged.items() if v is not None})
        except ValidationError as exc:
            raise BadRequest(f"the corrected officer is not valid: {problems(exc)}") from None
        before, after = officer_writes.correct_officer(
            conn,
            officer_id,
            checked.model_dump() | {k: None for k, v in merged.items() if v is None},
        )
        audit.record(conn, principal, "officer.update", "officer", officer_id, before, after)
    return after


@router.post("/assignments", status_code=201, summary="assign an officer", responses=RESPONSES)
def create_assignment(
    body: AssignmentIn,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
) -> dict[str, Any]:
    """Second an officer to a commune in a role; an overlap in that role is refused (409)."""
    found = write_actions.assign_officer(session, principal, body)
    response.headers.update(PRIVATE_NO_STORE)
    return jsonable(found)


@router.post(
    "/assignments/{assignment_id}/end",
    summary="end an assignment",
    responses=RESPONSES,
)
def end_assignment(
    assignment_id: int,
    body: AssignmentEnd,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
) -> dict[str, Any]:
    """Set the end date of an assignment (the first day off the post)."""
    after = write_actions.end_assignment(
        session, principal, db_id(assignment_id, "assignment"), body
    )
    return jsonable(after)
