"""MongoDB adapters of notification: messages (the delivery log), officers' subscriptions,
partner webhooks and opt-outs. Updatable documents are keyed by a deterministic ``_id`` and
updated by it; times compared in queries are epoch seconds (see khuyenhoc.storage)."""

from __future__ import annotations

import re
import secrets
from contextlib import suppress
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.tenancy import UnitPath
from services.notification import inbox
from services.notification.domain import DEAD, PENDING, SENDING
from services.notification.inbox import Inbox

MESSAGES = "messages"
SUBSCRIPTIONS = "subscriptions"
WEBHOOKS = "webhooks"
OPTOUTS = "optouts"
MAX_DEPTH = 4
DUPLICATE_KEY = 11000


def prepare(db: Database) -> None:
    inbox.prepare(db)
    db[MESSAGES].create_index([("status", ASCENDING), ("next_at", ASCENDING)], name="due")
    db[MESSAGES].create_index(
        [("tenant", ASCENDING), ("recipient", ASCENDING)], name="by_recipient"
    )
    db[MESSAGES].create_index([("tenant", ASCENDING), ("event_id", ASCENDING)], name="by_event")
    for depth in range(MAX_DEPTH):
        db[MESSAGES].create_index(
            [("tenant", ASCENDING), (f"path_{depth}", ASCENDING), ("created", DESCENDING)],
            name=f"log_{depth}",
        )
    db[SUBSCRIPTIONS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING)], name="by_unit"
    )
    db[WEBHOOKS].create_index([("tenant", ASCENDING)], name="by_tenant")


class Stores:
    """The service's adapters over its one database."""

    def __init__(self, db: Database) -> None:
        self.inbox = Inbox(db)
        self.messages = Messages(db)
        self.subscriptions = Subscriptions(db)
        self.webhooks = Webhooks(db)
        self.optouts = OptOuts(db)


