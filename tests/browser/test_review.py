"""The review screens (bình xét) as a commune officer of Hà Nội meets them, in Ba Đình (00034)
and Hoàn Kiếm (00037) of tenant 01 only: the year's list by title, a household's
self-assessment typed into the screen (the criteria's wording, the verdict's explanation), the
list-review meeting recorded through the screen (the home page's "Bình xét" figure moves), the
review sheet downloaded, uploaded back with an error and its error file read; and the refusals
(another commune, the authority and the fund manager, whom the API refuses)."""

import base64
import io
import time
import uuid

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from tests.browser.conftest import PASSWORD
from tests.browser.test_webapp import alert_text, sign_in, unit_shown, wait
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT = "01"
COMMUNE = "00034"  # Ba Đình
NEIGHBOUR = "00037"  # Hoàn Kiếm
YEAR = 2024
LISTS = f"/app/binh-xet/{COMMUNE}?nam={YEAR}&danh-hieu=gia-dinh"
MEETING = f"/app/binh-xet/{COMMUNE}/hop?nam={YEAR}&danh-hieu=gia-dinh"
INDICATORS = ["c1.i1", "c1.i2", "c1.i3", "c2.i1", "c2.i2", "c2.i3", "c3.i1", "c4.i1"]

CREATE_ACCOUNT = """mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { username } } }"""
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
SUBMIT = """mutation Submit($input: ScoreInput!) {
  submitSelfAssessment(input: $input) { selfAssessment { verdict { status } } } }"""
ASSESSMENT = """query Assessment($id: String!) { assessment(enrolmentId: $id) {
  selfAssessment { verdict { status total explanation { name } } }
  review { reviewId agreed note verdict { status } } } }"""
REVIEWS = """query Reviews($code: String!, $year: Int!) {
  listReviews(unitCode: $code, year: $year) { id documentId rows title } }"""
REVIEWED = """query Reviewed($code: String!, $year: Int!) {
  orgUnit(code: $code) { stats(year: $year) { title(title: FAMILY) { reviewed } } } }"""
# A private file read back through the app's own session (api.file), as base64.
READ_FILE = """const [path, done] = arguments;
import("/static/app/api.js").then(async (api) => {
  const { blob } = await api.file(path);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = ""; for (const b of bytes) text += String.fromCharCode(b);
  done(btoa(text));
}).catch((failure) => done("ERROR " + failure.message));"""


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def hanoi(platform, tokens):
    """``hanoi(query, variables)``: GraphQL as Hà Nội's province admin, errors refused."""

    def call(query, variables):
        answer = graphql(platform, query, variables, token=tokens["hanoi"])
        assert "errors" not in answer, answer
        return answer["data"]

    return call


@pytest.fixture(scope="module")
def account(hanoi):
    """``account(role, unit)``: a new Hà Nội account (fresh username) with PASSWORD."""

    def make(role, unit):
        username = f"bx-{role.split('_')[0].lower()}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Trần Văn Hùng",
            "role": role,
            "unitCode": unit,
            "password": PASSWORD,
        }
        hanoi(CREATE_ACCOUNT, {"input": payload})
        return username

    return make


def register(hanoi, commune, head):
    payload = {
        "tenant": TENANT,
        "communeCode": commune,
        "headName": head,
        "address": "Tổ 5",
        "year": YEAR,
        "members": [{"name": "Lê Thị Mai", "relation": "Con", "birthYear": 2012}],
    }
    return hanoi(REGISTER, {"input": payload})["registerHousehold"]["enrolmentId"]


def self_assess(platform, tokens, enrolment_id):
    """Scoring learns of a registration from its event: asked again until it has."""
    answers = [{"indicator": i, "points": 9} for i in INDICATORS]
    variables = {"input": {"tenant": TENANT, "enrolmentId": enrolment_id, "answers": answers}}
    for _ in range(100):
        answer = graphql(platform, SUBMIT, variables, token=tokens["hanoi"])
        if "errors" not in answer:
            return
        assert "enrolment_not_found" in str(answer), answer
        time.sleep(0.2)
    raise AssertionError(answer)


