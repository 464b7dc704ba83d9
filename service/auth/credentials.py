"""service.auth.credentials: random bearer tokens, session ids and CSRF secrets.

Only the SHA-256 of a token or a session id is stored: they are 256-bit random values, so
a fast hash is enough (nothing to brute-force) and lets the database find the row by index.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "bm_"  # lets secret scanners and people recognise a BorderMap token
SESSION_COOKIE = "bordermap_session"  # the browser session's id (HttpOnly)


def new_token() -> str:
    """A new bearer token: ``bm_`` and 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    """A new session id or CSRF secret (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The stored form of a token or session id: hex SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets or digests."""
    return hmac.compare_digest(a.encode(), b.encode())
