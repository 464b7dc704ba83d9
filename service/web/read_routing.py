"""service.web.read_routing: each request's database server, chosen once, before anything else.

- A request that may write (any method but GET/HEAD/OPTIONS) runs on the primary; when it
  succeeds (status below 400) the response sets the cookie ``bordermap_primary`` for
  ``BORDERMAP_PRIMARY_STICK_S`` seconds.
- A read that carries that cookie runs on the primary too: the client that just wrote
  reads its own write, whatever a replica has replayed.
- A read that carries credentials (an ``Authorization`` header or the sign-in cookie
  ``bordermap_session``) runs on the primary: a token or session just created, revoked or
  signed out must count at once, not after the replica's lag.
- Any other read runs where :class:`service.db.replicas.ReadRouter` says.

The choice is put in the request's state (``request.state.engine``): the ETag middleware
reads the data version there, and the routes read the data there, so both come from one
server. :func:`read_engine` and :func:`read_connection` are how code reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie

import anyio.to_thread
from sqlalchemy import Connection, Engine
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.db.replicas import ReadRouter

STICK_COOKIE = "bordermap_primary"
SESSION_COOKIE = "bordermap_session"  # service.web.auth_deps signs people in with it
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReadRoutingMiddleware:
    """Pure ASGI middleware: sets ``scope["state"]["engine"]`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, stick_s: float = 5.0) -> None:
        self.app = app
        self.stick_s = stick_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        router: ReadRouter | None = getattr(scope["app"].state, "read_router", None)
        if scope["type"] != "http" or router is None:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if scope["method"] not in SAFE_METHODS:
            state["engine"] = router.primary
            await self.app(scope, receive, self._sticky(send))
            return
        engine = router.primary if _to_primary(scope) else router.cached_choice()
        if engine is None:  # a replica check is due: it does I/O, so not on the event loop
            engine = await anyio.to_thread.run_sync(router.choose)
        state["engine"] = engine
        await self.app(scope, receive, send)

    def _sticky(self, send: Send) -> Send:
        cookie = f"{STICK_COOKIE}=1; Max-Age={int(self.stick_s)}; Path=/; HttpOnly; SameSite=Lax"

        async def send_sticky(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                MutableHeaders(scope=message).append("Set-Cookie", cookie)
            await send(message)

        return send_sticky


def _to_primary(scope: Scope) -> bool:
    """Whether a read must see the primary: after a write, or with credentials."""
    for key, value in scope["headers"]:
        if key == b"authorization":
            return True
        if key == b"cookie":
            cookies = SimpleCookie(value.decode("latin-1"))
            if STICK_COOKIE in cookies or SESSION_COOKIE in cookies:
                return True
    return False


def read_engine(request: HTTPConnection) -> Engine:
    """The engine this request reads from (the app's primary engine when not routed)."""
    engine: Engine | None = getattr(request.state, "engine", None)
    return engine if engine is not None else request.app.state.engine


@contextmanager
def read_connection(request: HTTPConnection) -> Iterator[Connection]:
    """A pooled connection on the request's server; a replica that fails falls back to the
    primary (no error reaches the client)."""
    engine = read_engine(request)
    router: ReadRouter | None = getattr(request.app.state, "read_router", None)
    conn = router.connect(engine) if router is not None else engine.connect()
    with conn:
        yield conn
