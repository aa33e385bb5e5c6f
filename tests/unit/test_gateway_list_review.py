"""The list review's GraphQL on its own (scoring replaced by an in-process stand-in): what
reaches scoring, who is refused before anything is sent, row-level errors as clients read them,
and the sheet import's answer."""

import pytest

from gateway.endpoint import format_error
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from tests.unit.test_gateway_schema import ADMIN, AUDITOR, HANOI, OFFICER, SIBLING, code_of, run

PARTNER = Caller("p", "20", Role.PARTNER, UnitPath.parse("20/183/06184"))
REVIEW = {
    "id": "20:06184:FAMILY:2024:BB-1",
    "tenant": "20",
    "unit_code": "06184",
    "unitpath": "20/183/06184",
    "title": "FAMILY",
    "year": 2024,
    "document_id": "BB-1",
    "meeting_date": "2024-12-05",
    "minutes": "Biên bản",
    "minutes_file": {
        "id": "ev-1",
        "file_name": "bb.pdf",
        "content_type": "application/pdf",
        "size": 9,
    },
    "at": "2024-12-10T00:00:00+00:00",
    "state": "recorded",
    "rows": [
        {
            "row": 1,
            "enrolment_id": "e-1",
            "agreed": True,
            "adopted": True,
            "note": None,
            "status": "recognised",
            "level": None,
            "total": 85,
            "set_id": "s",
            "provisional": True,
            "skipped": None,
        },
    ],
}


class Scoring:
    def __init__(self, answer=None):
        self.received = []
        self.answer = answer or {"list_review": REVIEW}

    def review_list(self, payload):
        self.received.append(payload)
        return self.answer

    def review_list_sheet(self, payload):
        self.received.append(payload)
        return self.answer

    def list_review(self, tenant, review_id):
        return REVIEW if (tenant, review_id) == ("20", REVIEW["id"]) else None

    def list_reviews(self, tenant, unit_code, year):
        self.received.append((tenant, unit_code, year))
        return [
            {
                "id": REVIEW["id"],
                "document_id": "BB-1",
                "unit_code": "06184",
                "title": "FAMILY",
                "year": 2024,
                "meeting_date": "2024-12-05",
                "state": "recorded",
                "at": REVIEW["at"],
                "rows": 1,
                "recognised": 1,
                "not_recognised": 0,
                "undecidable": 0,
            }
        ]


RECORD = """mutation($tenant: String) { recordListReview(input: {tenant: $tenant,
  unitCode: "06184", title: FAMILY, year: 2024, documentId: "BB-1", meetingDate: "2024-12-05",
  minutes: "Biên bản", minutesFile: {fileName: "bb.pdf", contentType: "application/pdf",
  content: "JVBERi0="},
  rows: [{enrolmentId: "e-1"},
         {enrolmentId: "e-2", answers: [{indicator: "c1.i1", points: 9},
                                        {indicator: "c2.i1", met: true}]},
         {enrolmentId: "e-3", agree: false, note: "Chưa đạt"}]}) {
  id state minutesFile { url } rows { row enrolmentId status } } }"""


def test_the_document_reaches_scoring_in_wire_names_with_the_units_path():
    scoring = Scoring()
    result = run(RECORD, {"tenant": "20"}, scoring=scoring, caller=OFFICER)
    assert result.errors is None
    (payload,) = scoring.received
    assert payload["unitPath"] == "20/183/06184" and payload["by"] == "o"
    assert payload["title"] == "FAMILY" and payload["meetingDate"] == "2024-12-05"
    assert payload["minutesFile"] == {
        "fileName": "bb.pdf",
        "contentType": "application/pdf",
        "content": "JVBERi0=",
    }
    assert payload["rows"] == [
        {"enrolmentId": "e-1"},
        {"enrolmentId": "e-2", "answers": {"c1.i1": 9, "c2.i1": True}},
        {"enrolmentId": "e-3", "agree": False, "note": "Chưa đạt"},
    ]
    answer = result.data["recordListReview"]
    assert answer["minutesFile"]["url"] == (
        "/files/list-reviews/minutes/20%3A06184%3AFAMILY%3A2024%3ABB-1"
    )