@pytest.fixture(scope="module")
def households(platform, tokens, hanoi):
    """Ba Đình: one household to self-assess on screen, two self-assessed over GraphQL for the
    meeting, one for the sheet; Hoàn Kiếm: one (another commune's)."""
    tag = uuid.uuid4().hex[:4]
    found = {
        "screen": register(hanoi, COMMUNE, f"Phạm Văn An {tag}"),
        "agreed": register(hanoi, COMMUNE, f"Đỗ Thị Bình {tag}"),
        "refused": register(hanoi, COMMUNE, f"Vũ Văn Cường {tag}"),
        "sheet": register(hanoi, COMMUNE, f"Ngô Thị Dung {tag}"),
        "neighbour": register(hanoi, NEIGHBOUR, f"Bùi Văn Em {tag}"),
    }
    for key in ("agreed", "refused", "sheet"):
        self_assess(platform, tokens, found[key])
    return found


def opened(driver, base, path, ready):
    driver.get(base + path)
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, ready)))


def status_text(driver, holder):
    found = ec.visibility_of_element_located((By.CSS_SELECTOR, f"#{holder} [role=status]"))
    return wait(driver).until(found).text


def set_date(driver, element_id, value):
    driver.execute_script(
        "const i = document.getElementById(arguments[0]); i.value = arguments[1];"
        "i.dispatchEvent(new Event('input', { bubbles: true }));",
        element_id,
        value,
    )


def reviewed_on_home(driver, base):
    driver.get(base + f"/app/don-vi/{COMMUNE}?nam={YEAR}")
    unit_shown(driver, COMMUNE, YEAR)
    card = driver.find_element(By.CSS_SELECTOR, '[data-title="FAMILY"] [data-figure="reviewed"]')
    return int(card.text.replace(".", ""))


