"""service.web.auth_deps: FastAPI dependencies that say who is asking and whether they may.

- :func:`current_principal` (``PrincipalDep``): ``Authorization: Bearer <token>``, else the
  session cookie, else anonymous. Without a credential it answers at once, with no query.
  A bad bearer token is a 401 wherever it is used; a stale session cookie counts as
  anonymous (the browser is sent to sign in again by the 401 of a protected route).
- :func:`require_role` (``SignedInDep``, ``WriterDep``, ``AdminDep``): the principal, after
  checking its role and, for a browser session's POST/PUT/PATCH/DELETE, the CSRF token.

Public routes do not use these: their cost stays exactly as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from service.auth import policy
from service.auth.credentials import SESSION_COOKIE, digest, same
from service.auth.principal import ANONYMOUS, Principal
from service.auth.roles import ADMINS, READERS, WRITERS, Role
from service.db import accounts
from service.errors import Forbidden, Unauthorized
from service.web.deps import SessionDep

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Per-user answers (audit, accounts, the sign-in page) are never stored or revalidated.
NO_STORE = {"Cache-Control": "no-store"}
# Personal data (officers, inspections and their photos): for the signed-in reader only.
PRIVATE_NO_STORE = {"Cache-Control": "private, no-store"}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_credentials(request: Request) -> bool:
    """True when the request carries a bearer token or a session cookie."""
    return "authorization" in request.headers or SESSION_COOKIE in request.cookies


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Authorization header: expected 'Bearer <token>'")
    return value.strip()


def current_principal(request: Request, session: SessionDep) -> Principal:
    """Who is asking: the bearer token's user, the session's user, or anonymous.

    For a browser session, the session's CSRF secret is kept in ``request.state.csrf_secret``
    (forms put it in a hidden ``csrf_token`` field: :func:`csrf_token`).
    """
    token = _bearer(request)
    if token is not None:
        principal = accounts.token_principal(session, digest(token))
        if principal is None:
            raise Unauthorized("invalid, expired or revoked token")
        return principal
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        found = accounts.session_principal(session, digest(session_id))
        if found is not None:
            request.state.csrf_secret = found[1]
            return found[0]
    return ANONYMOUS


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def csrf_token(request: Request) -> str | None:
    """The CSRF secret of the request's browser session (after :func:`current_principal`)."""
    return getattr(request.state, "csrf_secret", None)


async def check_csrf(request: Request, principal: Principal) -> None:
    """Refuse a browser session's unsafe request without its session's CSRF token.

    The token comes in the ``X-CSRF-Token`` header (scripts) or the ``csrf_token`` form
    field (HTML forms). Bearer-token requests are not exposed to CSRF: browsers never
    add the header on their own.

    A URL-encoded form is read here (it is small). A multipart body is read only if the
    route already did (FastAPI parses a route's form fields and files before its
    dependencies): a route that streams its upload itself (``POST /imports``, with its
    size limit) must get its body untouched, so from a browser it needs the header.
    """
    if principal.via != "web" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(_FORMS):
        # Starlette keeps the parsed form on the request; None until someone reads it.
        form = request._form
        if form is None and content_type.startswith(_FORMS[0]):
            form = await request.form()
        value = form.get(CSRF_FIELD) if form is not None else None
        sent = value if isinstance(value, str) else None
    expected = csrf_token(request)
    if not sent or not expected or not same(sent, expected):
        raise Forbidden(
            "CSRF token missing or wrong: reload the page and send the form again"
            " (scripts: send the X-CSRF-Token header)"
        )


def require_role(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency giving the principal if its role is one of ``roles`` (401/403 otherwise).

    It also checks the CSRF token of browser sessions on unsafe methods.
    """
    allowed = frozenset(roles)

    async def dependency(request: Request, principal: PrincipalDep) -> Principal:
        policy.require_role(principal, allowed)
        await check_csrf(request, principal)
        return principal

    return dependency


SignedInDep = Annotated[Principal, Depends(require_role(*READERS))]
WriterDep = Annotated[Principal, Depends(require_role(*WRITERS))]
AdminDep = Annotated[Principal, Depends(require_role(*ADMINS))]

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "NO_STORE",
    "SESSION_COOKIE",
    "AdminDep",
    "PrincipalDep",
    "SignedInDep",
    "WriterDep",
    "check_csrf",
    "csrf_token",
    "current_principal",
    "has_credentials",
    "require_role",
]
