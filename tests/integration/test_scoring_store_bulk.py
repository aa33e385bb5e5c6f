"""Scoring's bulk path on the server the tests run on: the finds nx-27017 must answer from an
index (pinned with ``explain``), ``Assessments.commit_many`` counting each change once with its
event written once (also when a write loses to another writer, and when the process dies
between two of its steps: the sweep finishes it), and a list review and a decision of a few
hundred subjects through it: figures exact, each event once, a retried request writing
nothing new."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantCollection, TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import service, store
from services.scoring.criteria_sets import load_file
from services.scoring.domain import scored_event, stage_change
from services.scoring.domain.list_review import RECORDED, ListReviewRequest, ReviewRow
from services.scoring.list_review import record_list_review
from tests.integration.helpers import registered_event

FAMILY = load_file(Path(__file__).parents[1] / "data" / "criteria" / "20" / "family-adapted.yaml")
# the same set with titles lasting three years: a decision then reads the subjects' earlier titles
LASTING = [replace(s, validity_years=3) for s in FAMILY]
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
COMMUNE = UnitPath.parse("20/183/06184")
REVIEWED = datetime(2024, 12, 10, tzinfo=UTC)
DECIDED = datetime(2025, 1, 20, tzinfo=UTC)
MANY = 300


@pytest.fixture
def db(config):
    db = service_database(config, "scoring")
    store.prepare(db)
    return db


def enrol(assessments, count, first=0, commune=str(COMMUNE)):
    ids = []
    for n in range(first, first + count):
        event = Envelope.from_dict(registered_event(f"hh-{n}", commune))
        assert service.apply_enrolment_event(assessments, event, "registered")
        ids.append(event.data["enrolmentId"])
    return ids


def figures(assessments, path=COMMUNE, year=2024):
    return service.unit_stats(assessments, path, year).get("FAMILY", {})


def review_request(ids, document_id="BB-1"):
    return ListReviewRequest(
        tenant="20",
        unit_code=COMMUNE.code,
        unit_path=str(COMMUNE),
        title="FAMILY",
        year=2024,
        document_id=document_id,
        meeting_date=date(2024, 12, 5),
        minutes="Hội nghị bình xét của thị trấn.",
        rows=tuple(ReviewRow(e, answers=GOOD) for e in ids),
    )


def events_named(db, name):
    """Every event the assessments' outboxes hold (published or not), by id."""
    found = []
    for doc in db.assessments.find({"tenant": "20"}, {"outbox": 1}):
        found += [e["id"] for e in (doc.get("outbox") or {}).values() if f".{name}.v" in e["type"]]
    return found


def versions(db):
    return {d["_id"]: d["version"] for d in db.assessments.find({"tenant": "20"}, {"version": 1})}


def review_items(records, tag="r"):
    """One review change per assessment, each with its ``scored`` event, as list review makes."""
    items = []
    verdict = {"status": "ELIGIBLE", "level": 1, "total": 90, "set_id": "s", "provisional": False}
    for record in records:
        change_id = f"{tag}-{record.id}"
        event = {**scored_event(record, "review", verdict, REVIEWED), "id": change_id}

        def decide(current, record=record, change_id=change_id, event=event, verdict=verdict):
            stage = {"verdict": verdict, "meeting_date": "2024-12-05"}
            return stage_change(current, record.id, "review", stage, change_id, event)

        items.append((record.id, change_id, decide))
    return items


# -- indexes nx-27017 uses ------------------------------------------------------------------------


class RecordingFinds:
    """A tenant collection that remembers the filters its finds sent (as narrowed)."""

    def __init__(self, collection: TenantCollection) -> None:
        self.collection, self.filters = collection, []

    def __getattr__(self, name):
        return getattr(self.collection, name)

    def find(self, filter=None, *args, **kwargs):
        self.filters.append(self.collection._narrow(dict(filter or {})))
        return self.collection.find(filter, *args, **kwargs)


