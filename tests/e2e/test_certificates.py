"""Certificates on the running platform: a commune's decided list prints as one PDF page per
household (read back: names, title, decision), only for its officers and authorities; each
page's QR code opens the public verification, which answers without a token (valid, then
revoked) and names the household by initials; an altered code is simply not found."""

import io
import os
import random
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import segno
from pypdf import PdfReader

from gateway.certificates import QR_SIZE, QR_X, QR_Y
from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

COMMUNE = "06193"  # Xã Thanh Lòa, Cao Lộc: no other end-to-end test decides its lists
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = "query($id: String!) { assessment(enrolmentId: $id) { status } }"
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  selfAssessment { verdict { status } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) {
  recognised skipped } }"""
REVOKE = """mutation($input: RevokeInput!) { revokeRecognition(input: $input) {
  recognition { revoked { reason } } } }"""
LIST = """query($id: String!) { certificates(proposalId: $id) { total parts
  items { number code enrolmentId holderName status } } }"""
VERIFY = """query($code: String!) { verifyCertificate(code: $code) { code number status
  statusText revokedOn title titleName year level decisionNumber decisionDate unitName
  holderName } }"""
HOLDERS = ("Đặng Thị Ngọc Ánh", "Lường Văn Đức")


def ask(platform, query, variables, token=None):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def get(platform, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(platform.url(platform.gateway, path), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


@pytest.fixture(scope="module")
def people(platform, tokens):
    config = load_config(env=platform.settings())
    made = {
        "officer": ("20", COMMUNE, Role.COMMUNE_OFFICER),
        "authority": ("20", COMMUNE, Role.AUTHORITY),
        "partner": ("20", "20", Role.PARTNER),
    }
    return {
        **{name: create_token(config, t, u, r, name, hours=1) for name, (t, u, r) in made.items()},
        "sibling": tokens["officer"],  # Đồng Đăng's officer: the same district, not this commune
        "hanoi": tokens["hanoi"],
    }


def qr_on_first_page(pdf: bytes, width: int) -> list[list[bool]]:
    """The QR code's modules as page 1 shows them (pdfium's pixels, not fpdf's drawing)."""
    scale = 6
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil().convert("L")
    if os.environ.get("CERTIFICATE_PNG"):
        image.save(os.environ["CERTIFICATE_PNG"])
    module, per_mm = QR_SIZE / width, scale * 72 / 25.4

    def dark(x: int, y: int) -> bool:
        centre = (QR_X + (x + 0.5) * module) * per_mm, (QR_Y + (y + 0.5) * module) * per_mm
        return image.getpixel((round(centre[0]), round(centre[1]))) < 128

    return [[dark(x, y) for x in range(width)] for y in range(width)]


