"""Scoring's consumer over the real broker: idempotent, dead-lettering, never stuck."""

import json
from datetime import UTC, datetime

from nameko.testing.services import entrypoint_waiter

from khuyenhoc.envelope import Envelope
from khuyenhoc.events import REGISTERED
from khuyenhoc.messaging import DUPLICATE, PROCESSED
from khuyenhoc.storage import TenantDatabase, service_database
from services.scoring import store
from services.scoring.domain import Assessment, enrolment_change, stage_change
from services.scoring.entrypoint import ScoringService
from services.scoring.service import apply_enrolment_event
from tests.conftest import wait_until
from tests.integration.helpers import (
    dead_letters,
    publish,
    publish_raw,
    registered_count,
    registered_event,
    withdrawn_event,
)

COMMUNE, DISTRICT, PROVINCE = "20/183/06184", "20/183", "20"


def start_scoring(container_factory, config):
    container = container_factory(ScoringService, config)
    container.start()
    return container


def test_a_redelivered_event_is_counted_once(container_factory, config):
    container = start_scoring(container_factory, config)
    event = registered_event("hh-1")
    with entrypoint_waiter(container, "on_registered", timeout=15) as first:
        publish(config, event)
    assert first.get() == {event["id"]: PROCESSED}
    for _ in range(2):  # the broker may deliver the same event again: it changes nothing
        with entrypoint_waiter(container, "on_registered", timeout=15) as again:
            publish(config, event)
        assert again.get() == {event["id"]: DUPLICATE}
    for path in (COMMUNE, DISTRICT, PROVINCE):
        assert registered_count(config, path) == 1


def test_the_same_enrolment_in_another_event_is_not_counted_again(container_factory, config):
    start_scoring(container_factory, config)
    publish(config, registered_event("hh-1"))
    publish(config, registered_event("hh-1"))  # a new event id, the same enrolment
    publish(config, registered_event("hh-3"))
    wait_until(lambda: registered_count(config, COMMUNE) == 2, what="two enrolments counted")
    assessments = service_database(config, "scoring").assessments
    assert assessments.find_one({"_id": "20-FAMILY-2024-hh-1"})["status"] == "REGISTERED"


def test_poison_messages_are_dead_lettered_and_the_consumer_goes_on(container_factory, config):
    start_scoring(container_factory, config)
    bad_year = registered_event("hh-9")
    bad_year["data"]["year"] = 1800
    other_tenant = registered_event("hh-8", commune_path="99/001/00001")
    future_major = {**registered_event("hh-7"), "type": "vn.khuyenhoc.registration.registered.v9"}
    for poison in (bad_year, other_tenant, future_major):
        publish_raw(config, poison, REGISTERED)
    publish_raw(config, b"{not json", REGISTERED, content_type="application/json")
    publish_raw(config, b"\x00\x01", REGISTERED, content_type="application/x-unknown")
    publish(config, registered_event("hh-1"))
    wait_until(lambda: registered_count(config, COMMUNE) == 1, what="the good event")

    parked = []
    wait_until(lambda: parked.extend(dead_letters(config, "scoring")) or len(parked) == 5)
    raw = {body: headers["x-death-reason"] for body, headers in parked}
    assert "undecodable" in raw.pop(b"{not json") and "undecodable" in raw.pop(b"\x00\x01")
    reasons = {json.loads(body)["id"]: reason for body, reason in raw.items()}
    assert "data.year" in reasons[bad_year["id"]]
    assert "unknown tenant" in reasons[other_tenant["id"]]
    assert "unsupported event type" in reasons[future_major["id"]]
    for _, headers in parked[:3]:
        assert headers["x-original-queue"] == "evt-registration-registered--scoring.on_registered"
    assert registered_count(config, COMMUNE) == 1


def test_an_event_published_while_scoring_is_down_is_processed_when_it_returns(
    container_factory, config
):
    container = start_scoring(container_factory, config)  # declares its queue, as in production
    container.stop()
    publish(config, registered_event("hh-1"))
    assert registered_count(config, COMMUNE) == 0
    start_scoring(container_factory, config)
    wait_until(lambda: registered_count(config, COMMUNE) == 1, what="the queued event")


def tenant_store(db, tenant="20"):
    return store.Assessments(TenantDatabase(db, tenant))


def crash_after_counting(db, assessment, event):
    """The state a crash leaves between the counter update and the clean-up."""
    now = datetime.now(UTC)
    change = enrolment_change(None, assessment, event["id"], "registered", event["time"], now)
    assert tenant_store(db)._write(None, change)
    db.counters.update_one(
        {"_id": assessment.counter_id},
        {
            "$inc": {"registered": 1},
            "$set": {f"applied.{event['id']}": 1},
            "$setOnInsert": assessment.counter_identity(),
        },
        upsert=True,
    )


def test_a_crash_between_counting_and_cleaning_up_does_not_count_twice(config):
    """Replays the exact crash window of the store's protocol, on the real server."""
    db = service_database(config, "scoring")
    store.prepare(db)
    assessments = tenant_store(db)
    event = registered_event("hh-1")
    assessment = Assessment.opened_by(Envelope.from_dict(event))
    crash_after_counting(db, assessment, event)
    envelope = Envelope.from_dict(event)
    assert apply_enrolment_event(assessments, envelope, "registered") is True  # finishes the job
    assert apply_enrolment_event(assessments, envelope, "registered") is False  # then nothing
    assert registered_count(config, COMMUNE) == 1
    counter = db.counters.find_one({"_id": assessment.counter_id})
    assert counter.get("applied", {}) == {}  # the in-flight marker was cleaned up
    assert db.assessments.find_one({"_id": assessment.id}).get("pending", {}) == {}


