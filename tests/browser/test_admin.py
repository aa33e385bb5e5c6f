"""The administration screens as Hà Nội's officers meet them (tenant 01, communes 00064 and
00067 only): a hamlet and a branch created and renamed through the forms (and seen in the home
page's drill-down), a criteria set's wording with its provisional badge, the notification log
after a registration, denominators entered, a criteria set uploaded by the province admin; and
the refusals (another commune's administration, no criteria upload for a commune officer)."""

import time
import uuid
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT = "01"
HOME, SIBLING = "00064", "00067"
CREATE_ACCOUNT = """mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { username } } }"""
CHILDREN = """query Children($code: String!) { orgUnit(code: $code) {
  children { code name level kindName } } }"""
MEMBERS = """query Members($code: String!, $year: Int!) { orgUnit(code: $code) {
  stats(year: $year) { members } } }"""
DENOMINATORS = """query Denominators($code: String!, $year: Int!) { orgUnit(code: $code) {
  denominators(year: $year) { population households sources { figure source } } } }"""
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
LOG = """query Log($code: String!) { notifications(unitCode: $code, first: 50) {
  recipient event status } }"""
SETS = """query Sets($title: Title!, $year: Int!) { criteriaSets(title: $title, year: $year) {
  provisional provisionalReason indicators { name } } }"""
OWN_SETS = "query Own { tenantCriteriaSets { setId version status } }"
CRITERIA_FILE = Path(__file__).parents[1] / "data" / "criteria" / "20" / "family-adapted.yaml"


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def hanoi_account(platform, tokens):
    """``hanoi_account(role, unit)``: a new account of Hà Nội, made by its province admin."""

    def make(role: str, unit: str) -> str:
        username = f"qt-{role.split('_')[0]}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Trần Văn Quản",
            "role": role.upper(),
            "unitCode": unit,
            "password": PASSWORD,
        }
        ask(platform, CREATE_ACCOUNT, {"input": payload}, tokens["hanoi"])
        return username

    return make


def sign_in(driver, base, username, then):
    driver.get(base + "/app/dang-nhap")
    wait(driver).until(ec.element_to_be_clickable((By.ID, "username"))).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "unit-name")))
    go(driver, then)


def go(driver, path):
    """An in-app address, through the router (no reload: the session stays in memory)."""
    driver.execute_script(
        "history.pushState(null, '', arguments[0]); dispatchEvent(new PopStateEvent('popstate'));",
        path,
    )


def screen(driver, name, code):
    selector = f'h1#admin-title[data-screen="{name}"][data-code="{code}"]'
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def notice(driver, expected):
    """The success line once it says ``expected`` (the previous one may still be shown)."""
    located = (By.CSS_SELECTOR, "#admin-notice [role=status]")
    try:
        wait(driver).until(ec.text_to_be_present_in_element(located, expected))
    except TimeoutException:
        errors = [area.text for area in driver.find_elements(By.CSS_SELECTOR, ".form-error")]
        raise AssertionError(f"no notice {expected!r}; errors shown: {errors}") from None
    return driver.find_element(*located).text


def fill(driver, element_id, text):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


# the long flows run once, at desktop width (the phone layout is checked by the light tests)
desktop_only = pytest.mark.parametrize("browser", ["desktop"], indirect=True)


