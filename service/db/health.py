"""service.db.health: what the health check asks the database."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session


def database_health(session: Session) -> dict[str, object]:
    """PostgreSQL and PostGIS versions, schema revision and data version."""
    row = session.execute(
        text(
            "SELECT current_setting('server_version') AS postgres,"
            " postgis_lib_version() AS postgis,"
            " (SELECT version_num FROM alembic_version LIMIT 1) AS schema_revision,"
            " (SELECT version FROM data_version WHERE id = 1) AS data_version"
        )
    ).one()
    return dict(row._mapping)


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version LIMIT 1")).scalar()