def test_withdrawal_uncounts_and_a_stale_registration_is_ignored(container_factory, config):
    container = start_scoring(container_factory, config)
    registered = registered_event("hh-1")
    withdrawn = withdrawn_event(registered)
    with entrypoint_waiter(container, "on_registered", timeout=15):
        publish(config, registered)
    assert registered_count(config, COMMUNE) == 1
    with entrypoint_waiter(container, "on_withdrawn", timeout=15) as result:
        publish(config, withdrawn)
    assert result.get() == {withdrawn["id"]: PROCESSED} and registered_count(config, DISTRICT) == 0
    with entrypoint_waiter(container, "on_registered", timeout=15) as late:
        publish(config, registered)  # the old registration delivered again, after the withdrawal
    assert late.get() == {registered["id"]: DUPLICATE} and registered_count(config, COMMUNE) == 0
    again = registered_event("hh-1")  # registered anew: counts again
    with entrypoint_waiter(container, "on_registered", timeout=15) as result:
        publish(config, again)
    assert result.get() == {again["id"]: PROCESSED} and registered_count(config, PROVINCE) == 1


def test_a_withdrawal_that_overtakes_its_registration(container_factory, config):
    container = start_scoring(container_factory, config)
    registered = registered_event("hh-2")
    with entrypoint_waiter(container, "on_withdrawn", timeout=15):
        publish(config, withdrawn_event(registered))
    with entrypoint_waiter(container, "on_registered", timeout=15) as late:
        publish(config, registered)
    assert late.get() == {registered["id"]: DUPLICATE} and registered_count(config, COMMUNE) == 0


def test_dead_letters_are_listed_and_replayed_after_the_fix(container_factory, config):
    """Province 99 was not yet served: its event is parked; once scoring serves 99, the
    operator replays it and it is counted."""
    from khuyenhoc import deadletters

    container = start_scoring(container_factory, config)
    stranger = registered_event("hh-99", commune_path="99/001/00001")
    publish_raw(config, stranger, REGISTERED)
    letters = wait_until(lambda: deadletters.peek(config["AMQP_URI"], "scoring"))
    assert "unknown tenant" in letters[0].reason
    assert (letters[0].exchange, letters[0].routing_key) == ("registration.events", "registered")
    assert len(deadletters.peek(config["AMQP_URI"], "scoring")) == 1  # listing keeps them
    container.stop()

    start_scoring(container_factory, {**config, "KHUYENHOC_TENANTS": "20,99"})
    assert deadletters.replay(config["AMQP_URI"], "scoring") == (1, 0)
    wait_until(lambda: registered_count(config, "99") == 1, what="the replayed event")
    assert deadletters.peek(config["AMQP_URI"], "scoring") == []


def test_a_dead_letter_that_cannot_be_routed_stays(config):
    from kombu import Connection

    from khuyenhoc import deadletters
    from khuyenhoc.topology import DEAD_LETTER_EXCHANGE, dead_letter_queue

    with Connection(config["AMQP_URI"]) as connection:  # a letter from an exchange with no queue
        connection.Producer().publish(
            b'{"x": 1}',
            exchange=DEAD_LETTER_EXCHANGE,
            routing_key="scoring",
            declare=[dead_letter_queue("scoring")],
            content_type="application/json",
            headers={
                "x-original-exchange": "registration.events",
                "x-original-routing-key": "no-such-key",
                "x-death-reason": "test",
            },
        )
    assert deadletters.replay(config["AMQP_URI"], "scoring") == (0, 1)
    assert len(deadletters.peek(config["AMQP_URI"], "scoring")) == 1


def test_a_change_committed_by_a_process_that_died_is_counted_by_the_sweep(config):
    """A request commits a recognition, then its process dies before counting it: nobody will
    redeliver a request, so the sweep counts it — once, and only once it is old enough."""
    from services.scoring.domain import MEMBERS_RECOGNISED, members_counter_id

    db = service_database(config, "scoring")
    store.prepare(db)
    assessments = tenant_store(db)
    event = registered_event("ci-1")
    event["data"].update(subjectKind="citizen", title="CITIZEN", memberOf="lu-00000000000000000001")
    event["data"]["enrolmentId"] = "20-CITIZEN-2024-ci-1"
    assessment = Assessment.opened_by(Envelope.from_dict(event))
    apply_enrolment_event(assessments, Envelope.from_dict(event), "registered")
    current = assessments.get(assessment.id)
    recognition = {"level": None, "decision_number": "1/QĐ", "valid_until": None}
    change = stage_change(current, assessment.id, "recognition", recognition, "change-1")
    assert change.moved == {"recognised": 1}
    assert assessments._write(current, change)  # ... and the process dies here

    def counted():
        unit = db.counters.find_one({"_id": members_counter_id("20", assessment.member_of, 2024)})
        own = db.counters.find_one({"_id": assessment.counter_id})
        return (unit or {}).get(MEMBERS_RECOGNISED, 0), own.get("recognised", 0)

    sweep = store.AllTenantsPendingChanges(db)
    assert counted() == (0, 0)
    assert sweep.settle_stale() == 0  # young: left to the request that made it
    assert sweep.settle_stale(older_than=-1) == 1
    assert sweep.settle_stale(older_than=-1) == 0  # nothing left, nothing counted twice
    assert counted() == (1, 1)
    after = db.assessments.find_one({"_id": assessment.id})
    assert after["pending"] == {} and after["pending_count"] == 0
    assert assessments.members_recognised(assessment.member_of, 2024) == 1
