"""The notification store on the Mongo-compatible server: one message per key however often it
is planned, one worker per lease, expired leases taken over, replays and the log per tenant."""

from datetime import UTC, datetime

from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from services.notification.domain import DEAD, PENDING, SENDING, Notice
from services.notification.service import replay_dead, schedule
from services.notification.store import Stores, prepare


def stores(config) -> Stores:
    db = service_database(config, "notification")
    prepare(db)
    return Stores(db)


def recognised(event_id: str, tenant: str = "20", path: str = "20/183/06184") -> Notice:
    return Notice(event_id, "recognised", tenant, path, {"subjectId": f"hh-{event_id}"})


def test_planning_again_adds_nothing_and_one_worker_holds_a_lease(config):
    s = stores(config)
    now = datetime.now(UTC)
    assert schedule(s, recognised("e1"), now) == 1
    assert schedule(s, recognised("e1"), now) == 0
    assert schedule(s, recognised("e1"), now) == 0
    (due,) = s.messages.due(now.timestamp(), 10)
    assert due["status"] == PENDING
    # two workers read the same snapshot: exactly one wins
    assert [
        s.messages.claim(due, now.timestamp(), 60),
        s.messages.claim(due, now.timestamp(), 60),
    ] == [True, False]
    assert s.messages.due(now.timestamp() + 59, 10) == []
    (expired,) = s.messages.due(now.timestamp() + 61, 10)  # the worker died: taken over
    assert expired["status"] == SENDING
    assert s.messages.claim(expired, now.timestamp() + 61, 60)


def test_replay_and_the_log_stay_inside_their_tenant_and_subtree(config):
    s = stores(config)
    now = datetime.now(UTC)
    schedule(s, recognised("a"), now)
    schedule(s, recognised("b", path="20/183/06187"), now)
    schedule(s, recognised("c", tenant="01", path="01/001/00001"), now)
    for message in s.messages.messages.find({}):
        s.messages.update(message["_id"], {"status": DEAD, "reason": "HTTP 500"}, attempts=5)
    assert [m["event_id"] for m in s.messages.log("20", UnitPath.parse("20/183/06184"))] == ["a"]
    assert sorted(m["event_id"] for m in s.messages.log("20", UnitPath.parse("20/183"))) == [
        "a",
        "b",
    ]
    assert s.messages.log("01", UnitPath.parse("20/183")) == []
    revived = replay_dead(s.messages, "20", None, now)
    assert len(revived) == 2
    assert replay_dead(s.messages, "20", None, now) == []  # no longer DEAD
    statuses = {m["event_id"]: (m["status"], m["attempts"]) for m in s.messages.messages.find({})}
    assert statuses == {"a": (PENDING, 0), "b": (PENDING, 0), "c": (DEAD, 5)}


def test_one_delivery_of_an_event_plans_it_and_a_crashed_planner_is_taken_over(config):
    """Deliveries of one event racing each other: the first plans, the others wait (BUSY)
    until it is planned (DONE); if the planner died, the lease runs out and one takes over."""
    from datetime import timedelta

    from khuyenhoc.envelope import Envelope
    from services.notification.domain import BUSY, DONE, PLAN
    from services.notification.inbox import PLANNING_LEASE
    from tests.integration.helpers import registered_event

    s = stores(config)
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
