"""The list review (biên bản bình xét) over in-memory stores: a meeting reviews many subjects in
one document; every row is validated first (nothing is recorded when one is wrong, and every
wrong row is named); a document sent again records nothing twice."""

import base64
import io
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import answers, messages, review_sheet, service
from services.scoring import list_review as list_review_module
from services.scoring.criteria_sets import load_file, load_shipped
from services.scoring.domain import Refused
from services.scoring.domain.list_review import (
    APPLYING,
    RECORDED,
    ListReviewRequest,
    MinutesFile,
    ReviewRow,
    RowsRefused,
    meeting_date_problem,
    row_change_id,
)
from services.scoring.list_review import (
    finish_list_review,
    list_review,
    record_list_review,
    unit_list_reviews,
)
from services.scoring.schemas import ListReviewSchema
from tests.fakes_scoring import FakeAssessments, FakeEvidenceFiles, FakeListReviews

SETS = load_file(Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml")
COMMUNE = UnitPath.parse("20/183/06184")
SIBLING = UnitPath.parse("20/183/06187")
NOW = datetime(2024, 12, 10, 3, tzinfo=UTC)
MEETING = date(2024, 12, 5)
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
LOW = {**GOOD, "c3.i1": 5}  # below c3's floor of 10
PDF = b"%PDF-1.4 bien ban"


class Stores:
    def __init__(self, tenant="20"):
        self.assessments = FakeAssessments(tenant)
        self.files = FakeEvidenceFiles()
        self.reviews = FakeListReviews(tenant)

    def enrol(self, subject, path=COMMUNE, year=2024, title=Title.FAMILY, self_answers=GOOD):
        event = Envelope.from_dict(
            Enrolment(subject, SubjectKind.HOUSEHOLD, title, year, path).registered_event(
                datetime(2024, 1, 2, tzinfo=UTC)
            )
        )
        assert service.apply_enrolment_event(self.assessments, event, "registered")
        enrolment_id = event.data["enrolmentId"]
        if self_answers is not None:
            service.score(
                self.assessments, SETS, enrolment_id, "self_assessment", self_answers, {}, now=NOW
            )
        return enrolment_id

    def record(self, request, now=NOW, sets=SETS, keep_going=None):
        return record_list_review(
            self.assessments, self.files, self.reviews, sets, request, now, keep_going
        )

    def figures(self, path=COMMUNE):
        return service.unit_stats(self.assessments, path, 2024).get("FAMILY", {})

    def snapshot(self):
        return (
            dict(self.assessments.records),
            len(self.assessments.events),
            {k: dict(v) for k, v in self.assessments.counters.items()},
            dict(self.reviews.reviews),
            dict(self.files.files),
        )


@pytest.fixture
def stores():
    return Stores()


def document(*rows, **changes):
    fields = {
        "tenant": "20",
        "unit_code": "06184",
        "unit_path": str(COMMUNE),
        "title": "FAMILY",
        "year": 2024,
        "document_id": "BB-01/2024",
        "meeting_date": MEETING,
        "minutes": "Hội nghị bình xét khối Nà Pàn, 27 hộ dự.",
        "rows": tuple(rows),
        "chair": "Hoàng Văn Sơn",
        "secretary": "Lý Thị Mai",
        "attendees": 27,
        "by": "officer",
    }
    return ListReviewRequest(**{**fields, **changes})


def test_the_meeting_adopts_the_self_assessments_in_one_document(stores):
    first, second, third = (stores.enrol(s) for s in ("hh-1", "hh-2", "hh-3"))
    recorded = stores.record(document(*(ReviewRow(e) for e in (first, second, third))))
    assert recorded.state == RECORDED and len(recorded.rows) == 3
    assert [r["status"] for r in recorded.rows] == ["recognised"] * 3
    assert all(r["adopted"] and r["agreed"] for r in recorded.rows)
    review = stores.assessments.get(first).review
    assert review["answers"] == GOOD and review["verdict"]["status"] == "recognised"
    assert review["meeting_date"] == "2024-12-05" and review["review_id"] == recorded.id
    assert review["minutes"] == "Hội nghị bình xét khối Nà Pàn, 27 hộ dự."
    figures = stores.figures()
    assert (figures["reviewed"], figures["eligible"]) == (3, 3)
    scored = [e for e in stores.assessments.events if e["data"]["stage"] == "review"]
    assert [e["id"] for e in scored] == [
        row_change_id(recorded.id, e) for e in (first, second, third)
    ]
    assert recorded.id == "20:06184:FAMILY:2024:BB-01/2024"
    assert list_review(stores.reviews, recorded.id) == recorded
    (summary,) = unit_list_reviews(stores.reviews, "06184", 2024)
    assert (summary["rows"], summary["recognised"], summary["meeting_date"]) == (3, 3, "2024-12-05")


def test_the_meetings_answers_override_the_self_assessment(stores):
    enrolment_id = stores.enrol("hh-1")
    recorded = stores.record(document(ReviewRow(enrolment_id, answers=LOW)))
    (row,) = recorded.rows
    assert (row["status"], row["adopted"], row["total"]) == ("not_recognised", False, 74)
    review = stores.assessments.get(enrolment_id).review
    assert review["answers"] == LOW and review["verdict"]["status"] == "not_recognised"
    assert stores.figures()["eligible"] == 0 and stores.figures()["reviewed"] == 1


def test_a_subject_the_meeting_does_not_agree_to_is_not_recognised_with_the_note(stores):
    agreed, refused = stores.enrol("hh-1"), stores.enrol("hh-2")
    note = "Con đi học không đều trong năm."
    recorded = stores.record(
        document(ReviewRow(agreed), ReviewRow(refused, agree=False, note=note))
    )
    assert [r["status"] for r in recorded.rows] == ["recognised", "not_recognised"]
    verdict = stores.assessments.get(refused).review["verdict"]
    assert (verdict["status"], verdict["level"]) == ("not_recognised", None)
    assert verdict["reasons"] == [
        {"key": "meeting_disagreed", "message": f"Hội nghị bình xét không đồng ý: {note}"}
    ]
    assert verdict["explanation"]  # the self-assessment's answers stay explained
    assert stores.assessments.get(refused).review["agreed"] is False
    assert (stores.figures()["reviewed"], stores.figures()["eligible"]) == (2, 1)


def test_a_subject_without_a_self_assessment_can_still_be_refused_by_the_meeting(stores):
    enrolment_id = stores.enrol("hh-1", self_answers=None)
    recorded = stores.record(
        document(ReviewRow(enrolment_id, agree=False, note="Không tham gia tự đánh giá."))
    )
    assert recorded.rows[0]["status"] == "not_recognised"


def refused_rows(stores, request, now=NOW):
    before = stores.snapshot()
    with pytest.raises(RowsRefused) as caught:
        stores.record(request, now=now)
    assert stores.snapshot() == before  # nothing recorded
    return [(e.row, e.field, e.key) for e in caught.value.errors], caught.value.errors


def test_every_wrong_row_is_named_and_nothing_is_recorded(stores):
    good = stores.enrol("hh-1")
    withdrawn = stores.enrol("hh-2")
    stores.assessments.records[withdrawn] = replace(
        stores.assessments.get(withdrawn), status="WITHDRAWN"
    )
    sibling = stores.enrol("hh-3", path=SIBLING)
    last_year = stores.enrol("hh-4", year=2023, self_answers=None)
    clan = stores.enrol("hh-5", title=Title.CLAN, self_answers=None)
    no_self = stores.enrol("hh-6", self_answers=None)
    no_note = stores.enrol("hh-7")
    bad_points = stores.enrol("hh-8")
    unknown_indicator = stores.enrol("hh-9")
    request = document(
        ReviewRow(good),
        ReviewRow("20-FAMILY-2024-nobody"),
        ReviewRow(withdrawn),
        ReviewRow(sibling),
        ReviewRow(last_year, answers=GOOD),
        ReviewRow(clan, answers=GOOD),
        ReviewRow(good),
        ReviewRow(no_self),
        ReviewRow(no_note, agree=False),
        ReviewRow(bad_points, answers={**GOOD, "c3.i1": 99}),
        ReviewRow(unknown_indicator, answers={**GOOD, "c9.i9": 1}),
    )
    found, errors = refused_rows(stores, request)
    assert found == [
        (2, "enrolment_id", "enrolment_not_found"),
        (3, "enrolment_id", "enrolment_not_found"),
        (4, "enrolment_id", "outside_unit"),
        (5, "enrolment_id", "other_title_year"),
        (6, "enrolment_id", "other_title_year"),
        (7, "enrolment_id", "review_duplicate_row"),
        (8, "answers", "no_self_assessment"),
        (9, "note", "note_required"),
        (10, "answers", "invalid_answer"),
        (11, "answers", "invalid_answer"),
    ]
    assert [e.indicator for e in errors[-2:]] == ["c3.i1", None]  # c9.i9: not in the set
    wired = answers.review_row_errors(errors)
    assert wired[0] == {
        "field": "rows.1.enrolmentId",
        "key": "enrolment_not_found",
        "message": messages.MESSAGES["enrolment_not_found"],
        "row": 2,
        "enrolmentId": "20-FAMILY-2024-nobody",
    }
    assert wired[-2]["field"] == "rows.9.answers"
    assert wired[-2]["message"].startswith(messages.MESSAGES["invalid_answer"] + " ")
    assert wired[-2]["message"] == (  # the engine's own words: the indicator by its name
        "Điểm hoặc kết quả chỉ số không hợp lệ. "
        "Chỉ số “chỉ số 1 của tiêu chí 3”: 99 điểm vượt quá điểm tối đa 20."
    )


def test_a_recognised_subject_is_not_reviewed_again(stores):
    enrolment_id = stores.enrol("hh-1")
    record = stores.assessments.get(enrolment_id)
    stores.assessments.records[enrolment_id] = replace(record, recognition={"level": None})
    found, _ = refused_rows(stores, document(ReviewRow(enrolment_id)))
    assert found == [(1, "enrolment_id", "already_recognised")]


def test_a_row_needs_a_criteria_set_in_force(stores):
    enrolment_id = stores.enrol("hh-1")
    before = stores.snapshot()
    with pytest.raises(RowsRefused) as caught:
        stores.record(document(ReviewRow(enrolment_id)), sets=[])
    assert [(e.field, e.key) for e in caught.value.errors] == [("group", "no_criteria_set")]
    assert stores.snapshot() == before


@pytest.mark.parametrize(
    ("meeting", "key"),
    [(date(2024, 12, 11), "meeting_in_future"), (date(2023, 12, 31), "meeting_before_year")],
)
def test_the_meeting_date_must_lie_between_the_years_start_and_today(stores, meeting, key):
    enrolment_id = stores.enrol("hh-1")
    before = stores.snapshot()
    with pytest.raises(Refused) as caught:
        stores.record(document(ReviewRow(enrolment_id), meeting_date=meeting))
    assert (caught.value.field, caught.value.key) == ("meeting_date", key)
    assert stores.snapshot() == before


def test_today_is_vietnams_day():
    late_utc = datetime(2024, 12, 10, 20, tzinfo=UTC)  # already 11 December in Hà Nội
    from services.scoring.list_review import local_today  # noqa: PLC0415 - the one helper

    assert local_today(late_utc) == date(2024, 12, 11)
    assert meeting_date_problem(date(2024, 12, 11), 2024, local_today(late_utc)) is None


def test_the_same_document_again_records_nothing_more(stores):
    first, second = stores.enrol("hh-1"), stores.enrol("hh-2")
    request = document(ReviewRow(first), ReviewRow(second, answers=LOW))
    recorded = stores.record(request)
    saved, events = stores.reviews.saved, len(stores.assessments.events)
    counters = {k: dict(v) for k, v in stores.assessments.counters.items()}
    again = stores.record(request, now=datetime(2024, 12, 12, tzinfo=UTC))
    assert again == recorded
    assert stores.reviews.saved == saved and len(stores.assessments.events) == events
    assert stores.assessments.counters == counters
    assert (stores.figures()["reviewed"], stores.figures()["eligible"]) == (2, 1)


def test_the_same_document_id_with_other_content_is_refused(stores):
    first, second = stores.enrol("hh-1"), stores.enrol("hh-2")
    stores.record(document(ReviewRow(first), ReviewRow(second)))
    before = stores.snapshot()
    changed = document(ReviewRow(first), ReviewRow(second, agree=False, note="Chưa đạt"))
    with pytest.raises(Refused) as caught:
        stores.record(changed)
    assert (caught.value.field, caught.value.key) == ("document_id", "document_conflict")
    assert stores.snapshot() == before
    other_id = stores.record(replace(changed, document_id="BB-02/2024"))  # a second meeting
    assert other_id.rows[1]["status"] == "not_recognised"
    assert [s["document_id"] for s in unit_list_reviews(stores.reviews, "06184", 2024)] == [
        "BB-01/2024",
        "BB-02/2024",
    ]


class CrashingAssessments(FakeAssessments):
    """Dies once, after ``survive`` stages were written (a process killed mid-document)."""

    def __init__(self, survive):
        super().__init__("20")
        self.survive = survive
        self.armed = False

    def commit(self, assessment_id, change_id, decide):
        if self.armed:
            if self.survive == 0:
                self.armed = False
                raise RuntimeError("killed")
            self.survive -= 1
        return super().commit(assessment_id, change_id, decide)


def test_a_document_interrupted_half_way_is_finished_by_the_timer():
    stores = Stores()
    stores.assessments = CrashingAssessments(survive=1)
    ids = [stores.enrol(s) for s in ("hh-1", "hh-2", "hh-3")]
    request = document(*(ReviewRow(e) for e in ids))
    stores.assessments.armed = True
    with pytest.raises(RuntimeError):
        stores.record(request)
    kept = stores.reviews.get(request.id)
    assert kept.state == APPLYING and stores.figures()["reviewed"] == 1
    assert stores.record(request) == kept  # sent again: as it stands, nothing written
    assert stores.figures()["reviewed"] == 1
    finished = finish_list_review(stores.assessments, stores.reviews, SETS, request.id, NOW)
    assert finished.state == RECORDED and len(finished.rows) == 3
    assert (stores.figures()["reviewed"], stores.figures()["eligible"]) == (3, 3)
    scored = [e["id"] for e in stores.assessments.events if e["data"]["stage"] == "review"]
    assert len(scored) == len(set(scored)) == 3  # each row announced once
    assert finish_list_review(stores.assessments, stores.reviews, SETS, request.id, NOW) == (
        finished
    )


def test_a_request_writes_rows_for_its_budget_and_the_timer_the_rest(stores, monkeypatch):
    monkeypatch.setattr(list_review_module, "APPLY_CHUNK", 1)  # the budget is asked before each row
    ids = [stores.enrol(f"hh-{n}") for n in range(5)]
    request = document(*(ReviewRow(e) for e in ids))
    calls = iter([True, True])  # two rows, then the budget is spent
    kept = stores.record(request, keep_going=lambda: next(calls, False))
    assert kept.state == APPLYING and len(kept.rows) == 5
    assert stores.reviews.released == [request.id]
    assert stores.figures()["reviewed"] == 2
    assert stores.reviews.content(request.id, 5)[0]["enrolment_id"] == ids[0]
    calls = iter([True])
    still = finish_list_review(
        stores.assessments, stores.reviews, SETS, request.id, NOW, lambda: next(calls, False)
    )
    assert still.state == APPLYING and stores.figures()["reviewed"] == 3
    finished = finish_list_review(stores.assessments, stores.reviews, SETS, request.id, NOW)
    assert finished.state == RECORDED and stores.figures()["eligible"] == 5
    assert [r["status"] for r in finished.rows] == ["recognised"] * 5


def test_a_row_withdrawn_before_it_is_written_is_marked_skipped(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(3)]
    request = document(*(ReviewRow(e) for e in ids))
    stores.record(request, keep_going=lambda: False)  # all left for the timer
    withdrawn = Envelope.from_dict(
        Enrolment("hh-2", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE).withdrawn_event(
            datetime(2024, 12, 11, tzinfo=UTC), ""
        )
    )
    assert service.apply_enrolment_event(stores.assessments, withdrawn, "withdrawn")
    finished = finish_list_review(stores.assessments, stores.reviews, SETS, request.id, NOW)
    assert [(r["status"], r.get("skipped")) for r in finished.rows] == [
        ("recognised", None),
        ("recognised", None),
        ("skipped", "enrolment_not_found"),
    ]
    assert stores.figures()["reviewed"] == 2
    assert unit_list_reviews(stores.reviews, "06184", 2024)[0]["skipped"] == 1
    assert answers.list_review(finished)["rows"][2]["skipped"] == "enrolment_not_found"


def test_a_minutes_file_is_checked_like_evidence_and_kept(stores):
    enrolment_id = stores.enrol("hh-1")
    for file, key in [
        (MinutesFile("bb.docx", "application/msword", b"PK\x03\x04"), "minutes_file_type"),
        (MinutesFile("bb.pdf", "application/pdf", b"<script>"), "minutes_file_content"),
        (MinutesFile("bb.pdf", "application/pdf", b""), "minutes_file_empty"),
        (
            MinutesFile("bb.pdf", "application/pdf", b"%PDF-" + b"0" * (10 << 20)),
            "minutes_file_too_large",
        ),
    ]:
        before = stores.snapshot()
        with pytest.raises(Refused) as caught:
            stores.record(document(ReviewRow(enrolment_id), minutes_file=file))
        assert (caught.value.field, caught.value.key) == ("minutes_file", key)
        assert stores.snapshot() == before
        assert messages.MESSAGES[key]
    recorded = stores.record(
        document(
            ReviewRow(enrolment_id), minutes_file=MinutesFile("bb.pdf", "application/pdf", PDF)
        )
    )
    meta = recorded.minutes_file
    assert (meta["file_name"], meta["size"], meta["chunks"]) == ("bb.pdf", len(PDF), 1)
    assert stores.files.get(meta["id"], meta["chunks"]) == PDF


def test_a_document_holds_at_most_two_thousand_rows(stores):
    rows = tuple(ReviewRow(f"20-FAMILY-2024-hh-{n}") for n in range(2001))
    with pytest.raises(Refused) as caught:
        stores.record(document(*rows))
    assert (caught.value.field, caught.value.key) == ("rows", "review_too_many_rows")
    with pytest.raises(Refused):
        stores.record(document())


def test_two_thousand_rows_are_judged_and_recorded(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(2000)]
    recorded = stores.record(document(*(ReviewRow(e) for e in ids)))
    assert len(recorded.rows) == 2000 and stores.figures()["eligible"] == 2000


def test_another_provinces_store_sees_no_enrolment():
    ours = Stores()
    enrolment_id = ours.enrol("hh-1")
    theirs = Stores("01")
    theirs.assessments.records = {}
    request = document(ReviewRow(enrolment_id), tenant="01", unit_code="01", unit_path="01")
    found, _ = refused_rows(theirs, request)
    assert found == [(1, "enrolment_id", "enrolment_not_found")]


# --- the edge: loading a document, and its refusals ----------------------------------------------


def payload(**changes):
    given = {
        "tenant": "20",
        "unitCode": "06184",
        "unitPath": "20/183/06184",
        "title": "FAMILY",
        "year": 2024,
        "documentId": " BB-01/2024 ",
        "meetingDate": "2024-12-05",
        "minutes": "  Hội nghị   bình xét\n\n  khối Nà Pàn ",
        "rows": [
            {"enrolmentId": "20-FAMILY-2024-hh-1"},
            {"enrolmentId": "20-FAMILY-2024-hh-2", "answers": {"c1.i1": 9}, "agree": True},
            {"enrolmentId": "20-FAMILY-2024-hh-3", "agree": False, "note": " Chưa   đạt "},
        ],
        "minutesFile": {
            "fileName": "bb.pdf",
            "contentType": "application/pdf",
            "content": base64.b64encode(PDF).decode(),
        },
        "attendees": 27,
    }
    return {**given, **changes}


def load(given):
    return messages.MESSAGES.load(ListReviewSchema(), given)


def test_the_schema_loads_a_document_into_a_request():
    request = load(payload())
    assert isinstance(request, ListReviewRequest)
    assert request.document_id == "BB-01/2024" and request.meeting_date == MEETING
    assert request.minutes == "Hội nghị bình xét\nkhối Nà Pàn"
    assert request.rows[0] == ReviewRow("20-FAMILY-2024-hh-1")
    assert request.rows[2].note == "Chưa đạt" and request.rows[2].agree is False
    assert request.minutes_file.content == PDF
    assert request.digest() == load(payload()).digest()
    assert request.digest() != load(payload(attendees=28)).digest()


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"minutes": "   "}, "minutes", "minutes_required"),
        ({"minutes": "x" * 20_001}, "minutes", "minutes_required"),
        ({"meetingDate": "05/12/2024"}, "meetingDate", "date_format"),
        ({"attendees": -1}, "attendees", "attendees_range"),
        ({"rows": []}, "rows", "review_too_many_rows"),
        ({"rows": [{"enrolmentId": "x"}] * 2001}, "rows", "review_too_many_rows"),
        ({"documentId": ""}, "documentId", "text_length"),
        ({"title": "HOUSE"}, "title", "invalid"),
        ({"chair": "x" * 201}, "chair", "too_long"),
    ],
)
def test_a_bad_document_is_a_field_error(changes, field, key):
    with pytest.raises(InvalidInput) as caught:
        load(payload(**changes))
    assert [(e.field, e.key) for e in caught.value.errors] == [(field, key)]


