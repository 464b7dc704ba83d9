"""service.web.routes.health: liveness (``/healthz``) and readiness (``/readyz``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.db.health import database_health, schema_revision
from service.db.migrate import head_revision
from service.web.deps import SessionDep

router = APIRouter(tags=["health"])

_READY_RESPONSES: dict[int | str, dict[str, object]] = {
    503: {"description": "The database is unreachable or its schema is not at this code's head"}
}


@router.get("/healthz")
def healthz(session: SessionDep) -> dict[str, object]:
    """Report that the service runs and which PostgreSQL/PostGIS it talks to."""
    return {"status": "ok", **database_health(session)}


@router.get("/readyz", responses=_READY_RESPONSES)
def readyz(request: Request) -> JSONResponse:
    """200 when requests can be served: the database answers and is migrated to the head
    revision of this code; 503 otherwise (with Retry-After), so a load balancer waits."""
    engine: Engine = request.app.state.engine
    head = head_revision()
    try:
        with engine.connect() as conn:
            revision = schema_revision(conn)
    except SQLAlchemyError:
        return _unready({"status": "unavailable", "database": "unreachable"})
    if revision != head:
        return _unready({"status": "unavailable", "schema_revision": revision, "head": head})
    return JSONResponse({"status": "ready", "schema_revision": revision})


def _unready(body: dict[str, object]) -> JSONResponse:
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    return JSONResponse(body, status_code=503, headers=headers)
