"""Mutations of notification: opt-outs, officers' e-mail subscriptions, partner webhooks and
the replay of dead messages.

An opt-out needs the subject in the caller's reach; a subscription the unit; webhooks and
replays are the province admin's.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS, require_role
from gateway.messages import message
from gateway.mutations import Write, in_subtree, mutation, record, unit
from gateway.notification.types import Channel
from gateway.wire import enum_value, field_error, unit_not_found
from khuyenhoc.auth import Role

# --- inputs and answers -------------------------------------------------------------------------


class OptOutInput(graphene.InputObjectType):
    """A subject's wish to receive, or no longer receive, messages on a channel (từ chối nhận
    tin)."""

    subject_id = graphene.String(
        required=True,
        description="The registered subject's id (đối tượng: household, clan, unit, citizen)",
    )
    channel = graphene.Field(
        Channel, required=True, description="How it is delivered (kênh): sms, email or webhook"
    )
    opted_out = graphene.Boolean(
        required=True, description="The recipient opted out (từ chối nhận tin)"
    )


class OptOut(graphene.ObjectType):
    """A subject's opt-out on a channel as recorded."""

    subject_id = graphene.String(
        required=True,
        description="The registered subject's id (đối tượng: household, clan, unit, citizen)",
    )
    channel = graphene.Field(
        Channel, required=True, description="How it is delivered (kênh): sms, email or webhook"
    )
    opted_out = graphene.Boolean(
        required=True, description="The recipient opted out (từ chối nhận tin)"
    )


class SubscriptionInput(graphene.InputObjectType):
    """An e-mail subscription to a unit's news (đăng ký nhận tin)."""

    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    email = graphene.String(required=True, description="E-mail address (thư điện tử)")
    name = graphene.String(required=True, description="The subscriber's name (tên người nhận)")
    events = graphene.List(
        graphene.NonNull(graphene.String), description="default: recognised, reminder"
    )
    unsubscribe = graphene.Boolean(
        default_value=False, description="True to stop receiving (hủy đăng ký nhận tin)"
    )


class NotificationSubscription(graphene.ObjectType):
    """An e-mail subscription (đăng ký nhận tin) as recorded."""

    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    email = graphene.String(required=True, description="E-mail address (thư điện tử)")
    events = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Event types (loại tin)"
    )
    subscribed = graphene.Boolean(
        required=True, description="True while subscribed; false after unsubscribing"
    )


class WebhookInput(graphene.InputObjectType):
    """A partner system's webhook: its name, URL and the event types it receives."""

    name = graphene.String(required=True, description="lower-case letters, digits, '-'")
    url = graphene.String(
        required=True,
        description=(
            "Where deliveries are POSTed: a public https:// address (no loopback, private or "
            "link-local address unless the deployment allows it)"
        ),
    )
    events = graphene.List(graphene.NonNull(graphene.String), description="default: all")


class Webhook(graphene.ObjectType):
    """A partner system's webhook; its secret signs each delivery and is shown once."""

    name = graphene.String(
        required=True, description="The webhook's name: lower-case letters, digits and '-'"
    )
    url = graphene.String(
        required=True, description="Where deliveries are POSTed: an http:// or https:// address"
    )
    events = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Event types (loại tin)"
    )
    created = graphene.Boolean(
        required=True,
        description="True when this call created it, false when it already existed (idempotent)",
    )
    secret = graphene.String(description="The signing secret: shown once, when created")


# --- who may and what is sent -------------------------------------------------------------------


def province_admin(write: Write) -> None:
    require_role(write.caller, {Role.PROVINCE_ADMIN})


def set_opt_out(write: Write) -> Any:
    payload = {
        "tenant": write.tenant,
        "recipient": f"subject:{write.input['subject_id']}",
        "channel": enum_value(write.input["channel"]),
        "optedOut": write.input["opted_out"],
    }
    return write.rpc.notification.set_opt_out(payload)


