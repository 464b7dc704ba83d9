"""service.auth: accounts, roles and what each principal may do. Free of FastAPI and SQL.

The data layer is :mod:`service.db.accounts` and :mod:`service.db.audit`; the FastAPI
dependencies are in :mod:`service.auth_deps`.
"""

from service.auth.errors import AuthError, Forbidden, TooManyAttempts, Unauthorized
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

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "VIAS",
    "AuthError",
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
