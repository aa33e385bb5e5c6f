"""MongoDB adapters of notification: messages (the delivery log), officers' subscriptions,
partner webhooks and opt-outs (the inbox is in :mod:`inbox_store`).

A province's stores are built for it (:class:`Stores` over a ``TenantDatabase``) and cannot
reach another province's documents. Two sweeps serve every province and say so by name:
:class:`AllTenantsDueMessages` (the delivery worker) and :class:`AllTenantsSubscribedUnits`
(the reminder schedule). Updatable documents are keyed by a deterministic ``_id`` and updated
by it; times compared in queries are epoch seconds (see khuyenhoc.storage).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from services.notification import inbox_store
from services.notification.domain import DEAD, PENDING, SENDING
from services.notification.inbox_store import Inbox
from services.notification.records import Change, Message, Subscription, Webhook

MESSAGES = "messages"
SUBSCRIPTIONS = "subscriptions"
WEBHOOKS = "webhooks"
OPTOUTS = "optouts"
MAX_DEPTH = 4
DUPLICATE_KEY = 11000
NOT_LISTED = {"attachments": 0}  # not in the log: the planned message's heavy fields
LEASE = "lease"  # the token of the claim that leased a message last


def prepare(db: Database) -> None:
    inbox_store.prepare(db)
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
    # nx-27017 uses single-field indexes (a compound one only by its first field, often the
    # tenant): the delivery worker's due messages every second, a message's event, the
    # subscriptions along a unit's path, the delivery log by unit
    db[MESSAGES].create_index([("status", ASCENDING)], name="status")
    db[MESSAGES].create_index([("event_id", ASCENDING)], name="event_id")
    db[SUBSCRIPTIONS].create_index([("unit_code", ASCENDING)], name="unit_code")
    for depth in range(MAX_DEPTH):
        db[MESSAGES].create_index([(f"path_{depth}", ASCENDING)], name=f"path_{depth}")


class Stores:
    """One province's adapters over the service's database."""

    def __init__(self, db: TenantDatabase) -> None:
        self.tenant = db.tenant
        self.inbox = Inbox(db)
        self.messages = Messages(db)
        self.subscriptions = Subscriptions(db)
        self.webhooks = Webhooks(db)
        self.optouts = OptOuts(db)

    @classmethod
    def of(cls, db: Database, tenant: str) -> Stores:
        return cls(TenantDatabase(db, tenant))


# -- messages ----------------------------------------------------------------------------


def message_document(message: Message) -> dict[str, Any]:
    """A planned message as stored: the record, ``_id`` for ``id``, and the unit path's
    per-depth fields that the log is read by."""
    return {
        "_id": message.id,
        "tenant": message.tenant,
        "unitpath": message.unitpath,
        **UnitPath.parse(message.unitpath).depth_fields(),
        "event_id": message.event_id,
        "event": message.event,
        "data": dict(message.data),
        "recipient": message.recipient,
        "channel": message.channel,
        "template": message.template,
        "attach": message.attach,
        "status": message.status,
        "attempts": message.attempts,
        "next_at": message.next_at,
        "created": message.created,
    }


def message_record(document: Mapping[str, Any]) -> Message:
    return Message(
        id=document["_id"],
        tenant=document["tenant"],
        unitpath=document["unitpath"],
        event_id=document["event_id"],
        event=document["event"],
        recipient=document["recipient"],
        channel=document["channel"],
        template=document["template"],
        status=document["status"],
        next_at=float(document["next_at"]),
        created=document["created"],
        attempts=int(document.get("attempts") or 0),
        data=dict(document.get("data") or {}),
        attach=document.get("attach"),
        reason=document.get("reason"),
        text=document.get("text"),
        segments=document.get("segments"),
        encoding=document.get("encoding"),
        sent_at=document.get("sent_at"),
        retry_at=document.get("retry_at"),
    )


def change_fields(change: Change) -> dict[str, Any]:
    """The stored fields a delivery step sets: those it names, and always the reason."""
    fields = asdict(change)
    del fields["tries"]
    return {k: v for k, v in fields.items() if v is not None or k == "reason"}


class Messages:
    """One document per (event, recipient, channel); the delivery log is these documents."""

    def __init__(self, db: TenantDatabase) -> None:
        self.messages = db[MESSAGES]

    def add(self, messages: list[Message]) -> int:
        """Insert the messages not planned before; returns how many were new."""
        if not messages:
            return 0
        try:
            self.messages.insert_many([message_document(m) for m in messages], ordered=False)
            return len(messages)
        except BulkWriteError as exc:
            errors = exc.details["writeErrors"]
            if any(e["code"] != DUPLICATE_KEY for e in errors):
                raise
            return len(messages) - len(errors)

    def get(self, message_id: str) -> Message | None:
        found = self.messages.find_one({"_id": message_id})
        return message_record(found) if found else None

    def update(self, message_id: str, change: Change) -> None:
        update: dict[str, Any] = {"$set": change_fields(change)}
        if change.tries:
            update["$inc"] = {"attempts": change.tries}
        self.messages.update_one({"_id": message_id}, update)

    def log(
        self,
        path: UnitPath,
        recipient: str | None = None,
        event_id: str | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Message]:
        """The delivery log at or below a unit, newest first."""
        query: dict[str, Any] = {f"path_{path.depth}": path.code}
        if recipient:
            query["recipient"] = recipient
        if event_id:
            query["event_id"] = event_id
        if status:
            query["status"] = status
        found = self.messages.find(query, NOT_LISTED).sort("created", DESCENDING)
        return [message_record(d) for d in found.limit(limit)]

    def dead(self, limit: int = 1000) -> list[Message]:
        found = self.messages.find({"status": DEAD}, NOT_LISTED).limit(limit)
        return [message_record(d) for d in found]

    def revive(self, message_id: str, now: float, at: str) -> bool:
        """A DEAD message waits again, with a fresh set of tries."""
        revived = self.messages.update_one(
            {"_id": message_id, "status": DEAD},
            {"$set": {"status": PENDING, "next_at": now, "attempts": 0, "replayed_at": at}},
        )
        return bool(revived.modified_count == 1)


class AllTenantsDueMessages:
    """Due messages of every province, for the delivery worker: one worker (or a few replicas)
    serves all provinces, so finding what is due and leasing it is the one thing done across
    tenants. What happens to a leased message goes through its province's :class:`Stores`."""

    def __init__(self, db: Database) -> None:
        self.messages = db[MESSAGES]

    def due(self, now: float, limit: int) -> list[Message]:
        """Waiting messages whose time has come, and leases that ran out (a worker died)."""
        found: list[dict[str, Any]] = []
        for status in (PENDING, SENDING):
            query = {"status": status, "next_at": {"$lte": now}}
            found += self.messages.find(query, NOT_LISTED).sort("next_at").limit(limit)
        return [message_record(d) for d in found[:limit]]

    def claim(self, message: Message, now: float, lease: float) -> bool:
        """Lease the message to this worker; False when another worker got it first."""
        guard = {"_id": message.id, "status": message.status, "next_at": message.next_at}
        claimed = self.messages.update_one(
            guard, {"$set": {"status": SENDING, "next_at": now + lease}}
        )
        return bool(claimed.modified_count == 1)

    def claim_many(self, messages: list[Message], now: float, lease: float) -> set[str]:
        """:meth:`claim` of a batch in one write and one read: each lease guarded as there,
        and stamped with this claim's own token, by which the read tells the ids this worker
        leased (another worker's guard failed on the ones it took first)."""
        if not messages:
            return set()
        token = secrets.token_hex(8)
        leased = {"$set": {"status": SENDING, "next_at": now + lease, LEASE: token}}
        self.messages.bulk_write(
            [
                UpdateOne({"_id": m.id, "status": m.status, "next_at": m.next_at}, leased)
                for m in messages
            ],
            ordered=False,
        )
        found = self.messages.find({"_id": {"$in": [m.id for m in messages]}}, {LEASE: 1})
        return {doc["_id"] for doc in found if doc.get(LEASE) == token}