@pytest.mark.parametrize("browser", ["desktop"], indirect=True)  # the long flow runs once
def test_an_officer_self_assesses_reviews_the_list_and_uploads_a_sheet(
    browser, base, hanoi, account, households, tmp_path
):
    sign_in(browser, base, account("COMMUNE_OFFICER", COMMUNE))
    unit_shown(browser, COMMUNE)
    before = reviewed_on_home(browser, base)

    # the year's list, from the menu
    browser.find_element(By.CSS_SELECTOR, '#menu a[data-section="review"]').click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "review-unit")))
    Select(browser.find_element(By.ID, "review-year")).select_by_value(str(YEAR))
    wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, f'#review-unit[data-year="{YEAR}"]'))
    )
    assert "danh-hieu" not in browser.current_url or "gia-dinh" in browser.current_url
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-enrolment="{households["screen"]}"]')
    assert "Chưa có" in row.text  # neither self-assessed nor reviewed yet
    assert (
        browser.find_elements(By.CSS_SELECTOR, f'tr[data-enrolment="{households["neighbour"]}"]')
        == []
    )
    browser.shot("review-lists")

    # the self-assessment: the criteria's wording, a client-side check, then the verdict
    row.find_element(By.PARTIAL_LINK_TEXT, "Tự đánh giá").click()
    form = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.self-form")))
    set_box = browser.find_element(By.CSS_SELECTOR, ".criteria-set")
    assert "448/QĐ-KHVN" in set_box.text and "Tạm thời" in set_box.text
    assert "Trẻ em ở độ tuổi phổ cập" in form.text  # the indicator's wording, not its id
    assert "Học tập của trẻ em trong gia đình" in form.text  # the criterion's wording
    browser.find_element(By.ID, "submit-self").click()
    assert "Chưa chấm điểm chỉ số" in alert_text(browser)
    assert browser.switch_to.active_element.get_attribute("data-indicator") == "c1.i1"
    inputs = form.find_elements(By.CSS_SELECTOR, 'input[data-kind="points"]')
    assert len(inputs) == len(INDICATORS)
    inputs[0].send_keys("12")  # above the indicator's 10 points
    for box in inputs[1:]:
        box.send_keys("8")
    browser.find_element(By.ID, "submit-self").click()
    assert "phải là số nguyên từ 0 đến 10" in alert_text(browser)
    inputs[0].clear()
    inputs[0].send_keys("10")
    browser.find_element(By.ID, "submit-self").click()
    assert "Đã ghi phiếu tự đánh giá" in status_text(browser, "self-status")
    verdict = browser.find_element(By.CSS_SELECTOR, "#self-verdict .verdict")
    assert "Giải thích theo tiêu chí" in verdict.text
    assert "Học tập của trẻ em trong gia đình" in verdict.text  # the criterion's wording
    first_indicator = verdict.find_element(By.CSS_SELECTOR, '[data-indicator="c1.i1"]').text
    assert (
        first_indicator.startswith("Trẻ em ở độ tuổi phổ cập") and "10/10 điểm" in first_indicator
    )
    assert "Trẻ em ở độ tuổi phổ cập" in verdict.text
    stored = hanoi(ASSESSMENT, {"id": households["screen"]})["assessment"]["selfAssessment"]
    assert stored["verdict"]["total"] == 10 + 8 * 7
    assert verdict.get_attribute("data-status") == stored["verdict"]["status"]
    browser.shot("review-self")

    # the meeting: a refusal without its reason is caught, then the list review is recorded
    opened(browser, base, MEETING, "#meeting-heading")
    browser.find_element(By.ID, "record-review").click()
    assert "Nhập số biên bản." in alert_text(browser)
    document = f"BB-{uuid.uuid4().hex[:5]}"
    browser.find_element(By.ID, "m-document").send_keys(document)
    set_date(browser, "m-date", f"{YEAR}-11-20")
    browser.find_element(By.ID, "m-chair").send_keys("Nguyễn Văn Tâm")
    browser.find_element(By.ID, "m-attendees").send_keys("25")
    browser.find_element(By.ID, "m-minutes").send_keys(
        "Hội nghị tổ dân phố bình xét gia đình học tập năm 2024."
    )
    minutes_file = tmp_path / "bien-ban.pdf"
    minutes_file.write_bytes(b"%PDF-1.4\n% bien ban\n%%EOF\n")
    browser.find_element(By.ID, "m-file").send_keys(str(minutes_file))
    for tr in browser.find_elements(By.CSS_SELECTOR, "form tr[data-enrolment]"):
        if tr.get_attribute("data-enrolment") not in (
            households["screen"],
            households["agreed"],
            households["refused"],
        ):
            tr.find_element(By.CSS_SELECTOR, ".row-include").click()  # the sheet's, and others
    refused_row = browser.find_element(
        By.CSS_SELECTOR, f'form tr[data-enrolment="{households["refused"]}"]'
    )
    Select(refused_row.find_element(By.CSS_SELECTOR, ".row-agree")).select_by_value("false")
    browser.find_element(By.ID, "record-review").click()
    assert "Ghi lý do hội nghị không đồng ý" in alert_text(browser)
    refused_row.find_element(By.CSS_SELECTOR, ".row-note").send_keys("Con chưa hoàn thành phổ cập")
    browser.find_element(By.ID, "record-review").click()
    assert f"Đã ghi biên bản bình xét số {document}" in status_text(browser, "meeting-status")
    results = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".review-results"))
    )
    assert len(results.find_elements(By.CSS_SELECTOR, "li[data-enrolment]")) == 3
    first = results.find_element(
        By.CSS_SELECTOR, f'li[data-enrolment="{households["screen"]}"] summary'
    )
    first.click()
    assert "Giải thích theo tiêu chí" in results.text and "Trẻ em ở độ tuổi phổ cập" in results.text
    browser.shot("review-results")
    reviews = [
        r
        for r in hanoi(REVIEWS, {"code": COMMUNE, "year": YEAR})["listReviews"]
        if r["documentId"] == document
    ]
    assert len(reviews) == 1 and reviews[0]["rows"] == 3 and reviews[0]["title"] == "FAMILY"
    refused_review = hanoi(ASSESSMENT, {"id": households["refused"]})["assessment"]["review"]
    assert refused_review["reviewId"] == reviews[0]["id"] and refused_review["agreed"] is False
    assert refused_review["verdict"]["status"] == "not_recognised"
    assert reviewed_on_home(browser, base) == before + 3  # the home page's "Bình xét" moved

    # the recorded minutes open from the list, with the file to download
    opened(browser, base, LISTS, "#review-unit")
    browser.find_element(By.CSS_SELECTOR, f'button[data-review="{reviews[0]["id"]}"]').click()
    detail = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".review-detail .minutes"))
    )
    assert "Nguyễn Văn Tâm" in detail.text and "Không đồng ý" in detail.text
    minutes = browser.execute_async_script(
        READ_FILE, f"/files/list-reviews/minutes/{reviews[0]['id']}"
    )
    assert base64.b64decode(minutes).startswith(b"%PDF")

    # the review sheet: downloaded pre-filled, uploaded back with an error, its error file read
    template = browser.execute_async_script(
        READ_FILE, f"/files/list-reviews/sheet/{COMMUNE}/FAMILY/{YEAR}.xlsx"
    )
    assert not template.startswith("ERROR"), template
    book = load_workbook(io.BytesIO(base64.b64decode(template)))
    sheet = book.active
    header_row, headers = next(
        (i, [c.value for c in r])
        for i, r in enumerate(sheet.iter_rows(), 1)
        if "Mã đăng ký" in [c.value for c in r]
    )
    id_col, agree_col = headers.index("Mã đăng ký") + 1, headers.index("Đồng ý") + 1
    note_col = headers.index("Ghi chú") + 1
    rows = [r for r in range(header_row + 1, sheet.max_row + 1) if sheet.cell(r, id_col).value]
    for r in rows:  # keep only the sheet's household, refused without a reason: an error
        if sheet.cell(r, id_col).value != households["sheet"]:
            sheet.cell(r, id_col).value = None
            for c in range(1, len(headers) + 1):
                sheet.cell(r, c).value = None
    sheet_row = next(
        r
        for r in range(header_row + 1, sheet.max_row + 1)
        if sheet.cell(r, id_col).value == households["sheet"]
    )
    sheet.cell(sheet_row, agree_col).value = "Không"
    sheet.cell(sheet_row, note_col).value = None
    upload = tmp_path / "binh-xet.xlsx"
    book.save(upload)
    opened(browser, base, MEETING, "#meeting-heading")
    browser.find_element(By.ID, "m-document").send_keys(f"BB-S-{uuid.uuid4().hex[:5]}")
    set_date(browser, "m-date", f"{YEAR}-11-25")
    browser.find_element(By.ID, "m-minutes").send_keys("Bình xét bổ sung theo bảng.")
    browser.find_element(By.ID, "sheet-file").send_keys(str(upload))
    browser.find_element(By.ID, "upload-sheet").click()
    problems = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".sheet-problems"))
    )
    assert "chưa ghi dòng nào" in problems.text
    browser.shot("review-sheet-errors")
    report = problems.find_element(By.CSS_SELECTOR, "#error-file")
    assert report.text == "Tải tệp báo lỗi"
    error_path = error_report_path(browser)
    assert error_path.startswith("/files/list-reviews/errors/")
    errors = browser.execute_async_script(READ_FILE, error_path)
    assert not errors.startswith("ERROR"), errors
    error_book = load_workbook(io.BytesIO(base64.b64decode(errors)))
    cells = " ".join(str(c.value) for r in error_book.active.iter_rows() for c in r if c.value)
    assert "Ghi chú" in cells or "lý do" in cells.lower()
    assert hanoi(ASSESSMENT, {"id": households["sheet"]})["assessment"]["review"] is None


