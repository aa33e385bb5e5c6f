"""End to end: a province admin uploads and activates its own criteria set through /graphql and
the next self-assessment is judged under it, with no restart; others are refused; assessments and
figures say when they rest on a provisional set, and why.

The set is activated from 2026 only, so the other end-to-end tests (2024) keep their sets."""

import uuid
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

YEAR = 2026
FILE = Path(__file__).parents[1] / "data" / "criteria" / "20" / "family-adapted.yaml"
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status provisional
  provisionalReason selfAssessment { setId setVersion verdict { status provisional
  provisionalReason } } } }"""
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  provisional provisionalReason selfAssessment { setId setVersion verdict { status total
  provisional provisionalReason } } } }"""
UPLOAD = """mutation($input: UploadCriteriaSetInput!) { uploadCriteriaSet(input: $input) {
  sets { setId version status provisional } } }"""
ACTIVATE = """mutation($input: ActivateCriteriaSetInput!) { activateCriteriaSet(input: $input) {
  setId version status effectiveFromYears activatedBy } }"""
LIST = "{ tenantCriteriaSets { setId version status effectiveFromYears } }"
FIGURES = """query($code: String!, $year: Int!) { orgUnit(code: $code) { stats(year: $year) {
  title(title: FAMILY) { registered provisional provisionalReason } } } }"""
SETS = """query($year: Int!) { criteriaSets(title: FAMILY, year: $year) { id version provisional
  provisionalReason indicators { id provisional } } }"""


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def error(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert answer.get("errors"), answer
    return answer["errors"][0]


def own_set(set_id):
    """The province's set: official (not provisional) and stricter (a pass mark of 100)."""
    text = FILE.read_text(encoding="utf-8").replace("id: test-20-family-2021", f"id: {set_id}")
    text = text.replace("pass_mark: 80", "pass_mark: 100").replace(
        "valid_from: 2021", "valid_from: 2026"
    )
    text = text.replace("provisional: true\n", "provisional: false\n")
    return text.replace('provisional_reason: "Bộ tiêu chí thử nghiệm."\n', "")


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


def self_assessed(platform, officer):
    household = {
        "communeCode": "06184",
        "headName": f"Hoàng Thị Lan {uuid.uuid4().hex[:6]}",
        "address": "Khối 5",
        "year": YEAR,
    }
    enrolment_id = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"][
        "enrolmentId"
    ]
    wait_until(lambda: ask(platform, ASSESSMENT, {"id": enrolment_id}, officer)["assessment"])
    given = {"input": {"enrolmentId": enrolment_id, "answers": answers()}}
    return enrolment_id, ask(platform, SELF, given, officer)["submitSelfAssessment"]


