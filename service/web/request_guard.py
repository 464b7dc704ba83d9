"""service.web.request_guard: refuse, before any route runs, requests no route should see.

- An untrusted ``Host`` header (not in ``Settings.trusted_hosts``): 400. Absolute links are
  built from the request's base URL when ``BORDERMAP_BASE_URL`` is not set, so a forged
  ``Host: evil.example`` would otherwise reach links in cacheable responses.
- A NUL character in the path or in any query parameter's name or value: 400 naming it.
  PostgreSQL text cannot hold NUL, so such a value would fail in the driver (a 500), and
  no parameter of BorderMap has a use for one.
- A body larger than ``Settings.max_body_bytes`` (``Settings.max_upload_bytes`` on the
  upload route ``/imports``): 413, from ``Content-Length`` before the body is read, or while
  a chunked body is read.

Pure ASGI (no ``BaseHTTPMiddleware``): a request that passes costs a few dict lookups.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import PayloadTooLarge
from service.web.errors import send_error

# Routes that take file uploads (their own, larger limit).
UPLOAD_PATHS = frozenset({"/imports"})


def host_name(host: str) -> str:
    """The host part of a ``Host`` header value, lower case, without port or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def too_large(limit: int) -> str:
    """The 413 message for a body over ``limit`` bytes."""
    return f"request body larger than {limit:,} bytes ({limit >> 20} MB), the most accepted here"


def nul_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter whose name or value holds a NUL, else None."""
    if b"%00" not in query_string and b"\x00" not in query_string:
        return None
    text = query_string.decode("latin-1")
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8"):
        if "\x00" in name:
            return name.replace("\x00", "\\0")
        if "\x00" in value:
            return name
    return None


class RequestGuard:
    """Pure ASGI middleware refusing bad hosts, NUL characters and oversized bodies."""

    def __init__(
        self, app: ASGIApp, *, trusted_hosts: frozenset[str], max_body: int, max_upload: int
    ) -> None:
        self.app = app
        self.any_host = "*" in trusted_hosts
        self.hosts = trusted_hosts
        self.max_body = max_body
        self.max_upload = max_upload

    def limit(self, scope: Scope) -> int:
        """The largest body this request may carry."""
        return self.max_upload if scope["path"] in UPLOAD_PATHS else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._problem(scope)
        if problem is not None:
            status, message = problem
            await send_error(send, status, message)
            return
        chunked = any(k == b"transfer-encoding" for k, _ in scope["headers"])
        if not chunked:
            await self.app(scope, receive, send)
            return
        seen = 0
        limit = self.limit(scope)

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(too_large(limit))
            return message

        await self.app(scope, counted, send)

    def _problem(self, scope: Scope) -> tuple[int, str] | None:
        host = length = None
        for key, value in scope["headers"]:
            if key == b"host":
                host = value.decode("latin-1")
            elif key == b"content-length":
                length = value
        if host is not None and not self.any_host and host_name(host) not in self.hosts:
            # The value is not echoed: it is exactly what must not reach a response.
            return 400, (
                "Host: this host name is not served here; the operator lists served names"
                " in BORDERMAP_ALLOWED_HOSTS or BORDERMAP_BASE_URL"
            )
        if "\x00" in scope["path"]:
            return 400, "path: contains a NUL character"
        name = nul_parameter(scope.get("query_string", b""))
        if name is not None:
            return 400, f"{name}: contains a NUL character"
        if length is not None:
            if not length.isdigit():
                return 400, "Content-Length: not a number"
            if int(length) > self.limit(scope):
                return 413, too_large(self.limit(scope))
        return None
