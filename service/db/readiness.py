"""service.db.readiness: connect, and check that the schema is there, or say what to run."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import OperationalError

from service.errors import DatabaseNotReady


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


def require_schema(conn: Connection) -> None:
    """Raise ``DatabaseNotReady`` unless the migrations have been applied up to head."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from service.db.migrate import alembic_config

    if not inspect(conn).has_table("alembic_version"):
        raise DatabaseNotReady(
            "the database has no BorderMap schema: run `bordermap migrate` first"
        )
    current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if current != heads:
        raise DatabaseNotReady(
            f"the database schema is at revision {', '.join(sorted(current)) or 'none'}, this"
            f" BorderMap needs {', '.join(sorted(heads))}: run `bordermap migrate` first"
        )
