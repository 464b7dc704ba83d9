"""service.routes.account: ``GET /account``: who the credential sent belongs to."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.web.auth_deps import NO_STORE, SignedInDep

router = APIRouter(tags=["accounts"])


@router.get(
    "/account",
    responses={401: {"description": "No or a bad credential (WWW-Authenticate: Bearer)."}},
    summary="The signed-in user",
)
def account(principal: SignedInDep) -> JSONResponse:
    """The user, role and provinces of the token or session sent (to check a token)."""
    body: dict[str, Any] = {
        "user": principal.user,
        "role": principal.role,
        "provinces": sorted(principal.provinces),
        "token_label": principal.token_label,
        "via": principal.via,
    }
    return JSONResponse(body, headers=NO_STORE)
