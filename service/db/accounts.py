"""service.db.accounts: users, bearer tokens, web sessions and failed sign-ins.

Functions run in the caller's transaction and never see a secret in clear: they take and
store digests (:mod:`service.auth.credentials`) and argon2id hashes. A credential is valid
when it is known, not revoked, not expired (checked against the database clock) and its
user is not disabled; otherwise the lookup answers None, without saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from service.auth.credentials import digest
from service.auth.principal import Principal, ProvinceRef
from service.auth.roles import Role, Via, parse_role

Executor = Session | Connection


@dataclass(frozen=True)
class User:
    """An account as listed (never with its hash)."""

    id: int
    name: str
    role: Role
    provinces: tuple[str, ...]
    disabled: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    def public(self) -> dict[str, object]:
        """The fields the audit keeps of a user (no hash)."""
        return {
            "name": self.name,
            "role": self.role,
            "provinces": list(self.provinces),
            "disabled": self.disabled,
        }


@dataclass(frozen=True)
class Token:
    """A bearer token as listed (never the token, never its digest)."""

    id: int
    user_name: str
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def public(self) -> dict[str, object]:
        """The fields the audit keeps of a token."""
        return {
            "id": self.id,
            "user": self.user_name,
            "label": self.label,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


_USER_COLUMNS = "u.id, u.name, u.role, u.provinces, u.disabled, u.created_at, u.updated_at"


def _user(row: Any) -> User:
    return User(
        id=int(row[0]),
        name=str(row[1]),
        role=parse_role(str(row[2])),
        provinces=tuple(row[3] or ()),
        disabled=bool(row[4]),
        created_at=row[5],
        updated_at=row[6],
    )


# --- users -------------------------------------------------------------------------------


def unknown_provinces(db: Executor, codes: Iterable[str]) -> list[str]:
    """The codes that name a province in neither era."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    known = set(
        db.execute(
            text("SELECT DISTINCT code FROM province WHERE code = ANY(:codes)"), {"codes": wanted}
        ).scalars()
    )
    return [c for c in wanted if c not in known]


def province_scope(db: Executor, codes: Iterable[str]) -> frozenset[ProvinceRef]:
    """The ``(era, code)`` provinces that ``codes`` cover in both eras.

    A code stands for the province of that code in whichever era has it, and for the
    provinces ``admin_lineage`` links to it in the other era: ``02`` (Hà Giang, pre-2025)
    also covers post-2025 ``08`` (Tuyên Quang, which absorbed it), and ``08`` covers
    pre-2025 ``02`` and ``08``.
    """
    wanted = sorted(set(codes))
    if not wanted:
        return frozenset()
    rows = db.execute(
        text(
            """
            SELECT p.era, p.code FROM province p WHERE p.code = ANY(:codes)
            UNION
            SELECT 'post2025', l.new_code FROM admin_lineage l
             WHERE l.level = 'province' AND l.old_code = ANY(:codes)
               AND EXISTS (SELECT 1 FROM province p
                            WHERE p.era = 'pre2025' AND p.code = l.old_code)
            UNION
            SELECT 'pre2025', l.old_code FROM admin_lineage l
             WHERE l.level = 'province' AND l.new_code = ANY(:codes)
               AND EXISTS (SELECT 1 FROM province p
                            WHERE p.era = 'post2025' AND p.code = l.new_code)
            """
        ),
        {"codes": wanted},
    ).all()
    return frozenset((str(era), str(code)) for era, code in rows)


def create_user(
    db: Executor, *, name: str, role: Role, provinces: Sequence[str], password_hash: str | None
) -> User:
    """Insert a user (name already checked by :func:`service.auth.accounts.user_name`).

    Raises ValueError when the name is taken.
    """
    if get_user(db, name) is not None:
        raise ValueError(f"user {name!r} already exists")
    row = db.execute(
        text(
            "INSERT INTO app_user AS u (name, role, provinces, password_hash)"
            " VALUES (:name, :role, :provinces, :hash)"
            f" RETURNING {_USER_COLUMNS}"
        ),
        {"name": name, "role": role, "provinces": list(provinces), "hash": password_hash},
    ).one()
    return _user(row)


