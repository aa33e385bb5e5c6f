"""The notification inbox: every event the service must act on, kept once per event id.

Deciding who is told what, and through which channel, works from this inbox (issue 7);
receiving is already reliable: idempotent by event id, acked only after the write.
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


def prepare(db: Database) -> None:
    db[INBOX].create_index(
        [("tenant", ASCENDING), ("status", ASCENDING), ("received_at", ASCENDING)],
        name="by_status",
    )


def receive(db: Database, event: Envelope, now: datetime) -> bool:
    """Keep the event for delivery; False when it had been received before."""
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
    }
    try:
        db[INBOX].insert_one(document)
    except DuplicateKeyError:
        return False
    return True
