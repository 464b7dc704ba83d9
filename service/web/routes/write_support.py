"""service.routes.write_support: what every write route shares.

- :func:`writing` / :func:`reading`: the request's transaction, on the request's session (the
  one the principal was loaded with), so the province check, the change and its audit row
  commit together or not at all.
- :func:`read_merge_patch`: an RFC 7396 body (415 for another media type).
- :func:`read_limited`: a body refused (413) from ``Content-Length`` before it is read, and
  counted while it streams.
- :func:`db_id`, :func:`jsonable`, :func:`problems`: ids, answers and validation messages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from service.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType

MERGE_PATCH = "application/merge-patch+json"


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


def db_id(value: int | str, what: str) -> int:
    """An id as the database stores it (integer); anything else is a 404 naming ``what``."""
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"{what} {value!r} not found") from None
    if not 0 < number < 2**31:
        raise NotFound(f"{what} {value!r} not found")
    return number


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def problems(exc: ValidationError) -> str:
    """pydantic's errors as one line: ``field.path: message; ...``."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


async def read_merge_patch(request: Request, what: str) -> dict[str, Any]:
    """The JSON object of an ``application/merge-patch+json`` body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != MERGE_PATCH:
        raise UnsupportedMediaType(f"PATCH takes {MERGE_PATCH}, not {media or 'no type'}")
    try:
        patch = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(patch, dict):
        raise BadRequest(f"a merge patch of {what} is a JSON object")
    return patch


def check_declared_length(request: Request, limit: int, what: str) -> None:
    """413 when ``Content-Length`` is over ``limit`` (before anything is read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"{what} is {int(declared):,} bytes; at most {limit:,} are accepted")


async def read_limited(request: Request, limit: int, what: str) -> bytes:
    """The body, refused (413) from ``Content-Length``, or once ``limit`` bytes streamed in."""
    check_declared_length(request, limit, what)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"{what} is over {limit:,} bytes, the most accepted")
        chunks.append(chunk)
    return b"".join(chunks)
