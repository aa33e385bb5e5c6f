"""The notification inbox: every event the service acts on, kept once per event id.

An inbox document is also the partner stream's outbox (``partner_pending``) and records that
its messages were planned (``planned``), so a redelivered event plans nothing new and a crash
between receiving and planning is finished by the redelivery.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.envelope import Envelope

INBOX = "inbox"
RECEIVED = "RECEIVED"
PLANNED = "PLANNED"
PARTNER_PENDING = "partner_pending"


def prepare(db: Database) -> None:
    db[INBOX].create_index(
        [("tenant", ASCENDING), ("status", ASCENDING), ("received_at", ASCENDING)],
        name="by_status",
    )
    db[INBOX].create_index([(PARTNER_PENDING, ASCENDING)], name="partner_pending")


class Inbox:
    def __init__(self, db: Database) -> None:
        self.inbox = db[INBOX]

    def receive(self, event: Envelope, now: datetime) -> dict[str, Any]:
        """Keep the event (once) and return its inbox document, as stored."""
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
            PARTNER_PENDING: 1,
        }
        try:
            self.inbox.insert_one(document)
        except DuplicateKeyError:
            return self.inbox.find_one({"_id": event.id})
        return document

    def mark_planned(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {"status": PLANNED}})

    def get(self, event_id: str) -> dict[str, Any] | None:
        return self.inbox.find_one({"_id": event_id})

    def partner_pending(self, limit: int) -> list[dict[str, Any]]:
        return list(self.inbox.find({PARTNER_PENDING: 1}).limit(limit))

    def partner_published(self, event_id: str) -> None:
        self.inbox.update_one({"_id": event_id}, {"$set": {PARTNER_PENDING: 0}})
