"""service.db.engine: engine and session factories. Nothing is created at import."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings

PING_IDLE_S = 1.0


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
    settings: Settings,
    url: str | None = None,
    *,
    timeout_ms: int | None = None,
    connect_timeout_s: int | None = None,
    ping_every_checkout: bool = False,
) -> Engine:
    """A pooled sync engine (geopandas needs sync; FastAPI runs sync routes in threads).

    ``timeout_ms`` is every statement's time limit (default ``statement_timeout_ms``);
    the web app passes ``public_statement_timeout_ms``. It is set once per connection, at
    connect, so a request pays no extra round trip for it; work that may run longer lifts
    it for its own transaction with ``SET LOCAL statement_timeout``.
    ``connect_timeout_s``: give up connecting after that long (replicas: a dead one is
    skipped quickly instead of holding the request).
    Stale connections (after a PostgreSQL restart) are replaced at checkout: pinged when
    idle for a second (:func:`ping_when_idle`), or at every checkout with
    ``ping_every_checkout`` (replicas: a replica that died is then noticed at connect,
    where the read router falls back to the primary).
    """
    timeout = settings.statement_timeout_ms if timeout_ms is None else timeout_ms
    connect_args: dict[str, object] = {
        # JIT off: PostGIS functions carry high cost estimates, so the planner compiles
        # queries that run in milliseconds, for seconds (6 s on /progress/segments).
        "options": f"-c statement_timeout={timeout} -c jit=off"
    }
    if connect_timeout_s is not None:
        connect_args["connect_timeout"] = connect_timeout_s
    engine = create_engine(
        url or database_url(settings),
        pool_size=settings.pool_size,
        pool_pre_ping=ping_every_checkout,
        connect_args=connect_args,
    )
    if not ping_every_checkout:
        ping_when_idle(engine)
    return engine


def ping_when_idle(engine: Engine, idle_s: float = PING_IDLE_S) -> None:
    """Check a pooled connection at checkout when it sat idle for ``idle_s`` or more.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: one more round trip for every
    request. A connection handed back less than a second ago was working then; one idle
    longer (across a PostgreSQL restart, say) is pinged, and a failed ping makes the pool
    connect afresh. A connection that still fails in use is a disconnect, which makes
    SQLAlchemy drop every pooled connection of that age: only requests in flight fail.
    """

    @event.listens_for(engine, "checkin")
    def stamp(dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        last = record.info.get("checked_in")  # None: connected just now
        if last is None or time.monotonic() - last < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: let the pool make a new connection
            raise DisconnectionError("stale pooled connection") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction for scripts: commit on success, roll back on any error."""
    with Session(engine) as session, session.begin():
        yield session
