"""Notification use cases: receive an event and plan its messages; deliver what is due, with
retries, quiet hours and opt-outs; replay dead messages; feed the partner stream.

Adapters (stores, channels, the registration contact lookup, the partner publisher) are
passed in; nothing here imports the transport.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from khuyenhoc.envelope import CONTENT_TYPE, SPEC_VERSION, Envelope
from khuyenhoc.events import ALL_EVENT_TYPES
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath
from services.notification.channels import Attachment, Channels, DeliveryFailed
from services.notification.domain import (
    BUSY,
    CONTACT_AUDIENCES,
    DEAD,
    DONE,
    EMAIL,
    OFFICERS,
    PARTNERS,
    PENDING,
    ROUTES,
    SENT,
    SKIPPED,
    SMS,
    SUBJECT,
    WEBHOOK,
    Notice,
    Planned,
    QuietHours,
    TemplateProblem,
    context,
    email_parts,
    for_partners,
    message_id,
    plan,
    render,
    retry_delay,
)
from services.notification.sms import segments, unaccented

if TYPE_CHECKING:  # adapters are passed in; the use cases never import the driver
    from services.notification.store import Messages, Stores

log = logging.getLogger(__name__)

SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "templates"
EVENT_KINDS = {kind.type: kind for kind in ALL_EVENT_TYPES}
VIETNAM = "Asia/Ho_Chi_Minh"


class Documents(Protocol):
    def fetch(self, tenant: str, kind: str, data: dict[str, Any]) -> list[Attachment]:
        """The files of ``kind`` an event's message carries (e.g. the fund's receipt PDF);
        KeyError for a kind nobody provides."""


class Contacts(Protocol):
    def lookup(self, tenant: str, audience: str, who: str) -> dict[str, Any] | None:
        """Name, phone, e-mail (and unit name) of ``audience:who`` in ``tenant``."""


@dataclass(frozen=True)
class TenantNotificationSettings:
    quiet_hours: QuietHours | None
    unaccented_sms: bool


@dataclass(frozen=True)
class Settings:
    """``NOTIFICATION`` in the config, and each province's ``TENANT_SETTINGS[t].notification``."""

    max_attempts: int = 5
    backoff_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    lease_seconds: float = 60.0
    template_dir: str = ""
    quiet_hours: str = "21:00-07:00"
    timezone: str = VIETNAM
    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Settings:
        own = config.get("NOTIFICATION") or {}
        tenants = {
            str(t).zfill(2): (s or {}).get("notification") or {}
            for t, s in (config.get("TENANT_SETTINGS") or {}).items()
        }
        return cls(
            max_attempts=int(own.get("MAX_ATTEMPTS") or 5),
            backoff_seconds=float(own.get("BACKOFF_SECONDS") or 30),
            backoff_cap_seconds=float(own.get("BACKOFF_CAP_SECONDS") or 3600),
            lease_seconds=float(own.get("LEASE_SECONDS") or 60),
            template_dir=str(own.get("TEMPLATE_DIR") or ""),
            quiet_hours=str(own.get("SMS_QUIET_HOURS") or "off"),
            timezone=str(own.get("TIMEZONE") or VIETNAM),
            tenants=tenants,
        )

    def of(self, tenant: str) -> TenantNotificationSettings:
        own = self.tenants.get(tenant) or {}
        zone: tzinfo = ZoneInfo(str(own.get("timezone") or self.timezone))
        window = own.get("quiet_hours", self.quiet_hours)
        return TenantNotificationSettings(
            QuietHours.parse(window, zone), bool(own.get("sms_unaccented", False))
        )


# -- receiving ---------------------------------------------------------------------------


def event_name(event_type: str) -> str:
    return EVENT_KINDS[event_type].name


def receive(stores: Stores, event: Envelope, now: datetime) -> bool:
    """Keep the event and plan its messages (once); False when they had been planned before.
    A delivery arriving while another one plans is tried again later (``RetryLater``)."""
    claim = stores.inbox.receive(event, now)
    if claim == DONE:
        return False
    if claim == BUSY:
        raise RetryLater(f"event {event.id} is being planned by another delivery")
    notice = Notice(event.id, event_name(event.type), event.tenant, str(event.unitpath), event.data)
    schedule(stores, notice, now)
    stores.inbox.mark_planned(event.id)
    return True


def schedule(stores: Stores, notice: Notice, now: datetime) -> int:
    """Store the messages the notice calls for; those planned before are left as they are."""
    path = UnitPath.parse(notice.unitpath)
    audiences = {route.audience for route in ROUTES.get(notice.name, ())}
    # read only what the routes need: most events (a 100,000-row import) go to partners only
    subscriptions = stores.subscriptions.along(path) if OFFICERS in audiences else []
    webhooks = stores.webhooks.of(notice.tenant) if PARTNERS in audiences else []
    planned = plan(notice, subscriptions, webhooks)
    return stores.messages.add([_message(notice, p, path, now) for p in planned])


