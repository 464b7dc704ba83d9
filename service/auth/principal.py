"""service.auth.principal: who is making a request or running a command."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from service.auth.roles import Role, Via

# (era, province code), e.g. ("pre2025", "02"): a province of one era.
ProvinceRef = tuple[str, str]


@dataclass(frozen=True)
class Principal:
    """The person behind a request or a command.

    ``user`` is None for anonymous requests (and then ``role`` is None). ``provinces`` are
    the province codes an admin gave a ``province_editor``; ``scope`` is what they cover in
    both eras, resolved through ``admin_lineage`` when the principal is loaded
    (:func:`service.db.accounts.province_scope`). ``token_label`` is set when a bearer token
    was used; ``os_user`` for commands run on the server.
    """

    user: str | None = None
    role: Role | None = None
    via: Via = "api"
    provinces: frozenset[str] = frozenset()
    scope: frozenset[ProvinceRef] = field(default=frozenset())
    token_label: str | None = None
    os_user: str | None = None

    @property
    def is_anonymous(self) -> bool:
        """True when nobody signed in."""
        return self.user is None


ANONYMOUS = Principal()


def command_principal(via: Via = "cli", as_user: str | None = None) -> Principal:
    """Who runs a command on the server: the OS user, and the ``--as NAME`` given (if any).

    For the audit only: commands on the server are trusted (whoever runs them can reach the
    database anyway), so no role is checked.
    """
    try:
        os_user: str | None = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        os_user = None
    return Principal(user=as_user, role=None, via=via, os_user=os_user)
