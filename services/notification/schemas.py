"""marshmallow schemas at notification's edge: the requests it loads (subscriptions, webhooks,
opt-outs; Vietnamese field messages with English keys, from :mod:`messages`) and the answers it
dumps (the delivery log, the settings changed)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from khuyenhoc.validation import EdgeSchema, MessageCatalogue, field_messages, tenant_field
from services.notification.domain import CHANNELS, DEFAULT_OFFICER_EVENTS, REMINDER, ROUTES
from services.notification.messages import ERRORS

MESSAGES = MessageCatalogue(ERRORS)
# typed as marshmallow's ``error_messages`` parameter (a dict is invariant in its values)
_BASE: dict[str, str | list[Any] | dict[Any, Any]] = {**field_messages(MESSAGES)}
EVENT_NAMES = sorted({*ROUTES, REMINDER})


class _Edge(EdgeSchema):
    tenant = tenant_field()


def _events() -> fields.List:
    return fields.List(
        fields.String(
            validate=validate.OneOf(EVENT_NAMES, error=MESSAGES["unknown_event"]),
            error_messages=_BASE,
        ),
        load_default=list,
        error_messages=_BASE,
    )


class _Email(fields.String):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs)).strip().lower()


class SubscriptionSchema(_Edge):
    unit_code = fields.String(data_key="unitCode", required=True, error_messages=_BASE)
    unit_path = fields.String(data_key="unitPath", required=True, error_messages=_BASE)
    unit_name = fields.String(data_key="unitName", load_default="", error_messages=_BASE)
    email = _Email(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(
            r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$", error=MESSAGES["email_format"]
        ),
    )
    name = fields.String(
        load_default="",
        error_messages=_BASE,
        validate=validate.Length(max=200, error=MESSAGES["name_length"]),
    )
    events = _events()


class UnsubscribeSchema(_Edge):
    unit_code = fields.String(data_key="unitCode", required=True, error_messages=_BASE)
    email = _Email(required=True, error_messages=_BASE)


class WebhookSchema(_Edge):
    name = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,40}$", error=MESSAGES["webhook_name"]),
    )
    url = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^https?://[^\s/]+[^\s]{0,490}$", error=MESSAGES["url_format"]),
    )
    events = _events()


class WebhookDeletionSchema(_Edge):
    name = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,40}$", error=MESSAGES["webhook_name"]),
    )


class OptOutSchema(_Edge):
    recipient = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^(subject|email):\S{1,200}$", error=MESSAGES["recipient"]),
    )
    channel = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.OneOf(CHANNELS, error=MESSAGES["channel"]),
    )
    opted_out = fields.Boolean(data_key="optedOut", required=True, error_messages=_BASE)


# -- answers -----------------------------------------------------------------------------


class LogEntrySchema(Schema):
    """A message in the delivery log (``records.Message``), under its stored field names."""

    id = fields.String(data_key="_id")
    event_id = fields.String()
    event = fields.String()
    recipient = fields.String()
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    reason = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    segments = fields.Integer(allow_none=True)
    encoding = fields.String(allow_none=True)
    created = fields.String()
    sent_at = fields.String(allow_none=True)
    retry_at = fields.String(allow_none=True)
    unitpath = fields.String()


class OptOutAnswerSchema(Schema):
    recipient = fields.String()
    channel = fields.String()
    opted_out = fields.Boolean(data_key="optedOut")


class SubscriptionAnswerSchema(Schema):
    """``records.Subscription`` under its stored field names."""

    tenant = fields.String()
    unit_code = fields.String()
    unitpath = fields.String()
    email = fields.String()
    name = fields.String()
    events = fields.List(fields.String())
    unit_name = fields.String()
    # what the subscription covers: its own list, or the domain's default when it names none
    covered_events = fields.Method("_covered")

    def _covered(self, subscription: Any) -> list[str]:
        return list(subscription.events or DEFAULT_OFFICER_EVENTS)


class WebhookAnswerSchema(Schema):
    """A registered webhook (``service.Registered``); ``secret`` only in the answer that
    created it (else null)."""

    name = fields.String(attribute="webhook.name")
    url = fields.String(attribute="webhook.url")
    events = fields.List(fields.String(), attribute="webhook.events")
    created = fields.Boolean()
    secret = fields.String(allow_none=True)


LOG_ENTRIES = LogEntrySchema(many=True)
OPT_OUT = OptOutAnswerSchema()
SUBSCRIPTION = SubscriptionAnswerSchema()
WEBHOOK = WebhookAnswerSchema()
