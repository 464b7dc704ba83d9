"""service.errors: domain errors and the one table mapping them to HTTP statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from geo.errors import GeoError

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Base of errors the service reports to users."""


class NotFound(ServiceError):
    """An unknown collection, feature or unit."""


class BadRequest(ServiceError):
    """A query parameter or body the service cannot accept; the message names it."""


STATUS_CODES: dict[type[Exception], int] = {
    NotFound: 404,
    BadRequest: 400,
    GeoError: 400,
    SQLAlchemyError: 500,
}


def add_exception_handlers(app: FastAPI) -> None:
    """Register one handler per entry of ``STATUS_CODES``: JSON, or for a browser asking
    for a page (:func:`service.pages.wants_error_page`) an HTML page in its language."""

    def _handler(status: int):  # type: ignore[no-untyped-def]
        async def handle(request: Request, exc: Exception) -> Response:
            if status >= 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
                return JSONResponse({"detail": "internal server error"}, status_code=status)
            from service.pages import error_page, wants_error_page

            if wants_error_page(request):
                return error_page(request, status, str(exc))
            return JSONResponse({"detail": str(exc)}, status_code=status)

        return handle

    for exc_type, status in STATUS_CODES.items():
        app.add_exception_handler(exc_type, _handler(status))
