"""service.db.readiness: connect, or say in one line what to run."""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from service.db.errors import DatabaseNotReady


def connect(engine: Engine) -> Connection:
    """``engine.connect()``, with a failure to connect raised as ``DatabaseNotReady``."""
    try:
        return engine.connect()
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReady(
            f"cannot connect to the database {where} ({reason}): start the local cluster with"
            " `bordermap db start`, or point BORDERMAP_DATABASE_URL at a running PostGIS"
        ) from None
