"""``submitSelfAssessments`` on its own (scoring replaced by an in-process stand-in): what reaches
scoring, who is refused before anything is sent, and each row's outcome as clients read it."""

import pytest

from gateway.endpoint import format_error
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from tests.unit.test_gateway_schema import ADMIN, AUDITOR, HANOI, OFFICER, SIBLING, code_of, run

PARTNER = Caller("p", "20", Role.PARTNER, UnitPath.parse("20/183/06184"))
DONE = {
    "request_id": "r-1",
    "written": 1,
    "unchanged": 0,
    "refused": 1,
    "rows": [
        {
            "row": 1,
            "enrolment_id": "e-1",
            "outcome": "written",
            "status": "recognised",
            "level": None,
            "total": 84,
            "set_id": "s",
            "provisional": True,
        },
        {
            "row": 2,
            "enrolment_id": "e-2",
            "outcome": "refused",
            "error": {
                "field": "rows.1.enrolmentId",
                "key": "outside_unit",
                "message": "Đăng ký này không thuộc đơn vị của danh sách tự đánh giá.",
            },
            "indicator": None,
        },
    ],
}


class Scoring:
    def __init__(self, answer=None):
        self.received = []
        self.answer = answer or {"self_assessments": DONE}

    def submit_self_assessments(self, payload):
        self.received.append(payload)
        return self.answer


SUBMIT = """mutation($tenant: String) { submitSelfAssessments(input: {tenant: $tenant,
  unitCode: "06184", title: FAMILY, year: 2024,
  rows: [{enrolmentId: "e-1", answers: [{indicator: "c1.i1", points: 9},
                                        {indicator: "c2.i1", met: true}]},
         {enrolmentId: "e-2", answers: [], figures: [{name: "f", value: 2.5}],
          group: "nông dân"}]}) {
  requestId written unchanged refused
  rows { row enrolmentId outcome status total setId error { field key message } } } }"""


def test_the_list_reaches_scoring_in_wire_names_with_the_units_path():
    scoring = Scoring()
    result = run(SUBMIT, {"tenant": "20"}, scoring=scoring, caller=OFFICER)
    assert result.errors is None
    (payload,) = scoring.received
    assert payload == {
        "tenant": "20",
        "unitCode": "06184",
        "unitPath": "20/183/06184",
        "title": "FAMILY",
        "year": 2024,
        "rows": [
            {"enrolmentId": "e-1", "answers": {"c1.i1": 9, "c2.i1": True}, "figures": {}},
            {
                "enrolmentId": "e-2",
                "answers": {},
                "figures": {"f": 2.5},
                "group": "nông dân",
            },
        ],
        "by": "o",
    }
    answer = result.data["submitSelfAssessments"]
    assert (answer["written"], answer["unchanged"], answer["refused"]) == (1, 0, 1)
    assert answer["rows"][0] == {
        "row": 1,
        "enrolmentId": "e-1",
        "outcome": "WRITTEN",
        "status": "RECOGNISED",
        "total": 84,
        "setId": "s",
        "error": None,
    }
    assert answer["rows"][1]["error"]["key"] == "outside_unit"


@pytest.mark.parametrize(
    ("caller", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (HANOI, "FORBIDDEN"),
        (SIBLING, "FORBIDDEN"),
        (AUDITOR, "FORBIDDEN"),
        (PARTNER, "FORBIDDEN"),
    ],
)
def test_only_registrars_in_reach_of_the_unit_submit(caller, code):
    scoring = Scoring()
    assert code_of(run(SUBMIT, {"tenant": "20"}, scoring=scoring, caller=caller)) == code
    assert scoring.received == []


def test_a_list_that_cannot_be_read_is_one_field_error():
    errors = [
        {
            "field": "rows",
            "key": "self_assessment_rows",
            "message": "Mỗi danh sách tự đánh giá có từ 1 đến 2.000 dòng.",
        }
    ]
    result = run(SUBMIT, {"tenant": "20"}, scoring=Scoring({"errors": errors}), caller=ADMIN)
    (error,) = result.errors
    assert format_error(error)["extensions"] == {"code": "BAD_USER_INPUT", "fields": errors}