def test_a_bad_row_names_its_row_and_enrolment():
    given = payload(
        rows=[
            {"enrolmentId": "20-FAMILY-2024-hh-1"},
            {"enrolmentId": "20-FAMILY-2024-hh-2", "answers": {"c1.i1": 9.5}},
            {"enrolmentId": "20-FAMILY-2024-hh-3", "note": "x" * 1001},
        ]
    )
    with pytest.raises(InvalidInput) as caught:
        load(given)
    named = answers.with_rows(caught.value.as_list(), given)
    assert [(e["field"], e["row"], e["enrolmentId"]) for e in named] == [
        ("rows.1.answers", 2, "20-FAMILY-2024-hh-2"),
        ("rows.2.note", 3, "20-FAMILY-2024-hh-3"),
    ]


# --- the single review keeps its meeting's day ---------------------------------------------------


def test_a_single_review_keeps_the_meetings_day_today_by_default(stores):
    enrolment_id = stores.enrol("hh-1")
    kept = service.score(
        stores.assessments, SETS, enrolment_id, "review", GOOD, {}, minutes="BB", now=NOW
    )
    assert kept.review["meeting_date"] == "2024-12-10"
    dated = service.score(
        stores.assessments,
        SETS,
        enrolment_id,
        "review",
        GOOD,
        {},
        minutes="BB",
        now=NOW,
        meeting_date=date(2024, 11, 20),
    )
    assert dated.review["meeting_date"] == "2024-11-20"
    with pytest.raises(Refused) as caught:
        service.score(
            stores.assessments,
            SETS,
            enrolment_id,
            "review",
            GOOD,
            {},
            minutes="BB",
            now=NOW,
            meeting_date=date(2025, 1, 1),
        )
    assert (caught.value.field, caught.value.key) == ("meeting_date", "meeting_in_future")