# -- subscriptions -----------------------------------------------------------------------


def subscription_record(document: Mapping[str, Any]) -> Subscription:
    return Subscription(
        tenant=document["tenant"],
        unit_code=document["unit_code"],
        unitpath=document["unitpath"],
        email=document["email"],
        name=document.get("name") or "",
        events=list(document.get("events") or []),
        unit_name=document.get("unit_name") or "",
    )


class Subscriptions:
    """Officers' e-mail subscriptions, per unit (they hear about that unit and below)."""

    def __init__(self, db: TenantDatabase) -> None:
        self.subscriptions = db[SUBSCRIPTIONS]
        self.tenant = db.tenant

    def key(self, unit_code: str, email: str) -> str:
        return f"{self.tenant}:{unit_code}:{email.lower()}"

    def subscribe(
        self,
        unit_code: str,
        unitpath: str,
        email: str,
        name: str,
        events: list[str],
        unit_name: str = "",
    ) -> Subscription:
        document = {
            "_id": self.key(unit_code, email),
            "tenant": self.tenant,
            "unit_code": unit_code,
            "unitpath": unitpath,
            "email": email.lower(),
            "name": name,
            "events": events,
            "unit_name": unit_name,
        }
        self.subscriptions.replace_one({"_id": document["_id"]}, document, upsert=True)
        return subscription_record(document)

    def unsubscribe(self, unit_code: str, email: str) -> bool:
        removed = self.subscriptions.delete_one({"_id": self.key(unit_code, email)})
        return bool(removed.deleted_count == 1)

    def along(self, path: UnitPath) -> list[Subscription]:
        """Subscriptions at the unit and at every unit above it."""
        query = {"unit_code": {"$in": list(path.codes)}}
        return [subscription_record(d) for d in self.subscriptions.find(query)]


