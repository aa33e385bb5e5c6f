"""The notification inbox: every event the service acts on, kept once per event id.

An inbox document is also the partner stream's outbox (``partner_pending``) and records that
its messages were planned (``status``), so a redelivered event plans nothing new. One delivery
at a time plans, holding a short lease (``planning_until``): a delivery arriving while another
plans waits for it, and a crash between receiving and planning is finished by the redelivery
once the lease has run out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantDatabase
from services.notification.domain import BUSY, DONE, PLAN
from services.notification.records import ReceivedEvent

DUPLICATE_KEY = 11000
INBOX = "inbox"
RECEIVED = "RECEIVED"
PLANNED = "PLANNED"
PARTNER_PENDING = "partner_pending"
PLANNING_LEASE = 30.0  # seconds; planning takes milliseconds


def prepare(db: Database) -> None:
    db[INBOX].create_index(
        [("tenant", ASCENDING), ("status", ASCENDING), ("received_at", ASCENDING)],
        name="by_status",
    )
    db[INBOX].create_index([(PARTNER_PENDING, ASCENDING)], name="partner_pending")


def _document(event: Envelope, now: datetime) -> dict[str, Any]:
    """An event as the inbox keeps it, its planning leased to the delivery keeping it."""
    return {
        "_id": event.id,
        "tenant": event.tenant,
        "type": event.type,
        "unitpath": str(event.unitpath),
        "subject": event.subject,
        "time": event.time,
        "data": event.data,
        "status": RECEIVED,
        "received_at": now,
        "planning_until": now.timestamp() + PLANNING_LEASE,
        PARTNER_PENDING: 1,
    }


def received_event(document: dict[str, Any]) -> ReceivedEvent:
    return ReceivedEvent(
        id=document["_id"],
        tenant=document["tenant"],
        type=document["type"],
        unitpath=document["unitpath"],
        subject=document["subject"],
        time=document["time"],
        data=document["data"],
    )


class Inbox:
    """One province's inbox."""

    def __init__(self, db: TenantDatabase) -> None:
        self.inbox = db[INBOX]

    def receive(self, event: Envelope, now: datetime) -> str:
        """Keep the event (once) and say whether this delivery plans its messages: ``PLAN``
        for the first one (or one taking over from a planner whose lease ran out), ``DONE``
        once planned, ``BUSY`` while another delivery is planning."""
        try:
            self.inbox.insert_one(_document(event, now))
            return PLAN
        except DuplicateKeyError:
            return self._claim(event.id, now)

    def receive_many(self, events: list[Envelope], now: datetime) -> dict[str, str]:
        """:meth:`receive` for many events (distinct ids) in one insert: each event id's claim;
        only those kept before are claimed one by one."""
        if not events:
            return {}
        try:
            self.inbox.insert_many([_document(e, now) for e in events], ordered=False)
            return dict.fromkeys((e.id for e in events), PLAN)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors") or []
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            kept_before = {int(e["index"]) for e in errors}
        return {
            event.id: self._claim(event.id, now) if i in kept_before else PLAN
            for i, event in enumerate(events)
        }

    def _claim(self, event_id: str, now: datetime) -> str:
        """The claim of an event kept before: take over an expired planning lease, or say
        whether it is planned (``DONE``) or being planned (``BUSY``)."""
        taken = self.inbox.update_one(
            {"_id": event_id, "status": RECEIVED, "planning_until": {"$lt": now.timestamp()}},
            {"$set": {"planning_until": now.timestamp() + PLANNING_LEASE}},
        )
        if taken.modified_count == 1:
            return PLAN
        found = self.inbox.find_one({"_id": event_id}, {"status": 1})
        return DONE if found and found["status"] == PLANNED else BUSY

    def mark_planned(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {"status": PLANNED}})

    def mark_planned_many(self, event_ids: list[str]) -> None:
        """:meth:`mark_planned` of many, in one round trip (updates by ``_id``)."""
        self.inbox.update_each(
            [({"_id": event_id}, {"$set": {"status": PLANNED}}, False) for event_id in event_ids]
        )

    def get(self, event_id: str) -> ReceivedEvent | None:
        found = self.inbox.find_one({"_id": event_id})
        return received_event(found) if found else None


class AllTenantsPartnerFeed:
    """The inbox as the partner stream's outbox, across provinces: the stream is one exchange
    for every province (each event's routing key names its tenant, and a partner's broker
    account admits only its own), so one relay serves them all. Reads pending events and marks
    them published; nothing else."""

    def __init__(self, db: Database) -> None:
        self.inbox = db[INBOX]

    def pending(self, limit: int) -> list[ReceivedEvent]:
        return [received_event(d) for d in self.inbox.find({PARTNER_PENDING: 1}).limit(limit)]

    def published(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {PARTNER_PENDING: 0}})

    def published_many(self, event_ids: list[str]) -> None:
        """Mark many published in one round trip (updates by ``_id``)."""
        if event_ids:
            self.inbox.bulk_write(
                [UpdateOne({"_id": i}, {"$set": {PARTNER_PENDING: 0}}) for i in event_ids],
                ordered=False,
            )
