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

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantDatabase
from services.notification.domain import BUSY, DONE, PLAN
from services.notification.records import ReceivedEvent

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
        lease_end = now.timestamp() + PLANNING_LEASE
        document: dict[str, Any] = {
            "_id": event.id,
            "tenant": event.tenant,
            "type": event.type,
            "unitpath": str(event.unitpath),
            "subject": event.subject,
            "time": event.time,
            "data": event.data,
            "status": RECEIVED,
            "received_at": now,
            "planning_until": lease_end,
            PARTNER_PENDING: 1,
        }
        try:
            self.inbox.insert_one(document)
            return PLAN
        except DuplicateKeyError:
            pass
        taken = self.inbox.update_one(
            {"_id": event.id, "status": RECEIVED, "planning_until": {"$lt": now.timestamp()}},
            {"$set": {"planning_until": lease_end}},
        )
        if taken.modified_count == 1:
            return PLAN
        found = self.inbox.find_one({"_id": event.id}, {"status": 1})
        return DONE if found and found["status"] == PLANNED else BUSY

    def mark_planned(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {"status": PLANNED}})

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
