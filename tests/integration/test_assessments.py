"""Self-assessment and review through the gateway: verdicts with explanations, the figures they
move at every level, the `scored` event, and who may enter them."""

import pytest
from kombu import Connection

from khuyenhoc.auth import Role
from khuyenhoc.contracts import validate_event
from khuyenhoc.events import RECOGNISED, SCORED
from tests.conftest import wait_until
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory, tap

REGISTER = """mutation($name: String!) { registerHousehold(input: {communeCode: "06184",
  headName: $name, address: "Khối 1", year: 2024}) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status } }"""
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  enrolmentId selfAssessment { setId verdict { status total provisional
    reasons { key message } explanation { id points indicators { id points belowFloor } } } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { minutes verdict { status total reasons { key message }
    explanation { indicators { id belowFloor } } } } } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: FAMILY) { registered assessed reviewed eligible } } } }"""
CRITERIA = """{ criteriaSets(title: FAMILY, year: 2024) { id provisional passMark
  indicators { id maxPoints minPoints } } }"""


def answers(points=9, c3=15, c4=15, **changes):
    given = {f"c{c}.i{i}": points for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": c3, "c4.i1": c4}, **changes)
    return [{"indicator": k, "points": v} for k, v in given.items()]


@pytest.fixture
def enrolment(config, gateway):
    load_demo_directory(config)
    enrolment_id = gateway(REGISTER, {"name": "Hà Thị Thu"})["registerHousehold"]["enrolmentId"]
    wait_until(lambda: gateway(ASSESSMENT, {"id": enrolment_id})["assessment"])
    return enrolment_id


def figures(gateway, code):
    return gateway(FIGURES, {"code": code})["orgUnit"]["stats"]["title"]


def test_the_sets_in_force_are_public_and_marked_provisional(gateway, config):
    shipped = gateway(CRITERIA, token=None)["criteriaSets"]
    # QĐ 242's tables are not public: the national fallback for 2024 is QĐ 448's, provisional
    assert [(s["id"], s["provisional"], s["passMark"]) for s in shipped] == [
        ("qd448-family-2021", True, None)
    ]
    own = gateway(CRITERIA)["criteriaSets"]  # the province's adapted set first, with its token
    assert [s["id"] for s in own] == ["test-20-family-2021", "qd448-family-2021"]
    assert own[0]["provisional"] is True and own[0]["passMark"] == 80


def test_self_assessment_then_review_decide_and_roll_up(enrolment, gateway, config):
    with Connection(config["AMQP_URI"]) as connection:
        queue = tap(config, SCORED)(connection.default_channel)
        queue.declare()
        scored = gateway(SELF, {"input": {"enrolmentId": enrolment, "answers": answers()}})
        message = wait_until(lambda: queue.get(no_ack=True), what="scored")
        queue.delete()
    verdict = scored["submitSelfAssessment"]["selfAssessment"]["verdict"]
    assert (verdict["status"], verdict["total"], verdict["provisional"]) == ("RECOGNISED", 84, True)
    assert verdict["reasons"][-1]["message"] == "Đủ điều kiện công nhận."
    assert [c["points"] for c in verdict["explanation"]] == [27, 27, 15, 15]
    event = message.decode()
    validate_event(event)
    assert (event["data"]["stage"], event["data"]["status"]) == ("self_assessment", "recognised")

    for code in ("06184", "183", "20"):
        assert figures(gateway, code) == {
            "registered": 1,
            "assessed": 1,
            "reviewed": 0,
            "eligible": 0,
        }

    reviewed = gateway(
        REVIEW,
        {
            "input": {
                "enrolmentId": enrolment,
                "answers": answers(c3=9),
                "minutes": "Biên bản họp thôn ngày 20/11/2024",
            }
        },
    )
    review = reviewed["recordReview"]["review"]
    assert review["verdict"]["status"] == "NOT_RECOGNISED"  # the meeting found c3 below its floor
    floors = {
        i["id"]: i["belowFloor"] for c in review["verdict"]["explanation"] for i in c["indicators"]
    }
    assert floors["c3.i1"] is True and floors["c1.i1"] is False
    assert review["minutes"] == "Biên bản họp thôn ngày 20/11/2024"
    assert figures(gateway, "20")["reviewed"] == 1 and figures(gateway, "20")["eligible"] == 0

    gateway(
        REVIEW,
        {
            "input": {
                "enrolmentId": enrolment,
                "answers": answers(),
                "minutes": "Họp lại ngày 25/11/2024",
            }
        },
    )
    assert figures(gateway, "183") == {"registered": 1, "assessed": 1, "reviewed": 1, "eligible": 1}


def test_bad_scores_are_field_errors_and_change_nothing(enrolment, gateway):
    cases = [
        ({"answers": answers(points=11)}, "answers", "invalid_answer"),  # above the maximum
        (
            {"answers": answers(), "enrolmentId": "20-FAMILY-2024-nope"},
            "enrolmentId",
            "enrolment_not_found",
        ),
    ]
    for change, field, key in cases:
        with pytest.raises(GraphQLError) as caught:
            gateway(SELF, {"input": {"enrolmentId": enrolment, **change}})
        (error,) = caught.value.errors[0]["extensions"]["fields"]
        assert (error["field"], error["key"]) == (field, key)
    with pytest.raises(GraphQLError) as no_minutes:
        gateway(
            REVIEW, {"input": {"enrolmentId": enrolment, "answers": answers(), "minutes": "  "}}
        )
    assert no_minutes.value.errors[0]["extensions"]["fields"][0]["field"] == "minutes"
    assert figures(gateway, "20")["assessed"] == 0


@pytest.mark.parametrize(
    ("holder", "role"),
    [
        ("01", Role.PROVINCE_ADMIN),
        ("20/183/06187", Role.COMMUNE_OFFICER),
        ("20/183/06184", Role.AUDITOR),
    ],
)
def test_only_registrars_in_reach_enter_scores(enrolment, gateway, holder, role):
    token = token_for(holder, role)
    with pytest.raises(GraphQLError) as caught:
        gateway(
            SELF,
            {"input": {"tenant": "20", "enrolmentId": enrolment, "answers": answers()}},
            token=token,
        )
    assert caught.value.code == "FORBIDDEN"
    if holder == "01":  # another province: the assessment is simply not there
        assert gateway(ASSESSMENT, {"id": enrolment}, token=token)["assessment"] is None
    elif role is Role.COMMUNE_OFFICER:  # the neighbouring commune: refused
        with pytest.raises(GraphQLError) as read:
            gateway(ASSESSMENT, {"id": enrolment}, token=token)
        assert read.value.code == "FORBIDDEN"
    assert figures(gateway, "20")["assessed"] == 0


PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds postingEnds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) {
  recognised skipped } }"""
