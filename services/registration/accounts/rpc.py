"""The accounts' RPC answers: payloads read with marshmallow, accounts dumped without their
password hash, refusals as ``{"errors": [...]}`` in Vietnamese. The nameko entrypoint only
hands calls here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from khuyenhoc.auth import Role
from services.registration.accounts.domain import Account, Policy, Session
from services.registration.accounts.messages import refused
from services.registration.errors import Refused

TEXT: dict[str, Any] = {"required": True, "validate": validate.Length(max=256)}


class CreateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    tenant = fields.String(required=True)
    username = fields.String(**TEXT)
    full_name = fields.String(data_key="fullName", **TEXT)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    unit = fields.Dict(required=True)
    password = fields.String(load_default=None, validate=validate.Length(max=256))
    by = fields.String(required=True)


class SignInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    username = fields.String(**TEXT)
    password = fields.String(**TEXT)


class ChangePasswordSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    tenant = fields.String(required=True)
    username = fields.String(**TEXT)
    old_password = fields.String(data_key="oldPassword", **TEXT)
    new_password = fields.String(data_key="newPassword", **TEXT)


def policy(config: dict[str, Any]) -> Policy:
    """The lock-out and refresh settings (``ACCOUNTS`` in the config; defaults: 5 failures in
    15 minutes lock 15 minutes; a refresh token lives 12 hours)."""
    own = config.get("ACCOUNTS") or {}
    return Policy(
        max_failures=int(own.get("max_failures", 5)),
        window=timedelta(minutes=float(own.get("failure_window_minutes", 15))),
        lock=timedelta(minutes=float(own.get("lock_minutes", 15))),
        refresh_ttl=timedelta(hours=float(own.get("refresh_hours", 12))),
    )


def dumped(account: Account) -> dict[str, Any]:
    return {
        "username": account.username,
        "tenant": account.tenant,
        "fullName": account.full_name,
        "role": account.role,
        "unitCode": account.unit_code,
        "unitPath": account.unit_path,
        "status": account.status.value,
        "mustChangePassword": account.must_change_password,
        "createdBy": account.created_by,
        "updatedBy": account.updated_by,
        "createdAt": account.created_at.isoformat() if account.created_at else None,
        "updatedAt": account.updated_at.isoformat() if account.updated_at else None,
    }


def signed_in(account: Account, session: Session, refresh_token: str) -> dict[str, Any]:
    return {
        "account": dumped(account),
        "session": session.id,
        "refreshToken": refresh_token,
        "refreshExpiresAt": session.expires_at.isoformat(),
    }


def answered(run: Callable[[], dict[str, Any]], rules: Policy) -> dict[str, Any]:
    try:
        return run()
    except Refused as exc:
        return refused(exc, rules)
    except ValidationError as exc:
        return {
            "errors": [
                {"field": str(name), "key": "invalid", "message": "Giá trị không hợp lệ."}
                for name in (exc.messages if isinstance(exc.messages, dict) else {"input": 1})
            ]
        }