@desktop_only
def test_hamlet_branch_and_denominators(browser, base, platform, tokens, hanoi_account, tmp_path):
    tag = uuid.uuid4().hex[:5]
    sign_in(browser, base, hanoi_account("commune_officer", HOME), f"/app/quan-tri/{HOME}")
    screen(browser, "index", HOME)
    browser.find_element(By.CSS_SELECTOR, 'a[data-screen="thon"]').click()
    screen(browser, "thon", HOME)

    # the client-side check first: nothing sent without a name
    browser.find_element(By.ID, "hamlet-create-submit").click()
    assert "tên thôn" in browser.find_element(By.ID, "hamlet-create-error").text
    fill(browser, "hamlet-name", f"Thôn Đồng Tâm {tag}")
    browser.find_element(By.ID, "hamlet-create-submit").click()
    notice(browser, f"Đã thêm “Thôn Đồng Tâm {tag}”")
    hamlet = next(
        child
        for child in ask(platform, CHILDREN, {"code": HOME}, tokens["hanoi"])["orgUnit"]["children"]
        if child["name"] == f"Thôn Đồng Tâm {tag}"
    )
    browser.find_element(By.CSS_SELECTOR, f'button[data-edit="{hamlet["code"]}"]').click()
    fill(browser, "hamlet-new-name", f"Thôn Đồng Tiến {tag}")
    browser.find_element(By.ID, "hamlet-rename-submit").click()
    notice(browser, f"thành “Thôn Đồng Tiến {tag}”")
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-hamlet="{hamlet["code"]}"]')
    assert f"Thôn Đồng Tiến {tag}" in row.text
    # a sheet with a wrong row: each row's error listed, nothing created; then the right one
    sheet = tmp_path / "thon.csv"
    sheet.write_text(
        f'Mã xã,"Tên thôn, tổ dân phố"\n{HOME},Thôn Nhập {tag}\n99999,Thôn Sai {tag}\n',
        encoding="utf-8",
    )
    browser.find_element(By.ID, "hamlets-import-file").send_keys(str(sheet))
    browser.find_element(By.ID, "hamlets-import-submit").click()
    problems = wait(browser).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "#hamlets-import-error .row-errors li"))
    )
    assert problems.text.startswith("Dòng 3")
    names = [
        c["name"]
        for c in ask(platform, CHILDREN, {"code": HOME}, tokens["hanoi"])["orgUnit"]["children"]
    ]
    assert f"Thôn Nhập {tag}" not in names
    browser.shot("admin-thon")
    sheet.write_text(f'Mã xã,"Tên thôn, tổ dân phố"\n{HOME},Thôn Nhập {tag}\n', encoding="utf-8")
    browser.find_element(By.ID, "hamlets-import-file").send_keys(str(sheet))
    browser.find_element(By.ID, "hamlets-import-submit").click()
    notice(browser, "1 thôn mới")

    browser.find_element(By.CSS_SELECTOR, '.admin-tabs a[href$="/chi-hoi"]').click()
    screen(browser, "chi-hoi", HOME)
    fill(browser, "branch-name", f"Chi hội Đồng Tâm {tag}")
    browser.find_element(By.ID, "branch-create-submit").click()
    assert "chọn loại" in browser.find_element(By.ID, "branch-create-error").text
    Select(browser.find_element(By.ID, "branch-kind")).select_by_value("RESIDENTIAL")
    browser.find_element(By.ID, "branch-create-submit").click()
    notice(browser, f"Đã thành lập chi hội “Chi hội Đồng Tâm {tag}”")
    branch = next(
        child
        for child in ask(platform, CHILDREN, {"code": HOME}, tokens["hanoi"])["orgUnit"]["children"]
        if child["name"] == f"Chi hội Đồng Tâm {tag}"
    )
    assert branch["level"].lower() == "branch"
    browser.find_element(By.CSS_SELECTOR, f'button[data-edit="{branch["code"]}"]').click()
    fill(browser, "edit-name", f"Chi hội Đồng Tiến {tag}")
    browser.find_element(By.ID, "branch-rename-submit").click()
    notice(browser, "Đã đổi tên chi hội")
    browser.find_element(By.CSS_SELECTOR, f'button[data-edit="{branch["code"]}"]').click()
    fill(browser, "edit-members-count", "42")
    browser.find_element(By.ID, "branch-members-submit").click()
    notice(browser, "42 hội viên")
    year = time.gmtime().tm_year
    assert (
        ask(platform, MEMBERS, {"code": branch["code"], "year": year}, tokens["hanoi"])["orgUnit"][
            "stats"
        ]["members"]
        == 42
    )
    browser.find_element(By.CSS_SELECTOR, f'button[data-edit="{branch["code"]}"]').click()
    Select(browser.find_element(By.ID, "edit-hamlet")).select_by_value(hamlet["code"])
    browser.find_element(By.ID, "branch-hamlet-submit").click()
    notice(browser, hamlet["code"])
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-branch="{branch["code"]}"]')
    assert f"Chi hội Đồng Tiến {tag}" in row.text and "42" in row.text
    browser.shot("admin-chi-hoi")

    # the home page's drill-down names both under their new names
    go(browser, f"/app/don-vi/{HOME}")
    wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, f'a[data-code="{branch["code"]}"]'))
    )
    assert (
        browser.find_element(By.CSS_SELECTOR, f'a[data-code="{branch["code"]}"]').text
        == f"Chi hội Đồng Tiến {tag}"
    )
    assert (
        browser.find_element(By.CSS_SELECTOR, f'a[data-code="{hamlet["code"]}"]').text
        == f"Thôn Đồng Tiến {tag}"
    )

    # denominators for a year: the client-side checks, then saved
    go(browser, f"/app/quan-tri/{HOME}/mau-so?nam=2024")
    screen(browser, "mau-so", HOME)
    browser.find_element(By.ID, "den-form-submit").click()
    assert "ít nhất một chỉ số" in browser.find_element(By.ID, "den-form-error").text
    fill(browser, "den-population", "12345")
    fill(browser, "den-households", "3210")
    browser.find_element(By.ID, "den-form-submit").click()
    assert "nguồn số liệu" in browser.find_element(By.ID, "den-form-error").text
    fill(browser, "den-source", "Niên giám thống kê 2024")
    browser.find_element(By.ID, "den-form-submit").click()
    notice(browser, "Đã lưu mẫu số năm 2024")
    assert browser.find_element(By.CSS_SELECTOR, '[data-figure="population"]').text == "12.345"
    found = ask(platform, DENOMINATORS, {"code": HOME, "year": 2024}, tokens["hanoi"])
    assert found["orgUnit"]["denominators"]["population"] == 12345
    assert found["orgUnit"]["denominators"]["households"] == 3210
    browser.shot("admin-mau-so")


