"""service.routes.audit: ``GET /audit`` (admin): the audit trail, JSON or CSV, newest first."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service import params
from service.db.audit import COLUMNS, AuditQuery, events
from service.web.auth_deps import NO_STORE, AdminDep
from service.web.csv_response import csv_response, negotiate
from service.web.deps import SessionDep
from service.web.routes.report_docs import CSV_TOO, ERRORS, F, extra, param

router = APIRouter(tags=["audit"])

_ALLOWED = ("user", "item_type", "item_id", "kind", "since", "until", "limit", "offset", "f")
MAX_LIMIT = 1000
_TEXT = {"type": "string"}
_WHEN = {"type": "string", "format": "date"}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or a bad credential (WWW-Authenticate: Bearer)."},
    403: {"description": "Signed in without the admin role."},
}


def _day_start(value: str | None, name: str, *, next_day: bool = False) -> dt.datetime | None:
    """Midnight UTC of the day ``value`` names (of the day after, for an inclusive end)."""
    if value is None:
        return None
    day = params.date(name, value) + dt.timedelta(days=1 if next_day else 0)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


@router.get(
    "/audit",
    response_class=Response,
    responses={200: {"content": CSV_TOO}, **ERRORS, **AUTH_ERRORS},
    summary="The audit trail (admin)",
    description=(
        "Every change to BorderMap's data and accounts: who (user, token label, OS user for"
        " commands), when, through what (`api`, `web`, `import`, `cli`), the item, before"
        " and after. Newest first. `since` and `until` are days (UTC), both included."
    ),
    openapi_extra=extra(
        param("user", _TEXT, "Changes by this user name."),
        param("item_type", _TEXT, "Items of this type (`marker`, `officer`, `user`, ...)."),
        param("item_id", _TEXT, "The item with this id (with `item_type`)."),
        param("kind", _TEXT, "Changes of this kind (`marker.update`, `user.create`, ...)."),
        param("since", _WHEN, "From this day (YYYY-MM-DD, UTC)."),
        param("until", _WHEN, "Up to this day, included."),
        param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Default 100."),
        param("offset", {"type": "integer", "minimum": 0}, "Rows to skip."),
        F,
    ),
)
def audit(request: Request, session: SessionDep, _admin: AdminDep) -> Response:
    """The audit trail, filtered; JSON (``{"events": [...]}``) or CSV."""
    params.check_known(request.query_params.keys(), _ALLOWED)
    q = request.query_params
    query = AuditQuery(
        user=q.get("user"),
        item_type=q.get("item_type"),
        item_id=q.get("item_id"),
        kind=q.get("kind"),
        since=_day_start(q.get("since"), "since"),
        until=_day_start(q.get("until"), "until", next_day=True),
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
