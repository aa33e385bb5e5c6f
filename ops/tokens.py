"""``khuyenhoc token create``: an operator issues a bearer token for a person or a partner."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from khuyenhoc.auth import Role, issue_token
from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from services.registration.directory.store import PublicDirectory


def create_token(
    config: dict[str, Any], tenant: str, unit: str, role: Role, subject: str, hours: float
) -> str:
    """A token for ``subject`` acting as ``role`` at ``unit``; the unit must exist in ``tenant``."""
    found = PublicDirectory(service_database(config, "registration")).get(tenant, unit)
    if found is None:
        raise LookupError(f"unit {unit} is not in the directory of tenant {tenant}")
    return issue_token(
        config["JWT_SECRET"],
        subject=subject,
        role=role,
        unit_path=UnitPath.parse(found["path"]),
        ttl=timedelta(hours=hours),
    )


def add_commands(subparsers: Any) -> None:
    token = subparsers.add_parser("token", help="bearer tokens for the GraphQL gateway")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a signed token")
    create.add_argument("--tenant", required=True, help="province code, e.g. 20")
    create.add_argument("--unit", required=True, help="the holder's unit code, e.g. 06184")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--subject", required=True, help="who holds it (person or partner)")
    create.add_argument("--hours", type=float, default=8.0, help="validity (default 8)")
    create.add_argument("--config", default=None)
    create.set_defaults(handler=_create)


def _create(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    try:
        token = create_token(
            config, args.tenant, args.unit, Role(args.role), args.subject, args.hours
        )
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(token)
    return 0