def test_commune_officer_reads_criteria_and_is_refused_elsewhere(
    browser, base, platform, hanoi_account
):
    sign_in(browser, base, hanoi_account("commune_officer", SIBLING), f"/app/quan-tri/{SIBLING}")
    screen(browser, "index", SIBLING)
    assert browser.find_element(By.CSS_SELECTOR, '#menu a[data-section="admin"]').text == "Quản trị"
    assert browser.find_elements(By.CSS_SELECTOR, 'a[data-screen="webhooks"]') == []
    browser.shot("admin-index")

    # the criteria in force, worded, with the provisional badge and its reason; no upload
    go(browser, f"/app/quan-tri/{SIBLING}/bo-tieu-chi")
    screen(browser, "bo-tieu-chi", SIBLING)
    Select(browser.find_element(By.ID, "criteria-title")).select_by_value("CITIZEN")
    fill(browser, "criteria-year", "2024")
    browser.find_element(By.ID, "criteria-show").click()
    card = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "article.criteria-set"))
    )
    assert "Tạm thời" in card.find_element(By.CSS_SELECTOR, ".provisional .badge").text
    official = ask(platform, SETS, {"title": "CITIZEN", "year": 2024}, None)["criteriaSets"][0]
    assert official["provisional"]
    assert (
        card.find_element(By.CSS_SELECTOR, ".provisional .reason").text
        == official["provisionalReason"]
    )
    assert official["indicators"][0]["name"] in card.find_element(By.CSS_SELECTOR, "tbody").text
    # a commune officer reads the sets but gets no upload
    assert browser.find_elements(By.ID, "set-upload-form") == []
    assert "Chỉ quản trị cấp tỉnh" in browser.find_element(By.ID, "criteria-admin-only").text
    browser.shot("admin-bo-tieu-chi")

    go(browser, f"/app/quan-tri/{SIBLING}/chi-hoi")
    screen(browser, "chi-hoi", SIBLING)
    browser.shot("admin-chi-hoi-xa")

    # another commune's administration is refused
    go(browser, f"/app/quan-tri/{HOME}/chi-hoi")
    refused = wait(browser).until(ec.visibility_of_element_located((By.ID, "admin-refused")))
    assert refused.text == "Không có quyền quản trị"
    assert HOME in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text


