"""Delivering what is due: lease it, look the recipient's contact up, render the province's
template, send it through its channel; retries with backoff until dead, quiet hours for SMS,
opt-outs. Adapters (the delivery queue, each province's stores, channels, contacts, documents)
are passed in, typed by :mod:`ports` and the protocols here.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from services.notification.channels import Attachment, Channels, DeliveryFailed
from services.notification.domain import (
    CONTACT_AUDIENCES,
    DEAD,
    EMAIL,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    SMS,
    SUBJECT,
    WEBHOOK,
    QuietHours,
    TemplateProblem,
    cloud_event,
    context,
    email_parts,
    render,
    retry_delay,
)
from services.notification.ports import DueMessages, MessageStore, StoresOf, TenantStores
from services.notification.records import Change, Message
from services.notification.sms import segments, unaccented

log = logging.getLogger(__name__)

SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "templates"
VIETNAM = "Asia/Ho_Chi_Minh"


class Documents(Protocol):
    def fetch(self, tenant: str, kind: str, data: dict[str, Any]) -> list[Attachment]:
        """The files of ``kind`` an event's message carries (e.g. the fund's receipt PDF);
        KeyError for a kind nobody provides."""


class Contacts(Protocol):
    def lookup(self, tenant: str, audience: str, who: str) -> dict[str, Any] | None:
        """Name, phone, e-mail (and unit name) of ``audience:who`` in ``tenant``."""


class ManyContacts(Contacts, Protocol):
    def lookup_many(
        self, tenant: str, audience: str, whos: list[str]
    ) -> dict[str, dict[str, Any]] | None:
        """:meth:`lookup` of many at once, by who (the unknown absent); None when the
        audience's source answers only one at a time."""


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


Outcome = tuple[str, str, str]  # (channel, tenant, outcome) of one step, for the metrics


