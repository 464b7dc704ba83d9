"""Throwaway databases for benchmarks, on the server BorderMap is configured for."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A fresh database with PostGIS, migrated to head; dropped afterwards."""
    from service.db import migrate
    from service.db.engine import database_url
    from service.settings import Settings

    url = database_url(Settings())
    admin_url = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        eng = create_engine(url)
        with eng.begin() as c:
            c.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        migrate.upgrade(eng)
        eng.dispose()
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
