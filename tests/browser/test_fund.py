"""The fund screens as Hoàn Kiếm's officers meet them (tenant 01, communes 00052 and 00055 only):
a donation typed with thousands separators and its receipt PDF, the balance on the screen and over
GraphQL, a proposal by the fund manager approved by the authority (an uncovered one refused in
Vietnamese), a transfer, the statement with its downloads, the public statement read without
signing in (the anonymous donor unnamed), and the refusals (another commune, a role that may not
approve)."""

import base64
import datetime
import io
import uuid

import pypdfium2
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from ops import browser as browsers
from tests.browser.conftest import PASSWORD
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

HOME, OTHER = "00052", "00055"
SIGN_IN = """mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken } }"""
FUND = """query Fund($code: String!) { fund(unitCode: $code) { balance unitName
  donations(first: 50) { nodes {
    id receiptNumber receiptUrl amount donor { name anonymous } } } } }"""
STATEMENT = """query Statement($code: String!, $from: Date!, $to: Date!) {
  fund(unitCode: $code) { statement(from: $from, to: $to) {
    opening totalIn totalOut closing } } }"""
UNIT = """query Unit($code: String!) { orgUnit(code: $code) { parent { code } } }"""
DONATE = """mutation Donate($input: DonationInput!) { recordDonation(input: $input) {
  donation { id } } }"""
PROPOSE = """mutation Propose($input: DisbursementProposalInput!) {
  proposeDisbursement(input: $input) { id } }"""
APPROVE = """mutation Approve($input: DisbursementApprovalInput!) {
  approveDisbursement(input: $input) { status } }"""
BRANCH = """mutation Branch($input: CreateBranchInput!) { createBranch(input: $input) {
  branch { code } } }"""
MEMBER = """mutation Member($input: AddMemberInput!) { addMember(input: $input) { memberId } }"""
DISBURSEMENT = """query Paid($code: String!) { fund(unitCode: $code) {
  disbursements(first: 50) { nodes { id status amount beneficiary { name } } } } }"""
# a private file read with the page's own session (api.file), base64-encoded for WebDriver; the
# page's policy (connect-src 'self') keeps a script from reading the blob: URL the tab shows
READ_FILE = """const [path, done] = arguments;
import("/static/app/api.js").then((api) => api.file(path)).then(({ blob }) => {
  const reader = new FileReader();
  reader.onload = () => done(String(reader.result).split(",")[1]);
  reader.readAsDataURL(blob);
}).catch((failure) => done("ERROR " + failure.message));"""


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def visible(driver, selector, seconds=20):
    return wait(driver, seconds).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector))
    )


def outcome(driver, form):
    """What a form's submit ended with: its success status, or a failure naming the error."""
    done = f"#{form}-done [role=status], #{form}-error [role=alert]"
    found = visible(driver, done)
    assert found.get_attribute("role") == "status", found.text
    return found.text


def dong(text):
    """ "1.234.567 đ" → 1234567."""
    return int(text.replace("đ", "").replace(".", "").strip())


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def people(hanoi_account):
    return {
        "officer": hanoi_account("COMMUNE_OFFICER", HOME),
        "manager": hanoi_account("FUND_MANAGER", HOME),
        "authority": hanoi_account("AUTHORITY", HOME),
        "auditor": hanoi_account("AUDITOR", HOME),
        "other": hanoi_account("COMMUNE_OFFICER", OTHER),
    }


def token_of(platform, username):
    answer = graphql(platform, SIGN_IN, {"input": {"username": username, "password": PASSWORD}})
    assert "errors" not in answer, answer
    return answer["data"]["signIn"]["accessToken"]


def balance_over_graphql(platform, token, code=HOME):
    return int(graphql(platform, FUND, {"code": code}, token)["data"]["fund"]["balance"])


@pytest.fixture(scope="module")
def funded(platform, tokens):
    """Money in 00052's fund to pay from (given by Hà Nội's admin over GraphQL)."""
    gift = {
        "unitCode": HOME,
        "idempotencyKey": f"quy-seed-{uuid.uuid4().hex[:8]}",
        "donor": {"name": "Công ty TNHH Hồ Gươm", "kind": "ENTERPRISE"},
        "amount": "20000000",
    }
    answer = graphql(platform, DONATE, {"input": gift}, tokens["hanoi"])
    assert "errors" not in answer, answer


def sign_in(driver, base, username, path):
    driver.get(base + path)
    wait(driver).until(ec.element_to_be_clickable((By.ID, "username"))).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()


