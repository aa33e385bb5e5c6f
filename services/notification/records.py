"""What notification keeps, as the stores hand it over: typed records instead of raw documents,
so the use cases, the answers and the in-memory stores of the unit tests agree on one shape.
The stores translate to and from the stored documents (their field names are unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """One message: an event (or reminder) told to one recipient through one channel; the
    delivery log is these records. ``id`` is deterministic (``domain.message_id``)."""

    id: str
    tenant: str
    unitpath: str
    event_id: str
    event: str
    recipient: str  # "subject:<id>", "donor:<id>", "email:<address>", "webhook:<name>"
    channel: str
    template: str
    status: str
    next_at: float  # epoch seconds: when it is due, or when its lease runs out
    created: str
    attempts: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    attach: str | None = None
    reason: str | None = None
    text: str | None = None
    segments: int | None = None
    encoding: str | None = None
    sent_at: str | None = None
    retry_at: str | None = None


@dataclass(frozen=True)
class Change:
    """What one delivery step changes of a message: fields left None stay as stored, except
    ``reason``, always written (a message sent has none); ``tries`` is added to its attempts."""

    status: str
    reason: str | None = None
    tries: int = 0
    next_at: float | None = None
    sent_at: str | None = None
    retry_at: str | None = None
    dead_at: str | None = None
    text: str | None = None
    segments: int | None = None
    encoding: str | None = None
    provider_ref: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Subscription:
    """An officer's e-mail subscription at a unit (and the units below it)."""

    tenant: str
    unit_code: str
    unitpath: str
    email: str
    name: str
    events: list[str]
    unit_name: str = ""


@dataclass(frozen=True)
class Webhook:
    """A partner URL of a province, with the secret its requests are signed with."""

    tenant: str
    name: str
    url: str
    events: list[str]
    secret: str
    active: bool = True


@dataclass(frozen=True)
class ReceivedEvent:
    """An event as the inbox keeps it: what partners are sent again as a CloudEvent."""

    id: str
    tenant: str
    type: str
    unitpath: str
    subject: str
    time: str
    data: dict[str, Any]
