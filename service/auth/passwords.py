"""service.auth.passwords: argon2id password hashes (argon2-cffi, its RFC 9106 low-memory profile).

Unknown user names are checked against a dummy hash, so a sign-in takes as long whether
the name exists or not.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 reads any length; a cap keeps a huge post from costing more


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 second recommendation)


@cache
def _dummy_hash() -> str:
    return _hasher().hash("bordermap dummy password, never valid")


def check_strength(password: str) -> None:
    """ValueError (without the password) unless ``password`` has 10 to 1024 characters."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"the password must have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string with its own salt and parameters) of ``password``."""
    check_strength(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; None checks a dummy hash (same cost)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        ok = _hasher().verify(stored_hash or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)