@pytest.mark.parametrize(
    ("caller", "tenant", "code"),
    [
        (None, "20", "UNAUTHENTICATED"),
        (HANOI, "20", "FORBIDDEN"),
        (SIBLING, "20", "FORBIDDEN"),
        (AUDITOR, "20", "FORBIDDEN"),
        (PARTNER, "20", "FORBIDDEN"),
    ],
)
def test_only_registrars_in_reach_record_a_list_review(caller, tenant, code):
    scoring = Scoring()
    assert code_of(run(RECORD, {"tenant": tenant}, scoring=scoring, caller=caller)) == code
    assert scoring.received == []


def test_row_errors_reach_the_client_with_their_row_and_enrolment():
    errors = [
        {
            "field": "rows.2.note",
            "key": "note_required",
            "message": "Cần ghi rõ lý do khi hội nghị bình xét không đồng ý.",
            "row": 3,
            "enrolmentId": "e-3",
        }
    ]
    result = run(RECORD, {"tenant": "20"}, scoring=Scoring({"errors": errors}), caller=ADMIN)
    (error,) = result.errors
    assert format_error(error)["extensions"] == {"code": "BAD_USER_INPUT", "fields": errors}


READ = """query($id: String!) { listReview(id: $id) { id documentId unitPath rows { row } } }"""
LIST = """{ listReviews(unitCode: "06184", year: 2024) { id rows recognised skipped } }"""


@pytest.mark.parametrize("caller", [OFFICER, AUDITOR, ADMIN])
def test_registrars_and_auditors_in_reach_read_list_reviews(caller):
    found = run(READ, {"id": REVIEW["id"]}, scoring=Scoring(), caller=caller)
    assert found.errors is None and found.data["listReview"]["unitPath"] == "20/183/06184"
    listed = run(LIST, scoring=Scoring(), caller=caller)
    assert listed.errors is None
    assert listed.data["listReviews"] == [
        {"id": REVIEW["id"], "rows": 1, "recognised": 1, "skipped": 0}
    ]


@pytest.mark.parametrize("caller", [SIBLING, PARTNER])
def test_others_in_the_province_are_refused(caller):
    assert code_of(run(READ, {"id": REVIEW["id"]}, scoring=Scoring(), caller=caller)) == (
        "FORBIDDEN"
    )
    scoring = Scoring()
    assert code_of(run(LIST, scoring=scoring, caller=caller)) == "FORBIDDEN"
    assert scoring.received == []


def test_another_province_finds_no_document():
    assert run(READ, {"id": REVIEW["id"]}, scoring=Scoring(), caller=HANOI).data == {
        "listReview": None
    }
    assert code_of(run(LIST, scoring=Scoring(), caller=HANOI)) == "FORBIDDEN"


IMPORT = """mutation { importListReview(input: {unitCode: "06184", title: FAMILY, year: 2024,
  documentId: "BB-2", meetingDate: "2024-12-05", minutes: "Biên bản", fileName: "bx.xlsx",
  content: "UEsDBA=="}) { listReview { id } problems { row column message } errorReport } }"""


def test_a_rejected_sheet_answers_its_problems_and_the_reports_address():
    rejected = {
        "rejected": {
            "report_id": "abc",
            "errors": [{"row": 7, "column": "Ghi chú", "message": "Cần ghi rõ lý do."}],
        }
    }
    scoring = Scoring(rejected)
    result = run(IMPORT, scoring=scoring, caller=OFFICER)
    assert result.errors is None
    assert result.data["importListReview"] == {
        "listReview": None,
        "problems": [{"row": 7, "column": "Ghi chú", "message": "Cần ghi rõ lý do."}],
        "errorReport": "/files/list-reviews/errors/abc.xlsx",
    }
    (payload,) = scoring.received
    assert payload["fileName"] == "bx.xlsx" and payload["unitPath"] == "20/183/06184"
    done = run(IMPORT, scoring=Scoring(), caller=OFFICER).data["importListReview"]
    assert done == {"listReview": {"id": REVIEW["id"]}, "problems": [], "errorReport": None}
    assert code_of(run(IMPORT, scoring=Scoring(), caller=AUDITOR)) == "FORBIDDEN"
