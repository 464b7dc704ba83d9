"""service.web.write_actions: the writes an editor makes, shared by the API and the forms.

Each action runs in the request's transaction (:func:`~service.web.routes.write_support.writing`):
the checks (the item exists, the principal may write in its provinces, the version the
client saw is still current), the change and its audit row commit together or not at all.
The JSON routes and the HTML forms call the same action, so a form accepts and refuses
exactly what the API does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from service.auth import Principal, policy
from service.db import audit, inspections, marker_writes, officer_writes
from service.errors import BadRequest, NotFound, PreconditionFailed
from service.web.routes.write_models import AssignmentEnd, AssignmentIn, InspectionIn, StatusEvent
from service.web.routes.write_support import writing


def assignment_etag(row: dict[str, Any]) -> str:
    """The version of an assignment a form saw: it changes when its end date does."""
    end = row["end_date"].isoformat() if row["end_date"] else "open"
    return f'"a{row["id"]}-{end}"'


def _check_marker_version(conn: Any, marker_id: int, seen: str | None) -> None:
    if seen is None:
        return
    current = marker_writes.current_etag(conn, marker_id)
    if current != seen:
        raise PreconditionFailed(
            f"marker {marker_id} has changed since the form was opened (version {seen},"
            f" now {current}): read it again, then write"
        )


def append_event(
    session: Session,
    principal: Principal,
    marker_id: int,
    event: StatusEvent,
    *,
    seen: str | None = None,
) -> tuple[int, bool]:
    """Append a status event to a live marker; (event id, whether it is new).

    ``seen``: the marker's ETag when the client read it (412 when it has changed since).
    """
    if event.date > dt.date.today():
        raise BadRequest(f"date {event.date.isoformat()} is in the future")
    with writing(session) as conn:
        if marker_writes.state(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        _check_marker_version(conn, marker_id, seen)
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
    return event_id, new


def record_inspection(
    session: Session,
    principal: Principal,
    marker_id: int,
    body: InspectionIn,
    *,
    photos: tuple[bytes, ...] = (),
    seen: str | None = None,
) -> dict[str, Any]:
    """Record an inspection of a live marker, with its ``photos`` (JPEG/PNG, at most 5).

    Photos are checked (type, size) before anything is written; the inspection and its
    photos are one transaction. ``seen`` as for :func:`append_event`.
    """
    if body.inspected_on > dt.date.today():
        raise BadRequest(f"inspected_on {body.inspected_on.isoformat()} is in the future")
    for data in photos:
        inspections.photo_type(data)
    with writing(session) as conn:
        if marker_writes.current_etag(conn, marker_id) is None:
            raise NotFound(f"feature {marker_id!r} not found in markers")
        _check_marker_version(conn, marker_id, seen)
        policy.require_write(principal, marker_writes.provinces_of(conn, marker_id))
        found = inspections.record(
            conn,
            marker_id,
            body.inspected_on,
            body.found_status,
            body.inspecting_unit,
            body.note,
        )
        audit.record(conn, principal, "inspection.create", "inspection", found["id"], None, found)
        for data in photos:
            stored = inspections.add_photo(conn, found["id"], data)
            audit.record(
                conn, principal, "photo.create", "inspection_photo", stored["id"], None, stored
            )
        if photos:
            found = inspections.get(conn, found["id"]) or found
    return found


def add_photo(
    session: Session, principal: Principal, inspection_id: int, data: bytes
) -> dict[str, Any]:
    """Add one photo to an inspection (413/415 before anything is read from the database)."""
    inspections.photo_type(data)
    with writing(session) as conn:
        marker_id = inspections.marker_of(conn, inspection_id)
        policy.require_write(principal, marker_writes.provinces_of(conn, marker_id))
        stored = inspections.add_photo(conn, inspection_id, data)
        audit.record(
            conn, principal, "photo.create", "inspection_photo", stored["id"], None, stored
        )
    return stored


def assign_officer(session: Session, principal: Principal, body: AssignmentIn) -> dict[str, Any]:
    """Second an officer to a commune in a role (409 on an overlap in that role)."""
    with writing(session) as conn:
        province = officer_writes.commune_province(conn, body.era, body.commune_code)
        policy.require_write(principal, [province])
        found = officer_writes.assign(conn, body.model_dump())
        audit.record(
            conn, principal, "assignment.create", "officer_assignment", found["id"], None, found
        )
    return found


def end_assignment(
    session: Session,
    principal: Principal,
    assignment_id: int,
    body: AssignmentEnd,
    *,
    seen: str | None = None,
) -> dict[str, Any]:
    """Set the end date of an assignment; the assignment after the change.

    ``seen``: :func:`assignment_etag` when the client read it (412 when it has changed).
    """
    with writing(session) as conn:
        found = officer_writes.assignment(conn, assignment_id)
        if found is None:
            raise NotFound(f"assignment {assignment_id} not found")
        policy.require_write(principal, [(found["era"], found["province_code"])])
        if seen is not None and seen != assignment_etag(found):
            raise PreconditionFailed(
                f"assignment {assignment_id} has changed since the form was opened:"
                " read it again, then write"
            )
        before, after = officer_writes.end_assignment(conn, assignment_id, body.end_date)
        audit.record(
            conn, principal, "assignment.end", "officer_assignment", assignment_id, before, after
        )
    return after
