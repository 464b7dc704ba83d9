"""service.auth.policy: what a principal may do. Pure functions; routes and commands call them.

Each ``require_*`` raises :class:`Unauthorized` for anonymous principals (the client should
sign in) and :class:`Forbidden` for signed-in ones whose role or provinces do not allow it.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.auth.principal import Principal, ProvinceRef
from service.auth.roles import ADMINS, READERS, SCOPED, WRITERS, Role
from service.errors import Forbidden, Unauthorized


def require_signed_in(p: Principal) -> None:
    """Any signed-in principal; anonymous gets 401."""
    if p.is_anonymous or p.role is None:
        raise Unauthorized()


def require_role(p: Principal, roles: Iterable[Role]) -> None:
    """``p`` has one of ``roles``: 401 when anonymous, 403 otherwise."""
    require_signed_in(p)
    allowed = frozenset(roles)
    if p.role not in allowed:
        raise Forbidden(f"role {p.role} may not do this; needs {' or '.join(sorted(allowed))}")


def in_scope(p: Principal, provinces: Iterable[ProvinceRef]) -> bool:
    """True when ``p`` is not province-limited, or every one of ``provinces`` is in its scope.

    A province-limited principal is out of scope of an item with no province at all.
    """
    if p.role not in SCOPED:
        return True
    wanted = set(provinces)
    return bool(wanted) and wanted <= p.scope


def can_read_personal(p: Principal, provinces: Iterable[ProvinceRef] | None = None) -> bool:
    """May ``p`` see personal fields (officers' names, service numbers)?

    Anonymous never. A ``province_editor`` only for items of its provinces: pass the item's
    ``(era, code)`` provinces; without them (a list across provinces) it is refused, and the
    caller must filter the rows with :func:`in_scope` instead.
    """
    if p.is_anonymous or p.role not in READERS:
        return False
    if p.role in SCOPED:
        return provinces is not None and in_scope(p, provinces)
    return True


def require_write(p: Principal, provinces: Iterable[ProvinceRef]) -> None:
    """``p`` may change an item lying in ``provinces`` (``(era, code)`` pairs, any era).

    ``editor`` and ``admin`` write everywhere; ``province_editor`` only when every one of
    the item's provinces is in its scope (pass both the old and the new provinces when a
    change moves an item). 401 for anonymous, 403 otherwise.
    """
    require_role(p, WRITERS)
    wanted = sorted(set(provinces))
    if not in_scope(p, wanted):
        shown = ", ".join(f"{code} ({era})" for era, code in wanted) or "no province"
        raise Forbidden(
            f"{p.user} may write only in provinces {', '.join(sorted(p.provinces))};"
            f" this item is in {shown}"
        )


def require_admin(p: Principal) -> None:
    """Users, tokens and the audit: ``admin`` only."""
    require_role(p, ADMINS)