def test_a_decided_list_prints_certificates_that_anyone_can_verify(platform, people):
    officer, authority = people["officer"], people["authority"]
    suffix = "".join(random.choice("0123456789") for _ in range(6))
    enrolments = []
    for name in HOLDERS:
        household = {
            "communeCode": COMMUNE,
            "headName": name,
            "address": f"Thôn Pò Mã {suffix}",
            "year": 2024,
        }
        enrolment_id = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"][
            "enrolmentId"
        ]
        wait_until(
            lambda e=enrolment_id: ask(platform, ASSESSMENT, {"id": e}, officer)["assessment"]
        )
        ask(platform, SELF, {"input": {"enrolmentId": enrolment_id, "answers": answers()}}, officer)
        review = {"enrolmentId": enrolment_id, "answers": answers(), "minutes": "Biên bản họp thôn"}
        ask(platform, REVIEW, {"input": review}, officer)
        enrolments.append(enrolment_id)
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    posted = (today - timedelta(days=10)).isoformat()  # the list was posted on paper
    proposal = ask(
        platform,
        PROPOSE,
        {"input": {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        officer,
    )["proposeRecognition"]
    assert set(enrolments) <= set(proposal["enrolmentIds"])
    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": f"{suffix}/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "Chủ tịch UBND xã Hoàng Thị Lan",
        "enrolmentIds": enrolments,
    }
    assert (
        ask(platform, DECIDE, {"input": decision}, authority)["decideRecognition"]["recognised"]
        == enrolments
    )

    path = f"/files/certificates/{urllib.parse.quote(proposal['id'])}.pdf"
    status, headers, pdf = get(platform, path, officer)
    assert status == 200, pdf[:300]
    assert headers["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == len(enrolments)
    listed = ask(platform, LIST, {"id": proposal["id"]}, authority)["certificates"]
    assert listed["total"] == 2 and listed["parts"] == 1
    by_enrolment = {c["enrolmentId"]: c for c in listed["items"]}
    first = by_enrolment[sorted(enrolments)[0]]  # the list's order: by enrolment id
    assert first["number"] == f"{suffix}/QĐ-UBND-001" and first["status"] == "VALID"
    for page, item in zip(pages, listed["items"], strict=True):
        for expected in (
            item["holderName"],
            "GIẤY CÔNG NHẬN",
            "GIA ĐÌNH HỌC TẬP",
            f"Theo Quyết định số {suffix}/QĐ-UBND ngày {today.day:02d} tháng {today.month:02d}",
            "Xã Thanh Lòa, Huyện Cao Lộc, Tỉnh Lạng Sơn",
            f"Số: {item['number']}",
            "Chủ tịch UBND xã Hoàng Thị Lan",
            item["code"],
        ):
            assert expected in page, (expected, page)
    assert {item["holderName"] for item in listed["items"]} == set(HOLDERS)

    # the QR code of page 1 is the public verification URL of its certificate
    url = platform.url(platform.gateway, f"/verify/{listed['items'][0]['code']}")
    expected = [list(map(bool, row)) for row in segno.make(url, error="m", micro=False).matrix]
    assert qr_on_first_page(pdf, len(expected)) == expected

    # only the commune's registrars and authorities, in reach, get the file
    for who, status_expected in (("hanoi", 404), ("sibling", 403), ("partner", 403)):
        assert get(platform, path, people[who])[0] == status_expected, who
    assert get(platform, path)[0] == 401
    assert get(platform, path, authority)[0] == 200

    # the public: no token
    code = first["code"]
    status, headers, page = get(platform, f"/verify/{code}")
    text = page.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    holder = next(n for n in HOLDERS if n == first["holderName"])
    initials = "".join(part[0] + "." for part in holder.split())
    assert "Còn hiệu lực" in text and initials in text and holder not in text
    verified = ask(platform, VERIFY, {"code": code.lower()})["verifyCertificate"]
    assert verified == {
        "code": code,
        "number": f"{suffix}/QĐ-UBND-001",
        "status": "VALID",
        "statusText": "Còn hiệu lực",
        "revokedOn": None,
        "title": "FAMILY",
        "titleName": "Gia đình học tập",
        "year": 2024,
        "level": None,
        "decisionNumber": f"{suffix}/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "unitName": "Xã Thanh Lòa",
        "holderName": initials,
    }

    # an altered code, or the same one under another province, is not found: the same answer
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    elsewhere = "01" + code[2:]
    for wrong in (altered, elsewhere, "20-0000"):
        assert ask(platform, VERIFY, {"code": wrong})["verifyCertificate"] is None
        status, _, missing = get(platform, f"/verify/{urllib.parse.quote(wrong)}")
        assert status == 404
        # the same answer for each (the form keeps the code typed, to correct a typo)
        page = missing.decode().replace(wrong, "<code>")
        assert page == get(platform, f"/verify/{altered}")[2].decode().replace(altered, "<code>")
        assert "Không tìm thấy giấy công nhận" in page

    # revoked: the page and the query say so, with the day
    revoke = {"enrolmentId": first["enrolmentId"], "reason": "Kê khai không đúng"}
    ask(platform, REVOKE, {"input": revoke}, authority)
    verified = ask(platform, VERIFY, {"code": code})["verifyCertificate"]
    assert (verified["status"], verified["revokedOn"]) == ("REVOKED", today.isoformat())
    assert f"Đã bị thu hồi ngày {today:%d/%m/%Y}" in get(platform, f"/verify/{code}")[2].decode()
    second = by_enrolment[sorted(enrolments)[1]]["code"]
    assert ask(platform, VERIFY, {"code": second})["verifyCertificate"]["status"] == "VALID"