@desktop_only
def test_province_admin_webhook_log_and_criteria_upload(
    browser, base, platform, tokens, hanoi_account, tmp_path
):
    hook = f"kiem-thu-{uuid.uuid4().hex[:6]}"
    sign_in(
        browser, base, hanoi_account("province_admin", TENANT), f"/app/quan-tri/{TENANT}/webhooks"
    )
    screen(browser, "webhooks", TENANT)
    fill(browser, "webhook-name", hook)
    fill(browser, "webhook-url", "http://127.0.0.1:9/khuyenhoc")
    browser.find_element(By.CSS_SELECTOR, 'input[name="webhook-event"][value="registered"]').click()
    browser.find_element(By.ID, "webhook-form-submit").click()
    secret = wait(browser).until(ec.visibility_of_element_located((By.ID, "webhook-secret")))
    assert secret.text
    browser.shot("admin-webhooks")

    household = {
        "tenant": TENANT,
        "communeCode": HOME,
        "headName": f"Lê Văn Hùng {uuid.uuid4().hex[:6]}",
        "address": "Xóm 3",
        "year": 2024,
    }
    ask(platform, REGISTER, {"input": household}, tokens["hanoi"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = ask(platform, LOG, {"code": HOME}, tokens["hanoi"])["notifications"]
        if any(row["recipient"] == f"webhook:{hook}" for row in rows):
            break
        time.sleep(0.5)
    go(browser, f"/app/quan-tri/{HOME}/thong-bao")
    screen(browser, "thong-bao", HOME)
    assert any(row["recipient"] == f"webhook:{hook}" for row in rows), rows
    log = browser.find_element(By.ID, "delivery-log")
    assert f"webhook:{hook}" in log.text and "Đăng ký" in log.text and "Webhook" in log.text
    browser.shot("admin-thong-bao")
    # a commune where nothing was registered says so
    go(browser, f"/app/quan-tri/{SIBLING}/thong-bao")
    screen(browser, "thong-bao", SIBLING)
    assert "Chưa có thông báo nào" in browser.find_element(By.ID, "delivery-log").text

    # a criteria set of the province: checked, then uploaded as a draft
    set_id = f"test-01-family-{uuid.uuid4().hex[:6]}"
    text = CRITERIA_FILE.read_text(encoding="utf-8").replace(
        "id: test-20-family-2021", f"id: {set_id}"
    )
    path = tmp_path / f"{set_id}.yaml"
    path.write_text(text, encoding="utf-8")
    go(browser, f"/app/quan-tri/{TENANT}/bo-tieu-chi")
    screen(browser, "bo-tieu-chi", TENANT)
    browser.find_element(By.ID, "set-file").send_keys(str(path))
    wait(browser).until(
        lambda driver: driver.find_element(By.ID, "set-yaml").get_attribute("value")
    )
    browser.find_element(By.ID, "set-validate").click()
    summary = wait(browser).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "#set-summary li"))
    )
    assert set_id in summary.text and "Tạm thời" in summary.text
    browser.find_element(By.ID, "set-upload").click()
    notice(browser, f"Đã tải lên {set_id} phiên bản 1")
    own = ask(platform, OWN_SETS, {}, tokens["hanoi"])["tenantCriteriaSets"]
    assert any(row["setId"] == set_id for row in own)
    assert set_id in browser.find_element(By.ID, "own-sets").text
    # activated from a year no other test uses
    browser.find_element(By.CSS_SELECTOR, f'button[data-activate="{set_id}:1"]').click()
    fill(browser, "activate-year", "2030")
    browser.find_element(By.ID, "set-activate-submit").click()
    notice(browser, f"Đã áp dụng {set_id} phiên bản 1 từ năm 2030")
    own = ask(platform, OWN_SETS, {}, tokens["hanoi"])["tenantCriteriaSets"]
    assert any(row["setId"] == set_id and row["status"].lower() == "active" for row in own)
    browser.shot("admin-bo-tieu-chi-tinh")