def get_user(db: Executor, name: str) -> User | None:
    """The user called ``name``, disabled or not."""
    row = db.execute(
        text(f"SELECT {_USER_COLUMNS} FROM app_user u WHERE u.name = :name"), {"name": name}
    ).first()
    return _user(row) if row is not None else None


def list_users(db: Executor) -> list[User]:
    """Every user, by name."""
    rows = db.execute(text(f"SELECT {_USER_COLUMNS} FROM app_user u ORDER BY u.name")).all()
    return [_user(r) for r in rows]


def password_hash(db: Executor, name: str) -> tuple[int, str | None] | None:
    """``(user id, hash)`` of an enabled user, for sign-in; None when unknown or disabled."""
    row = db.execute(
        text("SELECT id, password_hash FROM app_user WHERE name = :name AND NOT disabled"),
        {"name": name},
    ).first()
    return (int(row[0]), row[1]) if row is not None else None


def set_password_hash(db: Executor, name: str, new_hash: str) -> bool:
    """Replace a user's password hash and end its web sessions; False when unknown."""
    row = db.execute(
        text(
            "UPDATE app_user SET password_hash = :hash, updated_at = now()"
            " WHERE name = :name RETURNING id"
        ),
        {"name": name, "hash": new_hash},
    ).first()
    if row is None:
        return False
    db.execute(text("DELETE FROM web_session WHERE user_id = :id"), {"id": row[0]})
    return True


def set_disabled(db: Executor, name: str, disabled: bool = True) -> User | None:
    """Disable (or enable) a user; a disabled user's sessions end and tokens stop working."""
    row = db.execute(
        text(
            "UPDATE app_user AS u SET disabled = :disabled, updated_at = now()"
            f" WHERE u.name = :name RETURNING {_USER_COLUMNS}"
        ),
        {"name": name, "disabled": disabled},
    ).first()
    if row is None:
        return None
    if disabled:
        db.execute(text("DELETE FROM web_session WHERE user_id = :id"), {"id": row[0]})
    return _user(row)


def _principal(db: Executor, row: Any, via: Via, label: str | None) -> Principal:
    provinces = frozenset(row[2] or ())
    return Principal(
        user=str(row[0]),
        role=parse_role(str(row[1])),
        via=via,
        provinces=provinces,
        scope=province_scope(db, provinces) if provinces else frozenset(),
        token_label=label,
    )


# --- bearer tokens -----------------------------------------------------------------------

_TOKEN_COLUMNS = "t.id, u.name, t.label, t.created_at, t.expires_at, t.revoked_at"


def _token(row: Any) -> Token:
    return Token(
        id=int(row[0]),
        user_name=str(row[1]),
        label=str(row[2]),
        created_at=row[3],
        expires_at=row[4],
        revoked_at=row[5],
    )


def add_token(
    db: Executor, *, user_id: int, label: str, token_hash: str, expires_days: int | None
) -> Token:
    """Store a token's digest; it expires after ``expires_days`` days (None: never)."""
    row = db.execute(
        text(
            """
            WITH t AS (
              INSERT INTO api_token (user_id, label, token_hash, expires_at)
              VALUES (:user_id, :label, :hash,
                      CASE WHEN CAST(:days AS integer) IS NULL THEN NULL
                           ELSE now() + make_interval(days => CAST(:days AS integer)) END)
              RETURNING *)
            SELECT t.id, u.name, t.label, t.created_at, t.expires_at, t.revoked_at
              FROM t JOIN app_user u ON u.id = t.user_id
            """
        ),
        {"user_id": user_id, "label": label, "hash": token_hash, "days": expires_days},
    ).one()
    return _token(row)


def list_tokens(db: Executor, user: str | None = None) -> list[Token]:
    """Tokens (of one user, or all), newest first; revoked and expired ones included."""
    rows = db.execute(
        text(
            f"SELECT {_TOKEN_COLUMNS} FROM api_token t JOIN app_user u ON u.id = t.user_id"
            " WHERE CAST(:user AS text) IS NULL OR u.name = :user"
            " ORDER BY t.created_at DESC, t.id DESC"
        ),
        {"user": user},
    ).all()
    return [_token(r) for r in rows]


