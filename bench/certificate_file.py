"""Benchmark of certificates (giấy công nhận): a commune's list of N households (default 300)
registered, self-assessed, reviewed, proposed and decided through GraphQL; then how long the
PDF of the whole list takes to download (the gateway renders it), and how long the public
verification of one code takes (p50/p95 of 50 calls, no token). Uses the test province's
family set (the shipped QĐ 448 one may lack numbers). Prints figures; asserts nothing.

    .venv/bin/python -m bench.certificate_file [--households 300]
"""

from __future__ import annotations

import argparse
import io
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import percentile, running_platform
from khuyenhoc.auth import Role

TEST_CRITERIA = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria"
COMMUNE = "06184"
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = "query($id: String!) { assessment(enrolmentId: $id) { status } }"
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) { enrolmentId } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) { enrolmentId } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) { recognised } }"""
LIST = """query($id: String!) { certificates(proposalId: $id) { total items { code } } }"""
VERIFY = """query($code: String!) { verifyCertificate(code: $code) { status } }"""
POINTS = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
ANSWERS = [{"indicator": k, "points": v} for k, v in POINTS.items()]
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lường", "Nông", "Đặng", "Lý")


def run(households: int) -> None:
    with running_platform(env={"CRITERIA_DIR": str(TEST_CRITERIA)}) as (platform, admin):
        officer = admin.acting_as(Role.COMMUNE_OFFICER, "20", COMMUNE)
        authority = admin.acting_as(Role.AUTHORITY, "20", COMMUNE)
        started = time.perf_counter()
        enrolments = []
        for n in range(households):
            name = f"{SURNAMES[n % 10]} Văn {chr(ord('A') + n % 26)}{n}"
            given = {"communeCode": COMMUNE, "headName": name, "address": f"Khối {n}", "year": 2024}
            enrolments.append(
                officer(REGISTER, {"input": given})["registerHousehold"]["enrolmentId"]
            )
        for enrolment_id in enrolments:
            while not officer(ASSESSMENT, {"id": enrolment_id})["assessment"]:
                time.sleep(0.2)
            officer(SELF, {"input": {"enrolmentId": enrolment_id, "answers": ANSWERS}})
            review = {"enrolmentId": enrolment_id, "answers": ANSWERS, "minutes": "Biên bản"}
            officer(REVIEW, {"input": review})
        day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        listed = {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024}
        listed["postedFrom"] = (day - timedelta(days=10)).isoformat()  # posted on paper
        proposal = officer(PROPOSE, {"input": listed})["proposeRecognition"]["id"]
        today = day.isoformat()
        decision = {
            "proposalId": proposal,
            "decisionNumber": "1/QĐ-UBND",
            "decisionDate": today,
            "signer": "Chủ tịch UBND Hoàng Văn Sơn",
        }
        recognised = authority(DECIDE, {"input": decision})["decideRecognition"]["recognised"]
        print(f"{len(recognised)} households decided in {time.perf_counter() - started:.0f} s")

        url = platform.url(
            platform.gateway, f"/files/certificates/{urllib.parse.quote(proposal)}.pdf"
        )
        for attempt in ("first (writes the lookups)", "again"):
            request = urllib.request.Request(
                url, headers={"Authorization": f"Bearer {officer.token}"}
            )
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response:
                pdf = response.read()
            took = time.perf_counter() - began
            pages = _pages(pdf)
            print(
                f"PDF {attempt}: {pages} pages, {len(pdf) / 1e6:.1f} MB in {took:.1f} s "
                f"({took / max(pages, 1) * 1000:.0f} ms a page)"
            )
        began = time.perf_counter()
        codes = [c["code"] for c in officer(LIST, {"id": proposal})["certificates"]["items"]]
        print(
            f"certificates query (officer, {len(codes)} items): {time.perf_counter() - began:.2f} s"
        )
        public = admin.public()
        timings = []
        for code in (codes * 50)[:50]:
            began = time.perf_counter()
            assert public(VERIFY, {"code": code})["verifyCertificate"]["status"] == "VALID"
            timings.append(time.perf_counter() - began)
        print(
            f"verifyCertificate (public): p50 {percentile(timings, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.0f} ms"
        )


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader  # noqa: PLC0415 - a test dependency, only for counting

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    run(parser.parse_args().households)
