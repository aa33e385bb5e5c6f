"""The list review's store on the server the tests run on: a document round-trips, a unit's
documents are listed from one index document, another province's documents are neither found
nor listed, and a large document recorded through the real stores counts each row once, also
when sent again."""

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantDatabase, service_database
from khuyenhoc.tenancy import UnitPath
from services.scoring import service, store
from services.scoring.criteria_sets import load_file
from services.scoring.domain.list_review import (
    RECORDED,
    ListReview,
    ListReviewRequest,
    ReviewRow,
)
from services.scoring.list_review import record_list_review
from tests.integration.helpers import registered_event

SETS = load_file(Path(__file__).parents[1] / "data" / "criteria" / "20" / "family-adapted.yaml")
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
ROWS = int(os.environ.get("LIST_REVIEW_ROWS", "200"))  # 2000 to measure the bound


@pytest.fixture
def db(config):
    db = service_database(config, "scoring")
    store.prepare(db)
    return db


def review(tenant="20", unit="06184", path="20/183/06184", document_id="BB-1", **changes):
    fields = {
        "id": f"{tenant}:{unit}:FAMILY:2024:{document_id}",
        "tenant": tenant,
        "unit_code": unit,
        "unitpath": path,
        "title": "FAMILY",
        "year": 2024,
        "document_id": document_id,
        "digest": "d1",
        "meeting_date": "2024-12-05",
        "minutes": "Biên bản",
        "state": RECORDED,
        "at": "2024-12-10T00:00:00+00:00",
        "rows": [{"row": 1, "enrolment_id": "e-1", "status": "recognised"}],
    }
    return ListReview(**{**fields, **changes})


def test_a_document_round_trips_and_is_listed_by_its_unit(db):
    reviews = store.ListReviews(TenantDatabase(db, "20"))
    first = review()
    second = review(document_id="BB-0", meeting_date="2024-11-30")
    reviews.save(first)
    reviews.save(second)
    assert reviews.get(first.id) == first
    listed = reviews.of_unit("06184", 2024)
    assert [s["document_id"] for s in listed] == ["BB-0", "BB-1"]
    assert listed[1]["recognised"] == 1 and listed[1]["rows"] == 1
    reviews.save(review(state="applying"))  # saved again: replaced, listed once
    assert [s["state"] for s in reviews.of_unit("06184", 2024)] == ["recorded", "applying"]
    assert reviews.of_unit("06184", 2023) == []


def test_another_provinces_documents_are_neither_found_nor_listed(db):
    ha_noi = store.ListReviews(TenantDatabase(db, "01"))
    theirs = review(tenant="01", unit="00004", path="01/001/00004")
    ha_noi.save(theirs)
    lang_son = store.ListReviews(TenantDatabase(db, "20"))
    assert lang_son.get(theirs.id) is None
    assert lang_son.of_unit("00004", 2024) == []
    assert ha_noi.get(theirs.id) == theirs


def test_a_documents_content_and_its_unfinished_mark(db):
    lang_son = store.ListReviews(TenantDatabase(db, "20"))
    rows = [{"enrolment_id": f"e-{n}", "agree": True} for n in range(601)]
    lang_son.save_content("20:06184:FAMILY:2024:BB-1", rows)
    lang_son.save_content("20:06184:FAMILY:2024:BB-1", rows[:5])  # content never changes
    assert lang_son.content("20:06184:FAMILY:2024:BB-1", 601) == rows
    assert db.list_review_rows.count_documents({}) == 3  # chunks of 250 rows
    ha_noi = store.ListReviews(TenantDatabase(db, "01"))
    assert ha_noi.content("20:06184:FAMILY:2024:BB-1", 601) == []

    unfinished = store.AllTenantsUnfinishedListReviews(db)
    applying = review(state="applying")
    lang_son.save(applying)
    assert unfinished.claim(time.time()) is None  # its writer holds it
    lang_son.release(applying.id)
    assert unfinished.claim(time.time()) == ("20", applying.id)
    assert unfinished.claim(time.time()) is None  # the claimant holds it now
    assert unfinished.claim(time.time() + 3600) == ("20", applying.id)  # its lease ran out
    ha_noi.release(applying.id)  # another province cannot free it
    assert unfinished.claim(time.time()) is None
    lang_son.save(review())  # recorded: nothing left to find
    assert unfinished.claim(time.time() + 3600) is None


def test_an_error_report_is_kept_once_for_its_province(db):
    lang_son = store.ListReviews(TenantDatabase(db, "20"))
    lang_son.save_report("r-1", "20/183/06184", b"PK\x03\x04 report")
    lang_son.save_report("r-1", "20/183/06184", b"PK\x03\x04 other")  # kept once
    assert lang_son.report("r-1") == ("20/183/06184", b"PK\x03\x04 report")
    assert store.ListReviews(TenantDatabase(db, "01")).report("r-1") is None


def test_a_large_document_through_the_real_stores_counts_each_row_once(db):
    tenant = TenantDatabase(db, "20")
    assessments = store.Assessments(tenant)
    now = datetime(2024, 12, 10, tzinfo=UTC)
    ids = []
    for n in range(ROWS):
        event = Envelope.from_dict(registered_event(f"hh-{n}"))
        service.apply_enrolment_event(assessments, event, "registered")
        ids.append(event.data["enrolmentId"])
    request = ListReviewRequest(
        tenant="20",
        unit_code="06184",
        unit_path="20/183/06184",
        title="FAMILY",
        year=2024,
        document_id="BB-lớn",
        meeting_date=date(2024, 12, 5),
        minutes="Hội nghị bình xét toàn thị trấn.",
        rows=tuple(ReviewRow(e, answers=GOOD) for e in ids),
    )
    found = assessments.by_ids([*ids, "20-FAMILY-2024-nobody"])
    assert sorted(found) == sorted(ids) and found[ids[0]].status == "REGISTERED"
    assert store.Assessments(TenantDatabase(db, "01")).by_ids(ids) == {}  # not another's
    reviews, files = store.ListReviews(tenant), store.EvidenceFiles(tenant)
    recorded = record_list_review(assessments, files, reviews, SETS, request, now=now)
    assert recorded.state == RECORDED and len(recorded.rows) == ROWS
    figures = service.unit_stats(assessments, UnitPath.parse("20"), 2024)["FAMILY"]
    assert (figures["reviewed"], figures["eligible"]) == (ROWS, ROWS)
    again = record_list_review(assessments, files, reviews, SETS, request, now=now)
    assert again == recorded
    assert service.unit_stats(assessments, UnitPath.parse("20"), 2024)["FAMILY"] == figures
    pending = db.assessments.count_documents({"pending_count": {"$gt": 0}})
    assert pending == 0
