"""Batched consuming (khuyenhoc.batching) over the real broker and store, through scoring's
``registered`` consumer: events wait in the queue while scoring is down, so the first batch
fills; every one is counted exactly once whatever happens to the batch."""

from __future__ import annotations

import json

import eventlet

from khuyenhoc.events import REGISTERED
from khuyenhoc.messaging import DEAD_LETTERED, DUPLICATE, REQUEUED
from khuyenhoc.metrics import EVENTS_CONSUMED
from khuyenhoc.outbox import EventPublisher
from khuyenhoc.storage import StoreUnavailable, service_database
from services.scoring import consumers
from services.scoring.entrypoint import ScoringService
from tests.conftest import wait_until
from tests.integration.helpers import dead_letters, publish_raw, registered_count, registered_event

COMMUNE = "20/183/06184"


def consumed(outcome: str) -> float:
    return EVENTS_CONSUMED.labels("scoring", REGISTERED.name, "20", outcome)._value.get()


def publish_all(config, events) -> None:
    confirmed = EventPublisher(config, "registration").publish_many(events)
    assert confirmed == {event["id"] for event in events}


def nothing_pending(config) -> bool:
    db = service_database(config, "scoring")
    return db.assessments.count_documents({"pending_count": {"$gt": 0}}) == 0


def test_a_batch_is_one_call_and_each_event_counts_once(container_factory, config, monkeypatch):
    events = [registered_event(f"hh-{i}") for i in range(30)]
    publish_all(config, [*events, events[3]])  # the same event twice in one batch
    real = consumers.apply_enrolment_events
    calls: list[list[str]] = []

    def recorded(assessments, batch, name):
        calls.append([event.id for event in batch])
        return real(assessments, batch, name)

    monkeypatch.setattr(consumers, "apply_enrolment_events", recorded)
    duplicates = consumed(DUPLICATE)
    container_factory(ScoringService, config).start()
    wait_until(lambda: registered_count(config, COMMUNE) == 30, what="all counted")
    # one call in the usual case (a slow machine may split the batch where it waited too long)
    assert len(calls) < 5 and set(sum(calls, [])) == {e["id"] for e in events}
    wait_until(lambda: consumed(DUPLICATE) == duplicates + 1, what="the copy counted duplicate")
    assert nothing_pending(config) and registered_count(config, COMMUNE) == 30


def test_a_poison_message_in_a_batch_is_dead_lettered_alone(container_factory, config):
    good = [registered_event(f"hh-{i}") for i in range(5)]
    poison = registered_event("hh-poison")
    poison["data"]["year"] = 1800
    publish_all(config, good[:2])
    publish_raw(config, poison, REGISTERED)
    publish_all(config, good[2:])
    container_factory(ScoringService, config).start()
    wait_until(lambda: registered_count(config, COMMUNE) == 5, what="the good events")
    parked: list = []
    wait_until(lambda: parked.extend(dead_letters(config, "scoring")) or len(parked) == 1)
    assert json.loads(parked[0][0])["id"] == poison["id"]


def test_a_transient_error_requeues_the_batch_and_it_is_applied_once(
    container_factory, config, monkeypatch
):
    events = [registered_event(f"hh-{i}") for i in range(20)]
    publish_all(config, events)
    real = consumers.apply_enrolment_events
    calls: list[int] = []

    def database_away_once(assessments, batch, name):
        calls.append(len(batch))
        if len(calls) == 1:
            real(assessments, batch[:7], name)  # part of it written, then the database goes
            raise StoreUnavailable("nx-27017 went away")
        return real(assessments, batch, name)

    monkeypatch.setattr(consumers, "apply_enrolment_events", database_away_once)
    requeued = consumed(REQUEUED)
    container_factory(ScoringService, config).start()
    wait_until(lambda: registered_count(config, COMMUNE) == 20, timeout=30, what="all counted")
    assert consumed(REQUEUED) == requeued + calls[0]  # the whole (first) batch
    wait_until(lambda: nothing_pending(config), what="nothing left to settle")
    assert registered_count(config, COMMUNE) == 20


