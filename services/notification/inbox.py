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
from services.notification.domain import BUSY, DONE, PLAN

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


class Inbox:
    def __init__(self, db: Database) -> None:
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

    def get(self, event_id: str) -> dict[str, Any] | None:
        return self.inbox.find_one({"_id": event_id})

    def partner_pending(self, limit: int) -> list[dict[str, Any]]:
        return list(self.inbox.find({PARTNER_PENDING: 1}).limit(limit))

    def partner_published(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {PARTNER_PENDING: 0}})
