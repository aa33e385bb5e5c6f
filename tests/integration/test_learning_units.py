"""A district-level learning unit (Đơn vị học tập, TT 24/2023, which rates district and province
units only) is judged on the share of its members who are recognised learning citizens: the
platform computes that share from the citizens' own recognitions, and the unit becomes eligible
when it crosses 90% without anyone re-entering it."""

from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection

from khuyenhoc.auth import Role
from khuyenhoc.contracts import validate_event
from khuyenhoc.events import REVOKED, SCORED
from khuyenhoc.storage import TenantDatabase, service_database
from services.scoring import store
from services.scoring.criteria_sets import load_shipped
from services.scoring.domain import vietnam_day
from services.scoring.entrypoint import tenant_sets
from services.scoring.service import refresh_dependents
from tests.conftest import wait_until
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory, tap

UNIT = """mutation($staff: Int) { registerLearningUnit(input: {unitCode: "183", level: "district",
  name: "Trường THPT Cao Lộc", unitKind: SCHOOL, staff: $staff, year: 2024}) {
  enrolmentId subjectId } }"""
CITIZEN = """mutation($input: RegisterCitizenInput!) { registerCitizen(input: $input) {
  enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status review {
  computedFigures { name value } recomputedAt
  verdict { status level explanation { indicators { id value reasons { message } } } } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) { recognised } }"""
REVOKE = """mutation($input: RevokeInput!) { revokeRecognition(input: $input) {
  recognition { revoked { reason } } } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: UNIT) { registered reviewed eligible } } } }"""
STAFF = 10


def citizen(n: int, unit: str | None, **changes):
    given = {
        "communeCode": "06184",
        "fullName": f"Giáo viên Số {n}",
        "birthYear": 1980,
        "nationalId": f"0201800{n:05d}",
        "labourGroup": "PROFESSIONAL",
        "year": 2024,
        "learningUnitId": unit,
        **changes,
    }
    return {"input": {k: v for k, v in given.items() if v is not None}}


def unit_review(gateway, enrolment_id):
    return gateway(
        REVIEW,
        {
            "input": {
                "enrolmentId": enrolment_id,
                "answers": [
                    {"indicator": "c1.i1", "met": True},
                    {"indicator": "c2.i1", "met": True},
                    {"indicator": "c3.i2", "met": True},
                ],
                "figures": [{"name": "members_citizen_share", "value": 1.0}],  # ignored: computed
                "minutes": "Biên bản họp hội đồng trường",
            }
        },
    )["recordReview"]["review"]["verdict"]


def review_citizen(gateway, enrolment_id):
    points = [
        {"indicator": f"c{c}.i{i}", "points": 9}
        for c, n in ((1, 4), (2, 3), (3, 3))
        for i in range(1, n + 1)
    ]
    gateway(
        REVIEW,
        {"input": {"enrolmentId": enrolment_id, "answers": points, "minutes": "Bình xét tổ"}},
    )


def unit_state(gateway, enrolment_id):
    return gateway(ASSESSMENT, {"id": enrolment_id})["assessment"]["review"]


def share_of(review):
    return {f["name"]: f["value"] for f in review["computedFigures"]}.get("members_citizen_share")


@pytest.fixture
def school(config, gateway):
    load_demo_directory(config)
    unit = gateway(UNIT, {"staff": STAFF})["registerLearningUnit"]
    members = [
        gateway(CITIZEN, citizen(n, unit["subjectId"]))["registerCitizen"]["enrolmentId"]
        for n in range(STAFF)
    ]
    for enrolment_id in [unit["enrolmentId"], *members]:
        wait_until(lambda e=enrolment_id: gateway(ASSESSMENT, {"id": e})["assessment"])
    return unit["enrolmentId"], members


def about(enrolment_id, queue):
    """The next event on ``queue`` about the enrolment (others are skipped), or None."""
    while (message := queue.get(no_ack=True)) is not None:
        if (event := message.decode())["data"]["enrolmentId"] == enrolment_id:
            return event
    return None


def decide(gateway, proposal_id, enrolment_ids, number):
    authority = token_for("20/183/06184", Role.AUTHORITY)
    return gateway(
        DECIDE,
        {
            "input": {
                "proposalId": proposal_id,
                "decisionNumber": number,
                "signer": "Chủ tịch UBND",
                "decisionDate": vietnam_day(datetime.now(UTC)).isoformat(),
                "enrolmentIds": enrolment_ids,
            }
        },
        token=authority,
    )["decideRecognition"]["recognised"]


