"""service.web.security_headers: browser security headers on every response, and page CSPs.

Every response gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: no-referrer`` and, unless the route set its own, a
``Content-Security-Policy``: for HTML the strict :func:`html_policy` (no inline script),
for everything else ``default-src 'none'; frame-ancestors 'none'`` (a JSON document opened
in a browser runs nothing and cannot be framed).

A page with inline ``<script>`` blocks (the Folium maps, the API docs page) sets
:func:`html_policy` with the SHA-256 of each block (:func:`script_hashes`), so only those
exact scripts run. Styles keep ``'unsafe-inline'``: Folium and Leaflet write ``style``
attributes, which hashes cannot allow without ``'unsafe-hashes'`` on each one, and a style
cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A <script> element: its attributes and its text.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"\btype\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE)
# Types that are code; any other (Folium's application/json GeoJSON blocks) is data.
_CODE_TYPES = ("", "text/javascript", "application/javascript", "module")
NOT_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
_FIXED = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def script_hashes(html: str) -> tuple[str, ...]:
    """CSP sources (``'sha256-...'``) for every inline script of ``html``, in order."""
    out = []
    for m in _SCRIPT.finditer(html):
        attrs = m.group(1)
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _CODE_TYPES):
            continue
        digest = hashlib.sha256(m.group(2).encode("utf-8")).digest()
        out.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(dict.fromkeys(out))


def html_policy(scripts: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    """The CSP of an HTML page: this server only, plus the given script hashes and image
    origins (a configured tile server), never framed."""
    img = " ".join(("'self'", "data:", *images))
    script = " ".join(("'self'", *scripts))
    return (
        f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline';"
        f" img-src {img}; connect-src 'self'; object-src 'none'; base-uri 'none';"
        " form-action 'self'; frame-ancestors 'none'"
    )


def origin_of(url_template: str | None) -> tuple[str, ...]:
    """The origin of a tile URL template (``https://{s}.tile.example/{z}/{x}/{y}.png``).

    A ``{s}`` subdomain placeholder becomes a ``*.`` wildcard.
    """
    if not url_template:
        return ()
    parts = urlsplit(url_template.replace("{s}.", "*."))
    if not parts.scheme or not parts.netloc:
        return ()
    return (f"{parts.scheme}://{parts.netloc}",)


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp, *, images: tuple[str, ...] = ()) -> None:
        self.app = app
        self.html_default = html_policy(images=images).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in _FIXED:
                    headers.raw.append((key, value))
                if "content-security-policy" not in headers:
                    html = headers.get("content-type", "").startswith("text/html")
                    policy = self.html_default if html else NOT_HTML_POLICY.encode()
                    headers.raw.append((b"content-security-policy", policy))
            await send(message)

        await self.app(scope, receive, send_secured)