class Messages:
    """One document per (event, recipient, channel); the delivery log is these documents."""

    def __init__(self, db: Database) -> None:
        self.messages = db[MESSAGES]

    def add(self, documents: list[dict[str, Any]]) -> int:
        """Insert the messages not planned before; returns how many were new."""
        if not documents:
            return 0
        try:
            self.messages.insert_many(documents, ordered=False)
            return len(documents)
        except BulkWriteError as exc:
            errors = exc.details["writeErrors"]
            if any(e["code"] != DUPLICATE_KEY for e in errors):
                raise
            return len(documents) - len(errors)

    def get(self, message_id: str) -> dict[str, Any] | None:
        return self.messages.find_one({"_id": message_id})

    def due(self, now: float, limit: int) -> list[dict[str, Any]]:
        """Waiting messages whose time has come, and leases that ran out (a worker died)."""
        found = []
        for status in (PENDING, SENDING):
            query = {"status": status, "next_at": {"$lte": now}}
            found += self.messages.find(query, {"attachments": 0}).sort("next_at").limit(limit)
        return found[:limit]

    def claim(self, message: dict[str, Any], now: float, lease: float) -> bool:
        """Lease the message to this worker; False when another worker got it first."""
        guard = {"_id": message["_id"], "status": message["status"], "next_at": message["next_at"]}
        claimed = self.messages.update_one(
            guard, {"$set": {"status": SENDING, "next_at": now + lease}}
        )
        return claimed.modified_count == 1

    def update(self, message_id: str, fields: dict[str, Any], attempts: int = 0) -> None:
        change: dict[str, Any] = {"$set": fields}
        if attempts:
            change["$inc"] = {"attempts": attempts}
        self.messages.update_one({"_id": message_id}, change)

    def log(
        self,
        tenant: str,
        path: UnitPath,
        recipient: str | None = None,
        event_id: str | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """The delivery log at or below a unit, newest first."""
        query: dict[str, Any] = {"tenant": tenant, f"path_{path.depth}": path.code}
        if recipient:
            query["recipient"] = recipient
        if event_id:
            query["event_id"] = event_id
        if status:
            query["status"] = status
        found = self.messages.find(query, {"attachments": 0}).sort("created", DESCENDING)
        return list(found.limit(limit))

    def dead(self, tenant: str, limit: int = 1000) -> list[dict[str, Any]]:
        query = {"status": DEAD, "tenant": tenant}
        return list(self.messages.find(query, {"attachments": 0}).limit(limit))

    def revive(self, message_id: str, now: float, at: str) -> bool:
        """A DEAD message waits again, with a fresh set of tries."""
        revived = self.messages.update_one(
            {"_id": message_id, "status": DEAD},
            {"$set": {"status": PENDING, "next_at": now, "attempts": 0, "replayed_at": at}},
        )
        return revived.modified_count == 1


class Subscriptions:
    """Officers' e-mail subscriptions, per unit (they hear about that unit and below)."""

    def __init__(self, db: Database) -> None:
        self.subscriptions = db[SUBSCRIPTIONS]

    @staticmethod
    def key(tenant: str, unit_code: str, email: str) -> str:
        return f"{tenant}:{unit_code}:{email.lower()}"

    def subscribe(
        self,
        tenant: str,
        unit_code: str,
        unitpath: str,
        email: str,
        name: str,
        events: list[str],
        unit_name: str = "",
    ) -> dict[str, Any]:
        document = {
            "_id": self.key(tenant, unit_code, email),
            "tenant": tenant,
            "unit_code": unit_code,
            "unitpath": unitpath,
            "email": email.lower(),
            "name": name,
            "events": events,
            "unit_name": unit_name,
        }
        self.subscriptions.replace_one({"_id": document["_id"]}, document, upsert=True)
        return document

    def unsubscribe(self, tenant: str, unit_code: str, email: str) -> bool:
        removed = self.subscriptions.delete_one({"_id": self.key(tenant, unit_code, email)})
        return removed.deleted_count == 1

    def along(self, path: UnitPath) -> list[dict[str, Any]]:
        """Subscriptions at the unit and at every unit above it."""
        query = {"tenant": path.tenant, "unit_code": {"$in": list(path.codes)}}
        return list(self.subscriptions.find(query))

    def at(self, tenant: str, unit_code: str) -> list[dict[str, Any]]:
        return list(self.subscriptions.find({"tenant": tenant, "unit_code": unit_code}))

    def everywhere(self) -> list[dict[str, Any]]:
        """Every subscription: the reminder schedule runs across tenants by design."""
        return list(self.subscriptions.find({}))


NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


class Webhooks:
    """Partner URLs of a province, each with its signing secret."""

    def __init__(self, db: Database) -> None:
        self.webhooks = db[WEBHOOKS]

    def register(
        self, tenant: str, name: str, url: str, events: list[str]
    ) -> tuple[dict[str, Any], bool]:
        """(webhook, created); the secret is made once and kept when the URL changes."""
        key = f"{tenant}:{name}"
        document = {
            "_id": key,
            "tenant": tenant,
            "name": name,
            "url": url,
            "events": events,
            "active": 1,
            "secret": secrets.token_hex(32),
        }
        with suppress(DuplicateKeyError):
            self.webhooks.insert_one(document)
            return document, True
        self.webhooks.update_one({"_id": key}, {"$set": {"url": url, "events": events}})
        return self.webhooks.find_one({"_id": key}), False

    def get(self, tenant: str, name: str) -> dict[str, Any] | None:
        return self.webhooks.find_one({"_id": f"{tenant}:{name}"})

    def of(self, tenant: str) -> list[dict[str, Any]]:
        return list(self.webhooks.find({"tenant": tenant}))


class OptOuts:
    """A recipient's "do not send me this channel"."""

    def __init__(self, db: Database) -> None:
        self.optouts = db[OPTOUTS]

    @staticmethod
    def key(tenant: str, recipient: str, channel: str) -> str:
        return f"{tenant}:{recipient}:{channel}"

    def set(self, tenant: str, recipient: str, channel: str, opted_out: bool, at: datetime) -> None:
        key = self.key(tenant, recipient, channel)
        if opted_out:
            document = {"_id": key, "tenant": tenant, "recipient": recipient, "channel": channel}
            self.optouts.replace_one({"_id": key}, {**document, "at": at.isoformat()}, upsert=True)
        else:
            self.optouts.delete_one({"_id": key})

    def has(self, tenant: str, recipient: str, channel: str) -> bool:
        return self.optouts.find_one({"_id": self.key(tenant, recipient, channel)}) is not None