def _message(notice: Notice, planned: Planned, path: UnitPath, now: datetime) -> dict[str, Any]:
    return {
        "_id": message_id(notice.id, planned.recipient, planned.channel),
        "tenant": notice.tenant,
        "unitpath": notice.unitpath,
        **path.depth_fields(),
        "event_id": notice.id,
        "event": notice.name,
        "data": dict(notice.data),
        "recipient": planned.recipient,
        "channel": planned.channel,
        "template": planned.template,
        "attach": planned.attach,
        "status": PENDING,
        "attempts": 0,
        "next_at": now.timestamp(),
        "created": now.isoformat(),
    }


def cloud_event(document: dict[str, Any]) -> dict[str, Any]:
    """The event as partners receive it (stream and webhooks), from the inbox: the structured
    CloudEvent its producer published, less the personal data partners must not get."""
    kind = EVENT_KINDS[document["type"]]
    return {
        "specversion": SPEC_VERSION,
        "id": document["_id"],
        "source": kind.source,
        "type": document["type"],
        "time": document["time"],
        "subject": document["subject"],
        "datacontenttype": CONTENT_TYPE,
        "dataschema": kind.dataschema,
        "tenant": document["tenant"],
        "unitpath": document["unitpath"],
        "data": for_partners(kind.name, document["data"]),
    }


# -- delivering --------------------------------------------------------------------------


class Skip(Exception):
    """Nothing to send: no contact, no webhook any more."""


class Templates:
    """``<event>.<channel>.txt``: the province's own copy first, then the shipped one."""

    def __init__(self, override_dir: str = "") -> None:
        self.override_dir = override_dir

    def get(self, tenant: str, name: str) -> str:
        candidates = [SHIPPED_TEMPLATES / f"{name}.txt"]
        if self.override_dir:
            candidates.insert(0, Path(self.override_dir) / tenant / f"{name}.txt")
        for path in candidates:
            if path.is_file():
                return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        raise TemplateProblem(f"no template {name}.txt")


