"""Notification use cases: receive an event and plan its messages; replay dead messages; feed
the partner stream; the settings the gateway changes (opt-outs, subscriptions, webhooks) and the
delivery log. Delivering what is due is :mod:`delivery`.

Adapters (a province's stores, the partner feed across provinces, the partner publisher) are
passed in, typed by :mod:`ports`; nothing here imports the transport or the driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from khuyenhoc.envelope import Envelope
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import clean
from services.notification.domain import (
    BUSY,
    DONE,
    EVENT_KINDS,
    OFFICERS,
    PARTNERS,
    PENDING,
    PLAN,
    RETIRED,
    ROUTES,
    Notice,
    Planned,
    cloud_event,
    message_id,
    plan,
)
from services.notification.ports import MessageStore, PartnerFeed, TenantStores
from services.notification.records import Message, ReceivedEvent, Subscription, Webhook

# -- receiving ---------------------------------------------------------------------------


def event_name(event_type: str) -> str:
    return (EVENT_KINDS.get(event_type) or RETIRED[event_type]).name


def receive(stores: TenantStores, event: Envelope, now: datetime) -> bool:
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


class PartnerPublisher(Protocol):
    def publish(self, events: list[dict[str, Any]]) -> set[str]: ...


def partners_only(name: str) -> bool:
    """Whether an event is only ever told to partners (the stream and webhooks)."""
    routes = ROUTES.get(name, ())
    return bool(routes) and all(route.audience == PARTNERS for route in routes)


def receive_many(
    stores: TenantStores,
    events: Sequence[Envelope],
    now: datetime,
    stream: PartnerPublisher | None = None,
) -> dict[str, bool]:
    """:func:`receive` for a batch of one province's events (distinct ids), in a few writes:
    one insert of the new ones into the inbox, one of all their messages, one update marking
    them planned; for each event id, whether it was new.

    With a ``stream``, an event told to partners only (``registered``, ``scored``...) when no
    webhook of the province wants it is not kept at all: it goes straight to the partner stream
    (confirmed; the batch is tried again if it is not) and no message is planned, as the inbox
    would have planned none. A redelivery publishes it again (partners de-duplicate on id)."""
    webhooks: list[Webhook] | None = None
    direct: list[Envelope] = []
    kept: list[Envelope] = []
    for event in events:
        name = event_name(event.type)
        if stream is not None and partners_only(name):
            if webhooks is None:
                webhooks = stores.webhooks.all()
            notice = Notice(event.id, name, event.tenant, str(event.unitpath), event.data)
            if not plan(notice, [], webhooks):  # no webhook wants it: the stream only
                direct.append(event)
                continue
        kept.append(event)
    claims = stores.inbox.receive_many(kept, now)
    planning = [e for e in kept if claims[e.id] == PLAN]
    messages: list[Message] = []
    along: dict[str, list[Subscription]] = {}
    for event in planning:
        notice = Notice(
            event.id, event_name(event.type), event.tenant, str(event.unitpath), event.data
        )
        audiences = {route.audience for route in ROUTES.get(notice.name, ())}
        subscriptions: list[Subscription] = []
        if OFFICERS in audiences:
            if notice.unitpath not in along:
                along[notice.unitpath] = stores.subscriptions.along(UnitPath.parse(notice.unitpath))
            subscriptions = along[notice.unitpath]
        if PARTNERS in audiences and webhooks is None:
            webhooks = stores.webhooks.all()
        planned = plan(notice, subscriptions, webhooks or [])
        messages += [_message(notice, p, now) for p in planned]
    stores.messages.add(messages)
    stores.inbox.mark_planned_many([e.id for e in planning])
    if direct and stream is not None:
        confirmed = stream.publish([cloud_event(_received(e)) for e in direct])
        if len(confirmed) < len(direct):
            raise RetryLater(f"{len(direct) - len(confirmed)} events not on the partner stream")
    if any(claims[e.id] == BUSY for e in kept):
        raise RetryLater("events of the batch are being planned by another delivery")
    return {e.id: claims[e.id] == PLAN for e in kept} | dict.fromkeys((e.id for e in direct), True)


def _received(event: Envelope) -> ReceivedEvent:
    return ReceivedEvent(
        event.id,
        event.tenant,
        event.type,
        str(event.unitpath),
        event.subject,
        event.time,
        event.data,
    )


def schedule(stores: TenantStores, notice: Notice, now: datetime) -> int:
    """Store the messages the notice calls for; those planned before are left as they are."""
    path = UnitPath.parse(notice.unitpath)
    audiences = {route.audience for route in ROUTES.get(notice.name, ())}
    # read only what the routes need: most events (a 100,000-row import) go to partners only
    subscriptions = stores.subscriptions.along(path) if OFFICERS in audiences else []
    webhooks = stores.webhooks.all() if PARTNERS in audiences else []
    planned = plan(notice, subscriptions, webhooks)
    return stores.messages.add([_message(notice, p, now) for p in planned])


def _message(notice: Notice, planned: Planned, now: datetime) -> Message:
    return Message(
        id=message_id(notice.id, planned.recipient, planned.channel),
        tenant=notice.tenant,
        unitpath=notice.unitpath,
        event_id=notice.id,
        event=notice.name,
        data=dict(notice.data),
        recipient=planned.recipient,
        channel=planned.channel,
        template=planned.template,
        attach=planned.attach,
        status=PENDING,
        attempts=0,
        next_at=now.timestamp(),
        created=now.isoformat(),
    )


# -- operators and the gateway -----------------------------------------------------------


def replay_dead(messages: MessageStore, ids: Iterable[str] | None, now: datetime) -> list[str]:
    """Send the province's DEAD messages again (all, or those named), with fresh tries."""
    wanted = set(ids or ())
    chosen = [m.id for m in messages.dead() if not wanted or m.id in wanted]
    return [i for i in chosen if messages.revive(i, now.timestamp(), now.isoformat())]


