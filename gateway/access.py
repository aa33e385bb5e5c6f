"""Who may see and change what, decided at the gateway from the caller's token.

Public without a token: the directory of administrative units. Everything else needs a caller
whose tenant is the unit's and whose unit is the unit itself or one of its ancestors. Refusals
name no private fact: the same answer whether the data exists or not.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from graphql import GraphQLError

from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath

UNAUTHENTICATED_MESSAGE = "Cần đăng nhập để xem hoặc thay đổi dữ liệu này."
FORBIDDEN_MESSAGE = "Bạn không có quyền với dữ liệu này."
INVALID_TOKEN_MESSAGE = "Mã truy cập không hợp lệ hoặc đã hết hạn."

# Roles that open, rename and close branches in their subtree.
BRANCH_MANAGERS: frozenset[Role] = frozenset(
    {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}
)
# Roles that register subjects (and branch members) for the units in their subtree.
REGISTRARS: frozenset[Role] = frozenset(
    {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.BRANCH_OFFICER}
)


def authenticated(info: Any) -> Caller:
    caller = info.context.caller
    if caller is None:
        raise GraphQLError(UNAUTHENTICATED_MESSAGE, extensions={"code": "UNAUTHENTICATED"})
    return caller


def forbidden() -> GraphQLError:
    return GraphQLError(FORBIDDEN_MESSAGE, extensions={"code": "FORBIDDEN"})


def require_scope(info: Any, path: UnitPath, roles: Collection[Role] | None = None) -> Caller:
    """The caller, if it may act on ``path`` (and holds one of ``roles``, when given)."""
    caller = authenticated(info)
    if not caller.covers(path) or (roles is not None and caller.role not in roles):
        raise forbidden()
    return caller


def in_reach(info: Any, tenant: str | None, path: str | None, roles: Collection[Role]) -> str:
    """The tenant of a write: it defaults to the caller's and must be it; a target that exists
    (``path``) must lie in the caller's subtree. A target that does not exist is left for the
    service to answer per field, so nothing tells one tenant what another holds."""
    caller = authenticated(info)
    tenant = tenant or caller.tenant
    if tenant != caller.tenant:
        raise forbidden()
    if path is not None:
        require_scope(info, UnitPath.parse(path), roles)
    return tenant


def may_decide(caller: Caller, unit: UnitPath, rules: Collection[str]) -> bool:
    """Whether the caller holds the authority a province configured for a title. A rule is a
    role (``authority``), or a role that must sit above the unit (``authority:above``: TT
    25/2023 has the commune's own learning community recognised by the level above it)."""
    for rule in rules:
        role, _, where = rule.partition(":")
        if caller.role.value != role or not caller.covers(unit):
            continue
        if where != "above" or caller.unit_path.depth < unit.depth:
            return True
    return False


def scoped_unit(
    info: Any, tenant: str | None, code: str, roles: Collection[Role], at: date | None = None
) -> tuple[str, dict[str, Any] | None]:
    """(tenant, unit) for a write on the unit ``code`` (see :func:`in_reach`)."""
    tenant = in_reach(info, tenant, None, roles)
    unit = info.context.rpc.registration.get_unit(code, tenant, at.isoformat() if at else None)
    in_reach(info, tenant, unit["path"] if unit else None, roles)
    return tenant, unit
