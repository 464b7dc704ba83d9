"""service.routes.audit: ``GET /audit`` (admin): the audit trail, JSON or CSV, newest first."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service.auth_deps import NO_STORE, AdminDep
from service.csv_response import csv_response, negotiate
from service.db.audit import COLUMNS, AuditQuery, events
from service.deps import SessionDep
from service.errors import BadRequest
from service.routes import report_params as params
from service.routes.report_docs import CSV_TOO, ERRORS, F, extra, param

router = APIRouter(tags=["audit"])

_ALLOWED = ("user", "item_type", "item_id", "kind", "since", "until", "limit", "offset", "f")
MAX_LIMIT = 1000
_TEXT = {"type": "string"}
_WHEN = {"type": "string", "description": "YYYY-MM-DD or an ISO 8601 date-time"}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or a bad credential (WWW-Authenticate: Bearer)."},
    403: {"description": "Signed in without the admin role."},
}


def _when(value: str | None, name: str, *, end: bool) -> dt.datetime | None:
    """A date (its start; with ``end``, the start of the next day) or an ISO date-time."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = params.as_of(value, name=name) + dt.timedelta(days=1 if end else 0)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"{name}: {value!r} is not a date (YYYY-MM-DD) or an ISO date-time"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@router.get(
    "/audit",
    response_class=Response,
    responses={200: {"content": CSV_TOO}, **ERRORS, **AUTH_ERRORS},
    summary="The audit trail (admin)",
    description=(
        "Every change to BorderMap's data and accounts: who (user, token label, OS user for"
        " commands), when, through what (`api`, `web`, `import`, `cli`), the item, before"
        " and after. Newest first. `since`/`until` take dates (UTC, `until` inclusive) or"
        " date-times (`until` exclusive)."
    ),
    openapi_extra=extra(
        param("user", _TEXT, "Changes by this user name."),
        param("item_type", _TEXT, "Items of this type (`marker`, `officer`, `user`, ...)."),
        param("item_id", _TEXT, "The item with this id (with `item_type`)."),
        param("kind", _TEXT, "Changes of this kind (`marker.update`, `user.create`, ...)."),
        param("since", _WHEN, "From this date or time."),
        param("until", _WHEN, "Up to this date (inclusive) or time (exclusive)."),
        param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Default 100."),
        param("offset", {"type": "integer", "minimum": 0}, "Rows to skip."),
        F,
    ),
)
def audit(request: Request, session: SessionDep, _admin: AdminDep) -> Response:
    """The audit trail, filtered; JSON (``{"events": [...]}``) or CSV."""
    params.only(request, *_ALLOWED)
    q = request.query_params
    query = AuditQuery(
        user=q.get("user"),
        item_type=q.get("item_type"),
        item_id=q.get("item_id"),
        kind=q.get("kind"),
        since=_when(q.get("since"), "since", end=False),
        until=_when(q.get("until"), "until", end=True),
        limit=params.integer(q.get("limit"), name="limit", low=1, high=MAX_LIMIT, default=100),
        offset=params.integer(q.get("offset"), name="offset", low=0, high=10**9, default=0),
    )
    fmt = negotiate(request, q.get("f"))
    rows = events(session, query)
    for row in rows:
        row["at"] = row["at"].isoformat()
    if fmt == "csv":
        for row in rows:  # JSON text in the cells, not Python's repr
            for key in ("before", "after"):
                if row[key] is not None:
                    row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
        response = csv_response(rows, COLUMNS, filename="audit.csv")
        response.headers.update(NO_STORE)
        return response
    return JSONResponse(
        {"events": rows, "numberReturned": len(rows), "offset": query.offset}, headers=NO_STORE
    )
