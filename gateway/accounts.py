"""Officer accounts and sign-in over GraphQL (tài khoản và đăng nhập).

Registration keeps the accounts and sessions (passwords hashed there); the gateway decides who
manages whom (:func:`gateway.access.may_manage_account`) and signs the access tokens (it alone
holds ``JWT_SECRET``): a short-lived JWT (``ACCESS_TOKEN_MINUTES``, default 15) with the
session's ``sid``, renewed with a one-time refresh token. Signing out, disabling an account or
resetting its password revokes its sessions; the gateway then refuses their tokens within
seconds (:class:`gateway.endpoint.RevokedSessions`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import graphene
from graphql import GraphQLError

from gateway.access import (
    ACCOUNT_MANAGERS,
    authenticated,
    forbidden,
    may_manage_account,
    require_role,
    require_scope,
)
from gateway.messages import message
from gateway.mutations import Lookup, Write, mutation, unit
from gateway.pagination import connection, cursor_page, page_arguments
from gateway.ttl_cache import TtlCache
from gateway.wire import answer, enum_value, field_error, unit_not_found
from khuyenhoc.auth import Role, issue_token
from khuyenhoc.tenancy import UnitPath

log = logging.getLogger(__name__)

DEFAULT_ACCESS_MINUTES = 15.0

ROLE_DESCRIPTIONS = {
    Role.PROVINCE_ADMIN: "Province administrator (quản trị cấp tỉnh): every unit of the province",
    Role.DISTRICT_OFFICER: "Former district officer (cán bộ cấp huyện): the district's subtree",
    Role.COMMUNE_OFFICER: "Commune officer (cán bộ cấp xã): the commune and its branches",
    Role.BRANCH_OFFICER: "Branch officer (cán bộ chi hội): registers in its branch's commune",
    Role.AUTHORITY: "People's Committee signer (UBND): decides recognitions at its level",
    Role.FUND_MANAGER: "Fund manager (quản lý quỹ): records money in and proposes payments",
    Role.AUDITOR: "Auditor (kiểm tra): reads the unit's records and delivery log",
    Role.PARTNER: "Partner system (đối tác): consumes events, reads no personal data",
}


def _role_description(value: Role | None) -> str:
    if value is None:
        return "An officer's role (vai trò)"
    return ROLE_DESCRIPTIONS[Role(value)]


AccountRole = graphene.Enum.from_enum(Role, description=_role_description)


class AccountStatus(graphene.Enum):
    """Whether an account may sign in (trạng thái tài khoản)."""

    ACTIVE = "active"
    DISABLED = "disabled"

    @property
    def description(self) -> str:
        return {
            "active": "Active: may sign in (đang hoạt động)",
            "disabled": "Disabled: may not sign in, its sessions revoked (đã khóa)",
        }[self.value]


class Account(graphene.ObjectType):
    """An officer's account (tài khoản cán bộ): a username, a role and the unit it acts for."""

    username = graphene.String(required=True, description="Sign-in name (tên đăng nhập)")
    full_name = graphene.String(required=True, description="Full name (họ và tên)")
    role = graphene.Field(AccountRole, required=True, description="Role (vai trò)")
    unit_code = graphene.String(required=True, description="Its unit's code (mã đơn vị)")
    unit_path = graphene.String(required=True, description="Its unit's path (đường dẫn đơn vị)")
    status = graphene.Field(AccountStatus, required=True, description="Status (trạng thái)")
    must_change_password = graphene.Boolean(
        required=True, description="A generated password to change (phải đổi mật khẩu)"
    )
    created_by = graphene.String(description="Who created it (người tạo)")
    updated_by = graphene.String(description="Who changed it last (người sửa gần nhất)")
    created_at = graphene.String(description="When it was created, ISO (ngày tạo)")
    updated_at = graphene.String(description="When it was last changed, ISO (ngày sửa)")

    def resolve_full_name(root: dict[str, Any], info: Any) -> Any:
        return root["fullName"]

    def resolve_unit_code(root: dict[str, Any], info: Any) -> Any:
        return root["unitCode"]

    def resolve_unit_path(root: dict[str, Any], info: Any) -> Any:
        return root["unitPath"]

    def resolve_must_change_password(root: dict[str, Any], info: Any) -> Any:
        return root["mustChangePassword"]

    def resolve_created_by(root: dict[str, Any], info: Any) -> Any:
        return root.get("createdBy")

    def resolve_updated_by(root: dict[str, Any], info: Any) -> Any:
        return root.get("updatedBy")

    def resolve_created_at(root: dict[str, Any], info: Any) -> Any:
        return root.get("createdAt")

    def resolve_updated_at(root: dict[str, Any], info: Any) -> Any:
        return root.get("updatedAt")