def error_report_path(driver):
    """The error file's address the screen offers (kept on the page by its download button)."""
    return driver.execute_script(
        "return document.querySelector('.sheet-problems').getAttribute('data-error-report')"
    )


def test_the_lists_and_the_forms_fit_a_phone_and_a_pc(browser, base, account, households):
    sign_in(browser, base, account("COMMUNE_OFFICER", COMMUNE))
    unit_shown(browser, COMMUNE)
    opened(browser, base, LISTS, "#review-unit")
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-enrolment="{households["agreed"]}"]')
    assert "Đủ điều kiện" in row.text or "Chưa" in row.text
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth")  # no sideways scroll
    browser.shot("review-lists-light")
    opened(browser, base, f"/app/binh-xet/tu-danh-gia/{households['sheet']}", "form.self-form")
    assert browser.find_element(By.CSS_SELECTOR, "#self-verdict .verdict")  # its earlier verdict
    browser.shot("review-self-light")
    opened(browser, base, MEETING, "#meeting-heading")
    browser.shot("review-meeting")


@pytest.mark.parametrize("browser", ["desktop"], indirect=True)  # the same at every width
def test_refusals_another_commune_the_authority_and_the_fund_manager(
    browser, base, account, households
):
    for name, unit in (
        ("COMMUNE_OFFICER", NEIGHBOUR),
        ("AUTHORITY", COMMUNE),
        ("FUND_MANAGER", COMMUNE),
    ):
        sign_in(browser, base, account(name, unit))
        wait(browser).until(ec.presence_of_element_located((By.ID, "signout")))
        menu = [
            a.get_attribute("data-section")
            for a in browser.find_elements(By.CSS_SELECTOR, "#menu a")
        ]
        assert ("review" in menu) == (name == "COMMUNE_OFFICER"), name
        opened(browser, base, LISTS, "main h1")
        assert alert_text(browser), name
        assert browser.find_elements(By.CSS_SELECTOR, "tr[data-enrolment]") == []
        assert browser.find_element(By.TAG_NAME, "h1").text == "Không xem được danh sách bình xét"
        browser.shot(f"review-refused-{name.lower()}")
        browser.find_element(By.ID, "signout").click()
        wait(browser).until(ec.element_to_be_clickable((By.ID, "username")))
