"""Transactional outbox kept inside the document that the write changes.

MongoDB writes to one document are atomic, so the write and the event that announces it are
stored together: ``outbox.<event id>`` holds the event, ``outbox_pending`` flags the document for
the relay. The relay publishes (persistent, confirmed, mandatory, after declaring the consumer
queues), removes each published event by key, and clears the flag only if no event was added in
the meantime (``outbox_rev`` unchanged). A crash anywhere re-publishes at worst; never loses.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from kombu import Connection, Exchange, Queue
from kombu.exceptions import KombuError
from nameko.amqp.publish import UndeliverableMessage
from nameko.extensions import DependencyProvider
from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database

from khuyenhoc.metrics import EVENTS_EMITTED, OUTBOX_LAG, OUTBOX_PUBLISH_FAILURES
from khuyenhoc.storage import service_database
from khuyenhoc.topology import (
    EVENT_TYPES,
    event_exchange,
    reliable_publisher,
    subscriber_queues,
)

log = logging.getLogger(__name__)

PENDING = "outbox_pending"


def with_outbox(document: dict[str, Any], *events: dict[str, Any]) -> dict[str, Any]:
    """A new document carrying ``events`` in its outbox."""
    return {**document, "outbox": {e["id"]: e for e in events}, PENDING: 1, "outbox_rev": 1}


def outbox_update(*events: dict[str, Any]) -> dict[str, Any]:
    """Update operators that add ``events`` to an existing document's outbox."""
    return {
        "$set": {**{f"outbox.{e['id']}": e for e in events}, PENDING: 1},
        "$inc": {"outbox_rev": 1},
    }


def ensure_outbox_index(collection: Collection) -> None:
    # The relay scans across tenants by design: it is infrastructure, not a tenant's query.
    collection.create_index([(PENDING, ASCENDING)], name="outbox_pending")


class EventPublisher:
    """Publishes envelopes to their nameko event exchange with every delivery guarantee on."""

    def __init__(self, config: dict[str, Any], service: str) -> None:
        self.config = config
        self.service = service
        self.publisher = reliable_publisher(config["AMQP_URI"])

    def publish(self, event: dict[str, Any]) -> bool:
        kind = EVENT_TYPES[event["type"]]
        exchange = event_exchange(kind.service, self.config)
        queues = subscriber_queues(kind, self.config)
        try:
            try:
                self._send(event, kind.name, exchange, queues)
            except UndeliverableMessage:
                # kombu remembers what it declared per connection; a consumer queue deleted
                # since then must be declared again before the event can be routed.
                self._declare(exchange, queues)
                self._send(event, kind.name, exchange, queues)
        except (UndeliverableMessage, KombuError, OSError) as exc:
            OUTBOX_PUBLISH_FAILURES.labels(self.service, kind.name).inc()
            log.warning("event %s not published yet: %r", event["id"], exc)
            return False
        EVENTS_EMITTED.labels(self.service, kind.name, event["tenant"]).inc()
        return True

    def _send(
        self, event: dict[str, Any], routing_key: str, exchange: Exchange, queues: list[Queue]
    ) -> None:
        self.publisher.publish(
            event,
            exchange=exchange,
            routing_key=routing_key,
            declare=[exchange, *queues],
            headers={"ce-id": event["id"], "ce-type": event["type"], "ce-tenant": event["tenant"]},
        )

    def _declare(self, exchange: Exchange, queues: list[Queue]) -> None:
        with Connection(self.config["AMQP_URI"]) as connection:
            channel = connection.default_channel
            exchange(channel).declare()
            for queue in queues:
                queue(channel).declare()


class Relay:
    """One pass over the outboxes of some collections; used by the nameko dependency below."""

    def __init__(
        self,
        db: Database,
        collections: tuple[str, ...],
        publisher: EventPublisher,
        concurrency: int = 16,
    ):
        self.db = db
        self.collections = collections
        self.publisher = publisher
        self.concurrency = concurrency

    def run_once(self, batch: int = 200) -> int:
        """One pass; documents are drained concurrently (each waits on its publisher confirms),
        while the events of one document keep their order."""
        published = 0
        still_pending = 0
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for name in self.collections:
                collection = self.db[name]
                pending = collection.find({PENDING: 1}, {"outbox": 1, "outbox_rev": 1}).limit(batch)
                drained = pool.map(partial(self._drain, collection), list(pending))
                for sent, complete in drained:
                    published += sent
                    still_pending += 0 if complete else 1
        OUTBOX_LAG.labels(self.publisher.service).set(still_pending)
        return published

    def _drain(self, collection: Collection, doc: dict[str, Any]) -> tuple[int, bool]:
        """Publish the document's events in order, then remove them in one write; the flag is
        cleared in that same write unless an event was added meanwhile (``outbox_rev``)."""
        published: list[str] = []
        events = sorted((doc.get("outbox") or {}).values(), key=lambda e: e["time"])
        for event in events:
            if not self.publisher.publish(event):
                break
            published.append(event["id"])
        complete = len(published) == len(events)
        if published:
            removed = {f"outbox.{event_id}": "" for event_id in published}
            guard = {"_id": doc["_id"], "outbox_rev": doc.get("outbox_rev")}
            if (
                not complete
                or collection.update_one(
                    guard, {"$unset": removed, "$set": {PENDING: 0}}
                ).matched_count
                == 0
            ):
                collection.update_one({"_id": doc["_id"]}, {"$unset": removed})
        elif complete:
            collection.update_one(
                {"_id": doc["_id"], "outbox_rev": doc.get("outbox_rev")}, {"$set": {PENDING: 0}}
            )
        return len(published), complete


class OutboxRelay(DependencyProvider):
    """Runs the relay in the background; ``kick()`` after a write publishes without waiting."""

    def __init__(self, *collections: str, interval: float = 1.0) -> None:
        self.collections = collections
        self.interval = interval
        self._wake = threading.Event()
        self._stopping = False
        self.relay: Relay | None = None

    def setup(self) -> None:
        config = self.container.config
        service = self.container.service_name
        self.relay = Relay(
            service_database(config, service), self.collections, EventPublisher(config, service)
        )

    def start(self) -> None:
        self._stopping = False
        self.container.spawn_managed_thread(self._run, identifier="outbox-relay")

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def kill(self) -> None:
        self.stop()

    def kick(self) -> None:
        self._wake.set()

    def get_dependency(self, worker_ctx: Any) -> OutboxRelay:
        return self

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping:
                break
            try:
                self.relay.run_once()
            except Exception:  # the relay must outlive a broker or database outage
                log.exception("outbox relay pass failed; retrying")
