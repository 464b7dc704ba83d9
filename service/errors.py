"""service.errors: domain errors and the one table mapping them to HTTP statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from geo.errors import GeoError
from service.auth.errors import Forbidden, TooManyAttempts, Unauthorized

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Base of errors the service reports to users."""


class NotFound(ServiceError):
    """An unknown collection, feature or unit."""


class BadRequest(ServiceError):
    """A query parameter or body the service cannot accept; the message names it."""


class Conflict(ServiceError):
    """A write that contradicts what is stored (a duplicate key, an overlapping assignment)."""


class PreconditionRequired(ServiceError):
    """A write to an item without ``If-Match`` (the item's ETag)."""


class PreconditionFailed(ServiceError):
    """``If-Match`` names an older version of the item: someone else changed it first."""


class PayloadTooLarge(ServiceError):
    """A request body over its limit."""


class UnsupportedMediaType(ServiceError):
    """A body of a type the route does not take (e.g. a photo that is neither JPEG nor PNG)."""


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