def test_an_activated_set_judges_the_next_self_assessment_without_a_restart(platform, tokens):
    admin, officer = tokens["admin"], tokens["officer"]
    set_id = f"ls-family-{uuid.uuid4().hex[:6]}"
    before_id, before = self_assessed(platform, officer)
    assert before["selfAssessment"]["setId"] == "test-20-family-2021"
    assert before["selfAssessment"]["verdict"]["status"] == "RECOGNISED"
    assert before["provisional"] is True
    assert before["provisionalReason"] == "Bộ tiêu chí thử nghiệm."
    assert before["selfAssessment"]["verdict"]["provisionalReason"] == "Bộ tiêu chí thử nghiệm."
    figures = ask(platform, FIGURES, {"code": "06184", "year": YEAR}, admin)
    assert figures["orgUnit"]["stats"]["title"]["provisional"] is True

    uploaded = ask(platform, UPLOAD, {"input": {"yaml": own_set(set_id)}}, admin)
    assert uploaded["uploadCriteriaSet"]["sets"] == [
        {"setId": set_id, "version": 1, "status": "DRAFT", "provisional": False}
    ]
    activation = {"setId": set_id, "version": 1, "effectiveFromYear": YEAR}
    activated = ask(platform, ACTIVATE, {"input": activation}, admin)["activateCriteriaSet"]
    assert (activated["status"], activated["effectiveFromYears"]) == ("ACTIVE", [YEAR])
    assert activated["activatedBy"] == "admin"
    listed = ask(platform, LIST, {}, admin)["tenantCriteriaSets"]
    assert {
        "setId": set_id,
        "version": 1,
        "status": "ACTIVE",
        "effectiveFromYears": [YEAR],
    } in listed

    _, after = self_assessed(platform, officer)  # the same running scoring process
    assert (after["selfAssessment"]["setId"], after["selfAssessment"]["setVersion"]) == (set_id, 1)
    assert after["selfAssessment"]["verdict"]["status"] == "NOT_RECOGNISED"  # 84 < 100 points
    assert after["provisional"] is False and after["provisionalReason"] is None
    kept = ask(platform, ASSESSMENT, {"id": before_id}, officer)["assessment"]
    assert kept["selfAssessment"]["setId"] == "test-20-family-2021"  # judged before: kept
    assert kept["selfAssessment"]["verdict"]["status"] == "RECOGNISED"

    now = ask(platform, FIGURES, {"code": "06184", "year": YEAR}, admin)["orgUnit"]["stats"]
    assert now["title"]["provisional"] is False and now["title"]["provisionalReason"] is None
    earlier = ask(platform, FIGURES, {"code": "20", "year": 2024}, admin)["orgUnit"]["stats"]
    assert earlier["title"]["provisional"] is True and earlier["title"]["provisionalReason"]
    in_force = ask(platform, SETS, {"year": YEAR}, admin)["criteriaSets"]
    assert in_force[0]["id"] == set_id and in_force[0]["provisionalReason"] is None
    public = ask(platform, SETS, {"year": 2024}, None)["criteriaSets"]
    assert all(s["provisionalReason"] for s in public if s["provisional"])


def test_only_the_provinces_admin_manages_its_sets(platform, tokens):
    text = own_set(f"ls-other-{uuid.uuid4().hex[:6]}")
    for holder in ("officer", "sibling", "authority"):
        refused = error(platform, UPLOAD, {"input": {"yaml": text}}, tokens[holder])
        assert refused["extensions"]["code"] == "FORBIDDEN"
        assert error(platform, LIST, {}, tokens[holder])["extensions"]["code"] == "FORBIDDEN"
    hanoi = tokens["hanoi"]
    for query, variables in (
        (UPLOAD, {"input": {"tenant": "20", "yaml": text}}),
        (
            ACTIVATE,
            {"input": {"tenant": "20", "setId": "x", "version": 1, "effectiveFromYear": 2026}},
        ),
        ('{ tenantCriteriaSets(tenant: "20") { setId } }', {}),
    ):
        assert error(platform, query, variables, hanoi)["extensions"]["code"] == "FORBIDDEN"
    assert ask(platform, LIST, {}, hanoi)["tenantCriteriaSets"] == []  # Hà Nội's own: none
    anonymous = error(platform, UPLOAD, {"input": {"yaml": text}}, None)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_bad_set_is_a_vietnamese_field_error_naming_the_yaml_path(platform, admin):
    text = own_set("ls-bad").replace("pass_mark: 100", "pass_mark: -3")
    refused = error(platform, UPLOAD, {"input": {"yaml": text}}, admin)
    assert refused["extensions"]["code"] == "BAD_USER_INPUT"
    (field,) = refused["extensions"]["fields"]
    assert (field["field"], field["key"]) == ("yaml", "criteria_set_invalid")
    assert "Tại pass_mark: phải là số nguyên dương" in field["message"]
    shipped = error(platform, UPLOAD, {"input": {"yaml": own_set("qd448-family-2016")}}, admin)
    assert shipped["extensions"]["fields"][0]["key"] == "criteria_set_id_shipped"