REVOKE = """mutation($input: RevokeInput!) { revokeRecognition(input: $input) {
  recognition { decisionNumber revoked { reason } } } }"""
RATE = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: FAMILY) { registered eligible recognised recognitionRate } } } }"""


def test_a_communes_year_from_review_to_decision_and_revocation(config, gateway):
    from datetime import UTC, datetime, timedelta

    from services.scoring.domain import vietnam_day

    load_demo_directory(config)
    ids = [
        gateway(REGISTER, {"name": name})["registerHousehold"]["enrolmentId"]
        for name in ("Nông Văn Một", "Nông Văn Hai", "Nông Văn Ba")
    ]
    for enrolment_id in ids:
        wait_until(lambda e=enrolment_id: gateway(ASSESSMENT, {"id": e})["assessment"])
    for enrolment_id, c3 in zip(ids, (15, 16, 9), strict=True):  # the third misses a floor
        gateway(
            REVIEW,
            {
                "input": {
                    "enrolmentId": enrolment_id,
                    "answers": answers(c3=c3),
                    "minutes": "Biên bản bình xét khối 1",
                }
            },
        )
    today = vietnam_day(datetime.now(UTC))
    posted = {"unitCode": "06184", "title": "FAMILY", "year": 2024}
    posted["postedFrom"] = (today - timedelta(days=10)).isoformat()  # posted on paper
    proposal = gateway(PROPOSE, {"input": posted})["proposeRecognition"]
    assert sorted(proposal["enrolmentIds"]) == sorted(ids[:2])
    assert proposal["postingEnds"] == today.isoformat()

    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": "125/QĐ-UBND",
        "signer": "Hoàng Văn Chủ tịch",
    }
    officer = token_for("20/183/06184", Role.COMMUNE_OFFICER)
    with pytest.raises(GraphQLError) as not_theirs:  # officers propose; the authority decides
        gateway(
            DECIDE,
            {"input": {**decision, "decisionDate": today.isoformat()}},
            token=officer,
        )
    assert not_theirs.value.code == "FORBIDDEN"
    authority = token_for("20/183/06184", Role.AUTHORITY)
    yesterday = (today - timedelta(days=1)).isoformat()
    with pytest.raises(GraphQLError) as early:  # still posted publicly that day
        gateway(DECIDE, {"input": {**decision, "decisionDate": yesterday}}, token=authority)
    assert early.value.errors[0]["extensions"]["fields"][0]["key"] == "posting_not_over"
    for outsider in (token_for("01", Role.AUTHORITY), token_for("20/183/06187", Role.AUTHORITY)):
        with pytest.raises(GraphQLError) as refused:
            gateway(
                DECIDE,
                {
                    "input": {
                        **decision,
                        "tenant": "20",
                        "decisionDate": today.isoformat(),
                    }
                },
                token=outsider,
            )
        assert refused.value.code == "FORBIDDEN"

    with Connection(config["AMQP_URI"]) as connection:
        queue = tap(config, RECOGNISED)(connection.default_channel)
        queue.declare()
        decided = gateway(
            DECIDE,
            {"input": {**decision, "decisionDate": today.isoformat()}},
            token=authority,
        )["decideRecognition"]
        events = [wait_until(lambda: queue.get(no_ack=True), what="recognised") for _ in range(2)]
        queue.delete()
    assert sorted(decided["recognised"]) == sorted(ids[:2]) and decided["skipped"] == []
    for message in events:
        event = message.decode()
        validate_event(event)
        assert event["data"]["decisionNumber"] == "125/QĐ-UBND"
    for code in ("06184", "183", "20"):
        figures = gateway(RATE, {"code": code})["orgUnit"]["stats"]["title"]
        assert figures == {
            "registered": 3,
            "eligible": 2,
            "recognised": 2,
            "recognitionRate": pytest.approx(2 / 3),
        }

    revoked = gateway(
        REVOKE, {"input": {"enrolmentId": ids[0], "reason": "Khai man"}}, token=authority
    )["revokeRecognition"]
    assert revoked["recognition"]["revoked"] == {"reason": "Khai man"}
    assert gateway(RATE, {"code": "20"})["orgUnit"]["stats"]["title"]["recognised"] == 1


EVIDENCE = """mutation($input: EvidenceInput!) { attachEvidence(input: $input) {
  evidence { id fileName contentType size url } } }"""
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n"


def test_evidence_is_checked_kept_and_downloaded_inside_the_reach(enrolment, gateway):
    import base64
    import urllib.error
    import urllib.request

    def attach(content, content_type="application/pdf"):
        return gateway(
            EVIDENCE,
            {
                "input": {
                    "enrolmentId": enrolment,
                    "fileName": "Biên bản họp.pdf",
                    "contentType": content_type,
                    "content": base64.b64encode(content).decode("ascii"),
                }
            },
        )["attachEvidence"]

    listed = attach(PDF)["evidence"]
    assert [(e["fileName"], e["size"]) for e in listed] == [("Biên bản họp.pdf", len(PDF))]
    assert len(attach(PDF)["evidence"]) == 1  # the same file twice is one piece of evidence

    for content, content_type, key in (
        (b"#!/bin/sh", "application/pdf", "file_content"),
        (b"<html>", "text/html", "file_type"),
    ):
        with pytest.raises(GraphQLError) as caught:
            attach(content, content_type)
        assert caught.value.errors[0]["extensions"]["fields"][0]["key"] == key

    def download(token):
        request = urllib.request.Request(
            f"http://{gateway.address}{listed[0]['url']}",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    assert download(gateway.admin) == PDF
    for token, status in (
        (token_for("20/183/06187", Role.COMMUNE_OFFICER), 403),
        (token_for("01"), 404),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            download(token)
        assert refused.value.code == status
