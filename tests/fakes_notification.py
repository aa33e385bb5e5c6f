"""In-memory notification stores for the use cases' unit tests (fast, no server): they fit
``services.notification.ports`` like the MongoDB stores do, one province per :class:`Stores`,
and record what the use cases changed; plus stand-ins of the channel clients, the contact lookup
and the document source."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from services.notification.channels import Attachment, Channels
from services.notification.domain import DEAD, DONE, PENDING, PLAN, SENDING
from services.notification.records import Change, Message, ReceivedEvent, Subscription, Webhook

RECORDED = {"reason", "text", "segments", "encoding", "sent_at", "retry_at", "status", "next_at"}


class Messages:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.kept: dict[str, Message] = {}
        self.extra: dict[str, dict[str, Any]] = {}  # stored fields no record holds

    def add(self, messages: list[Message]) -> int:
        new = [m for m in messages if m.id not in self.kept]
        self.kept.update({m.id: m for m in new})
        return len(new)

    def get(self, message_id: str) -> Message | None:
        return self.kept.get(message_id)

    def update(self, message_id: str, change: Change) -> None:
        message = self.kept[message_id]
        fields = {k: v for k, v in vars(change).items() if v is not None or k == "reason"}
        tries = fields.pop("tries")
        self.extra.setdefault(message_id, {}).update(
            {k: v for k, v in fields.items() if k not in RECORDED}
        )
        known = {k: v for k, v in fields.items() if k in RECORDED}
        self.kept[message_id] = replace(message, **known, attempts=message.attempts + tries)

    def log(
        self,
        path: UnitPath,
        recipient: str | None = None,
        event_id: str | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Message]:
        found = [
            m
            for m in self.kept.values()
            if UnitPath.parse(m.unitpath).codes[: len(path.codes)] == path.codes
            and recipient in (None, m.recipient)
            and event_id in (None, m.event_id)
            and status in (None, m.status)
        ]
        return sorted(found, key=lambda m: m.created, reverse=True)[:limit]

    def dead(self, limit: int = 1000) -> list[Message]:
        return [m for m in self.kept.values() if m.status == DEAD][:limit]

    def revive(self, message_id: str, now: float, at: str) -> bool:
        message = self.kept.get(message_id)
        if message is None or message.status != DEAD:
            return False
        self.kept[message_id] = replace(message, status=PENDING, next_at=now, attempts=0)
        return True


class Inbox:
    def __init__(self) -> None:
        self.events: dict[str, ReceivedEvent] = {}
        self.planned: set[str] = set()

    def receive(self, event: Envelope, now: datetime) -> str:
        if event.id in self.planned:
            return DONE
        unitpath = str(event.unitpath)
        self.events[event.id] = ReceivedEvent(
            event.id, event.tenant, event.type, unitpath, event.subject, event.time, event.data
        )
        return PLAN

    def receive_many(self, events: list[Envelope], now: datetime) -> dict[str, str]:
        return {event.id: self.receive(event, now) for event in events}

    def mark_planned(self, event_id: str) -> None:
        self.planned.add(event_id)

    def mark_planned_many(self, event_ids: list[str]) -> None:
        self.planned.update(event_ids)

    def get(self, event_id: str) -> ReceivedEvent | None:
        return self.events.get(event_id)


class Subscriptions:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.kept: dict[tuple[str, str], Subscription] = {}

    def subscribe(
        self,
        unit_code: str,
        unitpath: str,
        email: str,
        name: str,
        events: list[str],
        unit_name: str = "",
    ) -> Subscription:
        found = Subscription(
            self.tenant, unit_code, unitpath, email.lower(), name, events, unit_name
        )
        self.kept[(unit_code, email.lower())] = found
        return found

    def unsubscribe(self, unit_code: str, email: str) -> bool:
        return self.kept.pop((unit_code, email.lower()), None) is not None

    def along(self, path: UnitPath) -> list[Subscription]:
        return [s for s in self.kept.values() if s.unit_code in path.codes]


class Webhooks:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.kept: dict[str, Webhook] = {}

    def register(self, name: str, url: str, events: list[str]) -> tuple[Webhook, bool]:
        if name in self.kept:
            self.kept[name] = replace(self.kept[name], url=url, events=events)
            return self.kept[name], False
        self.kept[name] = Webhook(self.tenant, name, url, events, secrets.token_hex(32))
        return self.kept[name], True

    def get(self, name: str) -> Webhook | None:
        return self.kept.get(name)

    def all(self) -> list[Webhook]:
        return list(self.kept.values())


class OptOuts:
    def __init__(self) -> None:
        self.keys: set[tuple[str, str]] = set()

    def set(self, recipient: str, channel: str, opted_out: bool, at: datetime) -> None:
        if opted_out:
            self.keys.add((recipient, channel))
        else:
            self.keys.discard((recipient, channel))

    def has(self, recipient: str, channel: str) -> bool:
        return (recipient, channel) in self.keys

    def has_many(self, asked: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
        return frozenset(pair for pair in asked if pair in self.keys)


class Stores:
    """One province's in-memory stores."""

    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.inbox = Inbox()
        self.messages = Messages(tenant)
        self.subscriptions = Subscriptions(tenant)
        self.webhooks = Webhooks(tenant)
        self.optouts = OptOuts()