AccountConnection = connection(Account, "Account", "accounts (tài khoản), by username")


class Session(graphene.ObjectType):
    """A sign-in session's tokens (phiên đăng nhập)."""

    access_token = graphene.String(
        required=True, description="Bearer token for the API, short-lived (mã truy cập)"
    )
    expires_at = graphene.String(required=True, description="When it expires, ISO")
    refresh_token = graphene.String(
        required=True, description="One-time token for refreshSession (mã làm mới)"
    )
    refresh_expires_at = graphene.String(required=True, description="When it expires, ISO")
    account = graphene.Field(Account, required=True, description="The signed-in account")


class AccountWithPassword(graphene.ObjectType):
    """An account and a password generated for it, shown this once (mật khẩu tạm)."""

    account = graphene.Field(Account, required=True, description="The account")
    password = graphene.String(description="The one-time password; null if the admin chose one")


class SignInInput(graphene.InputObjectType):
    """A username and password to sign in with (đăng nhập)."""

    username = graphene.String(required=True, description="Sign-in name (tên đăng nhập)")
    password = graphene.String(required=True, description="Password (mật khẩu)")


class RefreshSessionInput(graphene.InputObjectType):
    """The refresh token of a session, spent to get the next one (gia hạn phiên)."""

    refresh_token = graphene.String(required=True, description="The last refresh token")


class CreateAccountInput(graphene.InputObjectType):
    """A new officer account in the caller's reach (tạo tài khoản)."""

    username = graphene.String(required=True, description="Sign-in name, unique (tên đăng nhập)")
    full_name = graphene.String(required=True, description="Full name (họ và tên)")
    role = graphene.Field(AccountRole, required=True, description="Role (vai trò)")
    unit_code = graphene.String(required=True, description="Its unit's code (mã đơn vị)")
    password = graphene.String(
        description="At least 10 characters, not the username; omitted: one is generated"
    )


class AccountInput(graphene.InputObjectType):
    """The account to act on, by its username (tài khoản)."""

    username = graphene.String(required=True, description="Sign-in name (tên đăng nhập)")


class ChangePasswordInput(graphene.InputObjectType):
    """The signed-in officer's own password change (đổi mật khẩu)."""

    old_password = graphene.String(required=True, description="Current password")
    new_password = graphene.String(
        required=True, description="New password: at least 10 characters, not the username"
    )


# --- revoked sessions ------------------------------------------------------------------------

SESSION_TTL_SECONDS = 5.0
SESSION_CACHE_SIZE = 8192


class RevokedSessions:
    """Whether a sign-in session (a token's ``sid``) was revoked: asked of registration
    (``revoked_sessions``) once per session and kept ~5 s, so a sign-out or a disabled account
    stops its access tokens within seconds and a request costs one cached lookup. If
    registration cannot answer, the token is refused (it cannot be checked)."""

    def __init__(self, ttl: float = SESSION_TTL_SECONDS, size: int = SESSION_CACHE_SIZE):
        self.cache: TtlCache[str, bool] = TtlCache(ttl, size)

    def revoked(self, session: str, rpc: Any) -> bool:
        def ask() -> bool:
            answered = rpc.registration.revoked_sessions([session]) or {}
            return bool(answered.get(session, True))

        try:
            return self.cache.get(session, ask)
        except Exception:
            log.warning("session state unavailable", exc_info=True)
            return True

    def forget(self, session: str) -> None:
        """Drop one session's answer (this gateway just revoked it)."""
        self.cache.forget(session)

    def clear(self) -> None:
        self.cache.clear()


SESSIONS = RevokedSessions()


