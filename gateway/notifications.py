"""GraphQL of notification: the delivery log (per unit, recipient or event), opt-outs, officers'
e-mail subscriptions, partner webhooks and the replay of dead messages.

Every read and write is scoped: the log of a unit needs a token whose subtree holds it; an
opt-out needs the subject to be in reach; webhooks and replays are the province admin's.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS, authenticated, forbidden, in_reach, scoped_unit
from gateway.errors import input_error
from gateway.types import key
from khuyenhoc.auth import Role
from khuyenhoc.tenancy import UnitPath

READERS = REGISTRARS | {Role.AUDITOR}
DEFAULT_OFFICER_EVENTS = ("recognised", "reminder")


class Channel(graphene.Enum):
    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(graphene.Enum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DEAD = "DEAD"
    SKIPPED = "SKIPPED"


class Notification(graphene.ObjectType):
    """One message: an event told to one recipient through one channel (at most once)."""

    id = graphene.String(required=True, resolver=key("_id"))
    event_id = graphene.String(required=True)
    event = graphene.String(required=True, description="registered, recognised, reminder, ...")
    recipient = graphene.String(
        required=True, description="subject:<id>, email:<address> or webhook:<name>"
    )
    channel = graphene.Field(Channel, required=True)
    status = graphene.Field(DeliveryStatus, required=True)
    attempts = graphene.Int(required=True)
    reason = graphene.String(description="Why it is waiting, skipped or dead")
    text = graphene.String(description="What was sent (SMS, e-mail)")
    segments = graphene.Int(description="SMS segments billed")
    encoding = graphene.String(description="GSM7 or UCS2")
    created = graphene.String(required=True)
    sent_at = graphene.String()
    retry_at = graphene.String()
    unit_path = graphene.String(required=True, resolver=key("unitpath"))


def _reachable_unit(info: Any, code: str, roles: Any) -> UnitPath:
    """The unit's path, if the caller reads it; the same refusal whether it exists or not."""
    caller = authenticated(info)
    unit = info.context.rpc.registration.get_unit(code, caller.tenant)
    if unit is None:
        raise forbidden()
    path = UnitPath.parse(unit["path"])
    if not caller.covers(path) or caller.role not in roles:
        raise forbidden()
    return path


def resolve_notifications(
    root: Any,
    info: Any,
    unit_code: str,
    recipient: str | None = None,
    event_id: str | None = None,
    status: Any = None,
    first: int = 50,
) -> list[dict[str, Any]]:
    path = _reachable_unit(info, unit_code, READERS)
    wanted = status.value if hasattr(status, "value") else status
    return info.context.rpc.notification.delivery_log(
        path.tenant, str(path), recipient, event_id, wanted, first
    )


NOTIFICATIONS_FIELD = graphene.List(
    graphene.NonNull(Notification),
    required=True,
    unit_code=graphene.String(required=True),
    recipient=graphene.String(description="e.g. subject:hh-3f9a0c11aa"),
    event_id=graphene.String(),
    status=graphene.Argument(DeliveryStatus),
    first=graphene.Int(default_value=50),
    resolver=resolve_notifications,
    description="Delivery log of a unit and the units below it, newest first",
)


def _field_error(field: str, key_: str, message: str) -> Exception:
    return input_error([{"field": field, "key": key_, "message": message}])


def _answer(result: dict[str, Any]) -> dict[str, Any]:
    if "errors" in result:
        raise input_error(result["errors"])
    return result


class OptOutInput(graphene.InputObjectType):
    subject_id = graphene.String(required=True)
    channel = graphene.Field(Channel, required=True)
    opted_out = graphene.Boolean(required=True)


class OptOut(graphene.ObjectType):
    subject_id = graphene.String(required=True)
    channel = graphene.Field(Channel, required=True)
    opted_out = graphene.Boolean(required=True)