def screen(driver, name, code=HOME):
    return visible(driver, f'h1#fund-title[data-code="{code}"][data-screen="{name}"]')


def shown_balance(driver):
    return dong(visible(driver, "#fund-balance").text)


def desktop_only(browser):
    if browser.size_name != "desktop":
        pytest.skip("the long flow runs once, at desktop width")


def fill(driver, values):
    for ident, value in values.items():
        node = driver.find_element(By.ID, ident)
        node.clear()
        node.send_keys(value)


def test_a_donation_its_receipt_the_balance_and_the_public_statement(
    browser, base, platform, people, funded, screens
):
    desktop_only(browser)
    token = token_of(platform, people["officer"])
    before = balance_over_graphql(platform, token)
    sign_in(browser, base, people["officer"], f"/app/quy/{HOME}/ung-ho")
    screen(browser, "ung-ho")
    assert shown_balance(browser) == before
    assert (
        browser.find_element(By.CSS_SELECTOR, '#menu a[data-section="fund"]').get_attribute(
            "aria-current"
        )
        == "page"
    )

    browser.find_element(By.ID, "donation-submit").click()  # nothing typed: checked before sending
    assert "tên nhà hảo tâm" in visible(browser, "#donation-error [role=alert]").text
    fill(
        browser, {"donor-name": "Trần Thị Bình", "amount": "1000000", "donor-phone": "0912 345 678"}
    )
    assert browser.find_element(By.ID, "amount").get_attribute("value") == "1.000.000"  # as typed
    browser.find_element(By.ID, "donor-anonymous").click()
    browser.find_element(By.ID, "donation-submit").click()
    receipt = visible(browser, "#donation-receipt")
    anonymous_number = receipt.get_attribute("data-receipt")
    assert anonymous_number in receipt.text and "1.000.000 đ" in receipt.text

    fill(browser, {"donor-name": "Nguyễn Văn An", "amount": "2.500.000"})
    browser.find_element(By.ID, "channel").send_keys("Chuyển khoản")
    browser.find_element(By.ID, "donation-submit").click()
    wait(browser).until(
        lambda d: (
            d.find_element(By.ID, "donation-receipt").get_attribute("data-receipt")
            != anonymous_number
        )
    )
    receipt = browser.find_element(By.ID, "donation-receipt")
    number = receipt.get_attribute("data-receipt")
    wait(browser).until(lambda d: shown_balance(d) == before + 3_500_000)
    assert balance_over_graphql(platform, token) == before + 3_500_000
    listed = graphql(platform, FUND, {"code": HOME}, token)["data"]["fund"]["donations"]["nodes"]
    assert {d["receiptNumber"] for d in listed} >= {number, anonymous_number}
    visible(browser, f'#donations tr td .receipt[data-receipt="{number}"]')
    browser.shot("fund-donation")

    # "In biên lai": the receipt opens in a new tab; its bytes are a PDF naming the receipt number
    tabs = set(browser.window_handles)
    receipt.find_element(By.CSS_SELECTOR, "button.receipt").click()
    wait(browser).until(lambda d: len(d.window_handles) > len(tabs))
    browser.switch_to.window((set(browser.window_handles) - tabs).pop())
    wait(browser).until(lambda d: d.current_url.startswith("blob:"))  # once the file is in
    browser.close()
    browser.switch_to.window(tabs.pop())
    path = next(d["receiptUrl"] for d in listed if d["receiptNumber"] == number)
    encoded = browser.execute_async_script(READ_FILE, path)
    assert not encoded.startswith("ERROR"), encoded
    pdf = base64.b64decode(encoded)
    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert number in text

    # the statement's totals are the API's; its downloads work
    browser.find_element(By.CSS_SELECTOR, '.fund-tabs a[data-tab="sao-ke"]').click()
    screen(browser, "sao-ke")
    visible(browser, "#statement-heading")
    year = browser.find_element(By.ID, "from").get_attribute("value")[:4]
    period = {"code": HOME, "from": f"{year}-01-01", "to": f"{year}-12-31"}
    expected = graphql(platform, STATEMENT, period, token)["data"]["fund"]["statement"]
    for key in ("opening", "totalIn", "totalOut", "closing"):
        assert dong(browser.find_element(By.CSS_SELECTOR, f'[data-total="{key}"]').text) == int(
            expected[key]
        )
    download = browser.find_element(By.ID, "download-pdf")
    download.click()
    wait(browser).until(lambda d: download.is_enabled() and "PDF" in download.text)
    assert browser.find_elements(By.CSS_SELECTOR, ".download-status [role=alert]") == []
    public = browser.find_element(By.ID, "public-link").get_attribute("href")
    browser.shot("fund-statement")

    # the public statement, in a new browser session that never signed in
    stranger = browsers.headless_chromium(1366, 900)
    try:
        stranger.get(public)
        page = wait(stranger).until(lambda d: d.find_element(By.TAG_NAME, "body").text)
        assert "Nguyễn Văn An" in page and "2.500.000" in page
        assert "Trần Thị Bình" not in page and "0912" not in page  # anonymous: unnamed, no contacts
        assert "Nhà hảo tâm ẩn danh" in page
        assert stranger.execute_script("return sessionStorage.length") == 0
        stranger.set_window_size(
            1366, stranger.execute_script("return document.body.scrollHeight") + 100
        )
        stranger.save_screenshot(str(screens / "fund-public-desktop.png"))
    finally:
        stranger.quit()