def revoke_token(db: Executor, token_id: int) -> Token | None:
    """Revoke a token (idempotent: the first revocation time stays); None when unknown."""
    row = db.execute(
        text(
            """
            WITH t AS (
              UPDATE api_token SET revoked_at = coalesce(revoked_at, now())
               WHERE id = :id RETURNING *)
            SELECT t.id, u.name, t.label, t.created_at, t.expires_at, t.revoked_at
              FROM t JOIN app_user u ON u.id = t.user_id
            """
        ),
        {"id": token_id},
    ).first()
    return _token(row) if row is not None else None


def token_principal(db: Executor, token_hash: str) -> Principal | None:
    """The principal of a valid token (via ``api``), or None."""
    row = db.execute(
        text(
            "SELECT u.name, u.role, u.provinces, t.label, t.token_hash"
            " FROM api_token t JOIN app_user u ON u.id = t.user_id"
            " WHERE t.token_hash = :hash AND t.revoked_at IS NULL"
            " AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled"
        ),
        {"hash": token_hash},
    ).first()
    if row is None:
        return None
    return _principal(db, row, "api", str(row[3]))


# --- web sessions ------------------------------------------------------------------------


def open_session(
    db: Executor, *, user_id: int, id_hash: str, csrf_secret: str, hours: float
) -> None:
    """Store a new web session that expires ``hours`` from now; drop expired ones."""
    db.execute(text("DELETE FROM web_session WHERE expires_at <= now()"))
    db.execute(
        text(
            "INSERT INTO web_session (id_hash, user_id, csrf_secret, expires_at)"
            " VALUES (:id_hash, :user_id, :csrf, now() + make_interval(secs => :secs))"
        ),
        {"id_hash": id_hash, "user_id": user_id, "csrf": csrf_secret, "secs": hours * 3600},
    )


def session_principal(db: Executor, id_hash: str) -> tuple[Principal, str] | None:
    """``(principal via web, CSRF secret)`` of a live session of an enabled user, or None."""
    row = db.execute(
        text(
            "SELECT u.name, u.role, u.provinces, s.csrf_secret"
            " FROM web_session s JOIN app_user u ON u.id = s.user_id"
            " WHERE s.id_hash = :id_hash AND s.expires_at > now() AND NOT u.disabled"
        ),
        {"id_hash": id_hash},
    ).first()
    if row is None:
        return None
    return _principal(db, row, "web", None), str(row[3])


def close_session(db: Executor, id_hash: str) -> None:
    """End a web session (sign-out)."""
    db.execute(text("DELETE FROM web_session WHERE id_hash = :id_hash"), {"id_hash": id_hash})


# --- failed sign-ins ---------------------------------------------------------------------


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins within the window, per user name and per client address."""

    by_name: int
    by_address: int
    # Seconds until the oldest counted failure of each leaves the window.
    name_clears_in_s: float
    address_clears_in_s: float


def recent_failures(db: Executor, *, name: str, address: str, window_s: float) -> Failures:
    """Count failures of the last ``window_s`` seconds for ``name`` and for ``address``."""
    row = db.execute(
        text(
            """
            SELECT count(*) FILTER (WHERE name_digest = :name),
                   count(*) FILTER (WHERE address = :address),
                   extract(epoch FROM min(at) FILTER (WHERE name_digest = :name)
                                     + make_interval(secs => :window) - now()),
                   extract(epoch FROM min(at) FILTER (WHERE address = :address)
                                     + make_interval(secs => :window) - now())
              FROM login_attempt
             WHERE at > now() - make_interval(secs => :window)
               AND (name_digest = :name OR address = :address)
            """
        ),
        {"name": digest(name), "address": address, "window": window_s},
    ).one()
    return Failures(int(row[0]), int(row[1]), float(row[2] or 0), float(row[3] or 0))


def record_failure(db: Executor, *, name: str, address: str, keep_s: float) -> None:
    """Count one failed sign-in; forget failures older than ``keep_s`` seconds."""
    db.execute(
        text("DELETE FROM login_attempt WHERE at < now() - make_interval(secs => :keep)"),
        {"keep": keep_s},
    )
    db.execute(
        text("INSERT INTO login_attempt (name_digest, address) VALUES (:name, :address)"),
        {"name": digest(name), "address": address},
    )


def clear_failures(db: Executor, name: str) -> None:
    """Forget a user name's failures after a successful sign-in."""
    db.execute(text("DELETE FROM login_attempt WHERE name_digest = :name"), {"name": digest(name)})
