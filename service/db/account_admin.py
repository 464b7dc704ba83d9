"""service.db.account_admin: managing accounts and tokens, checked and audited.

Used by the ``bordermap user``/``token`` commands (and by anything else that manages
accounts): each function checks its input, writes in the caller's transaction and appends
the audit row there. A bad input is a ValueError saying what is wrong; no message, log
line or audit row holds a password or a token.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.auth import accounts as rules
from service.auth.credentials import digest, new_token
from service.auth.passwords import hash_password
from service.auth.principal import Principal
from service.db import accounts, audit
from service.db.accounts import Executor, Token, User


def create_user(
    db: Executor,
    actor: Principal,
    *,
    name: str,
    role: str,
    provinces: Sequence[str] = (),
    password: str | None = None,
) -> User:
    """Create a user; ``province_editor`` needs province codes known in some era.

    Without a password the user can use tokens only (no browser sign-in).
    """
    stored_name = rules.user_name(name)
    parsed, codes = rules.role_and_provinces(role, provinces)
    unknown = accounts.unknown_provinces(db, codes)
    if unknown:
        raise ValueError(f"unknown province code(s) {', '.join(unknown)} (in neither era)")
    hashed = hash_password(password) if password is not None else None
    user = accounts.create_user(
        db, name=stored_name, role=parsed, provinces=codes, password_hash=hashed
    )
    audit.record(db, actor, "user.create", "user", user.name, None, user.public())
    return user


def _existing(db: Executor, name: str) -> User:
    user = accounts.get_user(db, rules.user_name(name))
    if user is None:
        raise ValueError(f"no user {name!r}")
    return user


def disable_user(db: Executor, actor: Principal, name: str) -> User:
    """Disable a user: sign-in, sessions and tokens stop working (kept for the audit)."""
    before = _existing(db, name)
    after = accounts.set_disabled(db, before.name, True)
    assert after is not None
    audit.record(db, actor, "user.disable", "user", after.name, before.public(), after.public())
    return after


def set_password(db: Executor, actor: Principal, name: str, password: str) -> None:
    """Set a user's password; its browser sessions end. The audit says only that it changed."""
    user = _existing(db, name)
    accounts.set_password_hash(db, user.name, hash_password(password))
    audit.record(db, actor, "user.set_password", "user", user.name, None, {"password": "changed"})


def create_token(
    db: Executor,
    actor: Principal,
    *,
    user: str,
    label: str | None = None,
    expires_days: int | None = None,
) -> tuple[Token, str]:
    """A new bearer token of an enabled user: ``(its listing, the token itself)``.

    The token is returned once and never stored; only its SHA-256 digest is.
    """
    owner = _existing(db, user)
    if owner.disabled:
        raise ValueError(f"user {owner.name!r} is disabled")
    if expires_days is not None and expires_days < 1:
        raise ValueError("--expires-days must be at least 1")
    text_label = (label or "").strip() or "token"
    secret = new_token()
    token = accounts.add_token(
        db,
        user_id=owner.id,
        label=text_label,
        token_hash=digest(secret),
        expires_days=expires_days,
    )
    audit.record(db, actor, "token.create", "api_token", token.id, None, token.public())
    return token, secret


def revoke_token(db: Executor, actor: Principal, token_id: int) -> Token:
    """Revoke a token by its id (``token list`` shows it)."""
    before = next((t for t in accounts.list_tokens(db) if t.id == token_id), None)
    if before is None:
        raise ValueError(f"no token with id {token_id}")
    after = accounts.revoke_token(db, token_id)
    assert after is not None
    audit.record(db, actor, "token.revoke", "api_token", token_id, before.public(), after.public())
    return after