def test_a_unit_becomes_eligible_when_its_learning_citizens_cross_90_percent(
    school, gateway, config
):
    unit, members = school
    first = unit_review(gateway, unit)
    assert first["status"] == "not_recognised"  # nobody is a learning citizen yet
    review = unit_state(gateway, unit)
    assert share_of(review) == 0.0  # the entered 1.0 did not count
    share = next(
        i
        for c in review["verdict"]["explanation"]
        for i in c["indicators"]
        if i["id"] == "c3.i1"  # TT 24: the learning citizens' share is criterion 3
    )
    assert share["value"] == 0.0 and "chưa đạt mức yêu cầu 90%" in share["reasons"][0]["message"]

    for enrolment_id in members:
        review_citizen(gateway, enrolment_id)
    posted = (vietnam_day(datetime.now(UTC)) - timedelta(days=10)).isoformat()  # on paper
    citizens = {"unitCode": "06184", "title": "CITIZEN", "year": 2024, "postedFrom": posted}
    proposal = gateway(PROPOSE, {"input": citizens})["proposeRecognition"]
    assert sorted(proposal["enrolmentIds"]) == sorted(members)

    assert len(decide(gateway, proposal["id"], members[:8], "201/QĐ-UBND")) == 8
    wait_until(lambda: share_of(unit_state(gateway, unit)) == 0.8, what="share 80%")
    assert unit_state(gateway, unit)["verdict"]["status"] == "not_recognised"

    with Connection(config["AMQP_URI"]) as connection:
        scored = tap(config, SCORED)(connection.default_channel)
        scored.declare()
        assert decide(gateway, proposal["id"], members[8:9], "202/QĐ-UBND") == members[8:9]
        event = wait_until(lambda: about(unit, scored), what="the unit's scored event")
        scored.delete()
    validate_event(event)
    assert (event["data"]["enrolmentId"], event["data"]["status"]) == (unit, "recognised")
    review = unit_state(gateway, unit)
    assert share_of(review) == 0.9 and review["recomputedAt"]
    assert (review["verdict"]["status"], review["verdict"]["level"]) == ("recognised", 1)
    for code in ("183", "20"):  # a district-level unit counts at the district and above
        figures = gateway(FIGURES, {"code": code})["orgUnit"]["stats"]["title"]
        assert figures == {"registered": 1, "reviewed": 1, "eligible": 1}
    # the same recognition heard again (a redelivery) re-judges nothing
    assessments = store.Assessments(TenantDatabase(service_database(config, "scoring"), "20"))
    sets = [*tenant_sets(config["CRITERIA_DIR"], "20"), *load_shipped()]
    assert refresh_dependents(assessments, sets, members[8]) == []
    assert unit_state(gateway, unit) == review

    # a revocation takes the share back under 90%: no longer eligible, announced as such
    authority = token_for("20/183/06184", Role.AUTHORITY)
    with Connection(config["AMQP_URI"]) as connection:
        revoked = tap(config, REVOKED)(connection.default_channel)
        revoked.declare()
        gateway(REVOKE, {"input": {"enrolmentId": members[0], "reason": "Khai man"}}, authority)
        event = wait_until(lambda: revoked.get(no_ack=True), what="revoked").decode()
        revoked.delete()
    validate_event(event)
    assert event["data"]["reason"] == "Khai man"
    wait_until(lambda: share_of(unit_state(gateway, unit)) == 0.8, what="share back to 80%")
    assert unit_state(gateway, unit)["verdict"]["status"] == "not_recognised"
    assert gateway(FIGURES, {"code": "20"})["orgUnit"]["stats"]["title"]["eligible"] == 0


def test_a_citizen_names_only_a_learning_unit_of_their_province(config, gateway):
    load_demo_directory(config, "20", "01")
    other = gateway(
        """mutation { registerLearningUnit(input: {unitCode: "00004", name: "Trường Ba Đình",
        unitKind: SCHOOL, staff: 5, year: 2024}) { subjectId } }""",
        token=token_for("01"),
    )["registerLearningUnit"]["subjectId"]
    household = gateway(
        """mutation { registerHousehold(input: {communeCode: "06184", headName: "Lê Văn Hộ",
        address: "Khối 2", year: 2024}) { subjectId } }"""
    )["registerHousehold"]["subjectId"]
    for unit in (other, household, "lu-00000000000000000000", "not-an-id"):
        with pytest.raises(GraphQLError) as refused:
            gateway(CITIZEN, citizen(1, unit))
        fields = refused.value.errors[0]["extensions"]["fields"]
        assert [(f["field"], f["key"]) for f in fields] == [
            ("learningUnitId", "learning_unit_not_found")
        ]
    listed = gateway(
        """{ orgUnit(code: "06184") { subjects(year: 2024, title: CITIZEN) { nodes { name } } } }"""
    )["orgUnit"]["subjects"]["nodes"]
    assert listed == []  # refused registrations store nothing