class AllTenantsSubscribedUnits:
    """The units of every province that have subscribers: the reminder schedule runs once for
    all provinces and then plans each unit's reminders through that province's stores."""

    def __init__(self, db: Database) -> None:
        self.subscriptions = db[SUBSCRIPTIONS]

    def units(self) -> list[Subscription]:
        found: dict[tuple[str, str], Subscription] = {}
        for document in self.subscriptions.find({}):
            record = subscription_record(document)
            found.setdefault((record.tenant, record.unit_code), record)
        return list(found.values())


# -- webhooks ----------------------------------------------------------------------------


def webhook_record(document: Mapping[str, Any]) -> Webhook:
    return Webhook(
        tenant=document["tenant"],
        name=document["name"],
        url=document["url"],
        events=list(document.get("events") or []),
        secret=document["secret"],
        active=bool(document.get("active", 1)),
    )


class Webhooks:
    """Partner URLs of a province, each with its signing secret."""

    def __init__(self, db: TenantDatabase) -> None:
        self.webhooks = db[WEBHOOKS]
        self.tenant = db.tenant

    def key(self, name: str) -> str:
        return f"{self.tenant}:{name}"

    def register(self, name: str, url: str, events: list[str]) -> tuple[Webhook, bool]:
        """(webhook, created); the secret is made once and kept when the URL changes."""
        key = self.key(name)
        document = {
            "_id": key,
            "tenant": self.tenant,
            "name": name,
            "url": url,
            "events": events,
            "active": 1,
            "secret": secrets.token_hex(32),
        }
        with suppress(DuplicateKeyError):
            self.webhooks.insert_one(document)
            return webhook_record(document), True
        self.webhooks.update_one({"_id": key}, {"$set": {"url": url, "events": events}})
        found = self.webhooks.find_one({"_id": key})
        if found is None:  # the key is taken by a document outside this province
            raise DuplicateKeyError(f"webhook {key} is not this province's")
        return webhook_record(found), False

    def delete(self, name: str) -> bool:
        """Whether there was such a webhook (keyed by ``_id``: one document, never a scan)."""
        return bool(self.webhooks.delete_one({"_id": self.key(name)}).deleted_count)

    def get(self, name: str) -> Webhook | None:
        found = self.webhooks.find_one({"_id": self.key(name)})
        return webhook_record(found) if found else None

    def all(self) -> list[Webhook]:
        return [webhook_record(d) for d in self.webhooks.find({})]


# -- opt-outs ----------------------------------------------------------------------------


class OptOuts:
    """A recipient's "do not send me this channel"."""

    def __init__(self, db: TenantDatabase) -> None:
        self.optouts = db[OPTOUTS]
        self.tenant = db.tenant

    def key(self, recipient: str, channel: str) -> str:
        return f"{self.tenant}:{recipient}:{channel}"

    def set(self, recipient: str, channel: str, opted_out: bool, at: datetime) -> None:
        key = self.key(recipient, channel)
        if opted_out:
            document = {"_id": key, "recipient": recipient, "channel": channel}
            self.optouts.replace_one({"_id": key}, {**document, "at": at.isoformat()}, upsert=True)
        else:
            self.optouts.delete_one({"_id": key})

    def has(self, recipient: str, channel: str) -> bool:
        return self.optouts.find_one({"_id": self.key(recipient, channel)}) is not None

    def has_many(self, asked: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
        """The (recipient, channel) pairs among ``asked`` that opted out, in one read."""
        keys = {self.key(r, c): (r, c) for r, c in asked}
        found = self.optouts.find({"_id": {"$in": list(keys)}}, {"channel": 1})
        return frozenset(keys[doc["_id"]] for doc in found if doc["_id"] in keys)
