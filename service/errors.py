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


class PdfUnavailable(ServiceError):
    """No HTML-to-PDF engine is installed here; the message names what to install."""
