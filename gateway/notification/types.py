"""GraphQL types of notification: the delivery log and its enums."""

from __future__ import annotations

import graphene

from gateway.enums import SmsEncoding
from gateway.wire import key


class Channel(graphene.Enum):
    """How a notification is delivered (kênh gửi tin)."""

    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"

    @property
    def description(self) -> str:
        return {
            "SMS": "Text message (tin nhắn SMS)",
            "EMAIL": "E-mail (thư điện tử)",
            "WEBHOOK": "An HTTP POST to a partner system's webhook (gửi tới hệ thống đối tác)",
        }[self.name]


class DeliveryStatus(graphene.Enum):
    """Where a notification's delivery stands (trạng thái gửi)."""

    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DEAD = "DEAD"
    SKIPPED = "SKIPPED"

    @property
    def description(self) -> str:
        return {
            "PENDING": "Waiting to be sent (chờ gửi)",
            "SENDING": "Being sent (đang gửi)",
            "SENT": "Delivered to the channel (đã gửi)",
            "DEAD": "Given up after the retries (gửi lỗi)",
            "SKIPPED": "Not sent: opted out, no contact, or not wanted (bỏ qua)",
        }[self.name]


class Notification(graphene.ObjectType):
    """One message: an event told to one recipient through one channel (at most once)."""

    id = graphene.String(required=True, resolver=key("_id"), description="Opaque, stable id")
    event_id = graphene.String(
        required=True, description="The id of the event it tells of (CloudEvents id)"
    )
    event = graphene.String(required=True, description="registered, recognised, reminder, ...")
    recipient = graphene.String(
        required=True, description="subject:<id>, email:<address> or webhook:<name>"
    )
    channel = graphene.Field(
        Channel, required=True, description="How it is delivered (kênh): sms, email or webhook"
    )
    status = graphene.Field(DeliveryStatus, required=True, description="Status (trạng thái)")
    attempts = graphene.Int(required=True, description="Delivery attempts so far (số lần gửi)")
    reason = graphene.String(description="Why it is waiting, skipped or dead")
    text = graphene.String(description="What was sent (SMS, e-mail)")
    segments = graphene.Int(description="SMS segments billed")
    encoding = graphene.Field(SmsEncoding, description="An SMS's encoding (bảng mã)")
    created = graphene.String(
        required=True,
        description="When the message was created (ISO 8601)",
    )
    sent_at = graphene.String(description="When it was delivered to the channel (ISO 8601)")
    retry_at = graphene.String(
        description="When the next attempt is due (ISO 8601), while retrying"
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
