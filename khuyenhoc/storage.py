"""MongoDB access: one client per process, one database per service.

Rules that keep the code correct on both MongoDB and the embedded nx-27017 server (pinned by
``tests/integration/test_store_compat.py``): updatable documents get a deterministic ``_id`` from
their natural key and are updated by ``_id``; flags are ints, not booleans; no array queries,
no ``$pull`` with conditions, no equality on sub-documents; money is an int64 of đồng; times
written by an update are ISO text (or epoch seconds where compared), since nx-27017 turns a
datetime set by ``$set`` into text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from nameko.extensions import DependencyProvider
from pymongo import MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.config import database_name

_clients: dict[str, MongoClient] = {}
_lock = threading.Lock()


def client_for(uri: str) -> MongoClient:
    """A shared client per URI: pymongo pools connections, so one per process is right."""
    with _lock:
        if uri not in _clients:
            _clients[uri] = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        return _clients[uri]


def service_database(config: dict[str, Any], service: str) -> Database:
    return client_for(config["MONGO_URI"])[database_name(config, service)]


def ping(db: Database) -> None:
    db.client.admin.command("ping")


class MongoDatabase(DependencyProvider):
    """Injects the service's own database; ``prepare`` (e.g. index creation) runs at start."""

    def __init__(self, prepare: Callable[[Database], None] | None = None) -> None:
        self.prepare = prepare
        self.database: Database | None = None

    def setup(self) -> None:
        self.database = service_database(self.container.config, self.container.service_name)

    def start(self) -> None:
        if self.prepare is not None:
            self.prepare(self.database)

    def get_dependency(self, worker_ctx: Any) -> Database:
        return self.database


def increment_once(
    collection: Collection,
    counter_id: str,
    change_id: str,
    increments: dict[str, int],
    identity: dict[str, Any],
) -> None:
    """Add ``increments`` to a counter document at most once per ``change_id``, even when a
    crash makes the caller try again: the increment and the marker ``applied.<change id>`` are
    one atomic update, and a marker already there makes the upsert collide (duplicate key).
    Call :func:`forget_change` once the caller has recorded that the change is done."""
    marker = f"applied.{change_id}"
    with suppress(DuplicateKeyError):
        collection.update_one(
            {"_id": counter_id, marker: {"$exists": False}},
            {"$inc": increments, "$set": {marker: 1}, "$setOnInsert": identity},
            upsert=True,
        )


def forget_change(collection: Collection, counter_id: str, change_id: str) -> None:
    """Drop a settled change's marker, so counters keep only in-flight markers."""
    collection.update_one({"_id": counter_id}, {"$unset": {f"applied.{change_id}": ""}})


DUPLICATE_KEY = 11000


def increment_many_once(
    collection: Collection, change_id: str, counters: list[dict[str, Any]]
) -> None:
    """:func:`increment_once` for several counters of one collection in one round trip; each
    counter is ``{"id", "increments", "identity"}``. A counter that already holds the marker
    collides (duplicate key) and is left alone; the others are still applied."""
    marker = f"applied.{change_id}"
    updates = [
        UpdateOne(
            {"_id": c["id"], marker: {"$exists": False}},
            {"$inc": c["increments"], "$set": {marker: 1}, "$setOnInsert": c["identity"]},
            upsert=True,
        )
        for c in counters
    ]
    if not updates:
        return
    try:
        collection.bulk_write(updates, ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", ())):
            raise


def forget_change_many(collection: Collection, counter_ids: list[str], change_id: str) -> None:
    """:func:`forget_change` for several counters in one round trip."""
    if counter_ids:
        collection.bulk_write(
            [UpdateOne({"_id": i}, {"$unset": {f"applied.{change_id}": ""}}) for i in counter_ids],
            ordered=False,
        )


FILE_CHUNK = 1024 * 1024  # well under any MongoDB document limit


def put_file(collection: Collection, file_id: str, content: bytes) -> int:
    """Store a file as ``<file id>:<n>`` chunks; storing the same file again changes nothing
    (chunks are inserted, never upserted: see the nx-27017 note above). Returns the chunks."""
    chunks = [content[i : i + FILE_CHUNK] for i in range(0, len(content), FILE_CHUNK)]
    for number, chunk in enumerate(chunks):
        with suppress(DuplicateKeyError):
            collection.insert_one({"_id": f"{file_id}:{number}", "data": chunk})
    return len(chunks)


def get_file(collection: Collection, file_id: str, chunks: int) -> bytes:
    ids = [f"{file_id}:{n}" for n in range(chunks)]
    parts = {doc["_id"]: bytes(doc["data"]) for doc in collection.find({"_id": {"$in": ids}})}
    return b"".join(parts[i] for i in ids)