def test_the_hot_finds_are_answered_from_an_index(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    enrol(assessments, 40)
    enrol(assessments, 40, first=100, commune="20/183/06187")
    plain = db.assessments.find({"tenant": "20"}).explain()["queryPlanner"]["winningPlan"]
    if not (isinstance(plain, list) and plain and "detail" in plain[0]):
        pytest.skip("explain() of a MongoDB server: these plans are nx-27017's (SQLite)")
    recording = RecordingFinds(assessments.assessments)
    assessments.assessments = recording
    assert len(assessments.of_subject("hh-3")) == 1
    assert len(assessments.of_subjects(["hh-4", "hh-104", "hh-nobody"])) == 2
    assert len(assessments.under_unit("06187", "FAMILY", 2024)) == 40
    assert len(recording.filters) == 5
    for narrowed in recording.filters:
        plan = db.assessments.find(narrowed).explain()["queryPlanner"]["winningPlan"]
        details = " ".join(step["detail"] for step in plan)
        field = "subject_id" if "subject_id" in narrowed else "unit_code"
        assert f"USING INDEX idx_assessments_{field}" in details, (narrowed, details)


# -- commit_many ---------------------------------------------------------------------------------


def test_many_changes_are_counted_once_each_with_their_event(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    ids = enrol(assessments, MANY)
    records = list(assessments.by_ids(ids).values())
    written = assessments.commit_many(review_items(records))
    assert [w.id for w in written] == [r.id for r in records]
    assert all(w.review and w.version == 2 for w in written)  # opened at 1, reviewed
    assert (figures(assessments)["registered"], figures(assessments)["reviewed"]) == (MANY, MANY)
    scored = events_named(db, "scored")
    assert len(scored) == len(set(scored)) == MANY
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0
    counter = db.counters.find_one({"tenant": "20", "unit_code": COMMUNE.code, "year": 2024})
    assert not counter.get("applied")  # only in-flight markers live on a counter


def test_a_change_that_loses_its_write_is_decided_again_and_counted_once(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    ids = enrol(assessments, 5)
    records = list(assessments.by_ids(ids).values())
    items = review_items(records)
    moved = records[2].id
    (_, change_id, decide) = items[2]
    calls = []

    def overtaken(current):  # another writer moves the assessment after our read
        calls.append(current.version)
        if len(calls) == 1:
            db.assessments.update_one({"_id": moved}, {"$inc": {"version": 1}})
        return decide(current)

    items[2] = (moved, change_id, overtaken)
    written = assessments.commit_many(items)
    assert calls == [1, 2]  # decided on the first read, then again on the moved assessment
    assert written[2].version == 3 and all(w.review for w in written)
    assert figures(assessments)["reviewed"] == 5
    assert sorted(events_named(db, "scored")) == sorted(i[1] for i in items)


class Crash(RuntimeError):
    pass


class CrashingUpdates:
    """A tenant collection whose updates die at the ``crash_at``-th call (a process dying
    between two writes); everything else is the real collection."""

    def __init__(self, collection, crash_at):
        self.collection, self.calls, self.crash_at = collection, 0, crash_at

    def __getattr__(self, name):
        return getattr(self.collection, name)

    def update_each(self, *args, **kwargs):
        self._tick()
        return self.collection.update_each(*args, **kwargs)

    def update_one(self, *args, **kwargs):
        self._tick()
        return self.collection.update_one(*args, **kwargs)

    def _tick(self):
        self.calls += 1
        if self.calls == self.crash_at:
            raise Crash


@pytest.mark.parametrize(
    ("collection", "crash_at"),
    [("counters", 1), ("assessments", 2), ("counters", 2)],
    ids=["after-the-write", "after-counting", "before-forgetting-markers"],
)
def test_a_batch_that_dies_between_its_steps_is_finished_once_by_the_sweep(
    db, collection, crash_at
):
    tenant = TenantDatabase(db, "20")
    ids = enrol(store.Assessments(tenant), 60)
    dying = store.Assessments(tenant)
    setattr(dying, collection, CrashingUpdates(getattr(dying, collection), crash_at))
    records = list(dying.by_ids(ids).values())
    with pytest.raises(Crash):
        dying.commit_many(review_items(records))
    assessments = store.Assessments(tenant)
    for _ in range(2):  # a second sweep finds nothing left to do
        store.AllTenantsPendingChanges(db).settle_stale(older_than=0)
    assert (figures(assessments)["registered"], figures(assessments)["reviewed"]) == (60, 60)
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0
    scored = events_named(db, "scored")
    assert len(scored) == len(set(scored)) == 60


def test_a_change_already_counted_is_finished_not_counted_again(db):
    """A batch sent again after a crash left its changes pending: they are finished (counted
    once), not decided again."""
    tenant = TenantDatabase(db, "20")
    ids = enrol(store.Assessments(tenant), 10)
    dying = store.Assessments(tenant)
    dying.assessments = CrashingUpdates(dying.assessments, 2)  # counted, entries still pending
    items = review_items(list(dying.by_ids(ids).values()))
    with pytest.raises(Crash):
        dying.commit_many(items)
    assessments = store.Assessments(tenant)
    again = assessments.commit_many(items)
    assert [a.version for a in again] == [2] * 10  # finished, not written again
    assert figures(assessments)["reviewed"] == 10
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0


# -- list review and decision through it ----------------------------------------------------------


def test_a_list_review_and_a_decision_of_hundreds_count_each_subject_once(db):
    tenant = TenantDatabase(db, "20")
    assessments = store.Assessments(tenant)
    reviews, files = store.ListReviews(tenant), store.EvidenceFiles(tenant)
    proposals, decisions = store.Proposals(tenant), store.Decisions(tenant)
    ids = enrol(assessments, MANY)
    request = review_request(ids)
    recorded = record_list_review(assessments, files, reviews, LASTING, request, now=REVIEWED)
    assert recorded.state == RECORDED and len(recorded.rows) == MANY
    assert (figures(assessments)["reviewed"], figures(assessments)["eligible"]) == (MANY, MANY)
    before = versions(db)
    assert record_list_review(assessments, files, reviews, LASTING, request, now=REVIEWED) == (
        recorded
    )
    assert versions(db) == before  # sent again: nothing written
    scored = events_named(db, "scored")
    assert len(scored) == len(set(scored)) == MANY

    unit = {"code": COMMUNE.code, "path": str(COMMUNE)}
    proposal = service.propose(
        assessments, proposals, "20", unit, "FAMILY", 2024, 10, now=DECIDED,
        posted_from=date(2025, 1, 2),
    )  # fmt: skip
    assert len(proposal.enrolments) == MANY
    # the proposal read its subjects light: their reviews, not their self-assessments
    light = assessments.under_unit(COMMUNE.code, "FAMILY", 2024, light=True)
    full = assessments.under_unit(COMMUNE.code, "FAMILY", 2024)
    assert [a.id for a in light] == [a.id for a in full] == proposal.enrolments
    assert [a.review for a in light] == [a.review for a in full]
    assert all(a.self_assessment is None for a in light)
    assert proposal.levels == [a.review["verdict"]["level"] for a in full]

    def decide():
        return service.decide(
            assessments, proposals, LASTING, proposal.id, "12/QĐ-UBND", date(2025, 1, 15),
            "Chủ tịch UBND", now=DECIDED, decisions=decisions,
        )  # fmt: skip

    decided = decide()
    assert sorted(decided.recognised) == sorted(ids) and not decided.skipped
    assert figures(assessments)["recognised"] == MANY
    light = assessments.under_unit(COMMUNE.code, "FAMILY", 2024, light=True)
    assert all(a.recognition["decision_number"] == "12/QĐ-UBND" for a in light)
    recognised = events_named(db, "recognised")
    assert len(recognised) == len(set(recognised)) == MANY
    before = versions(db)
    again = decide()
    assert again.repeated and sorted(again.recognised) == sorted(ids)
    assert versions(db) == before and figures(assessments)["recognised"] == MANY
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0


def test_assessments_the_caller_read_are_not_read_again_and_a_stale_one_only_retries(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    ids = enrol(assessments, 4)
    known = assessments.by_ids(ids)
    db.assessments.update_one({"_id": ids[1]}, {"$inc": {"version": 1}})  # moved since read
    written = assessments.commit_many(review_items([known[i] for i in ids]), known=known)
    assert [w.version for w in written] == [2, 3, 2, 2]
    assert figures(assessments)["reviewed"] == 4
    assert len(events_named(db, "scored")) == 4
