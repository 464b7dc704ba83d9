"""service.db.engine: engine and session factories. Nothing is created at import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings


def database_url(settings: Settings) -> str:
    """The URL BorderMap talks to: the configured one, or the local cluster's."""
    if settings.database_url:
        return _psycopg(settings.database_url)
    from service.db.localdb import cluster_for

    return cluster_for(settings).url


def read_urls(settings: Settings) -> list[str]:
    """The read replicas' URLs (``BORDERMAP_DATABASE_READ_URL``, comma-separated)."""
    raw = settings.database_read_url or ""
    return [_psycopg(u.strip()) for u in raw.split(",") if u.strip()]


def _psycopg(url: str) -> str:
    # Accept plain libpq URLs; BorderMap drives psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    settings: Settings, url: str | None = None, *, connect_timeout_s: int | None = None
) -> Engine:
    """A pooled sync engine (geopandas needs sync; FastAPI runs sync routes in threads).

    ``connect_timeout_s``: give up connecting after that long (replicas: a dead one is
    skipped quickly instead of holding the request).
    """
    connect_args: dict[str, object] = {
        # JIT off: PostGIS functions carry high cost estimates, so the planner compiles
        # queries that run in milliseconds, for seconds (6 s on /progress/segments).
        "options": f"-c statement_timeout={settings.statement_timeout_ms} -c jit=off"
    }
    if connect_timeout_s is not None:
        connect_args["connect_timeout"] = connect_timeout_s
    return create_engine(
        url or database_url(settings),
        pool_size=settings.pool_size,
        pool_pre_ping=True,
        connect_args=connect_args,
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction for scripts: commit on success, roll back on any error."""
    with Session(engine) as session, session.begin():
        yield session
