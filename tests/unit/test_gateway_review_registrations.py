"""``reviewRegistrations`` on its own (services replaced by in-process stand-ins): a unit's
registrations of a title with their names and stages in two calls, for registrars and auditors
in reach only; and a criteria set's criteria as the self-assessment screen groups them."""

import pytest

from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from tests.unit.test_gateway_schema import ADMIN, AUDITOR, HANOI, OFFICER, SIBLING, code_of, run
from tests.unit.test_gateway_schema import Registration as Directory

AUTHORITY = Caller("a", "20", Role.AUTHORITY, UnitPath.parse("20/183/06184"))
FUND_MANAGER = Caller("f", "20", Role.FUND_MANAGER, UnitPath.parse("20/183/06184"))
VERDICT = {
    "status": "undecidable",
    "set_id": "s",
    "provisional": True,
    "missing": [],
    "unknown_parameters": [],
    "reasons": [],
    "explanation": [],
    "decided_by_meeting": False,
}
ASSESSMENT = {
    "_id": "e-1",
    "tenant": "20",
    "title": "FAMILY",
    "year": 2024,
    "unit_code": "06184",
    "unitpath": "20/183/06184",
    "status": "REGISTERED",
    "provisional": True,
    "self_assessment": {"at": "2024-11-01T00:00:00+00:00", "set_id": "s", "verdict": VERDICT},
    "review": None,
    "recognition": None,
    "evidence": None,
}


class Scoring:
    def __init__(self):
        self.asked = []

    def unit_assessments(self, tenant, unit_code, title, year, first):
        self.asked.append((tenant, unit_code, title, year, first))
        return [ASSESSMENT]


class Registration(Directory):
    def enrolment_names(self, tenant, ids):
        self.received.append(("names", tenant, ids))
        return {"e-1": {"id": "e-1", "name": "Hoàng Văn Bình"}}


LIST = """{ reviewRegistrations(unitCode: "06184", title: FAMILY, year: 2024, first: 2000) {
  enrolmentId name assessment { status selfAssessment { verdict { status } } review { at } } } }"""


@pytest.mark.parametrize("caller", [OFFICER, AUDITOR, ADMIN])
def test_registrars_and_auditors_in_reach_read_the_named_list(caller):
    scoring, registration = Scoring(), Registration()
    result = run(LIST, scoring=scoring, registration=registration, caller=caller)
    assert result.errors is None
    assert result.data["reviewRegistrations"] == [
        {
            "enrolmentId": "e-1",
            "name": "Hoàng Văn Bình",
            "assessment": {
                "status": "REGISTERED",
                "selfAssessment": {"verdict": {"status": "UNDECIDABLE"}},
                "review": None,
            },
        }
    ]
    assert scoring.asked == [("20", "06184", "FAMILY", 2024, 2000)]
    assert registration.received == [("names", "20", ["e-1"])]


@pytest.mark.parametrize("first", [0, -1, 2001])
def test_a_list_size_outside_the_cap_is_refused_not_clamped(first):
    scoring = Scoring()
    result = run(
        LIST.replace("first: 2000", f"first: {first}"),
        scoring=scoring,
        registration=Registration(),
        caller=OFFICER,
    )
    assert result.errors[0].extensions["fields"][0]["key"] == "page_size"
    assert scoring.asked == []


@pytest.mark.parametrize("caller", [SIBLING, AUTHORITY, FUND_MANAGER, HANOI])
def test_others_are_refused_before_scoring_is_asked(caller):
    scoring = Scoring()
    assert code_of(run(LIST, scoring=scoring, registration=Registration(), caller=caller)) == (
        "FORBIDDEN"
    )
    assert scoring.asked == []
