"""service.db.health: what the health check asks the database."""

from __future__ import annotations

from sqlalchemy import text
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