def test_a_proposal_is_approved_by_the_authority_only(browser, base, platform, people, funded):
    desktop_only(browser)
    manager = token_of(platform, people["manager"])
    sign_in(browser, base, people["manager"], f"/app/quy/{HOME}/chi")
    screen(browser, "chi")
    before = shown_balance(browser)
    student = f"Lê Minh Châu {uuid.uuid4().hex[:4]}"
    fill(
        browser,
        {
            "beneficiary-name": student,
            "birth-year": "2012",
            "school": "THCS Trưng Vương",
            "grade": "8A",
            "amount": "500000",
        },
    )
    browser.find_element(By.ID, "proposal-submit").click()
    assert "chờ người có thẩm quyền duyệt" in outcome(browser, "proposal")
    row = visible(browser, "#disbursements tbody tr")
    assert student in row.text and "Chờ duyệt" in row.text
    assert browser.find_elements(By.CSS_SELECTOR, "#disbursements button.approve") == []  # not hers
    assert shown_balance(browser) == before  # a proposal moves no money
    fill(browser, {"beneficiary-name": "Trường THCS Trưng Vương", "amount": "900.000.000.000"})
    browser.find_element(By.ID, "beneficiary-kind").send_keys("Trường học")
    browser.find_element(By.ID, "proposal-submit").click()
    outcome(browser, "proposal")
    browser.shot("fund-proposal")

    paid = graphql(platform, DISBURSEMENT, {"code": HOME}, manager)["data"]["fund"][
        "disbursements"
    ]["nodes"]
    mine = next(d for d in paid if d["beneficiary"]["name"] == student)
    refused = graphql(platform, APPROVE, {"input": {"disbursementId": mine["id"]}}, manager)
    assert (
        refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    )  # a fund manager may not approve

    browser.find_element(By.ID, "signout").click()
    sign_in(browser, base, people["authority"], f"/app/quy/{HOME}/chi")
    screen(browser, "chi")
    assert browser.find_elements(By.ID, "proposal") == []  # the authority approves, not proposes
    visible(browser, "#disbursements tbody tr")
    big = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#disbursements tbody tr")
        if "900.000.000.000 đ" in r.text
    )
    big.find_element(By.CSS_SELECTOR, "button.approve").click()
    assert browser.switch_to.active_element.get_attribute("id") == "decision"
    browser.find_element(By.ID, "approve-submit").click()
    message = visible(browser, "#approve-error [role=alert]").text
    assert "không đủ số dư" in message
    browser.shot("fund-approve-refused")
    browser.find_element(By.CSS_SELECTOR, "#approve button.plain").click()  # Hủy

    row = browser.find_element(By.CSS_SELECTOR, f'#disbursements tr[data-id="{mine["id"]}"]')
    row.find_element(By.CSS_SELECTOR, "button.approve").click()
    fill(browser, {"decision": "15/QĐ-KH"})
    browser.find_element(By.ID, "approve-submit").click()
    assert "Đã duyệt chi 500.000 đ" in visible(browser, "#disbursements-message [role=status]").text
    wait(browser).until(
        lambda d: (
            "Đã duyệt chi"
            in d.find_element(By.CSS_SELECTOR, f'#disbursements tr[data-id="{mine["id"]}"]').text
        )
    )
    wait(browser).until(lambda d: shown_balance(d) == before - 500_000)
    authority = token_of(platform, people["authority"])
    assert balance_over_graphql(platform, authority) == before - 500_000
    browser.shot("fund-approved")

    # the authority reverses the payment, with a reason: the money is back
    row = browser.find_element(By.CSS_SELECTOR, f'#disbursements tr[data-id="{mine["id"]}"]')
    row.find_element(By.XPATH, ".//button[normalize-space()='Đảo bút toán']").click()
    browser.find_element(By.ID, "reverse-submit").click()  # no reason: checked before sending
    assert "lý do" in visible(browser, "#reverse-error [role=alert]").text
    fill(browser, {"reverse-reason": "Chi nhầm người thụ hưởng"})
    browser.find_element(By.ID, "reverse-submit").click()
    assert "Đã đảo bút toán" in visible(browser, "#disbursements-message [role=status]").text
    wait(browser).until(lambda d: shown_balance(d) == before)
    assert balance_over_graphql(platform, authority) == before

    # a transfer to the district's fund, by the authority
    parent = graphql(platform, UNIT, {"code": HOME}, authority)["data"]["orgUnit"]["parent"]["code"]
    browser.find_element(By.CSS_SELECTOR, '.fund-tabs a[data-tab="chuyen"]').click()
    screen(browser, "chuyen")
    fill(browser, {"to-unit": parent, "amount": "100000"})
    browser.find_element(By.ID, "transfer-submit").click()
    assert "Đã chuyển 100.000 đ" in outcome(browser, "transfer")
    assert balance_over_graphql(platform, authority) == before - 100_000


