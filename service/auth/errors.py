"""service.auth.errors: authentication and authorisation failures (mapped in service.errors).

Messages never contain a password, a token or whether a user name exists.
"""

from __future__ import annotations


class AuthError(Exception):
    """Base of the errors of :mod:`service.auth`."""


class Unauthorized(AuthError):
    """No credential, or one that is unknown, expired, revoked or of a disabled user (401)."""

    def __init__(self, message: str = "sign-in required: send a valid bearer token") -> None:
        super().__init__(message)
        # RFC 6750: an invalid token says so; a missing one only names the scheme.
        self.headers = {"WWW-Authenticate": 'Bearer realm="bordermap"'}


class Forbidden(AuthError):
    """A known principal whose role or provinces do not allow the request (403)."""


class TooManyAttempts(AuthError):
    """Too many failed sign-ins for a name or an address (429, with Retry-After)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": str(retry_after_s)}