def test_a_bug_on_one_event_dead_letters_only_that_one(container_factory, config, monkeypatch):
    events = [registered_event(f"hh-{i}") for i in range(10)]
    bad = events[4]["id"]
    publish_all(config, events)
    real = consumers.apply_enrolment_events

    def buggy(assessments, batch, name):
        if any(event.id == bad for event in batch):
            raise KeyError("a bug this event triggers")
        return real(assessments, batch, name)

    monkeypatch.setattr(consumers, "apply_enrolment_events", buggy)
    dead = consumed(DEAD_LETTERED)
    container_factory(ScoringService, config).start()
    wait_until(lambda: registered_count(config, COMMUNE) == 9, what="the nine others")
    parked: list = []
    wait_until(lambda: parked.extend(dead_letters(config, "scoring")) or len(parked) == 1)
    assert json.loads(parked[0][0])["id"] == bad
    assert "KeyError" in parked[0][1]["x-death-reason"]
    assert consumed(DEAD_LETTERED) == dead + 1


def test_a_process_killed_after_the_write_and_before_the_ack_counts_nothing_twice(
    container_factory, config, monkeypatch
):
    """The batch is written, the process dies before acking: the broker delivers the batch
    again to the next process, which finds it applied."""
    events = [registered_event(f"hh-{i}") for i in range(25)]
    publish_all(config, events)
    real = consumers.apply_enrolment_events
    written = eventlet.Event()

    def dies_before_ack(assessments, batch, name):
        outcome = real(assessments, batch, name)
        written.send(True)
        eventlet.sleep(60)  # the process is killed here
        return outcome

    monkeypatch.setattr(consumers, "apply_enrolment_events", dies_before_ack)
    first = container_factory(ScoringService, config)
    first.start()
    written.wait()
    wait_until(lambda: registered_count(config, COMMUNE) == 25, what="every batch written")
    first.kill()
    monkeypatch.setattr(consumers, "apply_enrolment_events", real)
    duplicates = consumed(DUPLICATE)
    container_factory(ScoringService, config).start()
    wait_until(lambda: consumed(DUPLICATE) == duplicates + 25, what="the batch found applied")
    assert registered_count(config, COMMUNE) == 25 and nothing_pending(config)


def test_a_message_that_keeps_failing_is_dead_lettered_after_the_delivery_limit(
    container_factory, config, monkeypatch
):
    """No endless redelivery: each transient failure puts the message back counted, with a
    growing pause; at the limit it goes to the dead letters with the last error, and the
    events behind it flow."""
    config = {
        **config,
        "REDELIVERY": {"MAX_ATTEMPTS": 4, "BACKOFF_SECONDS": 0.05, "BACKOFF_CAP_SECONDS": 0.1},
    }
    stuck = registered_event("hh-stuck")
    good = [registered_event(f"hh-{i}") for i in range(3)]
    real = consumers.apply_enrolment_events
    tries: list[str] = []

    def always_away_for_one(assessments, batch, name):
        if any(event.id == stuck["id"] for event in batch):
            tries.append(stuck["id"])
            raise StoreUnavailable("nx-27017 went away")
        return real(assessments, batch, name)

    monkeypatch.setattr(consumers, "apply_enrolment_events", always_away_for_one)
    publish_all(config, [stuck])
    container_factory(ScoringService, config).start()
    parked: list = []
    wait_until(lambda: parked.extend(dead_letters(config, "scoring")) or parked, timeout=30)
    body, reason = parked[0][0], parked[0][1]["x-death-reason"]
    assert json.loads(body)["id"] == stuck["id"]
    assert reason == "gave up after 4 attempts; last error: ConnectionFailure: nx-27017 went away"
    assert len(tries) == 4
    publish_all(config, good)
    wait_until(lambda: registered_count(config, COMMUNE) == 3, what="the events behind it")
    assert len(tries) == 4 and dead_letters(config, "scoring") == []
