"""service.web.errors: the one table mapping errors to HTTP statuses, and its handlers.

A 4xx answer carries the error's message (it names the parameter or item); a 5xx hides
the internals and logs them.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

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
    UnsupportedMediaType,
)

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
    PdfUnavailable: 503,
    SQLAlchemyError: 500,
}


def add_exception_handlers(app: FastAPI) -> None:
    """Register one JSON handler per entry of ``STATUS_CODES``."""

    def _handler(status: int):  # type: ignore[no-untyped-def]
        async def handle(request: Request, exc: Exception) -> JSONResponse:
            if status >= 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
                return JSONResponse({"detail": "internal server error"}, status_code=status)
            # Auth errors carry WWW-Authenticate or Retry-After.
            headers: dict[str, str] | None = getattr(exc, "headers", None)
            return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

        return handle

    for exc_type, status in STATUS_CODES.items():
        app.add_exception_handler(exc_type, _handler(status))
