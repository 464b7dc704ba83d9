"""service.db.schema_accounts: users, bearer tokens, web sessions, sign-in attempts, the audit.

Secrets are never stored: passwords as argon2id hashes, tokens and session ids as SHA-256
digests. ``audit_event`` is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE
(migration ``accounts``), whoever the database user is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from service.auth.roles import ROLES, VIAS
from service.db.models import Base


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


class AppUser(Base):
    """A person who signs in: name (lower case, unique), role, provinces of a province_editor."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint("name ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'", name="name_format"),
        CheckConstraint(
            "(role = 'province_editor') = (cardinality(provinces) > 0)",
            name="provinces_for_province_editor",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(Text)
    # Province codes as the admin gave them; their cover in both eras comes from admin_lineage.
    provinces: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ApiToken(Base):
    """A bearer token of a user: only its SHA-256 digest is kept."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("token_hash ~ '^[0-9a-f]{64}$'", name="hash_format"),
        CheckConstraint("expires_at IS NULL OR expires_at > created_at", name="expires_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: digest of the cookie's session id, CSRF secret, server-side expiry."""

    __tablename__ = "web_session"
    __table_args__ = (CheckConstraint("id_hash ~ '^[0-9a-f]{64}$'", name="hash_format"),)

    id_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginAttempt(Base):
    """A failed sign-in, counted per user name and per client address for throttling.

    The name is kept as a digest: people type passwords into the name field.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_name_digest_at", "name_digest", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    name_digest: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """One change to BorderMap's data or accounts: who, when, through what, before and after.

    Append-only (trigger ``audit_event_no_rewrite``); never holds a password or a token.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint(_in("via", VIAS), name="via_known"),
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_item", "item_type", "item_id"),
        Index("ix_audit_event_user_name", "user_name"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_name: Mapped[str | None] = mapped_column(Text)
    token_label: Mapped[str | None] = mapped_column(Text)
    os_user: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    item_type: Mapped[str] = mapped_column(Text)
    item_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
