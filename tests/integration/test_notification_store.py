"""The notification store on the Mongo-compatible server: one message per key however often it
is planned, one worker per lease, expired leases taken over, replays and the log per tenant."""

from datetime import UTC, datetime, timedelta

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from services.notification.domain import BUSY, DEAD, DONE, PENDING, PLAN, SENDING, Notice
from services.notification.inbox_store import PLANNING_LEASE, AllTenantsPartnerFeed
from services.notification.records import Change
from services.notification.service import replay_dead, schedule
from services.notification.store import (
    AllTenantsDueMessages,
    AllTenantsSubscribedUnits,
    Stores,
    prepare,
)
from tests.integration.helpers import registered_event


def database(config):
    db = service_database(config, "notification")
    prepare(db)
    return db


def recognised(event_id: str, tenant: str = "20", path: str = "20/183/06184") -> Notice:
    return Notice(event_id, "recognised", tenant, path, {"subjectId": f"hh-{event_id}"})


def test_planning_again_adds_nothing_and_one_worker_holds_a_lease(config):
    db = database(config)
    s, queue = Stores.of(db, "20"), AllTenantsDueMessages(db)
    now = datetime.now(UTC)
    assert schedule(s, recognised("e1"), now) == 1
    assert schedule(s, recognised("e1"), now) == 0
    assert schedule(s, recognised("e1"), now) == 0
    (due,) = queue.due(now.timestamp(), 10)
    assert due.status == PENDING and due.recipient == "subject:hh-e1"
    # two workers read the same snapshot: exactly one wins
    assert [
        queue.claim(due, now.timestamp(), 60),
        queue.claim(due, now.timestamp(), 60),
    ] == [True, False]
    assert queue.due(now.timestamp() + 59, 10) == []
    (expired,) = queue.due(now.timestamp() + 61, 10)  # the worker died: taken over
    assert expired.status == SENDING
    assert queue.claim(expired, now.timestamp() + 61, 60)


def test_a_batch_is_leased_in_one_write_each_message_by_one_worker_only(config):
    db = database(config)
    s, queue = Stores.of(db, "20"), AllTenantsDueMessages(db)
    now = datetime.now(UTC)
    for n in range(5):
        schedule(s, recognised(f"b{n}"), now)
    due = queue.due(now.timestamp(), 10)
    assert len(due) == 5
    assert queue.claim(due[0], now.timestamp(), 60)  # another worker took one first
    # two workers read the same snapshot: each message is leased by exactly one
    first = queue.claim_many(due, now.timestamp(), 60)
    assert first == {m.id for m in due[1:]}
    assert queue.claim_many(due, now.timestamp(), 60) == set()
    assert queue.due(now.timestamp() + 59, 10) == []
    expired = queue.due(now.timestamp() + 61, 10)  # the workers died: taken over
    assert {m.status for m in expired} == {SENDING} and len(expired) == 5
    assert queue.claim_many(expired, now.timestamp() + 61, 60) == {m.id for m in due}
    assert queue.claim_many([], now.timestamp(), 60) == set()


def test_the_delivery_queue_serves_every_province(config):
    db = database(config)
    now = datetime.now(UTC)
    schedule(Stores.of(db, "20"), recognised("a"), now)
    schedule(Stores.of(db, "01"), recognised("b", tenant="01", path="01/001/00001"), now)
    due = AllTenantsDueMessages(db).due(now.timestamp(), 10)
    assert sorted((m.tenant, m.event_id) for m in due) == [("01", "b"), ("20", "a")]


def test_replay_and_the_log_stay_inside_their_tenant_and_subtree(config):
    db = database(config)
    lang_son, hanoi = Stores.of(db, "20"), Stores.of(db, "01")
    now = datetime.now(UTC)
    schedule(lang_son, recognised("a"), now)
    schedule(lang_son, recognised("b", path="20/183/06187"), now)
    schedule(hanoi, recognised("c", tenant="01", path="01/001/00001"), now)
    for message in AllTenantsDueMessages(db).due(now.timestamp(), 10):
        stores = Stores.of(db, message.tenant)
        stores.messages.update(message.id, Change(DEAD, "HTTP 500", tries=5))
    assert [m.event_id for m in lang_son.messages.log(UnitPath.parse("20/183/06184"))] == ["a"]
    assert sorted(m.event_id for m in lang_son.messages.log(UnitPath.parse("20/183"))) == [
        "a",
        "b",
    ]
    (logged, _) = lang_son.messages.log(UnitPath.parse("20"), status=DEAD)
    assert (logged.attempts, logged.reason) == (5, "HTTP 500")
    assert hanoi.messages.log(UnitPath.parse("20/183")) == []
    revived = replay_dead(lang_son.messages, None, now)
    assert len(revived) == 2
    assert replay_dead(lang_son.messages, None, now) == []  # no longer DEAD
    raw = db["messages"].find({})
    statuses = {m["event_id"]: (m["status"], m["attempts"]) for m in raw}
    assert statuses == {"a": (PENDING, 0), "b": (PENDING, 0), "c": (DEAD, 5)}


