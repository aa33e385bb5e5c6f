"""What the use cases need of the stores, as protocols: the MongoDB stores (``store``,
``inbox_store``) and the in-memory ones of the unit tests (``tests/fakes_notification.py``) both
fit, and the use cases never import the driver or a store module.

A tenant's stores (:class:`TenantStores`) are built for one province and see nothing of another's;
the three sweeps across provinces (:class:`DueMessages`, :class:`PartnerFeed`,
:class:`SubscribedUnits`) are named as such.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from services.notification.records import Change, Message, ReceivedEvent, Subscription, Webhook


class MessageStore(Protocol):
    def add(self, messages: list[Message]) -> int:
        """Keep the messages not planned before; how many were new."""

    def get(self, message_id: str) -> Message | None: ...

    def update(self, message_id: str, change: Change) -> None:
        """Record a delivery step (its status, reason, tries, what was sent ...)."""

    def log(
        self,
        path: UnitPath,
        recipient: str | None = None,
        event_id: str | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Message]:
        """The delivery log at or below a unit, newest first."""

    def dead(self, limit: int = 1000) -> list[Message]: ...

    def revive(self, message_id: str, now: float, at: str) -> bool:
        """A DEAD message waits again with fresh tries; False when it is not DEAD (or not ours)."""


class InboxStore(Protocol):
    def receive(self, event: Envelope, now: datetime) -> str:
        """``PLAN``, ``DONE`` or ``BUSY`` (domain): whether this delivery plans the event."""

    def receive_many(self, events: list[Envelope], now: datetime) -> dict[str, str]:
        """Each event id's claim (``receive``), the new events kept in one write."""

    def mark_planned(self, event_id: str) -> None: ...

    def mark_planned_many(self, event_ids: list[str]) -> None: ...

    def get(self, event_id: str) -> ReceivedEvent | None: ...


class SubscriptionStore(Protocol):
    def subscribe(
        self,
        unit_code: str,
        unitpath: str,
        email: str,
        name: str,
        events: list[str],
        unit_name: str = "",
    ) -> Subscription: ...

    def unsubscribe(self, unit_code: str, email: str) -> bool: ...

    def along(self, path: UnitPath) -> list[Subscription]:
        """Subscriptions at the unit and at every unit above it."""


class WebhookStore(Protocol):
    def register(self, name: str, url: str, events: list[str]) -> tuple[Webhook, bool]:
        """(webhook, created); the secret is made once and kept when the URL changes."""

    def get(self, name: str) -> Webhook | None: ...

    def all(self) -> list[Webhook]: ...


class OptOutStore(Protocol):
    def set(self, recipient: str, channel: str, opted_out: bool, at: datetime) -> None: ...

    def has(self, recipient: str, channel: str) -> bool: ...

    def has_many(self, asked: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
        """The (recipient, channel) pairs among ``asked`` that opted out."""


class TenantStores(Protocol):
    """One province's stores."""

    @property
    def tenant(self) -> str: ...

    @property
    def inbox(self) -> InboxStore: ...

    @property
    def messages(self) -> MessageStore: ...

    @property
    def subscriptions(self) -> SubscriptionStore: ...

    @property
    def webhooks(self) -> WebhookStore: ...

    @property
    def optouts(self) -> OptOutStore: ...


StoresOf = Callable[[str], TenantStores]  # a province's stores, by its code


class DueMessages(Protocol):
    """Every province's messages whose time has come (one delivery worker serves them all)."""

    def due(self, now: float, limit: int) -> list[Message]: ...

    def claim(self, message: Message, now: float, lease: float) -> bool:
        """Lease the message to this worker; False when another worker got it first."""

    def claim_many(self, messages: list[Message], now: float, lease: float) -> set[str]:
        """:meth:`claim` of a batch; the ids this worker leased."""


class PartnerFeed(Protocol):
    """Every province's received events not yet on the partner stream."""

    def pending(self, limit: int) -> list[ReceivedEvent]: ...

    def published(self, event_id: str) -> None: ...

    def published_many(self, event_ids: list[str]) -> None: ...


class SubscribedUnits(Protocol):
    """The units, in every province, that have officers subscribed (for the reminders)."""

    def units(self) -> list[Subscription]:
        """One subscription per unit (its tenant, code, path and name)."""
