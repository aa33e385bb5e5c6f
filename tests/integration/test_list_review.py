"""A list review whose request runs out of time is finished by scoring's timer, through the
gateway: the answer says ``applying``, the document reads ``recorded`` a moment later, and the
figures count each row once, also when the same document is sent again."""

from datetime import date

import pytest

from services.scoring import entrypoint
from tests.conftest import wait_until
from tests.integration.helpers import load_demo_directory

REGISTER = """mutation($name: String!) { registerHousehold(input: {communeCode: "06184",
  headName: $name, address: "Khối 2", year: 2024}) { enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status
  review { reviewId meetingDate } } }"""
RECORD = """mutation($input: ListReviewInput!) { recordListReview(input: $input) {
  id state rows { row status } } }"""
READ = """query($id: String!) { listReview(id: $id) { state rows { row status } } }"""
FIGURES = """query { orgUnit(code: "06184") { stats(year: 2024) {
  title(title: FAMILY) { registered reviewed eligible } } } }"""


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


@pytest.fixture
def no_time_to_write(monkeypatch):
    """Every request stops before its first row: the timer writes them all."""
    monkeypatch.setattr(entrypoint, "LIST_REVIEW_REQUEST_SECONDS", 0.0)


def test_the_timer_finishes_a_document_its_request_left_applying(config, no_time_to_write, gateway):
    load_demo_directory(config)
    ids = []
    for name in ("Lục Văn Ba", "Vi Thị Tư", "Hà Văn Năm"):
        ids.append(gateway(REGISTER, {"name": name})["registerHousehold"]["enrolmentId"])
    for enrolment_id in ids:
        wait_until(lambda e=enrolment_id: gateway(ASSESSMENT, {"id": e})["assessment"])
    document = {
        "unitCode": "06184",
        "title": "FAMILY",
        "year": 2024,
        "documentId": "BB-03/2024",
        "meetingDate": date.today().isoformat(),
        "minutes": "Hội nghị bình xét khối 2.",
        "rows": [{"enrolmentId": e, "answers": answers()} for e in ids],
    }
    kept = gateway(RECORD, {"input": document})["recordListReview"]
    assert kept["state"] == "APPLYING"
    assert [r["status"] for r in kept["rows"]] == ["RECOGNISED"] * 3

    def recorded():
        return gateway(READ, {"id": kept["id"]})["listReview"]["state"] == "RECORDED"

    wait_until(recorded, 30, what="the timer to finish the document")
    figures = gateway(FIGURES)["orgUnit"]["stats"]["title"]
    assert figures == {"registered": 3, "reviewed": 3, "eligible": 3}
    review = gateway(ASSESSMENT, {"id": ids[0]})["assessment"]["review"]
    assert review == {"reviewId": kept["id"], "meetingDate": document["meetingDate"]}

    again = gateway(RECORD, {"input": document})["recordListReview"]
    assert again["state"] == "RECORDED" and again["id"] == kept["id"]
    assert gateway(FIGURES)["orgUnit"]["stats"]["title"] == figures