def test_one_delivery_of_an_event_plans_it_and_a_crashed_planner_is_taken_over(config):
    """Deliveries of one event racing each other: the first plans, the others wait (BUSY)
    until it is planned (DONE); if the planner died, the lease runs out and one takes over."""
    s = Stores.of(database(config), "20")
    now = datetime.now(UTC)
    first, second = (
        Envelope.from_dict(registered_event("hh-1")),
        Envelope.from_dict(registered_event("hh-2")),
    )
    assert s.inbox.receive(first, now) == PLAN
    assert s.inbox.receive(first, now) == BUSY  # the first delivery is still planning
    s.inbox.mark_planned(first.id)
    assert s.inbox.receive(first, now) == DONE

    assert s.inbox.receive(second, now) == PLAN  # ... and its planner dies here
    later = now + timedelta(seconds=PLANNING_LEASE - 1)
    assert s.inbox.receive(second, later) == BUSY
    expired = now + timedelta(seconds=PLANNING_LEASE + 1)
    assert [s.inbox.receive(second, expired), s.inbox.receive(second, expired)] == [PLAN, BUSY]


def test_the_partner_feed_and_the_reminder_units_span_every_province(config):
    db = database(config)
    now = datetime.now(UTC)
    ours = Envelope.from_dict(registered_event("hh-20", "20/183/06184"))
    theirs = Envelope.from_dict(registered_event("hh-01", "01/001/00001"))
    Stores.of(db, "20").inbox.receive(ours, now)
    Stores.of(db, "01").inbox.receive(theirs, now)
    feed = AllTenantsPartnerFeed(db)
    pending = feed.pending(10)
    assert sorted(e.tenant for e in pending) == ["01", "20"]
    assert Stores.of(db, "20").inbox.get(ours.id) == next(e for e in pending if e.id == ours.id)
    feed.published(ours.id)
    assert [e.id for e in feed.pending(10)] == [theirs.id]

    for tenant, code, path in (("20", "06184", "20/183/06184"), ("01", "00001", "01/001/00001")):
        subscriptions = Stores.of(db, tenant).subscriptions
        subscriptions.subscribe(code, path, "a@example.vn", "A", [])
        subscriptions.subscribe(code, path, "b@example.vn", "B", [])
    units = AllTenantsSubscribedUnits(db).units()
    assert sorted((u.tenant, u.unit_code) for u in units) == [("01", "00001"), ("20", "06184")]


def test_a_batch_is_kept_in_one_insert_and_events_kept_before_are_claimed_one_by_one(config):
    db = database(config)
    s = Stores.of(db, "20")
    now = datetime.now(UTC)
    planned, planning, new = (
        Envelope.from_dict(registered_event(f"hh-{i}")) for i in ("planned", "planning", "new")
    )
    s.inbox.receive(planned, now)
    s.inbox.mark_planned(planned.id)
    s.inbox.receive(planning, now)  # another delivery holds its lease
    claims = s.inbox.receive_many([planned, planning, new], now)
    assert claims == {planned.id: DONE, planning.id: BUSY, new.id: PLAN}
    s.inbox.mark_planned_many([new.id])
    assert s.inbox.receive_many([new], now) == {new.id: DONE}
    feed = AllTenantsPartnerFeed(db)
    assert {e.id for e in feed.pending(10)} == {planned.id, planning.id, new.id}
    feed.published_many([planned.id, new.id])
    assert [e.id for e in feed.pending(10)] == [planning.id]
    assert Stores.of(db, "01").inbox.receive_many([], now) == {}
