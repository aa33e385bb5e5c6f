"""Benchmark of computed indicators: a learning unit of N members (default 200) whose members
are all recognised as learning citizens in one decision; how long until the platform has judged
the unit again (share 100%, eligible) without anyone re-entering it. Needs the province's
CITIZEN set with numbers (the shipped QĐ 244 one has none): the test province set is used.
Prints figures; asserts nothing.

    .venv/bin/python -m bench.learning_unit_flow [--members 200]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import running_platform
from khuyenhoc.auth import Role

TEST_CRITERIA = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria"
UNIT = """mutation($staff: Int) { registerLearningUnit(input: {unitCode: "06184",
  name: "Trường THPT Đồng Đăng", unitKind: SCHOOL, staff: $staff, year: 2024}) {
  enrolmentId subjectId } }"""
CITIZEN = """mutation($input: RegisterCitizenInput!) { registerCitizen(input: $input) {
  enrolmentId } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status review {
  computedFigures { name value } verdict { status level } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) { enrolmentId } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) { recognised } }"""
CITIZEN_POINTS = [
    {"indicator": f"c{c}.i{i}", "points": 9}
    for c, n in ((1, 4), (2, 3), (3, 3))
    for i in range(1, n + 1)
]


def run(members: int) -> None:
    with running_platform(env={"CRITERIA_DIR": str(TEST_CRITERIA)}) as (_, graphql):
        unit = graphql(UNIT, {"staff": members})["registerLearningUnit"]
        began = time.perf_counter()
        citizens = [
            graphql(
                CITIZEN,
                {
                    "input": {
                        "communeCode": "06184",
                        "fullName": f"Giáo viên {n}",
                        "birthYear": 1985,
                        "nationalId": f"0201850{n:05d}",
                        "labourGroup": "PROFESSIONAL",
                        "year": 2024,
                        "learningUnitId": unit["subjectId"],
                    }
                },
            )["registerCitizen"]["enrolmentId"]
            for n in range(members)
        ]
        registered = time.perf_counter() - began
        review = {"answers": None, "minutes": "Biên bản bình xét"}
        for enrolment_id in [unit["enrolmentId"], *citizens]:
            while not graphql(ASSESSMENT, {"id": enrolment_id})["assessment"]:
                time.sleep(0.05)
        graphql(
            REVIEW,
            {
                "input": {
                    **review,
                    "enrolmentId": unit["enrolmentId"],
                    "answers": [
                        {"indicator": "c1.i1", "met": True},
                        {"indicator": "c3.i1", "met": True},
                    ],
                }
            },
        )
        for enrolment_id in citizens:
            graphql(
                REVIEW,
                {"input": {**review, "enrolmentId": enrolment_id, "answers": CITIZEN_POINTS}},
            )
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        posted = (today - timedelta(days=30)).isoformat()  # the posting was done on paper
        citizens_list = {"unitCode": "06184", "title": "CITIZEN", "year": 2024}
        citizens_list["postedFrom"] = posted
        proposal = graphql(PROPOSE, {"input": citizens_list})["proposeRecognition"]
        authority = graphql.acting_as(Role.AUTHORITY, "20", "06184")
        decided_at = time.perf_counter()
        authority(
            DECIDE,
            {
                "input": {
                    "proposalId": proposal["id"],
                    "decisionNumber": "1/QĐ-UBND",
                    "signer": "Chủ tịch UBND",
                    "decisionDate": today.isoformat(),
                }
            },
        )
        decision = time.perf_counter() - decided_at
        while True:
            state = graphql(ASSESSMENT, {"id": unit["enrolmentId"]})["assessment"]["review"]
            if state["verdict"]["level"] == 2:
                break
            time.sleep(0.05)
        rejudged = time.perf_counter() - decided_at
        print(f"{members} citizens registered with their unit: {members / registered:.0f}/s")
        print(f"decision recognising {members} citizens: {decision:.2f}s")
        print(
            f"unit judged again to share 100% (level 2) {rejudged:.2f}s after the decision began "
            f"({members / rejudged:.0f} recognitions/s through scoring's own events)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=200)
    run(parser.parse_args().members)
