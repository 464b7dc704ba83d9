"""service.auth.accounts: the rules an account must follow (names, roles and provinces)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.auth.roles import SCOPED, Role, parse_role

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_PROVINCE_CODE = re.compile(r"^[0-9]{2}$")


def user_name(value: str) -> str:
    """The stored form of a user name (lower case), or ValueError saying what is allowed."""
    name = value.strip().lower()
    if not _NAME.match(name):
        raise ValueError(
            f"user name {value!r}: 1 to 64 characters, letters, digits and . _ @ -,"
            " starting with a letter or digit"
        )
    return name


def role_and_provinces(role: str, provinces: Iterable[str]) -> tuple[Role, list[str]]:
    """Check that a ``province_editor`` has province codes and no other role has any."""
    parsed = parse_role(role)
    codes = sorted({c.strip() for c in provinces})
    bad = [c for c in codes if not _PROVINCE_CODE.match(c)]
    if bad:
        raise ValueError(f"province codes are two digits (e.g. 02); got {', '.join(bad)}")
    if parsed in SCOPED and not codes:
        raise ValueError(f"role {parsed} needs at least one --province CODE")
    if parsed not in SCOPED and codes:
        raise ValueError(f"role {parsed} writes everywhere; --province is for province_editor")
    return parsed, codes