LOG_LIMIT = 500


def delivery_log(
    stores: TenantStores,
    path: UnitPath,
    recipient: str | None = None,
    event_id: str | None = None,
    status: str | None = None,
    first: int = 50,
) -> list[Message]:
    """The province's messages at or below a unit, newest first (1 to 500 of them)."""
    return stores.messages.log(path, recipient, event_id, status, max(1, min(first, LOG_LIMIT)))


def set_opt_out(
    stores: TenantStores, recipient: str, channel: str, opted_out: bool, now: datetime
) -> None:
    stores.optouts.set(recipient, channel, opted_out, now)


def opted_out(stores: TenantStores, recipient: str, channels: Iterable[str]) -> list[str]:
    """The channels ``recipient`` asked not to be told through."""
    return [c for c in channels if stores.optouts.has(recipient, c)]


def subscribe(
    stores: TenantStores,
    unit_code: str,
    unitpath: str,
    email: str,
    name: str,
    events: list[str],
    unit_name: str = "",
) -> Subscription:
    return stores.subscriptions.subscribe(
        unit_code, unitpath, email, clean(name), events, unit_name
    )


def unsubscribe(stores: TenantStores, unit_code: str, email: str) -> bool:
    """False when there was no such subscription."""
    return stores.subscriptions.unsubscribe(unit_code, email)


@dataclass(frozen=True)
class Registered:
    webhook: Webhook
    created: bool

    @property
    def secret(self) -> str | None:
        """The signing secret, told once: in the answer that created the webhook."""
        return self.webhook.secret if self.created else None


def register_webhook(stores: TenantStores, name: str, url: str, events: list[str]) -> Registered:
    return Registered(*stores.webhooks.register(name, url, events))


# -- the partner stream ------------------------------------------------------------------


def relay_partner_events(feed: PartnerFeed, publisher: PartnerPublisher, batch: int = 200) -> int:
    """Republish received events to the partner stream; at-least-once (partners de-dup on id)."""
    pending = feed.pending(batch)
    if not pending:
        return 0
    confirmed = publisher.publish([cloud_event(event) for event in pending])
    feed.published_many(sorted(confirmed))
    return len(confirmed)
