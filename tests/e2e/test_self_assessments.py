"""Households' self-assessments entered as one list, on the running platform through /graphql
only (Hà Nội, tenant 01, wards of Hoàn Kiếm no other e2e file uses): another province, a sibling
ward's officer and the wrong roles are refused and nothing changes; the ward's officer enters
the forms in one request, a row of the sibling ward is refused with its reason, each household
is scored once, and the same list sent again writes nothing."""

import uuid

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, WARD, SIBLING = "01", "00043", "00046"  # Hà Nội: Hàng Mã and Hàng Buồm (Hoàn Kiếm)
SETS = """query { criteriaSets(title: FAMILY, year: 2024) { id indicators { id kind } } }"""
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status
  selfAssessment { verdict { status setId } } } }"""
SUBMIT = """mutation($input: SelfAssessmentsInput!) { submitSelfAssessments(input: $input) {
  requestId written unchanged refused
  rows { row enrolmentId outcome status setId error { field key message } } } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: FAMILY) { registered assessed } } } }"""


@pytest.fixture(scope="module")
def hanoi(platform):
    config = load_config(env=platform.settings())
    made = {
        name: create_token(config, TENANT, unit, role, f"sa-{name}", hours=1)
        for name, (unit, role) in {
            "officer": (WARD, Role.COMMUNE_OFFICER),
            "sibling": (SIBLING, Role.COMMUNE_OFFICER),
            "auditor": (WARD, Role.AUDITOR),
            "partner": (WARD, Role.PARTNER),
        }.items()
    }
    return made


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def figures(platform, token, code=WARD):
    return ask(platform, FIGURES, {"code": code}, token)["orgUnit"]["stats"]["title"]


def register(platform, token, ward, count):
    ids = []
    for _ in range(count):
        household = {
            "communeCode": ward,
            "headName": f"Trần Văn Hà {uuid.uuid4().hex[:6]}",
            "address": "Phố Hàng Mã",
            "year": 2024,
        }
        found = ask(platform, REGISTER, {"input": household}, token)
        ids.append(found["registerHousehold"]["enrolmentId"])
    for enrolment_id in ids:
        wait_until(lambda e=enrolment_id: ask(platform, ASSESSMENT, {"id": e}, token)["assessment"])
    return ids


def test_a_wards_forms_are_entered_as_one_list(platform, tokens, hanoi):
    (family,) = ask(platform, SETS, {}, None)["criteriaSets"]
    answers = [
        {"indicator": i["id"], "points": 1} for i in family["indicators"] if i["kind"] == "POINTS"
    ]
    ours = register(platform, hanoi["officer"], WARD, 4)
    (theirs,) = register(platform, hanoi["sibling"], SIBLING, 1)
    given = {
        "unitCode": WARD,
        "title": "FAMILY",
        "year": 2024,
        "rows": [{"enrolmentId": e, "answers": answers} for e in [*ours, theirs]],
    }
    before = figures(platform, hanoi["officer"])
    assert before == {"registered": 4, "assessed": 0}

    # refused before anything is written: another province, a sibling ward, the wrong roles
    for token, tenant in [
        (tokens["admin"], TENANT),  # Lạng Sơn's admin naming Hà Nội
        (hanoi["sibling"], None),
        (hanoi["auditor"], None),
        (hanoi["partner"], None),
    ]:
        payload = {**given, "tenant": tenant} if tenant else given
        answer = graphql(platform, SUBMIT, {"input": payload}, token=token)
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN", answer
    lost = graphql(platform, SUBMIT, {"input": given}, token=tokens["admin"])  # not in tenant 20
    assert lost["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert figures(platform, hanoi["officer"]) == before
    assert figures(platform, hanoi["sibling"], SIBLING) == {"registered": 1, "assessed": 0}
    for enrolment_id, token in [*((e, hanoi["officer"]) for e in ours), (theirs, hanoi["sibling"])]:
        found = ask(platform, ASSESSMENT, {"id": enrolment_id}, token)["assessment"]
        assert found["selfAssessment"] is None

    done = ask(platform, SUBMIT, {"input": given}, hanoi["officer"])["submitSelfAssessments"]
    assert (done["written"], done["unchanged"], done["refused"]) == (4, 0, 1)
    assert [r["outcome"] for r in done["rows"]] == ["WRITTEN"] * 4 + ["REFUSED"]
    assert {r["setId"] for r in done["rows"][:4]} == {family["id"]}
    assert done["rows"][4]["error"] == {
        "field": "rows.4.enrolmentId",
        "key": "outside_unit",
        "message": "Đăng ký này không thuộc đơn vị của danh sách tự đánh giá.",
    }
    kept = ask(platform, ASSESSMENT, {"id": ours[0]}, hanoi["officer"])["assessment"]
    assert kept["selfAssessment"]["verdict"]["status"] == done["rows"][0]["status"]
    wanted = {"registered": 4, "assessed": 4}
    wait_until(lambda: figures(platform, hanoi["officer"]) == wanted, what="the ward's figures")
    assert figures(platform, hanoi["sibling"], SIBLING) == {"registered": 1, "assessed": 0}
    sibling_row = ask(platform, ASSESSMENT, {"id": theirs}, hanoi["sibling"])["assessment"]
    assert sibling_row["selfAssessment"] is None

    again = ask(platform, SUBMIT, {"input": given}, hanoi["officer"])["submitSelfAssessments"]
    assert (again["written"], again["unchanged"], again["refused"]) == (0, 4, 1)
    assert again["requestId"] == done["requestId"]
    assert figures(platform, hanoi["officer"]) == wanted
