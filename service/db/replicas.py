"""service.db.replicas: which server a read runs on (the primary, or a streaming replica).

With ``BORDERMAP_DATABASE_READ_URL`` set (one or more replica URLs, comma-separated), reads
go to a replica that is up and not lagging beyond ``BORDERMAP_REPLICA_MAX_LAG_S``; writes,
and reads right after a write (see :mod:`service.web.read_routing`), go to the primary.

Each replica is checked at most every ``BORDERMAP_REPLICA_CHECK_S`` seconds, in one query:
its data version, and the age of the last transaction it replayed. A replica whose data
version has reached the primary's is current, however long ago it replayed (an idle
primary sends nothing); one that is behind lags by the age of its last replayed commit.
A replica that cannot be reached or is no longer in recovery is skipped until the next
check; when none is usable, reads go to the primary. A replica that fails between checks
is caught when a connection is opened (:meth:`ReadRouter.connect`): the read falls back
to the primary and the replica is marked down, so the caller never sees the failure.

ETags and caches stay correct: every response's data version and data come from the one
server the request was routed to (:mod:`service.web.etag` keeps a version per server), and a
server's version never goes backwards, so a tag is never newer than the data it names.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from service.db.data_version import read_version
from service.db.engine import make_engine, read_urls
from service.settings import Settings

log = logging.getLogger(__name__)

_REPLICA_STATE = text(
    "SELECT pg_is_in_recovery(), (SELECT version FROM data_version WHERE id = 1),"
    " extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
)


@dataclass
class _Health:
    checked: float = -1e9  # monotonic time of the last check
    usable: bool = False
    reason: str = "not checked"


class ReadRouter:
    """The primary engine, the replica engines, and the choice between them."""

    def __init__(
        self,
        primary: Engine,
        replicas: Sequence[Engine] = (),
        *,
        max_lag_s: float = 30.0,
        check_s: float = 2.0,
    ) -> None:
        self.primary = primary
        self.replicas = tuple(replicas)
        self.max_lag_s = max_lag_s
        self.check_s = check_s
        self._health = {id(e): _Health() for e in self.replicas}
        self._lock = threading.Lock()
        self._next = 0

    def cached_choice(self) -> Engine | None:
        """The engine for a read if no check is due (no I/O), else None: call :meth:`choose`."""
        if not self.replicas:
            return self.primary
        now = time.monotonic()
        if any(now - self._health[id(e)].checked >= self.check_s for e in self.replicas):
            return None
        return self._pick()

    def choose(self) -> Engine:
        """The engine for a read: a usable replica (in turn), else the primary. May do I/O."""
        if not self.replicas:
            return self.primary
        now = time.monotonic()
        due = [e for e in self.replicas if now - self._health[id(e)].checked >= self.check_s]
        if due:
            primary_version = self._primary_version()
            for engine in due:
                self._check(engine, primary_version)
        return self._pick()

    def _pick(self) -> Engine:
        usable = [e for e in self.replicas if self._health[id(e)].usable]
        if not usable:
            return self.primary
        with self._lock:
            self._next = (self._next + 1) % len(usable)
            return usable[self._next]

    def _primary_version(self) -> int | None:
        try:
            with self.primary.connect() as conn:
                return read_version(conn)
        except SQLAlchemyError:
            return None  # primary down: a replica that is up still serves reads

    def _check(self, engine: Engine, primary_version: int | None) -> None:
        health = self._health[id(engine)]
        try:
            with engine.connect() as conn:
                in_recovery, version, age = conn.execute(_REPLICA_STATE).one()
        except SQLAlchemyError as exc:
            self._set(health, False, f"unreachable: {type(exc).__name__}")
            return
        behind = primary_version is not None and int(version or 0) < primary_version
        lag = float(age) if behind and age is not None else 0.0
        if not in_recovery:
            self._set(health, False, "not a replica (not in recovery)")
        elif behind and (age is None or lag > self.max_lag_s):
            self._set(health, False, f"lagging {lag:.1f} s behind (max {self.max_lag_s:g} s)")
        else:
            self._set(health, True, f"ok, lag {lag:.1f} s")

    def _set(self, health: _Health, usable: bool, reason: str) -> None:
        if usable != health.usable or health.checked < 0:
            level = logging.INFO if usable else logging.WARNING
            log.log(level, "read replica %s: %s", "in use" if usable else "skipped", reason)
        health.checked, health.usable, health.reason = time.monotonic(), usable, reason

    def mark_down(self, engine: Engine, reason: str) -> None:
        """Skip ``engine`` until its next check."""
        if id(engine) in self._health:
            self._set(self._health[id(engine)], False, reason)

    def connect(self, engine: Engine) -> Connection:
        """A connection to ``engine``; a replica that fails falls back to the primary."""
        try:
            return engine.connect()
        except SQLAlchemyError as exc:
            if engine is self.primary:
                raise
            self.mark_down(engine, f"connection failed: {type(exc).__name__}")
            return self.primary.connect()

    def status(self) -> list[dict[str, object]]:
        """Each replica's last check (host, usable, reason), for health pages and logs."""
        return [
            {
                "host": f"{e.url.host}:{e.url.port}",
                "usable": self._health[id(e)].usable,
                "reason": self._health[id(e)].reason,
            }
            for e in self.replicas
        ]

    def dispose(self) -> None:
        """Close every pool."""
        for engine in (self.primary, *self.replicas):
            engine.dispose()


def make_read_router(settings: Settings, primary: Engine) -> ReadRouter:
    """The app's router: ``primary`` and an engine per ``BORDERMAP_DATABASE_READ_URL``."""
    replicas = [make_engine(settings, url, connect_timeout_s=2) for url in read_urls(settings)]
    return ReadRouter(
        primary,
        replicas,
        max_lag_s=settings.replica_max_lag_s,
        check_s=settings.replica_check_s,
    )
