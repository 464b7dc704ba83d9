"""service.web.routes.health: liveness and database check."""

from __future__ import annotations

from fastapi import APIRouter

from service.db.health import database_health
from service.web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep) -> dict[str, object]:
    """Report that the service runs and which PostgreSQL/PostGIS it talks to."""
    return {"status": "ok", **database_health(session)}