def test_a_membership_fee_for_a_branch_member(browser, base, platform, tokens, people):
    desktop_only(browser)
    made = graphql(
        platform,
        BRANCH,
        {
            "input": {
                "communeCode": HOME,
                "kind": "RESIDENTIAL",
                "name": f"Chi hội tổ dân phố {uuid.uuid4().hex[:4]}",
            }
        },
        tokens["hanoi"],
    )
    assert "errors" not in made, made
    branch = made["data"]["createBranch"]["branch"]["code"]
    year = datetime.date.today().year
    member = {"branchCode": branch, "fullName": "Đỗ Văn Hùng", "year": year}
    joined = graphql(platform, MEMBER, {"input": member}, tokens["hanoi"])
    assert "errors" not in joined, joined
    sign_in(browser, base, people["officer"], f"/app/quy/{HOME}/hoi-phi")
    screen(browser, "hoi-phi")
    Select(browser.find_element(By.ID, "branch")).select_by_value(branch)
    fill(browser, {"member-id": joined["data"]["addMember"]["memberId"], "amount": "24000"})
    browser.find_element(By.ID, "fee-submit").click()
    assert f"Đã ghi hội phí năm {year}" in outcome(browser, "fee")
    browser.shot("fund-fee")


def test_each_fund_screen_at_this_width(browser, base, people, funded):
    """The main screens at phone and desktop width: the tabs, forms and lists (cards on a phone)."""
    sign_in(browser, base, people["officer"], f"/app/quy/{HOME}")
    screen(browser, "tong-quan")
    visible(browser, "#donations tbody tr")
    browser.shot("fund-overview")
    for tab in ("ung-ho", "chi", "hoi-phi"):
        browser.find_element(By.CSS_SELECTOR, f'.fund-tabs a[data-tab="{tab}"]').click()
        screen(browser, tab)
        visible(browser, "form.card")
        browser.shot(f"fund-{tab}")
    browser.find_element(By.CSS_SELECTOR, '.fund-tabs a[data-tab="chuyen"]').click()
    screen(browser, "chuyen")  # an officer does not move money between funds
    assert browser.find_elements(By.ID, "transfer") == []


def test_another_commune_and_a_read_only_role_are_refused(browser, base, people):
    sign_in(browser, base, people["other"], f"/app/quy/{HOME}")
    message = visible(browser, "[role=alert]").text
    assert message and browser.find_elements(By.ID, "fund-balance") == []
    browser.shot("fund-refused-other-commune")
    browser.find_element(By.LINK_TEXT, "Về quỹ của đơn vị tôi").click()
    screen(browser, "tong-quan", OTHER)

    browser.find_element(By.ID, "signout").click()
    sign_in(browser, base, people["auditor"], f"/app/quy/{HOME}/ung-ho")
    screen(browser, "ung-ho")
    assert browser.find_elements(By.ID, "donation") == []  # an auditor reads, never records
    assert "chỉ được xem" in browser.find_element(By.CSS_SELECTOR, "[role=note]").text
