"""service.db.audit: the append-only record of every change (table ``audit_event``).

:func:`record` writes in the caller's transaction, so a change and its audit row commit or
roll back together. Rows are never updated or deleted (a trigger refuses it). Secrets never
enter: keys that name one (``password``, ``token``, ``*_hash``, ``*secret``) are dropped
from ``before``/``after`` at any depth.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from service.auth.principal import Principal

Executor = Session | Connection

COLUMNS = (
    "id",
    "at",
    "user_name",
    "token_label",
    "os_user",
    "via",
    "kind",
    "item_type",
    "item_id",
    "before",
    "after",
)


def _secret_key(key: str) -> bool:
    k = key.lower()
    return k in {"password", "token", "csrf", "session"} or k.endswith(("_hash", "secret"))


def _scrub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _scrub(v) for k, v in value.items() if not _secret_key(str(k))}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None

    def default(o: object) -> object:
        if isinstance(o, dt.date | dt.datetime):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        return str(o)

    return json.dumps(_scrub(value), default=default, ensure_ascii=False)


def record(
    db: Executor,
    principal: Principal,
    kind: str,
    item_type: str,
    item_id: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> int:
    """Append one audit row for a change made by ``principal``; returns its id.

    ``kind`` names the change (``marker.update``, ``user.create``), ``item_type`` and
    ``item_id`` the thing changed; ``before`` is None for a creation, ``after`` for a
    removal. Dates and decimals are stored as ISO text and numbers.
    """
    row = db.execute(
        text(
            "INSERT INTO audit_event (user_name, token_label, os_user, via, kind, item_type,"
            " item_id, before, after) VALUES (:user, :label, :os_user, :via, :kind, :item_type,"
            " :item_id, CAST(:before AS jsonb), CAST(:after AS jsonb)) RETURNING id"
        ),
        {
            "user": principal.user,
            "label": principal.token_label,
            "os_user": principal.os_user,
            "via": principal.via,
            "kind": kind,
            "item_type": item_type,
            "item_id": None if item_id is None else str(item_id),
            "before": _json(before),
            "after": _json(after),
        },
    ).scalar_one()
    return int(row)


@dataclass(frozen=True)
class AuditQuery:
    """Filters of :func:`events`; None means any. ``until`` is exclusive."""

    user: str | None = None
    item_type: str | None = None
    item_id: str | None = None
    kind: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    offset: int = 0


def events(db: Executor, q: AuditQuery) -> list[dict[str, Any]]:
    """Audit rows matching ``q``, newest first (``at``, then ``id``)."""
    rows = db.execute(
        text(
            f"SELECT {', '.join(COLUMNS)} FROM audit_event"
            " WHERE (CAST(:user AS text) IS NULL OR user_name = :user)"
            " AND (CAST(:item_type AS text) IS NULL OR item_type = :item_type)"
            " AND (CAST(:item_id AS text) IS NULL OR item_id = :item_id)"
            " AND (CAST(:kind AS text) IS NULL OR kind = :kind)"
            " AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)"
            " AND (CAST(:until AS timestamptz) IS NULL OR at < :until)"
            " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset"
        ),
        {
            "user": q.user,
            "item_type": q.item_type,
            "item_id": q.item_id,
            "kind": q.kind,
            "since": q.since,
            "until": q.until,
            "limit": q.limit,
            "offset": q.offset,
        },
    ).mappings()
    return [dict(r) for r in rows]
