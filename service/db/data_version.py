"""service.db.data_version: the counter every write bumps (migration 0001 triggers)."""

from __future__ import annotations

from sqlalchemy import Connection, text

_READ = text("SELECT version FROM data_version WHERE id = 1")


def read_version(conn: Connection) -> int:
    """The current data version (0 if the row is missing): one primary-key lookup."""
    value = conn.execute(_READ).scalar()
    return int(value) if value is not None else 0
