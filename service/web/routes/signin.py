"""service.routes.signin: the sign-in page, sign-in and sign-out for browsers.

- ``GET /login``: the form (Vietnamese; ``?lang=en`` for English). The form carries a
  one-off CSRF value that must match a cookie set with it (double submit), so another
  site cannot sign a browser in under its own account.
- ``POST /login``: checks the throttle, then the password (argon2id; unknown names check a
  dummy hash, so the answer and its time are the same), opens a server-side session
  (``bordermap_session`` cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, expires after
  ``BORDERMAP_SESSION_HOURS`` on the server whatever the browser keeps) and goes to ``next``.
  A failure answers 401 after :data:`~service.auth.throttle.FAILURE_DELAY_S`; too many
  failures for a name or an address answer 429 with ``Retry-After``.
- ``POST /logout``: ends the session on the server (CSRF-checked) and clears the cookie.

Nothing here logs or echoes a password; form errors never reach FastAPI's validation
(which would echo the input): the form is read by hand.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from service.auth.credentials import SESSION_COOKIE, digest, new_secret, same
from service.auth.passwords import verify_password
from service.auth.throttle import FAILURE_DELAY_S, Limits, retry_after
from service.db import accounts
from service.settings import Settings
from service.web.auth_deps import CSRF_FIELD, NO_STORE, PrincipalDep, check_csrf, csrf_token
from service.web.deps import SessionDep
from service.web.routes.signin_text import Lang, lang_of, texts

router = APIRouter(tags=["accounts"], include_in_schema=False)

LOGIN_CSRF_COOKIE = "bordermap_login_csrf"
UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="bordermap"'}


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("service.web", "templates"), autoescape=select_autoescape(["html"])
    )


def _local_path(value: object) -> str:
    """``value`` if it is a path on this site, else ``/`` (no open redirect)."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(c) < 32 for c in value)
    ):
        return value
    return "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _page(
    request: Request,
    lang: Lang,
    *,
    status: int = 200,
    message: str | None = None,
    message_class: str = "error",
    name: str = "",
    next_path: str = "/",
    user: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The sign-in page; a fresh login CSRF value in the form and in its cookie."""
    login_csrf = new_secret()
    body = (
        _env()
        .get_template("login.html")
        .render(
            lang=lang,
            other_lang="en" if lang == "vi" else "vi",
            t=texts(lang),
            base=request.scope.get("root_path", ""),
            message=message,
            message_class=message_class,
            name=name,
            next=next_path,
            user=user,
            login_csrf=login_csrf,
            session_csrf=csrf_token(request) or "",
        )
    )
    response = HTMLResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        login_csrf,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_page(request: Request, principal: PrincipalDep) -> HTMLResponse:
    """The sign-in form (or who is signed in, with a sign-out button)."""
    q = request.query_params
    return _page(
        request, lang_of(q.get("lang")), next_path=_local_path(q.get("next")), user=principal.user
    )


def _sign_in(
    session: Session, settings: Settings, name: str, password: str, address: str
) -> tuple[str | None, int | None]:
    """``(new session id, None)`` on success, ``(None, retry-after)`` when throttled,
    ``(None, None)`` on a wrong name or password. Commits."""
    limits = Limits(
        settings.login_window_s,
        settings.login_max_failures_per_name,
        settings.login_max_failures_per_address,
    )
    failures = accounts.recent_failures(
        session, name=name, address=address, window_s=limits.window_s
    )
    wait = retry_after(
        limits,
        by_name=failures.by_name,
        by_address=failures.by_address,
        name_clears_in_s=failures.name_clears_in_s,
        address_clears_in_s=failures.address_clears_in_s,
    )
    if wait is not None:
        session.rollback()
        return None, wait
    found = accounts.password_hash(session, name)
    # Unknown and disabled names check a dummy hash: same answer, same time.
    if not verify_password(found[1] if found else None, password) or found is None:
        accounts.record_failure(session, name=name, address=address, keep_s=limits.window_s * 4)
        session.commit()
        return None, None
    session_id = new_secret()
    accounts.clear_failures(session, name)
    accounts.open_session(
        session,
        user_id=found[0],
        id_hash=digest(session_id),
        csrf_secret=new_secret(),
        hours=settings.session_hours,
    )
    session.commit()
    return session_id, None


def _field(form: Any, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


@router.post("/login")
async def login(request: Request, session: SessionDep) -> Response:
    """Sign in with the form's name and password."""
    lang = lang_of(request.query_params.get("lang"))
    t = texts(lang)
    form = await request.form()
    name = _field(form, "name").strip().lower()[:200]
    password = _field(form, "password")
    next_path = _local_path(form.get("next"))
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = _field(form, CSRF_FIELD)
    if not cookie or not sent or not same(cookie, sent):
        return _page(request, lang, status=403, message=t["expired_form"], next_path=next_path)
    if not name or not password:
        return _page(request, lang, status=400, message=t["missing"], next_path=next_path)
    address = request.client.host if request.client else "unknown"
    settings: Settings = request.app.state.settings
    session_id, wait = await run_in_threadpool(_sign_in, session, settings, name, password, address)
    if wait is not None:
        await asyncio.sleep(FAILURE_DELAY_S)
        return _page(
            request,
            lang,
            status=429,
            message=t["throttled"].format(seconds=wait),
            name=name,
            next_path=next_path,
            headers={"Retry-After": str(wait)},
        )
    if session_id is None:
        await asyncio.sleep(FAILURE_DELAY_S)
        return _page(
            request,
            lang,
            status=401,
            message=t["failed"],
            name=name,
            next_path=next_path,
            headers=UNAUTHORIZED,
        )
    response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """End the browser session (on the server too) and clear its cookie."""
    lang = lang_of(request.query_params.get("lang"))
    if principal.via == "web":
        await check_csrf(request, principal)
        session_id = request.cookies.get(SESSION_COOKIE, "")

        def close() -> None:
            accounts.close_session(session, digest(session_id))
            session.commit()

        await run_in_threadpool(close)
    response = _page(request, lang, message=texts(lang)["signed_out"], message_class="info")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
