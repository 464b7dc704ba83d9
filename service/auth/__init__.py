"""service.auth: accounts, roles and what each principal may do. Free of FastAPI and SQL.

The data layer is :mod:`service.db.accounts`, :mod:`service.db.audit` and
:mod:`service.db.account_admin`; the FastAPI dependencies are in
:mod:`service.web.auth_deps`. The errors (401, 403, 429) are in :mod:`service.errors`.
"""

from service.auth.policy import (
    can_read_personal,
    in_scope,
    require_admin,
    require_role,
    require_signed_in,
    require_write,
)
from service.auth.principal import ANONYMOUS, Principal, ProvinceRef, command_principal
from service.auth.roles import ROLES, VIAS, Role, Via
from service.errors import Forbidden, TooManyAttempts, Unauthorized

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "VIAS",
    "Forbidden",
    "Principal",
    "ProvinceRef",
    "Role",
    "TooManyAttempts",
    "Unauthorized",
    "Via",
    "can_read_personal",
    "command_principal",
    "in_scope",
    "require_admin",
    "require_role",
    "require_signed_in",
    "require_write",
]