def subscribe(write: Write) -> Any:
    assert write.found is not None
    given, unit_ = write.input, write.found
    if given.get("unsubscribe"):
        payload = {"tenant": write.tenant, "unitCode": unit_["code"], "email": given["email"]}
        return write.rpc.notification.unsubscribe(payload)
    payload = {
        "tenant": write.tenant,
        "unitCode": unit_["code"],
        "unitPath": unit_["path"],
        "unitName": unit_["name"],
        "email": given["email"],
        "name": given["name"],
        "events": list(given.get("events") or []),
    }
    return write.rpc.notification.subscribe(payload)


def subscription(result: Any, write: Write) -> dict[str, Any]:
    assert write.found is not None
    if write.input.get("unsubscribe"):
        return {
            "unit_code": write.found["code"],
            "email": write.input["email"].strip().lower(),
            "events": list(write.input.get("events") or []),
            "subscribed": False,
        }
    found = result["subscription"]
    return {
        "unit_code": found["unit_code"],
        "email": found["email"],
        "events": found["covered_events"],
        "subscribed": True,
    }


def register_webhook(write: Write) -> Any:
    payload = {
        "tenant": write.tenant,
        "name": write.input["name"],
        "url": write.input["url"],
        "events": list(write.input.get("events") or []),
    }
    return write.rpc.notification.register_webhook(payload)


def delete_webhook(write: Write) -> Any:
    payload = {"tenant": write.tenant, "name": write.input["name"]}
    return write.rpc.notification.delete_webhook(payload)


def replay(write: Write) -> Any:
    return write.rpc.notification.replay(write.tenant, write.input.get("ids") or None)


# --- mutations ----------------------------------------------------------------------------------

SetNotificationOptOut = mutation(
    "SetNotificationOptOut",
    OptOut,
    set_opt_out,
    input=OptOutInput,
    lookup=record("registration", "contact", "subject_id"),
    check=in_subtree(REGISTRARS),
    missing=lambda: field_error("subjectId", "subject_not_found", message("subject_not_found")),
    answer=lambda result, write: {**write.input, "channel": enum_value(write.input["channel"])},
    doc="""A household or citizen asked (not) to be told through a channel; recorded by an
    officer in reach of the subject.""",
)
SubscribeNotifications = mutation(
    "SubscribeNotifications",
    NotificationSubscription,
    subscribe,
    input=SubscriptionInput,
    lookup=unit("unit_code"),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer=subscription,
    doc="""An officer's e-mail for a unit (and the units below it): recognitions and deadline
    reminders by default.""",
)
RegisterWebhook = mutation(
    "RegisterWebhook",
    Webhook,
    register_webhook,
    input=WebhookInput,
    check=province_admin,
    answer="webhook",
    doc="A partner URL that receives the province's events, signed (docs/partners.md).",
)
DeleteWebhook = mutation(
    "DeleteWebhook",
    graphene.String,
    delete_webhook,
    arguments={
        "name": graphene.String(required=True, description="The webhook's name (its key)"),
    },
    check=province_admin,
    answer="deleted",
    doc="""Remove a partner URL of the province: nothing more is POSTed to it (messages still
    due are skipped). Answers the name removed.""",
)
ReplayNotifications = mutation(
    "ReplayNotifications",
    graphene.List(graphene.NonNull(graphene.String)),
    replay,
    arguments={
        "ids": graphene.List(
            graphene.NonNull(graphene.String),
            description="The messages' ids; none: every DEAD message of the province",
        )
    },
    check=province_admin,
    doc="Send the province's DEAD messages again (all, or those named) after a fix.",
)

MUTATIONS: dict[str, Any] = {
    "set_notification_opt_out": SetNotificationOptOut.Field(),
    "subscribe_notifications": SubscribeNotifications.Field(),
    "register_webhook": RegisterWebhook.Field(),
    "delete_webhook": DeleteWebhook.Field(),
    "replay_notifications": ReplayNotifications.Field(),
}
