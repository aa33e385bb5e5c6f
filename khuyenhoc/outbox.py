"""Transactional outbox kept inside the document that the write changes.

MongoDB writes to one document are atomic, so the write and the event that announces it are
stored together: ``outbox.<event id>`` holds the event, ``outbox_pending`` flags the document for
the relay. The relay publishes (persistent, confirmed, mandatory, after declaring the consumer
queues), removes each published event by key, and clears the flag only if no event was added in
the meantime (``outbox_rev`` unchanged). A crash anywhere re-publishes at worst; never loses.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import amqp.exceptions
from kombu import Connection
from kombu.exceptions import KombuError
from nameko.constants import PERSISTENT
from nameko.extensions import DependencyProvider
from pymongo import ASCENDING, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from khuyenhoc.metrics import EVENTS_EMITTED, OUTBOX_LAG, OUTBOX_PUBLISH_FAILURES
from khuyenhoc.storage import service_database
from khuyenhoc.timers import next_wait
from khuyenhoc.topology import (
    EVENT_TYPES,
    event_exchange,
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
    """Publishes envelopes to their nameko event exchange with every delivery guarantee on:
    persistent messages, ``mandatory`` routing (an unroutable message comes back), and publisher
    confirms awaited for a whole batch at once rather than message by message.

    The connection is kept between batches (a fresh channel per batch), and the exchanges and
    subscriber queues of an event type are declared once per connection: a relay that publishes
    a batch per pass no longer opens a connection and re-declares every queue each time. A
    failure drops the connection (the batch is retried once on a new one); a returned message
    makes the next batch declare again."""

    CONFIRM_TIMEOUT = 30.0

    def __init__(self, config: dict[str, Any], service: str) -> None:
        self.config = config
        self.service = service
        self._connection: Connection | None = None
        self._declared: set[str] = set()  # event types declared on the current connection
        self._lock = threading.Lock()

    def publish(self, event: dict[str, Any]) -> bool:
        return event["id"] in self.publish_many([event])

    def publish_many(self, events: list[dict[str, Any]]) -> set[str]:
        """Publish in order on one channel; returns the ids the broker confirmed and routed."""
        if not events:
            return set()
        with self._lock:
            confirmed = self._publish_retrying(events)
        for event in events:
            kind = EVENT_TYPES[event["type"]].name
            if event["id"] in confirmed:
                EVENTS_EMITTED.labels(self.service, kind, event["tenant"]).inc()
            else:
                OUTBOX_PUBLISH_FAILURES.labels(self.service, kind).inc()
        return confirmed

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _publish_retrying(self, events: list[dict[str, Any]]) -> set[str]:
        for attempt in (1, 2):
            reused = self._connection is not None
            try:
                return self._publish_confirmed(self._connect(), events)
            except (KombuError, OSError, amqp.exceptions.AMQPError) as exc:
                self._drop()
                if attempt == 1 and reused:
                    continue  # a kept connection the broker closed meanwhile: once more, anew
                log.warning("%d events not published yet: %r", len(events), exc)
        return set()

    def _connect(self) -> Connection:
        if self._connection is None:
            connection = Connection(self.config["AMQP_URI"])
            connection.connect()
            self._connection = connection
            self._declared = set()
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._declared = set()
        if connection is not None:
            try:
                connection.release()
            except Exception:  # already broken: nothing more to release
                log.debug("closing a broken publishing connection", exc_info=True)

    def _publish_confirmed(self, connection: Connection, events: list[dict[str, Any]]) -> set[str]:
        channel = connection.channel()
        channel.confirm_select()
        acked: dict[int, bool] = {}
        returned: set[str] = set()

        def settle(ok: bool) -> Any:
            def callback(delivery_tag: int, multiple: bool, *args: Any) -> None:
                tags = range(1, delivery_tag + 1) if multiple else (delivery_tag,)
                for tag in tags:
                    acked.setdefault(tag, ok)

            return callback

        channel.events["basic_ack"].add(settle(True))
        channel.events["basic_nack"].add(settle(False))
        channel.events["basic_return"].add(
            lambda exc, exchange, routing_key, message: returned.add(
                message.properties.get("message_id", "")
            )
        )
        self._declare(channel, events)
        try:
            return self._send(connection, channel, events, acked, returned)
        finally:
            if returned:
                self._declared = set()  # a queue may have gone: declare them all again

    def _send(
        self,
        connection: Connection,
        channel: Any,
        events: list[dict[str, Any]],
        acked: dict[int, bool],
        returned: set[str],
    ) -> set[str]:
        for event in events:
            kind = EVENT_TYPES[event["type"]]
            body = json.dumps(event, ensure_ascii=False).encode("utf-8")
            message = channel.prepare_message(
                body,
                content_type="application/json",
                content_encoding="utf-8",
                headers={
                    "ce-id": event["id"],
                    "ce-type": event["type"],
                    "ce-tenant": event["tenant"],
                },
                properties={"delivery_mode": PERSISTENT, "message_id": event["id"]},
            )
            channel.basic_publish(
                message,
                exchange=event_exchange(kind.service, self.config).name,
                routing_key=kind.name,
                mandatory=True,
            )
        deadline = time.monotonic() + self.CONFIRM_TIMEOUT
        while len(acked) < len(events) and time.monotonic() < deadline:
            connection.drain_events(timeout=max(0.1, deadline - time.monotonic()))
        channel.close()
        return {
            event["id"]
            for tag, event in enumerate(events, start=1)
            if acked.get(tag) and event["id"] not in returned
        }

    def _declare(self, channel: Any, events: list[dict[str, Any]]) -> None:
        """The exchanges and every subscriber queue, so nothing is published into the void."""
        for kind in {EVENT_TYPES[event["type"]] for event in events}:
            if kind.type in self._declared:
                continue
            exchange = event_exchange(kind.service, self.config)
            exchange(channel).declare()
            for queue in subscriber_queues(kind, self.config):
                queue(channel).declare()
            self._declared.add(kind.type)


class Relay:
    """One pass over the outboxes of some collections; used by the nameko dependency below."""

    def __init__(self, db: Database, collections: tuple[str, ...], publisher: EventPublisher):
        self.db = db
        self.collections = collections
        self.publisher = publisher

    def run_once(self, batch: int = 500) -> int:
        """Publish the events of up to ``batch`` documents per collection as one confirmed batch
        (each document's events in their order), then remove what was confirmed."""
        published = 0
        still_pending = 0
        for name in self.collections:
            collection = self.db[name]
            documents = list(
                collection.find({PENDING: 1}, {"outbox": 1, "outbox_rev": 1}).limit(batch)
            )
            ordered = {doc["_id"]: _events_of(doc) for doc in documents}
            confirmed = self.publisher.publish_many(
                [event for events in ordered.values() for event in events]
            )
            sent, incomplete = self._settle(collection, documents, ordered, confirmed)
            published += sent
            still_pending += incomplete
        OUTBOX_LAG.labels(self.publisher.service).set(still_pending)
        return published

    def _settle(
        self,
        collection: Collection,
        documents: list[dict[str, Any]],
        ordered: dict[Any, list[dict[str, Any]]],
        confirmed: set[str],
    ) -> tuple[int, int]:
        """Remove the confirmed events. A document whose events were all confirmed (the usual
        case) is cleared by one ``update_many`` per ``outbox_rev`` value (``_id $in`` and that
        rev: the outbox then holds exactly what was read and published, so it is emptied and
        the flag cleared); the others get one update by ``_id`` each in one bulk write, the
        flag cleared only if no event is left or was added meanwhile (``outbox_rev``). Should a
        guarded update find the document moved on, the confirmed events are removed again
        without the flag (removing a removed key changes nothing).
        Returns (events published, documents still pending)."""
        cleared: dict[Any, list[Any]] = {}  # outbox_rev -> ids of documents fully published
        guarded: list[UpdateOne] = []
        plain: list[UpdateOne] = []
        again: list[UpdateOne] = []
        published = incomplete = 0
        for doc in documents:
            events = ordered[doc["_id"]]
            sent = [event["id"] for event in events if event["id"] in confirmed]
            complete = len(sent) == len(events)
            published += len(sent)
            incomplete += 0 if complete else 1
            guard = {"_id": doc["_id"], "outbox_rev": doc.get("outbox_rev")}
            removed = {f"outbox.{event_id}": "" for event_id in sent}
            if sent and complete:
                cleared.setdefault(doc.get("outbox_rev"), []).append(doc["_id"])
                again.append(UpdateOne({"_id": doc["_id"]}, {"$unset": removed}))
            elif sent:
                plain.append(UpdateOne({"_id": doc["_id"]}, {"$unset": removed}))
            elif complete:
                guarded.append(UpdateOne(guard, {"$set": {PENDING: 0}}))
        matched = expected = 0
        for rev, ids in cleared.items():
            done = collection.update_many(
                {"_id": {"$in": ids}, "outbox_rev": rev}, {"$set": {"outbox": {}, PENDING: 0}}
            )
            matched += done.matched_count
            expected += len(ids)
        if guarded or plain:
            collection.bulk_write(guarded + plain, ordered=False)
        if again and matched < expected:
            collection.bulk_write(again, ordered=False)
        return published, incomplete


def _events_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((doc.get("outbox") or {}).values(), key=lambda e: e["time"])


class OutboxRelay(DependencyProvider):
    """Runs the relay in the background; ``kick()`` after a write publishes without waiting.

    Every write of the service kicks, so the polls only catch what a kick missed (a crash
    between the commit and the kick, a broker outage): while passes find nothing the relay
    polls less and less often, from ``interval`` up to ``idle_interval`` seconds, and a kick or
    a pass that published brings it back to ``interval`` at once."""

    def __init__(
        self, *collections: str, interval: float = 1.0, idle_interval: float = 8.0
    ) -> None:
        self.collections = collections
        self.interval = interval
        self.idle_interval = max(interval, idle_interval)
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
        wait = self.interval
        while not self._stopping:
            kicked = self._wake.wait(wait)
            self._wake.clear()
            if self._stopping:
                break
            wait = next_wait(wait, self.interval, self.idle_interval, kicked, self._pass())
        if self.relay is not None:
            self.relay.publisher.close()

    def _pass(self) -> bool:
        """One relay pass; True when it published (a backlog: go on at once)."""
        try:
            if self.relay is not None and self.relay.run_once():
                self._wake.set()
                return True
        except Exception:  # the relay must outlive a broker or database outage
            log.exception("outbox relay pass failed; retrying")
        return False
