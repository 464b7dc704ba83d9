"""service.errors: the errors BorderMap reports to people, raised by any layer.

The web app maps them to HTTP statuses in one table (:mod:`service.web.errors`); the
commands print their message on one line (:func:`service.commands.main.main`). Free of
imports, so the command line catches them without loading SQLAlchemy.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of errors the service reports to users."""


class NotFound(ServiceError):
    """An unknown collection, feature or unit."""


class BadRequest(ServiceError):
    """A query parameter or body the service cannot accept; the message names it."""


class DatabaseNotReady(ServiceError):
    """The database is unreachable, lacks an extension, or lacks the schema.

    The message is one line that names the cause and what to run about it.
    """


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


class Unauthorized(ServiceError):
    """No credential, or one that is unknown, expired, revoked or of a disabled user (401).

    Never says which, nor whether a user name exists; never holds the credential.
    """

    def __init__(self, message: str = "sign-in required: send a valid bearer token") -> None:
        super().__init__(message)
        # RFC 6750 / 9110: a 401 names the scheme to use.
        self.headers = {"WWW-Authenticate": 'Bearer realm="bordermap"'}


class Forbidden(ServiceError):
    """A known principal whose role or provinces do not allow the request (403)."""


class TooManyAttempts(ServiceError):
    """Too many failed sign-ins for a name or an address (429, with Retry-After)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": str(retry_after_s)}


class Unavailable(ServiceError):
    """The service cannot answer now (a query cut by its time limit, too many exports,
    the database gone); worth retrying after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PdfUnavailable(ServiceError):
    """No HTML-to-PDF engine is installed here; the message names what to install."""
