"""service.web.errors: the one table mapping errors to HTTP statuses, and its handlers.

A 4xx answer carries the error's message (it names the parameter or item); a 5xx hides
the internals and logs them. A database that is gone or a query cut by the statement
timeout is a 503 with Retry-After (:func:`database_unavailable`), not a 500.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.types import Send

from geo.errors import GeoError
from service.errors import (
    BadRequest,
    Conflict,
    DatabaseNotReady,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PdfUnavailable,
    PreconditionFailed,
    PreconditionRequired,
    TooManyAttempts,
    Unauthorized,
    Unavailable,
    UnsupportedMediaType,
)
from service.web.pages import error_page, wants_error_page

log = logging.getLogger(__name__)


STATUS_CODES: dict[type[Exception], int] = {
    NotFound: 404,
    BadRequest: 400,
    Conflict: 409,
    PreconditionRequired: 428,
    PreconditionFailed: 412,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    GeoError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    TooManyAttempts: 429,
    DatabaseNotReady: 503,
    Unavailable: 503,
    PdfUnavailable: 503,
    SQLAlchemyError: 500,
}


def database_unavailable(exc: BaseException) -> Unavailable | None:
    """The Unavailable a database error stands for (timeout, lost server), else None."""
    if not isinstance(exc, DBAPIError):
        return None
    if isinstance(exc.orig, pg_errors.QueryCanceled):
        return Unavailable("the query took too long and was cancelled; narrow it (bbox, filter)")
    if exc.connection_invalidated or isinstance(exc.orig, pg_errors.OperationalError):
        return Unavailable("the database is not available; retry shortly")
    return None


def add_exception_handlers(app: FastAPI) -> None:
    """Register one handler per entry of ``STATUS_CODES``: JSON, or for a browser asking
    for a page (:func:`service.web.pages.wants_error_page`) an HTML page in its language."""

    def _handler(status: int):  # type: ignore[no-untyped-def]
        async def handle(request: Request, exc: Exception) -> Response:
            unavailable = exc if isinstance(exc, Unavailable) else database_unavailable(exc)
            if unavailable is not None or status == 503:
                log.warning("%s %s: %s", request.method, request.url.path, exc)
                retry = unavailable.retry_after if unavailable is not None else 5
                return JSONResponse(
                    {"detail": str(unavailable or exc)},
                    status_code=503,
                    headers={"Retry-After": str(retry)},
                )
            if status >= 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
                return JSONResponse({"detail": "internal server error"}, status_code=status)
            # Auth errors carry WWW-Authenticate or Retry-After.
            headers: dict[str, str] | None = getattr(exc, "headers", None)
            if wants_error_page(request):
                response = error_page(request, status, str(exc))
                response.headers.update(headers or {})
                return response
            return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

        return handle

    for exc_type, status in STATUS_CODES.items():
        app.add_exception_handler(exc_type, _handler(status))


async def send_error(send: Send, status: int, message: str, retry_after: int | None = None) -> None:
    """Answer ``{"detail": message}`` from pure ASGI code (before or outside the routes)."""
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if retry_after is not None:
        headers.append((b"retry-after", b"%d" % retry_after))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
