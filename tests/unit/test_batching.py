"""Batched consuming, the parts decided without I/O: what the method sees and how each message
is counted; scoring's batch of ``registered`` over in-memory stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from khuyenhoc.batching import Delivered, distinct, outcomes
from khuyenhoc.envelope import Envelope
from khuyenhoc.messaging import DUPLICATE, PROCESSED
from khuyenhoc.tenancy import UnitPath
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import consumers
from tests.fakes_scoring import FakeAssessments

NOW = datetime(2024, 11, 20, 8, 0, tzinfo=UTC)


def enrolment(subject: str, commune: str = "20/183/06184") -> Enrolment:
    return Enrolment(subject, SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, UnitPath.parse(commune))


def registered(subject: str, at: datetime = NOW, commune: str = "20/183/06184") -> Envelope:
    return Envelope.from_dict(enrolment(subject, commune).registered_event(at))


def withdrawn(subject: str, at: datetime) -> Envelope:
    return Envelope.from_dict(enrolment(subject).withdrawn_event(at, ""))


def delivered(*envelopes: Envelope) -> list[Delivered]:
    return [Delivered(message=object(), envelope=e) for e in envelopes]


def test_the_method_sees_each_event_once_in_delivery_order():
    a, b = registered("hh-1"), registered("hh-2")
    assert [e.id for e in distinct(delivered(a, b, a))] == [a.id, b.id]


def test_each_message_is_counted_and_a_copy_in_the_batch_is_a_duplicate():
    a, b, c = registered("hh-1"), registered("hh-2"), registered("hh-3")
    batch = delivered(a, b, a, c)
    assert outcomes(batch, {b.id: DUPLICATE}) == [PROCESSED, DUPLICATE, DUPLICATE, PROCESSED]
    assert outcomes(batch, None) == [PROCESSED, PROCESSED, DUPLICATE, PROCESSED]


def family_registered(assessments: FakeAssessments) -> int:
    path = UnitPath.parse("20")
    return sum(c.get("registered", 0) for c in assessments.unit_counters(path, 2024))


def test_a_batch_of_registrations_opens_each_once():
    assessments = FakeAssessments()
    events = [registered(f"hh-{i}", commune=f"20/183/0618{i % 3}") for i in range(9)]
    changed = consumers.apply_enrolment_events(assessments, events, "registered", NOW)
    assert changed == {e.id: True for e in events} and family_registered(assessments) == 9
    again = consumers.apply_enrolment_events(assessments, events, "registered", NOW)
    assert again == {e.id: False for e in events} and family_registered(assessments) == 9


def test_the_same_enrolment_twice_in_a_batch_and_a_withdrawal_are_applied_in_order():
    assessments = FakeAssessments()
    first = registered("hh-1")
    consumers.apply_enrolment_events(
        assessments, [withdrawn("hh-2", NOW + timedelta(minutes=1))], "withdrawn", NOW
    )
    again = registered("hh-1", NOW + timedelta(minutes=5))  # another event, same enrolment
    late = registered("hh-2")  # overtaken by its withdrawal: changes nothing
    changed = consumers.apply_enrolment_events(
        assessments, [first, again, late, registered("hh-3")], "registered", NOW
    )
    # the second registration of an open enrolment changes nothing, nor does the late one
    assert [changed[e.id] for e in (first, again, late)] == [True, False, False]
    assert family_registered(assessments) == 2


def test_dependents_are_refreshed_together_each_enrolment_once(monkeypatch):
    batches: list[list[str]] = []

    def many(assessments, sets, ids):
        batches.append(list(ids))
        return []

    monkeypatch.setattr(consumers.service, "refresh_dependents_many", many)
    found = consumers.refresh_dependents(FakeAssessments(), [], ["a", "b", "a"])
    assert batches == [["a", "b"]] and found == {"a": False, "b": False}
