"""service.routes.write_tx: the transaction of a write request, on the request's session.

The session is the one the principal was loaded with (``service.deps.get_session``), so a
request is one transaction: the province check, the change and its audit row commit
together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session


@contextmanager
def writing(session: Session) -> Iterator[Connection]:
    """The session's connection; committed when the block ends, rolled back on an error."""
    conn = session.connection()
    try:
        yield conn
    except BaseException:
        session.rollback()
        raise
    session.commit()


@contextmanager
def reading(session: Session) -> Iterator[Connection]:
    """The session's connection, for reads."""
    yield session.connection()
