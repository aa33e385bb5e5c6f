"""End to end: the public pages (no sign-in) on the running platform — a ward of Hà Nội
(tenant 01, Phường Tứ Liên, 00097) receives two gifts through GraphQL, then its transparency
statement, honour roll, posted lists and the certificate verification are fetched without a
token: figures in đồng, dates dd/mm/yyyy, a donor's markup escaped, refusals in Vietnamese.
Where Debian's ``chromium`` is installed each page is also rendered at phone and desktop width
(PNGs left in the test's temporary directory)."""

import random
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, WARD = "01", "00097"  # Hà Nội: Phường Tứ Liên (Tây Hồ)
SCRIPT = "<script>alert(1)</script>"
DONATE = """mutation PublicPagesGift($input: DonationInput!) {
  recordDonation(input: $input) { donation { id amount } } }"""
# the posted list and its certificate: Lạng Sơn (demo tenant 20), a commune no other e2e uses
COMMUNE, HEAD = "06211", "Lương Thị Thu Hà"  # Xã Lộc Yên, Cao Lộc
HEAD_INITIALS = "L.T.T.H."
REGISTER = """mutation PublicPagesHousehold($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = "query PublicPagesAssessment($id: String!) { assessment(enrolmentId: $id) { status } }"
REVIEW = """mutation PublicPagesReview($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation PublicPagesPropose($input: ProposeInput!) {
  proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation PublicPagesDecide($input: DecideInput!) { decideRecognition(input: $input) {
  recognised } }"""
CERTIFICATES = """query PublicPagesCertificates($id: String!) { certificates(proposalId: $id) {
  items { number code } } }"""
STATEMENT = f"/cong-khai/quy/{WARD}?tu=2025-01-01&den=2025-12-31"
HONOUR = f"/cong-khai/vinh-danh/{WARD}/2025"
POSTINGS = f"/cong-khai/niem-yet/{WARD}/2025"
VERIFY = "/xac-minh"


def fetch(platform, path):
    """Status, headers and text of a GET without any token."""
    try:
        with urllib.request.urlopen(platform.url(platform.gateway, path), timeout=60) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read().decode("utf-8")


@pytest.fixture(scope="module")
def gifts(platform):
    config = load_config(env=platform.settings())
    officer = create_token(config, TENANT, WARD, Role.COMMUNE_OFFICER, "public-pages", hours=1)
    for key, name, amount, day in (
        ("public-pages-0001", SCRIPT, "1234567", "2025-03-15"),
        ("public-pages-0002", "Nguyễn Thị Hòa", "2000000", "2025-04-02"),
    ):
        gift = {
            "tenant": TENANT,
            "unitCode": WARD,
            "idempotencyKey": key,
            "donor": {"name": name, "kind": "PERSON"},
            "amount": amount,
            "channel": "CASH",
            "receivedOn": day,
        }
        answer = graphql(platform, DONATE, {"input": gift}, officer)
        assert "errors" not in answer, answer
    return officer


def test_the_statement_shows_the_figures_without_a_token(platform, gifts):
    status, headers, page = fetch(platform, STATEMENT)
    assert status == 200, page
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in headers["Content-Security-Policy"]
    assert '<html lang="vi">' in page and "Phường Tứ Liên" in page
    assert "từ 01/01/2025 đến 31/12/2025" in page
    assert "3.234.567 đ" in page  # money in, and the closing balance
    assert "Nguyễn Thị Hòa" in page and "2.000.000 đ" in page
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    pdf = re.search(r'href="(/files/funds/[^"]+\.pdf)"', page)
    assert pdf, "the statement links its PDF"
    with urllib.request.urlopen(platform.url(platform.gateway, pdf[1].replace("&amp;", "&"))) as f:
        assert f.read().startswith(b"%PDF")
    css = re.search(r'href="(/static/public/public\.css\?v=[0-9a-f]+)"', page)
    assert css
    status, headers, _ = fetch(platform, css[1])
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]


def test_the_honour_roll_ranks_the_donors(platform, gifts):
    status, _, page = fetch(platform, HONOUR)
    assert status == 200, page
    first, second = page.index("Nguyễn Thị Hòa"), page.index("&lt;script&gt;alert(1)")
    assert first < second  # 2.000.000 đ before 1.234.567 đ
    assert "2.000.000 đ" in page and "1.234.567 đ" in page
    assert f'href="/files/fund/{WARD}/2025/honour-roll.xlsx"' in page
    assert "<script" not in page


def test_the_posted_lists_page_answers_for_the_ward(platform, gifts):
    status, _, page = fetch(platform, POSTINGS)
    assert status == 200, page
    assert "Phường Tứ Liên" in page
    assert "Hiện không có danh sách nào đang niêm yết." in page  # nothing proposed there


def test_the_index_form_leads_to_a_units_page(platform, gifts):
    status, _, page = fetch(platform, "/cong-khai")
    assert status == 200 and 'name="don-vi"' in page and 'name="xem"' in page
    status, _, page = fetch(platform, f"/cong-khai?don-vi={WARD}&nam=2025&xem=quy")
    assert status == 200 and "3.234.567 đ" in page  # the redirect followed


def test_verification_has_a_form_and_refuses_an_unknown_code(platform):
    status, _, page = fetch(platform, VERIFY)
    assert status == 200 and 'name="ma"' in page and "<label>Mã tra cứu" in page
    status, _, page = fetch(platform, VERIFY + "?ma=01-KHONGCO")
    assert status == 404 and "Không tìm thấy giấy công nhận có mã này." in page


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def test_a_posted_list_then_its_certificate_are_public(platform):
    config = load_config(env=platform.settings())
    officer = create_token(config, "20", COMMUNE, Role.COMMUNE_OFFICER, "pp-officer", hours=1)
    authority = create_token(config, "20", COMMUNE, Role.AUTHORITY, "pp-authority", hours=1)
    household = {"communeCode": COMMUNE, "headName": HEAD, "address": "Thôn Nà Pàn", "year": 2024}
    enrolment = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"][
        "enrolmentId"
    ]
    wait_until(lambda: ask(platform, ASSESSMENT, {"id": enrolment}, officer)["assessment"])
    review = {"enrolmentId": enrolment, "answers": answers(), "minutes": "Biên bản họp thôn"}
    verdict = ask(platform, REVIEW, {"input": review}, officer)["recordReview"]["review"]
    assert verdict["verdict"]["status"] == "RECOGNISED"
    today = vietnam_day(datetime.now(UTC))
    posted = (today - timedelta(days=12)).isoformat()  # posted on paper, the period over
    proposal = ask(
        platform,
        PROPOSE,
        {"input": {"unitCode": COMMUNE, "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        officer,
    )["proposeRecognition"]

    status, _, page = fetch(platform, f"/cong-khai/niem-yet/{COMMUNE}/2024")
    assert status == 200, page
    assert "Xã Lộc Yên" in page and "Gia đình học tập năm 2024" in page
    assert HEAD_INITIALS in page and HEAD not in page and "Nà Pàn" not in page
    assert "Đã hết thời gian niêm yết" in page and "Hộ gia đình" in page
    single = f"/cong-khai/danh-sach/{urllib.parse.quote(proposal['id'], safe='')}"
    status, _, page = fetch(platform, single)
    assert status == 200 and HEAD_INITIALS in page, page
    assert fetch(platform, "/cong-khai/danh-sach/20%3A06211%3AFAMILY%3A1999")[0] == 404

    suffix = "".join(random.choice("0123456789") for _ in range(6))
    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": f"{suffix}/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "Chủ tịch UBND xã Hoàng Văn Tám",
        "enrolmentIds": [enrolment],
    }
    ask(platform, DECIDE, {"input": decision}, authority)
    (item,) = ask(platform, CERTIFICATES, {"id": proposal["id"]}, authority)["certificates"][
        "items"
    ]
    status, _, page = fetch(platform, f"{VERIFY}?ma={urllib.parse.quote(item['code'])}")
    assert status == 200, page
    assert "Còn hiệu lực" in page and HEAD_INITIALS in page and HEAD not in page
    assert f"Số {suffix}/QĐ-UBND ngày {today:%d/%m/%Y}" in page and item["number"] in page
    assert "Xã Lộc Yên" in page


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/cong-khai/quy/99999", 404, "Không tìm thấy đơn vị này."),
        (f"/cong-khai/quy/{WARD}?tu=2024-01-01&den=2025-12-31", 400, "tối đa 366 ngày"),
        (f"/cong-khai/quy/{WARD}?tu=2025-31-01&den=2025-12-31", 400, "năm-tháng-ngày"),
        ("/cong-khai/vinh-danh/99999/2025", 404, "Không tìm thấy đơn vị này."),
        (f"/cong-khai/niem-yet/{WARD}/hai-nghin", 400, "Năm phải là số"),
    ],
)
def test_refusals_are_vietnamese_pages(platform, path, status, text):
    answered, headers, page = fetch(platform, path)
    assert answered == status, page
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert text in page and '<html lang="vi">' in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed")
def test_each_page_renders_at_phone_and_desktop_width(platform, gifts, tmp_path):
    base = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",  # no internet: must not matter
        "--proxy-bypass-list=127.0.0.1",
    ]
    pages = {
        "quy": STATEMENT,
        "vinh-danh": HONOUR,
        "niem-yet": POSTINGS,
        "niem-yet-co-danh-sach": f"/cong-khai/niem-yet/{COMMUNE}/2024",
        "xac-minh": VERIFY,
        "cong-khai": "/cong-khai",
    }
    for name, path in pages.items():
        # the statement also whole on a phone (it runs far below the fold)
        sizes = ((390, 844), (1366, 900), *(((390, 2400),) if name == "quy" else ()))
        for width, height in sizes:
            shot = tmp_path / f"{name}-{width}x{height}.png"
            subprocess.run(
                [
                    *base,
                    f"--window-size={width},{height}",
                    f"--screenshot={shot}",
                    platform.url(platform.gateway, path),
                ],
                capture_output=True,
                timeout=120,
            )
            assert shot.exists() and shot.stat().st_size > 5_000, shot
