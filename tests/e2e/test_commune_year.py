"""One commune's year on the running platform, through /graphql only: a household with a phone
registers, self-assesses, is reviewed, proposed and recognised; the figures roll up to the
district and province; the household receives exactly one SMS, in correct Vietnamese, from the
notification service (to a fake SMS gateway on loopback)."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status
  recognition { decisionNumber } } }"""
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  selfAssessment { verdict { status total } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) {
  recognised skipped } }"""
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: FAMILY) { registered reviewed eligible recognised } } } }"""
LOG = """query($code: String!, $recipient: String) { notifications(unitCode: $code,
  recipient: $recipient) { nodes { event channel status attempts text segments encoding } } }"""


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def test_a_communes_year_ends_with_one_sms_to_the_recognised_household(
    platform, tokens, sms_gateway
):
    officer, authority, admin = tokens["officer"], tokens["authority"], tokens["admin"]
    phone = "09" + "".join(random.choice("0123456789") for _ in range(8))
    before = {
        code: ask(platform, FIGURES, {"code": code}, admin) for code in ("06184", "183", "20")
    }
    household = {
        "communeCode": "06184",
        "headName": "Đặng Thị Ngọc Ánh",
        "address": f"Khối Nà Pàn {phone}",
        "year": 2024,
        "phone": phone,
    }
    enrolment_id = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"][
        "enrolmentId"
    ]
    subject_id = enrolment_id.split("-", 3)[3]
    wait_until(lambda: ask(platform, ASSESSMENT, {"id": enrolment_id}, officer)["assessment"])
    scored = ask(
        platform, SELF, {"input": {"enrolmentId": enrolment_id, "answers": answers()}}, officer
    )
    assert scored["submitSelfAssessment"]["selfAssessment"]["verdict"]["status"] == "recognised"
    review = {"enrolmentId": enrolment_id, "answers": answers(), "minutes": "Biên bản họp khối"}
    reviewed = ask(platform, REVIEW, {"input": review}, officer)["recordReview"]
    assert reviewed["review"]["verdict"]["status"] == "recognised"
    today = vietnam_day(datetime.now(UTC))
    posted = (today - timedelta(days=10)).isoformat()  # the list was posted on paper
    proposal = ask(
        platform,
        PROPOSE,
        {"input": {"unitCode": "06184", "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        officer,
    )["proposeRecognition"]
    assert enrolment_id in proposal["enrolmentIds"]
    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": "45/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "Chủ tịch UBND thị trấn Hoàng Văn Sơn",
        "enrolmentIds": [enrolment_id],
    }
    decided = ask(platform, DECIDE, {"input": decision}, authority)["decideRecognition"]
    assert decided["recognised"] == [enrolment_id]

    for code in ("06184", "183", "20"):

        def rolled_up(code=code):
            now = ask(platform, FIGURES, {"code": code}, admin)["orgUnit"]["stats"]["title"]
            was = before[code]["orgUnit"]["stats"]["title"]
            return now["recognised"] == was["recognised"] + 1 and now

        figures = wait_until(rolled_up, what=f"the roll-up at {code}")
        assert figures["reviewed"] >= 1 and figures["registered"] >= 1

    def to_household():
        return [
            b
            for b in map(json.loads, (r["body"] for r in sms_gateway.requests))
            if b["to"] == "+84" + phone[1:]
        ]

    def congratulated():
        return [b for b in to_household() if b["text"].startswith("Chúc mừng")]

    (sms,) = wait_until(congratulated, 30, what="the recognition SMS")
    assert sms["text"] == (
        'Chúc mừng Đặng Thị Ngọc Ánh được công nhận "Gia đình học tập" năm 2024 theo Quyết '
        f"định số 45/QĐ-UBND ngày {today:%d/%m/%Y}. Hội Khuyến học Thị trấn Đồng Đăng."
    )
    assert (sms["encoding"], sms["segments"]) == ("UCS2", 3)

    recipient = f"subject:{subject_id}"

    def logged():
        found = ask(platform, LOG, {"code": "06184", "recipient": recipient}, officer)
        entries = found["notifications"]["nodes"]
        return all(e["status"] == "SENT" for e in entries) and entries

    entries = wait_until(logged, 30, what="the delivery log")
    sms_entries = sorted(
        (e["event"], e["status"], e["attempts"]) for e in entries if e["channel"] == "SMS"
    )
    assert sms_entries == [("recognised", "SENT", 1)]
    assert len(to_household()) == 1  # told once, when it matters