# --- sign-in ----------------------------------------------------------------------------------


def _access_ttl(info: Any) -> timedelta:
    minutes = getattr(info.context, "access_minutes", None) or DEFAULT_ACCESS_MINUTES
    return timedelta(minutes=float(minutes))


def _signed(info: Any, result: dict[str, Any]) -> dict[str, Any]:
    """The service's session answer with an access token signed here."""
    found = answer(result)
    account = found["account"]
    now = datetime.now(UTC)
    ttl = _access_ttl(info)
    token = issue_token(
        info.context.secret,
        subject=account["username"],
        role=Role(account["role"]),
        unit_path=UnitPath.parse(account["unitPath"]),
        ttl=ttl,
        now=now,
        session=found["session"],
    )
    return {
        "access_token": token,
        "expires_at": (now + ttl).isoformat(),
        "refresh_token": found["refreshToken"],
        "refresh_expires_at": found["refreshExpiresAt"],
        "account": account,
    }


def public_sign_in(
    name: str, input_type: type[graphene.InputObjectType], doc: str, run: Any
) -> type[graphene.Mutation]:
    """A mutation that runs before there is a caller (sign-in, refresh): the only ones not
    made by :func:`gateway.mutations.mutation`, which needs a signed-in caller. ``run(info,
    input)`` answers the service's session, signed here."""

    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        return _signed(info, run(info, input))

    namespace = {
        "Arguments": type(
            "Arguments",
            (),
            {"input": input_type(required=True, description="What to sign in or refresh with")},
        ),
        "Output": Session,
        "mutate": staticmethod(mutate),
        "__doc__": doc,
    }
    return type(name, (graphene.Mutation,), namespace)


SignIn = public_sign_in(
    "SignIn",
    SignInInput,
    "Sign in with a username and password (đăng nhập). A wrong password and an unknown "
    "username get the same answer; repeated failures lock the username for a while.",
    lambda info, given: info.context.rpc.registration.sign_in(
        {"username": given["username"], "password": given["password"]}
    ),
)
RefreshSession = public_sign_in(
    "RefreshSession",
    RefreshSessionInput,
    "New tokens for a refresh token, which is spent (làm mới phiên); a spent one presented "
    "again revokes the whole session.",
    lambda info, given: info.context.rpc.registration.refresh_session(given["refresh_token"]),
)


def _own_session(write: Write) -> None:
    """Signing out and changing one's password need a signed-in account (a CLI token names
    none)."""
    if write.caller.session is None:
        raise forbidden()


def _sign_out(write: Write) -> bool:
    session = write.caller.session
    if session is not None:
        write.rpc.registration.sign_out(session)
        SESSIONS.forget(session)
    return True


SignOut = mutation(
    "SignOut",
    graphene.Boolean,
    _sign_out,
    check=_own_session,
    answer=lambda result, write: result,
    doc="End the caller's session (đăng xuất): its tokens are refused from now on.",
)

ChangePassword = mutation(
    "ChangePassword",
    Account,
    lambda write: write.rpc.registration.change_password(
        {
            "tenant": write.tenant,
            "username": write.caller.subject,
            "oldPassword": write.input["old_password"],
            "newPassword": write.input["new_password"],
        }
    ),
    check=_own_session,
    input=ChangePasswordInput,
    answer="account",
    doc="Change one's own password (đổi mật khẩu): the current one is required.",
)


# --- administration ---------------------------------------------------------------------------


def _may_create(write: Write) -> None:
    require_role(write.caller, ACCOUNT_MANAGERS)
    role = Role(enum_value(write.input["role"]))
    if write.path is not None and not may_manage_account(
        write.caller, UnitPath.parse(write.path), role
    ):
        raise forbidden()


def _create(write: Write) -> Any:
    unit = write.found or {}
    return write.rpc.registration.create_account(
        {
            "tenant": write.tenant,
            "username": write.input["username"],
            "fullName": write.input["full_name"],
            "role": Role(enum_value(write.input["role"])).value,
            "unit": {"code": unit["code"], "path": unit["path"]},
            "password": write.input.get("password"),
            "by": write.caller.subject,
        }
    )


