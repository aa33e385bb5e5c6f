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