@dataclass
class Delivery:
    """What a delivery pass needs; one per worker."""

    stores: Stores
    channels: Channels
    contacts: Contacts
    settings: Settings
    rng: Callable[[], float]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # How a claimed batch is worked through: ``map`` (one by one), or a pool's ``imap`` from
    # the entrypoint so that slow endpoints overlap (the use case stays free of eventlet).
    parallel: Callable[..., Iterable[Any]] = map
    documents: Documents | None = None

    @property
    def templates(self) -> Templates:
        return Templates(self.settings.template_dir)

    def run(self, batch: int = 50, rounds: int = 20) -> list[tuple[str, str, str]]:
        """Deliver what is due; returns (channel, tenant, outcome) of every step, for metrics."""
        outcomes: list[tuple[str, str, str]] = []
        for _ in range(rounds):
            now = self.clock()
            due = self.stores.messages.due(now.timestamp(), batch)
            claimed = [
                m
                for m in due
                if self.stores.messages.claim(m, now.timestamp(), self.settings.lease_seconds)
            ]
            for done in self.parallel(self._deliver_claimed, claimed):
                outcomes += done
            if not claimed:
                break
        return outcomes

    def _deliver_claimed(self, message: dict[str, Any]) -> list[tuple[str, str, str]]:
        return self.deliver(self.stores.messages.get(message["_id"]), self.clock())

    def deliver(self, message: dict[str, Any], now: datetime) -> list[tuple[str, str, str]]:
        channel, tenant, recipient = message["channel"], message["tenant"], message["recipient"]
        messages = self.stores.messages

        def outcome(*names: str) -> list[tuple[str, str, str]]:
            return [(channel, tenant, name) for name in names]

        if channel != WEBHOOK and self.stores.optouts.has(tenant, recipient, channel):
            messages.update(message["_id"], {"status": SKIPPED, "reason": "opted_out"})
            return outcome("skipped")
        own = self.settings.of(tenant)
        quiet_end = own.quiet_hours.ends(now) if channel == SMS and own.quiet_hours else None
        if quiet_end is not None:
            fields = {"status": PENDING, "next_at": quiet_end.timestamp(), "reason": "quiet_hours"}
            messages.update(message["_id"], fields)
            return outcome("deferred")
        try:
            sent = self._send(message, own.unaccented_sms)
        except Skip as exc:
            messages.update(message["_id"], {"status": SKIPPED, "reason": str(exc)})
            return outcome("skipped")
        except TemplateProblem as exc:
            messages.update(message["_id"], {"status": DEAD, "reason": str(exc)}, attempts=1)
            return outcome("failed", "dead")
        except DeliveryFailed as exc:
            return self._failed(message, exc, now, outcome)
        fields = {**sent, "status": SENT, "sent_at": now.isoformat(), "reason": None}
        messages.update(message["_id"], fields, attempts=1)
        return outcome("sent")

    def _failed(
        self, message: dict[str, Any], exc: DeliveryFailed, now: datetime, outcome: Any
    ) -> list[tuple[str, str, str]]:
        attempts = int(message.get("attempts") or 0) + 1
        reason = str(exc)[:500]
        if exc.permanent or attempts >= self.settings.max_attempts:
            self.stores.messages.update(
                message["_id"], {"status": DEAD, "reason": reason, "dead_at": now.isoformat()}, 1
            )
            log.warning("message %s is dead after %d tries: %s", message["_id"], attempts, reason)
            return outcome("failed", "dead")
        delay = retry_delay(
            attempts, self.settings.backoff_seconds, self.settings.backoff_cap_seconds, self.rng
        )
        retry_at = now + timedelta(seconds=delay)
        fields = {"status": PENDING, "next_at": retry_at.timestamp(), "reason": reason}
        self.stores.messages.update(message["_id"], {**fields, "retry_at": retry_at.isoformat()}, 1)
        return outcome("failed", "retried")

    def _send(self, message: dict[str, Any], unaccented_sms: bool) -> dict[str, Any]:
        tenant, channel, recipient = message["tenant"], message["channel"], message["recipient"]
        kind, _, address = recipient.partition(":")
        if channel == WEBHOOK:
            return self._webhook(message, address)
        data = message.get("data") or {}
        if kind in CONTACT_AUDIENCES:
            contact = self._contact(tenant, kind, address)
            address = contact.get("phone" if channel == SMS else "email") or ""
            if not address:
                raise Skip(f"no_{'phone' if channel == SMS else 'email'}")
        else:  # an officer's e-mail about the event's subject: its name and unit fill it in
            subject = data.get(CONTACT_AUDIENCES[SUBJECT])
            contact = self._contact(tenant, SUBJECT, subject) if subject else {}
        values = context(message["event"], data, contact)
        text = render(self.templates.get(tenant, message["template"]), values)
        if channel == SMS:
            if unaccented_sms:
                text = unaccented(text)
            parts = segments(text)
            reference = self.channels.sms.send(
                address, text, parts.encoding, parts.count, message["_id"]
            )
            log.info(
                "SMS %s: %d %s segment(s), %d units",
                message["_id"],
                parts.count,
                parts.encoding,
                parts.units,
            )
            return {
                "text": text,
                "segments": parts.count,
                "encoding": parts.encoding,
                "provider_ref": reference,
            }
        if channel == EMAIL:
            subject, body = email_parts(text)
            attachments = self._documents(message)
            reference = self.channels.email.send(
                address, subject, body, message["_id"], attachments
            )
            return {"text": f"{subject}\n\n{body}", "provider_ref": reference}
        raise TemplateProblem(f"unknown channel {channel!r}")

    def _webhook(self, message: dict[str, Any], name: str) -> dict[str, Any]:
        hook = self.stores.webhooks.get(message["tenant"], name)
        if hook is None or not hook.get("active", 1):
            raise Skip("no_webhook")
        event = self.stores.inbox.get(message["event_id"])
        if event is None:
            raise Skip("event_gone")
        body = json.dumps(cloud_event(event), ensure_ascii=False).encode("utf-8")
        reference = self.channels.webhook.send(hook["url"], hook["secret"], body, message["_id"])
        return {"provider_ref": reference, "url": hook["url"]}

    def _documents(self, message: dict[str, Any]) -> tuple[Attachment, ...]:
        kind = message.get("attach")
        if not kind:
            return ()
        if self.documents is None:
            raise TemplateProblem(f"no source of {kind!r} documents")
        try:
            found = tuple(self.documents.fetch(message["tenant"], kind, message.get("data") or {}))
        except KeyError as exc:
            raise TemplateProblem(f"no source of {kind!r} documents") from exc
        except Exception as exc:  # the owning service is away: try again later
            raise DeliveryFailed(f"{kind} not available: {exc!r}") from exc
        if not found:  # the text promises the document: never send it without
            raise DeliveryFailed(f"{kind} not available: none found")
        return found

    def _contact(self, tenant: str, audience: str, who: str) -> dict[str, Any]:
        try:
            return self.contacts.lookup(tenant, audience, who) or {}
        except Exception as exc:  # registration away: a transient failure, try again later
            raise DeliveryFailed(f"contact lookup failed: {exc!r}") from exc


# -- operators ---------------------------------------------------------------------------


def replay_dead(
    messages: Messages, tenant: str, ids: Iterable[str] | None, now: datetime
) -> list[str]:
    """Send DEAD messages again (all of the tenant's, or those named), with fresh tries."""
    wanted = set(ids or ())
    candidates = messages.dead(tenant)
    chosen = [m["_id"] for m in candidates if not wanted or m["_id"] in wanted]
    return [i for i in chosen if messages.revive(i, now.timestamp(), now.isoformat())]


class PartnerPublisher(Protocol):
    def publish(self, events: list[dict[str, Any]]) -> set[str]: ...


def relay_partner_events(stores: Stores, publisher: PartnerPublisher, batch: int = 200) -> int:
    """Republish received events to the partner stream; at-least-once (partners de-dup on id)."""
    pending = stores.inbox.partner_pending(batch)
    if not pending:
        return 0
    confirmed = publisher.publish([cloud_event(doc) for doc in pending])
    for event_id in confirmed:
        stores.inbox.partner_published(event_id)
    return len(confirmed)
