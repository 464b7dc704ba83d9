"""service.errors: domain errors and the one table mapping them to HTTP statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from geo.errors import GeoError

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Base of errors the service reports to users."""


class NotFound(ServiceError):
    """An unknown collection, feature or unit."""


class BadRequest(ServiceError):
    """A query parameter or body the service cannot accept; the message names it."""


class PayloadTooLarge(ServiceError):
    """A request body, or a file asked for, larger than the configured limit."""


class Unavailable(ServiceError):
    """The service cannot answer now (database down, too many exports); retry later."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


STATUS_CODES: dict[type[Exception], int] = {
    NotFound: 404,
    BadRequest: 400,
    GeoError: 400,
    PayloadTooLarge: 413,
    Unavailable: 503,
    SQLAlchemyError: 500,
}


def database_unavailable(exc: BaseException) -> Unavailable | None:
    """The Unavailable a database error stands for (timeout, lost server), else None."""
    if not isinstance(exc, DBAPIError):
        return None
    if isinstance(exc.orig, pg_errors.QueryCanceled):
        return Unavailable("the query took too long and was cancelled; narrow it (bbox, filter)")
    if exc.connection_invalidated or isinstance(
        exc.orig, pg_errors.OperationalError | pg_errors.AdminShutdown
    ):
        return Unavailable("the database is not available; retry shortly")
    return None


def add_exception_handlers(app: FastAPI) -> None:
    """Register one JSON handler per entry of ``STATUS_CODES``."""

    def _handler(status: int):  # type: ignore[no-untyped-def]
        async def handle(request: Request, exc: Exception) -> JSONResponse:
            unavailable = exc if isinstance(exc, Unavailable) else database_unavailable(exc)
            if unavailable is not None:
                log.warning("%s %s: %s", request.method, request.url.path, exc)
                return JSONResponse(
                    {"detail": str(unavailable)},
                    status_code=503,
                    headers={"Retry-After": str(unavailable.retry_after)},
                )
            if status >= 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
                return JSONResponse({"detail": "internal server error"}, status_code=status)
            return JSONResponse({"detail": str(exc)}, status_code=status)

        return handle

    for exc_type, status in STATUS_CODES.items():
        app.add_exception_handler(exc_type, _handler(status))
