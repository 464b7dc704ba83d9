"""service.db.migrate: run Alembic migrations programmatically."""

from __future__ import annotations

from pathlib import Path

import psycopg.errors
from alembic import command
from alembic.config import Config
from geoalchemy2 import alembic_helpers
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from service.db.readiness import connect
from service.errors import DatabaseNotReady

MIGRATIONS = Path(__file__).with_name("migrations")
# Extensions the migrations use; created before they run when the role may.
EXTENSIONS = ("postgis",)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Leave PostGIS's own tables alone; let GeoAlchemy2 handle spatial indexes."""
    if type_ == "table" and name == "spatial_ref_sys":
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config for the packaged migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def ensure_extensions(conn: Connection) -> None:
    """Create the ``EXTENSIONS`` a database lacks, or say what an administrator must run.

    ``CREATE EXTENSION postgis`` needs a superuser (PostGIS is not a trusted extension), so
    a plain database owner gets ``DatabaseNotReady`` naming the exact statement instead of
    the migrations' later ``type "geometry" does not exist``.
    """
    for name in EXTENSIONS:
        found = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = :n"), {"n": name})
        if found.first():
            continue
        statement = f"CREATE EXTENSION IF NOT EXISTS {name};"
        try:
            with conn.begin_nested():
                conn.execute(text(statement))
        except DBAPIError as exc:
            database = conn.engine.url.database
            if isinstance(exc.orig, psycopg.errors.InsufficientPrivilege):
                raise DatabaseNotReady(
                    f"database {database!r} has no {name} extension and role"
                    f" {conn.engine.url.username!r} may not create it: a superuser must run"
                    f" `{statement}` in database {database!r}, then `bordermap migrate` again"
                ) from None
            if isinstance(exc.orig, psycopg.errors.UndefinedFile):
                raise DatabaseNotReady(
                    f"the database server has no {name} installed (on Debian: apt-get install"
                    " postgresql-15-postgis-3), so database"
                    f" {database!r} cannot run `{statement}`"
                ) from None
            raise


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the extensions the migrations need, then migrate up to ``revision``."""
    with connect(engine) as conn, conn.begin():
        ensure_extensions(conn)
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database down to ``revision``."""
    with connect(engine) as conn, conn.begin():
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