@dataclass
class Delivery:
    """What a delivery pass needs; one per worker. ``queue`` finds and leases what is due in
    every province; each leased message is then handled through its province's stores."""

    queue: DueMessages
    stores_of: StoresOf
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

    def run(self, batch: int = 50, rounds: int = 20) -> list[Outcome]:
        """Deliver what is due; returns (channel, tenant, outcome) of every step, for metrics.

        Per batch, the leases are taken together (one write, one read), and what every
        message leased needs is read together: the opt-outs of each province in one read,
        the recipients' contacts in one request per province and audience (where the source
        answers many at once). Each message is recorded on its own, right after its send."""
        outcomes: list[Outcome] = []
        for _ in range(rounds):
            now = self.clock()
            due = self.queue.due(now.timestamp(), batch)
            lease = self.settings.lease_seconds
            until = now.timestamp() + lease
            # the lease is guarded by status and time, and every later write sets the status:
            # a message claimed is the one read, leased (no second read needed)
            leased = self.queue.claim_many(due, now.timestamp(), lease)
            claimed = [replace(m, status=SENDING, next_at=until) for m in due if m.id in leased]
            self._prefetch(claimed)
            try:
                for done in self.parallel(self._deliver_claimed, claimed):
                    outcomes += done
            finally:
                self._opted_out.clear()
                self._known.clear()
            if not claimed:
                break
        return outcomes

    _opted_out: dict[tuple[str, str, str], bool] = field(default_factory=dict, init=False)
    _known: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict, init=False)

    def _prefetch(self, claimed: list[Message]) -> None:
        """The batch's opt-outs (one read per province) and contacts (one request per province
        and audience); a source that fails here is asked again message by message."""
        by_tenant: dict[str, list[Message]] = {}
        for message in claimed:
            by_tenant.setdefault(message.tenant, []).append(message)
        many = getattr(self.contacts, "lookup_many", None)
        for tenant, own in by_tenant.items():
            asked = [(m.recipient, m.channel) for m in own if m.channel != WEBHOOK]
            has_many = getattr(self.stores_of(tenant).optouts, "has_many", None)
            if asked and has_many is not None:
                found = has_many(asked)
                self._opted_out.update({(tenant, r, c): (r, c) in found for r, c in asked})
            if many is None:
                continue
            wanted: dict[str, list[str]] = {}
            for message in own:
                audience, who = _contact_of(message)
                if audience and who:
                    wanted.setdefault(audience, []).append(who)
            for audience, whos in wanted.items():
                try:
                    answer = many(tenant, audience, list(dict.fromkeys(whos)))
                except Exception:  # noqa: BLE001 - asked again one by one, failing there
                    log.warning("contacts of %s in %s: asked one by one", audience, tenant)
                    continue
                if answer is None:
                    continue
                for who in whos:  # the unknown are known to be unknown
                    self._known[(tenant, audience, who)] = answer.get(who) or {}

    def _deliver_claimed(self, claimed: Message) -> list[Outcome]:
        return self.deliver(claimed, self.clock())

    def _has_opted_out(self, stores: TenantStores, message: Message) -> bool:
        key = (message.tenant, message.recipient, message.channel)
        if key in self._opted_out:
            return self._opted_out[key]
        return stores.optouts.has(message.recipient, message.channel)

    def deliver(self, message: Message, now: datetime) -> list[Outcome]:
        channel, tenant = message.channel, message.tenant
        stores = self.stores_of(tenant)
        messages = stores.messages

        def outcome(*names: str) -> list[Outcome]:
            return [(channel, tenant, name) for name in names]

        if channel != WEBHOOK and self._has_opted_out(stores, message):
            messages.update(message.id, Change(SKIPPED, "opted_out"))
            return outcome("skipped")
        own = self.settings.of(tenant)
        quiet_end = own.quiet_hours.ends(now) if channel == SMS and own.quiet_hours else None
        if quiet_end is not None:
            messages.update(
                message.id, Change(PENDING, "quiet_hours", next_at=quiet_end.timestamp())
            )
            return outcome("deferred")
        try:
            sent = self._send(stores, message, own.unaccented_sms)
        except Skip as exc:
            messages.update(message.id, Change(SKIPPED, str(exc)))
            return outcome("skipped")
        except TemplateProblem as exc:
            messages.update(message.id, Change(DEAD, str(exc), tries=1))
            return outcome("failed", "dead")
        except DeliveryFailed as exc:
            return outcome("failed", self._failed(messages, message, exc, now))
        messages.update(message.id, replace(sent, sent_at=now.isoformat()))
        return outcome("sent")

    def _failed(
        self, messages: MessageStore, message: Message, exc: DeliveryFailed, now: datetime
    ) -> str:
        """Dead after the last try (or a permanent refusal), else tried again after a backoff."""
        attempts = message.attempts + 1
        reason = str(exc)[:500]
        if exc.permanent or attempts >= self.settings.max_attempts:
            messages.update(message.id, Change(DEAD, reason, tries=1, dead_at=now.isoformat()))
            log.warning("message %s is dead after %d tries: %s", message.id, attempts, reason)
            return "dead"
        delay = retry_delay(
            attempts, self.settings.backoff_seconds, self.settings.backoff_cap_seconds, self.rng
        )
        retry_at = now + timedelta(seconds=delay)
        retry = Change(PENDING, reason, tries=1, next_at=retry_at.timestamp())
        messages.update(message.id, replace(retry, retry_at=retry_at.isoformat()))
        return "retried"

    def _send(self, stores: TenantStores, message: Message, unaccented_sms: bool) -> Change:
        """Send the message; the step that records it as SENT (``sent_at`` still to set)."""
        tenant, channel = message.tenant, message.channel
        kind, _, address = message.recipient.partition(":")
        if channel == WEBHOOK:
            return self._webhook(stores, message, address)
        data = message.data
        if kind in CONTACT_AUDIENCES:
            contact = self._contact(tenant, kind, address)
            address = contact.get("phone" if channel == SMS else "email") or ""
            if not address:
                raise Skip(f"no_{'phone' if channel == SMS else 'email'}")
        else:  # an officer's e-mail about the event's subject: its name and unit fill it in
            subject = data.get(CONTACT_AUDIENCES[SUBJECT])
            contact = self._contact(tenant, SUBJECT, subject) if subject else {}
        values = context(message.event, data, contact)
        text = render(self.templates.get(tenant, message.template), values)
        if channel == SMS:
            return self._sms(message, address, unaccented(text) if unaccented_sms else text)
        if channel == EMAIL:
            subject, body = email_parts(text)
            attachments = self._documents(message)
            reference = self.channels.email.send(address, subject, body, message.id, attachments)
            return Change(SENT, tries=1, text=f"{subject}\n\n{body}", provider_ref=reference)
        raise TemplateProblem(f"unknown channel {channel!r}")

    def _sms(self, message: Message, address: str, text: str) -> Change:
        parts = segments(text)
        reference = self.channels.sms.send(address, text, parts.encoding, parts.count, message.id)
        log.info(
            "SMS %s: %d %s segment(s), %d units",
            message.id,
            parts.count,
            parts.encoding,
            parts.units,
        )
        return Change(
            SENT,
            tries=1,
            text=text,
            segments=parts.count,
            encoding=parts.encoding,
            provider_ref=reference,
        )

    def _webhook(self, stores: TenantStores, message: Message, name: str) -> Change:
        hook = stores.webhooks.get(name)
        if hook is None or not hook.active:
            raise Skip("no_webhook")
        event = stores.inbox.get(message.event_id)
        if event is None:
            raise Skip("event_gone")
        body = json.dumps(cloud_event(event), ensure_ascii=False).encode("utf-8")
        reference = self.channels.webhook.send(hook.url, hook.secret, body, message.id)
        return Change(SENT, tries=1, provider_ref=reference, url=hook.url)

    def _documents(self, message: Message) -> tuple[Attachment, ...]:
        kind = message.attach
        if not kind:
            return ()
        if self.documents is None:
            raise TemplateProblem(f"no source of {kind!r} documents")
        try:
            found = tuple(self.documents.fetch(message.tenant, kind, message.data))
        except KeyError as exc:
            raise TemplateProblem(f"no source of {kind!r} documents") from exc
        except Exception as exc:  # the owning service is away: try again later
            raise DeliveryFailed(f"{kind} not available: {exc!r}") from exc
        if not found:  # the text promises the document: never send it without
            raise DeliveryFailed(f"{kind} not available: none found")
        return found

    def _contact(self, tenant: str, audience: str, who: str) -> dict[str, Any]:
        known = self._known.get((tenant, audience, who))
        if known is not None:
            return known
        try:
            return self.contacts.lookup(tenant, audience, who) or {}
        except Exception as exc:  # registration away: a transient failure, try again later
            raise DeliveryFailed(f"contact lookup failed: {exc!r}") from exc


def _contact_of(message: Message) -> tuple[str | None, str | None]:
    """Whose contact sending the message needs: its recipient's (a subject, a donor), or for
    an officer's e-mail about a subject, that subject's; (None, None) for a webhook."""
    if message.channel == WEBHOOK:
        return None, None
    kind, _, address = message.recipient.partition(":")
    if kind in CONTACT_AUDIENCES:
        return kind, address
    subject = message.data.get(CONTACT_AUDIENCES[SUBJECT])
    return (SUBJECT, str(subject)) if subject else (None, None)
