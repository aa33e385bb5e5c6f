"""``khuyenhoc accounts create-admin``: the first province admin of a deployment, who then
creates the other officers' accounts over GraphQL (``createAccount``)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from services.registration.accounts import rpc as accounts_rpc
from services.registration.accounts.messages import refused
from services.registration.accounts.service import Accounts
from services.registration.accounts.store import AllTenantsAccounts, prepare
from services.registration.directory.store import PublicDirectory
from services.registration.errors import Refused


def create_admin(
    config: dict[str, Any],
    tenant: str,
    username: str,
    full_name: str,
    password: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """A province admin at the province ``tenant``; the generated password (None when one was
    given). LookupError without the province in the directory; Refused for a bad value."""
    db = service_database(config, "registration")
    province = PublicDirectory(db).get(tenant, tenant)
    if province is None:
        raise LookupError(f"province {tenant} is not in the directory (run: make seed)")
    prepare(db)
    accounts = Accounts(AllTenantsAccounts(db), accounts_rpc.policy(config))
    account, generated = accounts.create(
        tenant=tenant,
        username=username,
        full_name=full_name,
        role=Role.PROVINCE_ADMIN.value,
        unit={"code": province["code"], "path": province["path"]},
        password=password,
        by="cli",
    )
    return accounts_rpc.dumped(account), generated


def create_admin_command(province: str) -> str:
    """The command ``make run`` shows for the first admin."""
    return (
        f".venv/bin/khuyenhoc accounts create-admin --tenant {province} "
        '--username admin --full-name "Quản trị tỉnh"'
    )


def add_commands(subparsers: Any) -> None:
    accounts = subparsers.add_parser("accounts", help="officer accounts (sign-in)")
    actions = accounts.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create-admin", help="create a province admin; prints a generated password once"
    )
    create.add_argument("--tenant", required=True, help="province code, e.g. 20")
    create.add_argument("--username", required=True, help="sign-in name, e.g. admin")
    create.add_argument("--full-name", default="Quản trị tỉnh", help="full name (Vietnamese)")
    create.add_argument(
        "--prompt", action="store_true", help="type the password instead of generating one"
    )
    create.add_argument("--config", default=None)
    create.set_defaults(handler=_create_admin)


def _create_admin(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    password = None
    if args.prompt:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            print("Lỗi: hai lần nhập mật khẩu không khớp.", file=sys.stderr)
            return 1
    try:
        account, generated = create_admin(
            config, args.tenant, args.username, args.full_name, password
        )
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Refused as exc:
        problem = refused(exc, accounts_rpc.policy(config))["errors"][0]
        print(f"Lỗi ({problem['field']}): {problem['message']}", file=sys.stderr)
        return 1
    print(f"Đã tạo tài khoản quản trị tỉnh {account['username']} ({account['unitPath']}).")
    if generated is not None:
        print(f"Mật khẩu (chỉ hiện một lần, hãy đổi sau khi đăng nhập): {generated}")
    return 0
