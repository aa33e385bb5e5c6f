"""The commune's own learning community (Cộng đồng học tập cấp xã, TT 25/2023): the commune
registers itself, enters its indicators; the platform fills in the computed ones from its own
figures and keeps them current as households are recognised; the level above decides."""

from datetime import UTC, datetime, timedelta

import pytest

from khuyenhoc.auth import Role
from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

COMMUNE = """mutation($code: String!) { registerCommuneCommunity(input: {communeCode: $code,
  year: 2024}) { enrolmentId subjectId created } }"""
HOUSEHOLD = """mutation($name: String!) { registerHousehold(input: {communeCode: "06184",
  headName: $name, address: "Khối 3", year: 2024}) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status review {
  computedFigures { name value } verdict { status level } } recognition { level } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status level } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) { recognised } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: COMMUNE_COMMUNITY) { registered eligible recognised recognisedLevel1 } } } }"""
TODAY = vietnam_day(datetime.now(UTC))
LATER = TODAY.isoformat()  # the posting was done on paper, 10 days ago
POSTED = (TODAY - timedelta(days=10)).isoformat()


def family_points(points):
    given = {f"c{c}.i{i}": points for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


def review(gateway, enrolment_id, answers, token=None):
    variables = {"input": {"enrolmentId": enrolment_id, "answers": answers, "minutes": "Biên bản"}}
    args = {"token": token} if token else {}
    return gateway(REVIEW, variables, **args)["recordReview"]["review"]["verdict"]


def propose_and_decide(gateway, title, token, number):
    posted = {"unitCode": "06184", "title": title, "year": 2024, "postedFrom": POSTED}
    proposal = gateway(PROPOSE, {"input": posted})
    decision = {
        "proposalId": proposal["proposeRecognition"]["id"],
        "decisionNumber": number,
        "signer": "Chủ tịch UBND",
        "decisionDate": LATER,
    }
    return gateway(DECIDE, {"input": decision}, token=token)["decideRecognition"]["recognised"]


def state(gateway, enrolment_id):
    return gateway(ASSESSMENT, {"id": enrolment_id})["assessment"]


def families_share(gateway, enrolment_id):
    review = state(gateway, enrolment_id)["review"]
    return {f["name"]: f["value"] for f in review["computedFigures"]}.get(
        "families_recognised_share"
    )


def test_a_communes_year_as_a_learning_community(config, gateway):
    load_demo_directory(config)
    officer = token_for("20/183/06184", Role.COMMUNE_OFFICER)
    registered = gateway(COMMUNE, {"code": "06184"}, token=officer)["registerCommuneCommunity"]
    assert registered["subjectId"] == "cm-20-06184" and registered["created"] is True
    again = gateway(COMMUNE, {"code": "06184"}, token=officer)["registerCommuneCommunity"]
    assert again == {**registered, "created": False}
    commune = registered["enrolmentId"]

    households = [
        gateway(HOUSEHOLD, {"name": name})["registerHousehold"]["enrolmentId"]
        for name in ("Lý Văn Một", "Lý Văn Hai", "Lý Văn Ba", "Lý Văn Bốn")
    ]
    for enrolment_id in [commune, *households]:
        wait_until(lambda e=enrolment_id: gateway(ASSESSMENT, {"id": e})["assessment"])
    for enrolment_id, points in zip(households, (9, 9, 9, 4), strict=True):
        review(gateway, enrolment_id, family_points(points))

    entered = [{"indicator": "c1.i1", "met": True}, {"indicator": "c1.i2", "met": True}]
    assert review(gateway, commune, entered, officer)["status"] == "NOT_RECOGNISED"
    assert families_share(gateway, commune) == 0.0  # 4 households registered, none recognised

    commune_authority = token_for("20/183/06184", Role.AUTHORITY)
    assert len(propose_and_decide(gateway, "FAMILY", commune_authority, "301/QĐ-UBND")) == 3
    wait_until(lambda: families_share(gateway, commune) == 0.75, what="the share to follow")
    assert state(gateway, commune)["review"]["verdict"] == {"status": "RECOGNISED", "level": 1}

    with pytest.raises(GraphQLError) as refused:  # TT 25: not the commune's own authority
        propose_and_decide(gateway, "COMMUNE_COMMUNITY", commune_authority, "302/QĐ-UBND")
    assert refused.value.code == "FORBIDDEN"
    district_authority = token_for("20/183", Role.AUTHORITY)
    decided = propose_and_decide(gateway, "COMMUNE_COMMUNITY", district_authority, "88/QĐ-UBND")
    assert decided == [commune]
    assert state(gateway, commune)["recognition"] == {"level": 1}
    for code in ("06184", "183", "20"):
        assert gateway(FIGURES, {"code": code})["orgUnit"]["stats"]["title"] == {
            "registered": 1,
            "eligible": 1,
            "recognised": 1,
            "recognisedLevel1": 1,
        }


def test_a_commune_registers_only_itself_inside_the_province(config, gateway):
    load_demo_directory(config, "20", "01")
    for code, token, field_key in (
        ("00004", None, "commune_not_found"),  # Hà Nội's commune, asked by Lạng Sơn
        ("183", None, "commune_format"),  # a district is not a commune
    ):
        with pytest.raises(GraphQLError) as refused:
            gateway(COMMUNE, {"code": code}, **({"token": token} if token else {}))
        error = refused.value.errors[0]
        assert error["extensions"]["fields"][0]["key"] == field_key
    with pytest.raises(GraphQLError) as sibling:
        gateway(COMMUNE, {"code": "06184"}, token=token_for("20/183/06187", Role.COMMUNE_OFFICER))
    assert sibling.value.code == "FORBIDDEN"
