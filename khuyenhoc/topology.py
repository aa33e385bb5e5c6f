"""The messaging topology: which events exist and which service methods consume them.

A nameko event published before its consumer queue exists is dropped, so publishers declare
every subscriber queue listed here before they publish (and publish ``mandatory``). Consumers
check at start-up that they are listed, so a queue name cannot drift between the two sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kombu import Exchange, Queue
from nameko.standalone.events import get_event_exchange

from khuyenhoc.envelope import EventType
from khuyenhoc.events import (
    ALL_EVENT_TYPES,
    DISBURSED,
    DONATED,
    MEMBER_JOINED,
    RECOGNISED,
    REGISTERED,
    REVOKED,
    SCORED,
    WITHDRAWN,
)


@dataclass(frozen=True)
class Subscriber:
    service: str
    method: str


EVENT_TYPES: dict[str, EventType] = {kind.type: kind for kind in ALL_EVENT_TYPES}

SUBSCRIPTIONS: dict[EventType, tuple[Subscriber, ...]] = {
    REGISTERED: (
        Subscriber("scoring", "on_registered"),
        Subscriber("notification", "on_registered"),
    ),
    WITHDRAWN: (
        Subscriber("scoring", "on_withdrawn"),
        Subscriber("notification", "on_withdrawn"),
    ),
    MEMBER_JOINED: (Subscriber("notification", "on_member_joined"),),
    SCORED: (Subscriber("notification", "on_scored"),),
    # scoring hears its own decisions: a learning unit's share of learning citizens follows them
    RECOGNISED: (
        Subscriber("scoring", "on_recognised"),
        Subscriber("notification", "on_recognised"),
    ),
    REVOKED: (
        Subscriber("scoring", "on_revoked"),
        Subscriber("notification", "on_revoked"),
    ),
    DONATED: (Subscriber("notification", "on_donated"),),
    DISBURSED: (Subscriber("notification", "on_disbursed"),),
}

DEAD_LETTER_EXCHANGE = Exchange("khuyenhoc.dead-letter", type="direct", durable=True)


def event_exchange(service: str, config: dict[str, Any]) -> Exchange:
    """The exchange nameko itself uses for ``service``'s events (same arguments, or the broker
    refuses the redeclaration)."""
    return get_event_exchange(service, config)


def subscriber_queue(kind: EventType, subscriber: Subscriber, config: dict[str, Any]) -> Queue:
    """The durable queue nameko's SERVICE_POOL event handler consumes from."""
    name = f"evt-{kind.service}-{kind.name}--{subscriber.service}.{subscriber.method}"
    return Queue(
        name,
        exchange=event_exchange(kind.service, config),
        routing_key=kind.name,
        durable=True,
        auto_delete=False,
        exclusive=False,
    )


def subscriber_queues(kind: EventType, config: dict[str, Any]) -> list[Queue]:
    return [subscriber_queue(kind, sub, config) for sub in SUBSCRIPTIONS.get(kind, ())]


def dead_letter_queue(service: str) -> Queue:
    """Where ``service`` parks messages it cannot process, for inspection and replay."""
    return Queue(f"dlq.{service}", exchange=DEAD_LETTER_EXCHANGE, routing_key=service, durable=True)


def is_subscribed(kind: EventType, service: str, method: str) -> bool:
    return Subscriber(service, method) in SUBSCRIPTIONS.get(kind, ())