class Provinces:
    """Every province's stores, made on first use, and the sweeps across them."""

    def __init__(self) -> None:
        self.stores: dict[str, Stores] = {}

    def __call__(self, tenant: str) -> Stores:
        return self.stores.setdefault(tenant, Stores(tenant))

    # DueMessages
    def due(self, now: float, limit: int) -> list[Message]:
        found = [
            m
            for s in self.stores.values()
            for m in s.messages.kept.values()
            if m.status in (PENDING, SENDING) and m.next_at <= now
        ]
        return sorted(found, key=lambda m: m.next_at)[:limit]

    def claim_many(self, messages: list[Message], now: float, lease: float) -> set[str]:
        return {m.id for m in messages if self.claim(m, now, lease)}

    def claim(self, message: Message, now: float, lease: float) -> bool:
        messages = self(message.tenant).messages
        kept = messages.kept.get(message.id)
        if kept is None or (kept.status, kept.next_at) != (message.status, message.next_at):
            return False
        messages.kept[message.id] = replace(kept, status=SENDING, next_at=now + lease)
        return True

    # SubscribedUnits
    def units(self) -> list[Subscription]:
        found: dict[tuple[str, str], Subscription] = {}
        for s in self.stores.values():
            for sub in s.subscriptions.kept.values():
                found.setdefault((sub.tenant, sub.unit_code), sub)
        return list(found.values())


# -- the channel clients and lookups ------------------------------------------------------


class Sms:
    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[str, str, str, int]] = []
        self.fail = fail

    def send(self, to: str, text: str, encoding: str, segments: int, reference: str) -> str:
        if self.fail:
            raise self.fail
        self.sent.append((to, text, encoding, segments))
        return "ref-1"


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, tuple[Attachment, ...]]] = []

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        reference: str,
        attachments: tuple[Attachment, ...] = (),
    ) -> str:
        self.sent.append((to, subject, attachments))
        return "<id>"


class Hooks:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes]] = []

    def send(self, url: str, secret: str, body: bytes, reference: str) -> str:
        self.sent.append((url, secret, body))
        return "hook-1"


def channels(sms: Sms | None = None) -> Channels:
    return Channels(sms=sms or Sms(), email=Mailer(), webhook=Hooks())


class Contacts:
    def lookup(self, tenant: str, audience: str, who: str) -> dict[str, Any] | None:
        return {
            "name": "Hà Thị Thu",
            "phone": "0912345678",
            "email": "thu@example.vn",
            "unit_name": "Đồng Đăng",
        }


class Receipts:
    def __init__(self, fail: Exception | None = None, found: bool = True) -> None:
        self.fail, self.found = fail, found

    def fetch(self, tenant: str, kind: str, data: dict[str, Any]) -> list[Attachment]:
        if self.fail:
            raise self.fail
        return [Attachment("bien-lai.pdf", "application/pdf", b"%PDF")] if self.found else []
