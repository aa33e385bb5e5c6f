"""marshmallow schemas at notification's edge: subscriptions, webhooks, opt-outs; Vietnamese
field messages with English keys."""

from __future__ import annotations

from marshmallow import fields, validate

from khuyenhoc.validation import EdgeSchema, MessageCatalogue, field_messages, tenant_field
from services.notification.domain import CHANNELS, REMINDER, ROUTES

MESSAGES = MessageCatalogue(
    {
        "email_format": "Địa chỉ e-mail không hợp lệ.",
        "name_length": "Tên không được để trống và không quá 200 ký tự.",
        "webhook_name": "Tên chỉ gồm chữ thường, chữ số và dấu '-', từ 2 đến 41 ký tự.",
        "url_format": "Địa chỉ phải bắt đầu bằng http:// hoặc https:// và không quá 500 ký tự.",
        "unknown_event": "Không có loại tin này.",
        "channel": "Kênh phải là sms, email hoặc webhook.",
        "recipient": "Người nhận không hợp lệ.",
        "subject_not_found": "Không tìm thấy đối tượng này.",
        "unit_not_found": "Không tìm thấy đơn vị này.",
    }
)
_BASE = field_messages(MESSAGES)
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
    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


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
