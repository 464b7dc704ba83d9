"""Alembic environment: migrations run on the connection BorderMap hands over."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine

from service.db import (
    schema_reporting,  # noqa: F401 (its tables join Base.metadata)
    schema_search,  # noqa: F401 - its indexes join Base.metadata
    schema_writes,  # noqa: F401 - its tables join the metadata
)
from service.db.migrate import include_object
from service.db.models import Base
from service.db.schema_accounts import AppUser  # noqa: F401 - its tables join Base.metadata

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        compare_type=True,
    )


def run_migrations_online() -> None:
    """Run on ``config.attributes['connection']`` or on the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