def test_the_use_cases_import_no_io_framework():
    probe = (
        "import sys, services.scoring.list_review, services.scoring.domain.list_review,"
        " services.scoring.review_sheet;"
        "print(','.join(m for m in ('eventlet','nameko','kombu','pymongo') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


# --- the review sheet: export, fill in, import -------------------------------------------------


def sheet_rows(content):
    from openpyxl import load_workbook  # noqa: PLC0415 - only these tests read workbooks

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def filled(content, change):
    """The sheet as an officer fills it: ``change(header, row)`` edits each data row."""
    from openpyxl import load_workbook  # noqa: PLC0415 - only these tests write workbooks

    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    header_at = next(i for i, r in enumerate(rows) if r[1].value == "Mã đăng ký")
    header = [c.value for c in rows[header_at]]
    for row in rows[header_at + 1 :]:
        if row[1].value:
            change(header, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_review_sheet_is_prefilled_with_names_and_self_assessments(stores):
    first, second = stores.enrol("hh-1"), stores.enrol("hh-2", self_answers=None)
    records = stores.assessments.under_unit("06184", "FAMILY", 2024)
    content = review_sheet.export_sheet(SETS, records, {first: "Nông Văn Bình"}, "FAMILY", 2024)
    _, rows = sheet_rows(content)
    header = next(r for r in rows if "Mã đăng ký" in r)
    assert header[1:5] == [
        "Mã đăng ký",
        "Họ và tên",
        "Tự đánh giá: tổng điểm",
        "Tự đánh giá: kết quả",
    ]
    assert "Chỉ số [c1.i1]" in header and header[-2:] == ["Đồng ý", "Ghi chú"]
    by_id = {r[1]: dict(zip(header, r, strict=True)) for r in rows if r[1] in (first, second)}
    assert by_id[first]["Họ và tên"] == "Nông Văn Bình"
    assert by_id[first]["Tự đánh giá: kết quả"] == "Đủ điều kiện"
    assert by_id[first]["Chỉ số [c3.i1]"] == 15 and by_id[first]["Đồng ý"] == "Có"
    assert by_id[second]["Tự đánh giá: kết quả"] == "Chưa tự đánh giá"
    assert review_sheet.export_sheet([], records, {}, "FAMILY", 2024) is None


def sheet_request(**changes):
    return replace(document(), rows=(), **changes)


def test_a_filled_in_sheet_becomes_the_list_review(stores):
    adopt, override, refuse = (stores.enrol(s) for s in ("hh-1", "hh-2", "hh-3"))
    records = stores.assessments.under_unit("06184", "FAMILY", 2024)
    content = review_sheet.export_sheet(SETS, records, {}, "FAMILY", 2024)

    def change(header, row):
        cells = dict(zip(header, row, strict=True))
        if cells["Mã đăng ký"].value == override:
            cells["Chỉ số [c3.i1]"].value = 5
        if cells["Mã đăng ký"].value == refuse:
            cells["Đồng ý"].value = "Không"
            cells["Ghi chú"].value = "Con không đi học đều."

    recorded = review_sheet.import_sheet(
        stores.assessments,
        stores.files,
        stores.reviews,
        SETS,
        sheet_request(),
        "binh-xet.xlsx",
        filled(content, change),
        NOW,
    )
    assert recorded.state == RECORDED
    outcomes = {r["enrolment_id"]: (r["status"], r["adopted"], r["agreed"]) for r in recorded.rows}
    assert outcomes == {
        adopt: ("recognised", True, True),
        override: ("not_recognised", False, True),
        refuse: ("not_recognised", False, False),
    }
    assert stores.assessments.get(refuse).review["note"] == "Con không đi học đều."


def test_a_sheet_with_wrong_rows_records_nothing_and_reports_each(stores):
    first = stores.enrol("hh-1")
    stores.enrol("hh-2")
    records = stores.assessments.under_unit("06184", "FAMILY", 2024)
    content = review_sheet.export_sheet(SETS, records, {}, "FAMILY", 2024)

    def change(header, row):
        cells = dict(zip(header, row, strict=True))
        if cells["Mã đăng ký"].value == first:
            cells["Chỉ số [c3.i1]"].value = "mười"  # not a number
        else:
            cells["Đồng ý"].value = "Không"  # no note

    before = stores.snapshot()
    rejected = review_sheet.import_sheet(
        stores.assessments,
        stores.files,
        stores.reviews,
        SETS,
        sheet_request(),
        "binh-xet.xlsx",
        filled(content, change),
        NOW,
    )
    assert isinstance(rejected, review_sheet.SheetRejected)
    assert stores.snapshot()[:4] == before[:4]  # no review, no document
    reasons = [(column, message) for _, column, message in rejected.errors]
    assert ("Ghi chú", messages.MESSAGES["note_required"]) in reasons
    assert ("Chỉ số [c3.i1]", "Phải là một số nguyên, ví dụ 4.") in reasons
    _, report = sheet_rows(stores.reviews.report(rejected.report_id)[1])
    assert any(messages.MESSAGES["note_required"] in (r[2] or "") for r in report)
    with pytest.raises(review_sheet.SheetRefused) as unreadable:
        review_sheet.import_sheet(
            stores.assessments,
            stores.files,
            stores.reviews,
            SETS,
            sheet_request(),
            "binh-xet.xlsx",
            b"not a sheet",
            NOW,
        )
    assert unreadable.value.key and unreadable.value.text


def test_out_of_the_box_the_meetings_agreement_decides_under_qd448(stores):
    """No province set: the shipped QĐ 448 family set (pass mark not public) lets the list's
    vote decide; the self-assessment alone stays undecidable."""
    shipped = [s for s in load_shipped() if s.title == "FAMILY"]
    criteria = next(s for s in shipped if s.in_force(2024))
    answers_ = {
        i.id: (i.max_points if i.max_points is not None else 5) if i.kind == "points" else True
        for i in criteria.indicators()
        if i.kind != "computed"
    }
    ids = [stores.enrol(s, self_answers=None) for s in ("hh-1", "hh-2")]
    for enrolment_id in ids:
        own = service.score(
            stores.assessments, shipped, enrolment_id, "self_assessment", answers_, {}, now=NOW
        )
        assert own.self_assessment["verdict"]["status"] == "undecidable"
    recorded = stores.record(
        document(ReviewRow(ids[0]), ReviewRow(ids[1], agree=False, note="Chưa đạt")),
        sets=shipped,
    )
    assert [(r["status"], r["provisional"]) for r in recorded.rows] == [
        ("recognised", True),
        ("not_recognised", True),
    ]
    review = stores.assessments.get(ids[0]).review
    assert review["agree"] is True and review["set_id"] == criteria.id
    assert "decided_by_meeting" in [r["key"] for r in review["verdict"]["reasons"]]
    assert (stores.figures()["reviewed"], stores.figures()["eligible"]) == (2, 1)


def test_rows_are_written_a_chunk_at_a_time_each_under_its_own_change(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(230)]
    request = document(*(ReviewRow(e) for e in ids))
    recorded = stores.record(request)
    assert stores.assessments.batches == [100, 100, 30]
    assert recorded.state == RECORDED and stores.figures()["eligible"] == 230
    review_events = [e["id"] for e in stores.assessments.events if e["data"]["stage"] == "review"]
    assert len(review_events) == len(set(review_events)) == 230  # one scored event per row


def test_a_row_withdrawn_inside_a_chunk_is_skipped_and_the_others_written(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(4)]
    request = document(*(ReviewRow(e) for e in ids))
    real = stores.assessments.commit_many

    def withdraw_first(items, **known):  # hh-1 is withdrawn between the check and the write
        withdrawn = Envelope.from_dict(
            Enrolment("hh-1", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE).withdrawn_event(
                datetime(2024, 12, 9, tzinfo=UTC), ""
            )
        )
        service.apply_enrolment_event(stores.assessments, withdrawn, "withdrawn")
        return real(items, **known)

    stores.assessments.commit_many = withdraw_first
    recorded = stores.record(request)
    assert [(r["status"], r.get("skipped")) for r in recorded.rows] == [
        ("recognised", None),
        ("skipped", "enrolment_not_found"),
        ("recognised", None),
        ("recognised", None),
    ]
    assert stores.figures()["reviewed"] == 3