class SetNotificationOptOut(graphene.Mutation):
    """A household or citizen asked (not) to be told through a channel; recorded by an
    officer in reach of the subject."""

    class Arguments:
        input = OptOutInput(required=True)

    Output = OptOut

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant = in_reach(info, None, None, REGISTRARS)
        contact = info.context.rpc.registration.contact(tenant, input["subject_id"])
        in_reach(info, tenant, contact["unitpath"] if contact else None, REGISTRARS)
        if contact is None:
            raise _field_error("subjectId", "subject_not_found", "Không tìm thấy đối tượng này.")
        channel = input["channel"].value if hasattr(input["channel"], "value") else input["channel"]
        payload = {
            "tenant": tenant,
            "recipient": f"subject:{input['subject_id']}",
            "channel": channel,
            "optedOut": input["opted_out"],
        }
        _answer(info.context.rpc.notification.set_opt_out(payload))
        return {**input, "channel": channel}


class SubscriptionInput(graphene.InputObjectType):
    unit_code = graphene.String(required=True)
    email = graphene.String(required=True)
    name = graphene.String(required=True)
    events = graphene.List(
        graphene.NonNull(graphene.String), description="default: recognised, reminder"
    )
    unsubscribe = graphene.Boolean(default_value=False)


class NotificationSubscription(graphene.ObjectType):
    unit_code = graphene.String(required=True)
    email = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(graphene.String), required=True)
    subscribed = graphene.Boolean(required=True)


class SubscribeNotifications(graphene.Mutation):
    """An officer's e-mail for a unit (and the units below it): recognitions and deadline
    reminders by default."""

    class Arguments:
        input = SubscriptionInput(required=True)

    Output = NotificationSubscription

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant, unit = scoped_unit(info, None, input["unit_code"], REGISTRARS)
        if unit is None:
            raise _field_error("unitCode", "unit_not_found", "Không tìm thấy đơn vị này.")
        notification = info.context.rpc.notification
        events = list(input.get("events") or [])
        if input.get("unsubscribe"):
            payload = {"tenant": tenant, "unitCode": unit["code"], "email": input["email"]}
            _answer(notification.unsubscribe(payload))
            return {
                "unit_code": unit["code"],
                "email": input["email"].strip().lower(),
                "events": events,
                "subscribed": False,
            }
        payload = {
            "tenant": tenant,
            "unitCode": unit["code"],
            "unitPath": unit["path"],
            "unitName": unit["name"],
            "email": input["email"],
            "name": input["name"],
            "events": events,
        }
        found = _answer(notification.subscribe(payload))["subscription"]
        return {
            "unit_code": found["unit_code"],
            "email": found["email"],
            "events": found["events"] or list(DEFAULT_OFFICER_EVENTS),
            "subscribed": True,
        }


class WebhookInput(graphene.InputObjectType):
    name = graphene.String(required=True, description="lower-case letters, digits, '-'")
    url = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(graphene.String), description="default: all")


class Webhook(graphene.ObjectType):
    name = graphene.String(required=True)
    url = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(graphene.String), required=True)
    created = graphene.Boolean(required=True)
    secret = graphene.String(description="The signing secret: shown once, when created")


class RegisterWebhook(graphene.Mutation):
    """A partner URL that receives the province's events, signed (docs/partners.md)."""

    class Arguments:
        input = WebhookInput(required=True)

    Output = Webhook

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        caller = authenticated(info)
        if caller.role is not Role.PROVINCE_ADMIN:
            raise forbidden()
        payload = {
            "tenant": caller.tenant,
            "name": input["name"],
            "url": input["url"],
            "events": list(input.get("events") or []),
        }
        return _answer(info.context.rpc.notification.register_webhook(payload))["webhook"]


class ReplayNotifications(graphene.Mutation):
    """Send the province's DEAD messages again (all, or those named) after a fix."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.String))

    Output = graphene.List(graphene.NonNull(graphene.String))

    @staticmethod
    def mutate(root: Any, info: Any, ids: list[str] | None = None) -> list[str]:
        caller = authenticated(info)
        if caller.role is not Role.PROVINCE_ADMIN:
            raise forbidden()
        return info.context.rpc.notification.replay(caller.tenant, ids or None)
