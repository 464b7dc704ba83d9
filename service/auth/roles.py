"""service.auth.roles: the role vocabulary and what each role may do.

Roles are ordered: each one may do everything the ones before it may (``admin`` is also
an editor, an editor also an analyst). ``province_editor`` sits beside ``editor`` with
the same rights limited to its provinces (see :mod:`service.auth.policy`).

| role | reads | writes | accounts, tokens, audit |
|---|---|---|---|
| anonymous | public (no personal field) | no | no |
| ``analyst`` | everything, officers' identities included | no | no |
| ``province_editor`` | like analyst, only in its provinces | only in its provinces | no |
| ``editor`` | everything | everywhere | no |
| ``admin`` | everything | everywhere | yes |
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["analyst", "province_editor", "editor", "admin"]
ROLES: Final[tuple[Role, ...]] = ("analyst", "province_editor", "editor", "admin")

# How a change reached the database (audit_event.via).
Via = Literal["api", "web", "import", "cli"]
VIAS: Final[tuple[Via, ...]] = ("api", "web", "import", "cli")

READERS: Final[frozenset[Role]] = frozenset(ROLES)  # every signed-in role reads personal data
WRITERS: Final[frozenset[Role]] = frozenset({"province_editor", "editor", "admin"})
ADMINS: Final[frozenset[Role]] = frozenset({"admin"})
SCOPED: Final[frozenset[Role]] = frozenset({"province_editor"})  # limited to its provinces


def parse_role(value: str) -> Role:
    """``value`` as a role, or ValueError naming the known roles."""
    for role in ROLES:
        if value == role:
            return role
    raise ValueError(f"unknown role {value!r}; expected one of {', '.join(ROLES)}")