CreateAccount = mutation(
    "CreateAccount",
    AccountWithPassword,
    _create,
    check=_may_create,
    input=CreateAccountInput,
    lookup=unit("unit_code"),
    missing=unit_not_found,
    doc="Create an officer's account at an open unit of one's subtree (tạo tài khoản); "
    "without a password, a one-time one is generated and answered this once.",
)

# An account of the caller's province by its username (one of another province is not found).
ACCOUNT = Lookup(
    lambda rpc, tenant, values: rpc.registration.account(tenant, values["username"]),
    "unitPath",
)


def _may_manage(write: Write) -> None:
    require_role(write.caller, ACCOUNT_MANAGERS)
    found = write.found
    if found is None:
        return
    if not may_manage_account(write.caller, UnitPath.parse(found["unitPath"]), Role(found["role"])):
        raise forbidden()
    if found["username"] == write.caller.subject:
        raise field_error("username", "own_account", message("own_account"))


def _account_missing() -> GraphQLError:
    return field_error("username", "account_not_found", message("account_not_found"))


def _status(name: str, status: str, doc: str) -> type[graphene.Mutation]:
    return mutation(
        name,
        Account,
        lambda write: write.rpc.registration.set_account_status(
            write.tenant, (write.found or {})["username"], status, write.caller.subject
        ),
        check=_may_manage,
        input=AccountInput,
        lookup=ACCOUNT,
        missing=_account_missing,
        answer="account",
        doc=doc,
    )


DisableAccount = _status(
    "DisableAccount",
    "disabled",
    "Disable an account of one's subtree (khóa tài khoản): its sessions end within seconds.",
)
EnableAccount = _status(
    "EnableAccount", "active", "Enable a disabled account again (mở lại tài khoản)."
)
ResetPassword = mutation(
    "ResetPassword",
    AccountWithPassword,
    lambda write: write.rpc.registration.reset_password(
        write.tenant, (write.found or {})["username"], write.caller.subject
    ),
    check=_may_manage,
    input=AccountInput,
    lookup=ACCOUNT,
    missing=_account_missing,
    doc="Give an account of one's subtree a new one-time password (đặt lại mật khẩu): its "
    "sessions end; the answer shows the password this once.",
)


# --- queries ----------------------------------------------------------------------------------


def resolve_me(root: Any, info: Any) -> Any:
    """The signed-in account; null for a token printed by the CLI (it names no account)."""
    caller = authenticated(info)
    if caller.session is None:
        return None
    return info.context.rpc.registration.account(caller.tenant, caller.subject)


def resolve_accounts(
    root: Any, info: Any, unit_code: str, after: str | None = None, first: int = 50
) -> Any:
    caller = authenticated(info)
    unit = info.context.rpc.registration.get_unit(unit_code, caller.tenant)
    if unit is None:
        raise forbidden()
    require_scope(info, UnitPath.parse(unit["path"]), ACCOUNT_MANAGERS)

    def fetch(cursor: Any, size: int) -> tuple[list[Any], Any]:
        page = info.context.rpc.registration.accounts(caller.tenant, unit["path"], cursor, size)
        return page["items"], page.get("nextCursor")

    return cursor_page("accounts", f"{caller.tenant}|{unit['path']}", first, after, fetch)


QUERIES: dict[str, Any] = {
    "me": graphene.Field(
        Account,
        resolver=resolve_me,
        description="The signed-in account (tài khoản đang đăng nhập)",
    ),
    "accounts": graphene.Field(
        graphene.NonNull(AccountConnection),
        unit_code=graphene.String(required=True, description="The unit (mã đơn vị)"),
        **page_arguments("accounts (tài khoản)"),
        resolver=resolve_accounts,
        description="Accounts at a unit and below, for those who manage them (tài khoản)",
    ),
}

MUTATIONS: dict[str, Any] = {
    "sign_in": SignIn.Field(),
    "refresh_session": RefreshSession.Field(),
    "sign_out": SignOut.Field(),
    "change_password": ChangePassword.Field(),
    "create_account": CreateAccount.Field(),
    "disable_account": DisableAccount.Field(),
    "enable_account": EnableAccount.Field(),
    "reset_password": ResetPassword.Field(),
}
