"""Past years on the real store: imported recognitions are counted once on the server's counters,
a re-import writes nothing, each is announced (outbox) with ``imported``, and another tenant's
store sees none of them."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import history, service, store
from services.scoring.domain.history import HistoryRow, history_id

COMMUNE = UnitPath.parse("20/183/06184")
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def db(config):
    db = service_database(config, "scoring")
    store.prepare(db)
    return db


def rows(count, year=2022, first=1):
    return [
        HistoryRow(
            row=n,
            subject_id=f"hh-hist-{n}",
            subject_kind="household",
            unit_path=str(COMMUNE),
            title="FAMILY",
            year=year,
            decision_number="45/QĐ-UBND",
            decision_date=date(year, 12, 20),
        )
        for n in range(first, first + count)
    ]


def run(assessments, given):
    return history.import_history(assessments, [], COMMUNE, given, today=NOW.date(), now=NOW)


def test_imported_recognitions_count_once_and_a_re_import_writes_nothing(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    given = rows(120)
    assert run(assessments, given).imported == 120
    figures = service.unit_stats(assessments, COMMUNE, 2022)["FAMILY"]
    assert (figures["registered"], figures["reviewed"], figures["recognised"]) == (120, 120, 120)
    assert figures["assessed"] == 0
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0
    stored = db.assessments.find_one({"_id": history_id("20", "FAMILY", 2022, "hh-hist-7")})
    (event,) = stored["outbox"].values()
    assert event["data"]["imported"] is True and event["data"]["setId"] == "imported"
    again = run(assessments, given)
    assert (again.imported, again.unchanged) == (0, 120)
    assert service.unit_stats(assessments, COMMUNE, 2022)["FAMILY"]["recognised"] == 120
    history_of = service.history(assessments, "hh-hist-7")
    assert history_of["imported_years"] == [2022] and history_of["consecutive_years"] == 1


def test_another_tenants_store_sees_no_imported_recognition(db):
    run(store.Assessments(TenantDatabase(db, "20")), rows(2, first=500))
    hanoi = store.Assessments(TenantDatabase(db, "01"))
    assert hanoi.of_subjects(["hh-hist-500", "hh-hist-501"]) == []
    assert hanoi.get(history_id("20", "FAMILY", 2022, "hh-hist-500")) is None
    assert service.unit_stats(hanoi, UnitPath.parse("01"), 2022) == {}
    found = store.Assessments(TenantDatabase(db, "20")).of_subjects(["hh-hist-500"])
    assert [a.id for a in found] == [history_id("20", "FAMILY", 2022, "hh-hist-500")]


class Crash(RuntimeError):
    pass


class CrashingUpdates:
    """A collection whose updates die at the ``crash_at``-th call (a process dying
    between two writes); everything else is the real tenant collection."""

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

    def update_many(self, *args, **kwargs):
        self._tick()
        return self.collection.update_many(*args, **kwargs)

    def _tick(self):
        self.calls += 1
        if self.calls == self.crash_at:
            raise Crash


@pytest.mark.parametrize(
    ("collection", "crash_at"),
    [("counters", 2), ("assessments", 1), ("counters", 3)],
    ids=["before-counting", "after-counting", "before-forgetting-markers"],
)
def test_an_import_that_dies_midway_is_counted_once_by_the_sweep(db, collection, crash_at):
    tenant = TenantDatabase(db, "20")
    dying = store.Assessments(tenant)
    setattr(dying, collection, CrashingUpdates(getattr(dying, collection), crash_at))
    given = rows(30, year=2020, first=900)
    with pytest.raises(Crash):
        run(dying, given)
    assessments = store.Assessments(tenant)
    for _ in range(2):  # a second sweep finds nothing left to do
        store.AllTenantsPendingChanges(db).settle_stale(older_than=0)
    figures = service.unit_stats(assessments, COMMUNE, 2020)["FAMILY"]
    assert (figures["registered"], figures["recognised"]) == (30, 30)
    assert db.assessments.count_documents({"tenant": "20", "pending_count": {"$gt": 0}}) == 0
    counter = db.counters.find_one({"tenant": "20", "year": 2020, "unit_code": "06184"})
    assert not counter.get("applied") or crash_at == 3  # markers left only by the last crash
    again = run(assessments, given)
    assert (again.imported, again.unchanged) == (0, 30)


def test_rows_opened_meanwhile_by_another_request_are_left_alone(db):
    assessments = store.Assessments(TenantDatabase(db, "20"))
    first = rows(5, year=2019, first=700)
    run(assessments, first[:2])
    changes = [history._opening(history_document(r), NOW) for r in first]
    opened = assessments.open_many(changes)
    assert sorted(a.subject_id for a in opened) == [f"hh-hist-{n}" for n in (702, 703, 704)]
    assert service.unit_stats(assessments, COMMUNE, 2019)["FAMILY"]["recognised"] == 5


def history_document(row):
    from services.scoring.domain.history import imported_document  # noqa: PLC0415 - test only

    return imported_document(row, "20", None, None, NOW)


def test_a_change_already_counted_on_a_counter_is_not_counted_again(db):
    """The one-update path needs every marker absent; one present (its change was counted)
    makes each change count on its own, guarded by its marker."""
    assessments = store.Assessments(TenantDatabase(db, "20"))
    changes = [history._opening(history_document(r), NOW) for r in rows(3, year=2018, first=800)]
    (counter_id,) = changes[0].counts
    db.counters.insert_one(
        {
            "_id": counter_id,
            "tenant": "20",
            "year": 2018,
            "title": "FAMILY",
            "unit_code": "06184",
            **COMMUNE.depth_fields(),
            "applied": {changes[0].change_id: 1},
        }
    )
    assert len(assessments.open_many(changes)) == 3
    figures = service.unit_stats(assessments, COMMUNE, 2018)["FAMILY"]
    assert figures["recognised"] == 2  # the first was counted before (its marker says so)
    assert not db.counters.find_one({"_id": counter_id}).get("applied")


def test_an_assessment_changed_since_it_was_opened_keeps_the_other_changes_pending(db):
    """The one update that drops pending entries leaves an assessment another change reached
    meanwhile (a revocation): each entry is then dropped on its own, the other kept."""
    tenant = TenantDatabase(db, "20")
    dying = store.Assessments(tenant)
    dying.assessments = CrashingUpdates(dying.assessments, 1)
    given = rows(3, year=2017, first=600)
    changes = [history._opening(history_document(r), NOW) for r in given]
    with pytest.raises(Crash):
        dying.open_many(changes)
    touched = changes[0].after.id
    db.assessments.update_one(
        {"_id": touched},
        {
            "$set": {"pending.revoke-1": {"recognised": -1}},
            "$inc": {"version": 1, "pending_count": 1},
        },
    )
    store.Assessments(tenant)._settled_together(changes)
    found = db.assessments.find_one({"_id": touched})
    assert (found["pending"], found["pending_count"]) == ({"revoke-1": {"recognised": -1}}, 1)
    others = db.assessments.find({"_id": {"$in": [c.after.id for c in changes[1:]]}})
    assert [(d["pending"], d["pending_count"]) for d in others] == [({}, 0), ({}, 0)]


def test_a_store_of_another_tenant_cannot_open_these_assessments(db):
    from khuyenhoc.storage import CrossTenantWrite  # noqa: PLC0415 - test only

    changes = [history._opening(history_document(r), NOW) for r in rows(2, year=2016, first=400)]
    with pytest.raises(CrossTenantWrite):
        store.Assessments(TenantDatabase(db, "01")).open_many(changes)
    assert db.assessments.count_documents({"_id": {"$in": [c.after.id for c in changes]}}) == 0
    assert db.counters.count_documents({"year": 2016}) == 0
