"""The report and account screens as officers of Hà Nội's Hoàn Kiếm (district 002, communes 00058
and 00061, used by no other browser test) meet them: a report whose figures equal ``report``
over GraphQL, with real xlsx/PDF downloads; an admin creating a commune officer who signs in and
changes their password, then disabling (the open session ends), enabling and resetting it; the
accounts list paged; and the refusals (no accounts screen for a commune officer, no province
admin created by a district officer)."""

import time
import uuid

import openpyxl
import pypdfium2
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops import browser as browsers
from ops.tokens import create_token
from tests.browser.conftest import CREATE_ACCOUNT, PASSWORD, SIZES
from tests.browser.test_webapp import alert_text, sign_in, unit_shown, wait
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, DISTRICT, COMMUNE, SIBLING = "01", "002", "00058", "00061"
FROM, TO = 2023, 2024
PERIOD = f"?tu={FROM}&den={TO}"
FIGURES = ["registered", "recognised", "recognisedLevel1", "recognisedLevel2", "denominator"]
RATES = ["rateOfRegistered", "rateOfDenominator"]
REPORT = """query Report($code: String!) { report(unitCode: $code, fromYear: 2023, toYear: 2024) {
  titles { year title registered recognised recognisedLevel1 recognisedLevel2 denominator
    rateOfRegistered rateOfDenominator }
  progress { share met target { code share provisional provisionalReason } }
  fund { donationsTotal disbursedTotal balance }
  children { code households registered { title count } recognised { title count } } } }"""
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
IMPORT = """mutation Import($input: ImportTitleHistoryInput!) { importTitleHistory(input: $input) {
  imported errors { message } } }"""
REGISTERED = """query Registered($code: String!) { orgUnit(code: $code) {
  stats(year: 2024) { title(title: FAMILY) { registered } } } }"""
ACCOUNTS = """query Accounts($code: String!) { accounts(unitCode: $code, first: 100) {
  nodes { username role status unitCode } } }"""
SIGN_IN = """mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken } }"""
NAMES = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Hoa"]
ROWS = """return [...document.querySelectorAll(arguments[0])].map((row) => {
  const found = { ...row.dataset };
  for (const cell of row.querySelectorAll("[data-figure]")) {
    found[cell.dataset.figure] = cell.textContent;
  }
  found.badges = row.querySelectorAll(".badge").length;
  return found;
});"""


def token(platform, unit, role, name):
    return create_token(load_config(env=platform.settings()), TENANT, unit, role, name, hours=1)


def whole(text):
    """ "1.234" → 1234; "—" or "Chưa nhập" → None."""
    digits = text.replace(".", "").replace("đ", "").strip()
    return int(digits) if digits.lstrip("-").isdigit() else None


def share(text):
    """ "66,7%" → 0.667; "—" → None."""
    if not text.endswith("%"):
        return None
    return float(text[:-1].replace(".", "").replace(",", ".")) / 100


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def hanoi_account(platform, tokens):
    """``hanoi_account(role, unit)``: a new account of Hà Nội with :data:`PASSWORD`."""

    def make(role: str, unit: str, prefix: str = "ra") -> str:
        username = f"{prefix}-{role.split('_')[0].lower()}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Phạm Minh Đức",
            "role": role,
            "unitCode": unit,
            "password": PASSWORD,
        }
        answer = graphql(platform, CREATE_ACCOUNT, {"input": payload}, token=tokens["hanoi"])
        assert "errors" not in answer, answer
        return username

    return make


@pytest.fixture(scope="module")
def seeded(platform, tokens):
    """Three households of 00058 and one of 00061 registered for 2024; two of 00058's recognised
    as learning families in 2023 (imported from the commune's paper records)."""
    officer = token(platform, COMMUNE, Role.COMMUNE_OFFICER, "ra-officer")
    sibling = token(platform, SIBLING, Role.COMMUNE_OFFICER, "ra-sibling")
    before = {
        code: graphql(platform, REGISTERED, {"code": code}, token=tokens["hanoi"])["data"]
        for code in (COMMUNE, SIBLING)
    }
    subjects = []
    for commune, name, who in [
        *((COMMUNE, n, officer) for n in NAMES),
        (SIBLING, "Đỗ Thị Thu", sibling),
    ]:
        household = {
            "tenant": TENANT,
            "communeCode": commune,
            "headName": name,
            "address": "Phố Hàng Bạc",
            "year": 2024,
        }
        answer = graphql(platform, REGISTER, {"input": household}, token=who)
        assert "errors" not in answer, answer
        if commune == COMMUNE:
            subjects.append(answer["data"]["registerHousehold"]["enrolmentId"].split("-", 3)[3])
    rows = [
        {
            "subjectId": subject,
            "title": "FAMILY",
            "year": 2023,
            "decisionNumber": "15/QĐ-UBND",
            "decisionDate": "2023-12-15",
            "signer": "Chủ tịch UBND phường",
        }
        for subject in subjects[:2]
    ]
    done = graphql(
        platform,
        IMPORT,
        {"input": {"tenant": TENANT, "unitCode": COMMUNE, "rows": rows}},
        token=officer,
    )
    assert done["data"]["importTitleHistory"]["errors"] == [], done
    for code, added in ((COMMUNE, 3), (SIBLING, 1)):
        was = before[code]["orgUnit"]["stats"]["title"]["registered"]

        def counted(code=code, target=was + added):
            found = graphql(platform, REGISTERED, {"code": code}, token=tokens["hanoi"])["data"]
            return found["orgUnit"]["stats"]["title"]["registered"] == target

        wait_until(counted, 30, what=f"{code}'s registrations counted")


@pytest.fixture
def desktop(screens):
    """Chromium windows at desktop width (the long flow runs once): ``desktop()`` opens one
    more (a second officer's)."""
    if not browsers.available():
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/setup.sh)")
    opened = []
    width, height = SIZES["desktop"]

    def open_one():
        driver = browsers.headless_chromium(width, height)

        def shot(name):
            tall = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, max(height, tall + 140))
            try:
                driver.save_screenshot(str(screens / f"{name}-desktop.png"))
            finally:
                driver.set_window_size(width, height)

        driver.shot = shot
        opened.append(driver)
        return driver

    try:
        yield open_one
    finally:
        for driver in opened:
            driver.quit()


def present(driver, selector):
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def accounts_shown(driver, code):
    return present(driver, f'#accounts-title[data-code="{code}"]')


def account_status(driver, username):
    found = driver.find_element(By.CSS_SELECTOR, f'tr[data-username="{username}"] [data-status]')
    return found.get_attribute("data-status")


def accounts_of(platform, tokens, code):
    answer = graphql(platform, ACCOUNTS, {"code": code}, token=tokens["hanoi"])
    return answer["data"]["accounts"]["nodes"]


def report_of(platform, tokens, code):
    answer = graphql(platform, REPORT, {"code": code}, token=tokens["hanoi"])
    return answer["data"]["report"]


def report_shown(driver, code):
    selector = f'h1#report-title[data-code="{code}"][data-from="{FROM}"][data-to="{TO}"]'
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def status_text(driver, area):
    found = ec.visibility_of_element_located((By.CSS_SELECTOR, f"#{area} .alert"))
    return wait(driver).until(found).text


def downloaded(driver, selector, folder):
    """Click a download button and wait for the file Chromium saves (a new one in ``folder``)."""
    before = set(folder.iterdir())
    driver.find_element(By.CSS_SELECTOR, selector).click()

    def saved():
        new = [p for p in set(folder.iterdir()) - before if not p.name.endswith(".crdownload")]
        return new[0] if new else None

    return wait_until(saved, 30, 0.2, what=f"the download of {selector}")


def check_titles(driver, expected):
    shown = {
        (int(r["year"]), r["title"]): r
        for r in driver.execute_script(ROWS, "tr[data-year][data-title]")
    }
    assert set(shown) == {(row["year"], row["title"]) for row in expected["titles"]}
    for row in expected["titles"]:
        cells = shown[(row["year"], row["title"])]
        for name in FIGURES:
            assert whole(cells[name]) == row[name], (row["year"], row["title"], name)
        for name in RATES:
            if row[name] is None:
                assert share(cells[name]) is None
            else:
                assert share(cells[name]) == pytest.approx(row[name], abs=0.0006), (row, name)


def check_progress(driver, expected):
    shown = {r["target"]: r for r in driver.execute_script(ROWS, f'tr[data-progress="{TO}"]')}
    assert set(shown) == {row["target"]["code"] for row in expected["progress"]}
    for row in expected["progress"]:
        cells = shown[row["target"]["code"]]
        assert share(cells["targetShare"]) == pytest.approx(row["target"]["share"], abs=0.0006)
        verdict = {True: "Đạt", False: "Chưa đạt", None: "Chưa đủ số liệu"}[row["met"]]
        assert cells["met"] == verdict
        assert cells["badges"] == (1 if row["target"]["provisional"] else 0), row["target"]


def test_the_report_shows_the_figures_of_the_api_and_downloads_real_files(
    browser, base, platform, tokens, hanoi_account, seeded, tmp_path
):
    officer = hanoi_account("COMMUNE_OFFICER", COMMUNE)
    sign_in(browser, base, officer)
    unit_shown(browser, COMMUNE)
    browser.find_element(By.CSS_SELECTOR, 'a[data-section="reports"]').click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "report-title")))
    Select(browser.find_element(By.ID, "report-from")).select_by_value(str(TO))
    Select(browser.find_element(By.ID, "report-to")).select_by_value(str(FROM))
    browser.find_element(By.ID, "report-show").click()  # the period backwards: told, not sent
    assert "trước hoặc bằng" in alert_text(browser)
    Select(browser.find_element(By.ID, "report-from")).select_by_value(str(FROM))
    Select(browser.find_element(By.ID, "report-to")).select_by_value(str(TO))
    browser.find_element(By.ID, "report-show").click()
    title = report_shown(browser, COMMUNE)
    assert browser.current_url.endswith(f"/app/bao-cao/{COMMUNE}{PERIOD}")
    expected_name = title.text.removeprefix("Báo cáo ").split(",")[0]

    expected = report_of(platform, tokens, COMMUNE)
    family = {r["year"]: r for r in expected["titles"] if r["title"] == "FAMILY"}
    assert family[2024]["registered"] >= 3 and family[2023]["recognised"] >= 2  # not all zero
    check_titles(browser, expected)
    check_progress(browser, expected)
    fund = {
        f: browser.find_element(By.CSS_SELECTOR, f'[data-figure="fund-{f}"]').text
        for f in expected["fund"]
    }
    assert {f: whole(v) for f, v in fund.items()} == {
        f: int(v) for f, v in expected["fund"].items()
    }
    assert [h.tag_name for h in browser.find_elements(By.CSS_SELECTOR, "main h1")] == ["h1"]
    browser.shot("reports-report")
    if browser.size_name == "phone":
        return

    # the downloads, saved by Chromium: a real workbook and a real PDF
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    saved = downloaded(browser, "#report-xlsx", folder)
    assert saved.name == f"Báo cáo {expected_name} {FROM}-{TO}.xlsx"
    assert openpyxl.load_workbook(saved).sheetnames
    saved = downloaded(browser, "#report-pdf", folder)
    pdf = pypdfium2.PdfDocument(saved.read_bytes())
    assert len(pdf) >= 1 and "Lý Thái Tổ" in pdf[0].get_textpage().get_text_range()
    # the recognised list of 2023 names the two families recognised
    saved = downloaded(browser, '[data-list="2023-FAMILY-xlsx"]', folder)
    cells = {
        str(value)
        for sheet in openpyxl.load_workbook(saved).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    }
    assert set(NAMES[:2]) <= cells
    assert pypdfium2.PdfDocument(
        downloaded(browser, '[data-list="2023-FAMILY-pdf"]', folder).read_bytes()
    )
    assert browser.find_elements(By.CSS_SELECTOR, ".download-status .alert") == []


def test_an_admin_creates_disables_enables_and_resets_an_officer(
    desktop, base, platform, tokens, hanoi_account, seeded
):
    admin = desktop()
    sign_in(admin, base, hanoi_account("PROVINCE_ADMIN", TENANT))
    unit_shown(admin, TENANT)
    admin.find_element(By.CSS_SELECTOR, 'a[data-section="accounts"]').click()
    accounts_shown(admin, TENANT)
    for code in (DISTRICT, COMMUNE):  # down the units below: Hoàn Kiếm, then the ward
        admin.find_element(By.CSS_SELECTOR, f'.children a[data-code="{code}"]').click()
        accounts_shown(admin, code)
    admin.shot("accounts-list")

    username = f"ra-canbo-{uuid.uuid4().hex[:6]}"
    first_password = "Bat-dau-2024!"
    admin.find_element(By.ID, "new-username").send_keys(username)
    admin.find_element(By.ID, "new-fullname").send_keys("Vũ Thị Mai")
    Select(admin.find_element(By.ID, "new-role")).select_by_value("COMMUNE_OFFICER")
    Select(admin.find_element(By.ID, "new-unit")).select_by_value(COMMUNE)
    admin.find_element(By.ID, "new-password").send_keys("ngan")
    admin.find_element(By.ID, "create-account").click()
    assert "ít nhất 10 ký tự" in status_text(admin, "create-error")  # checked before sending
    password = admin.find_element(By.ID, "new-password")
    password.clear()
    password.send_keys(username)
    admin.find_element(By.ID, "create-account").click()
    assert "trùng với tên đăng nhập" in status_text(admin, "create-error")
    password.clear()
    password.send_keys(first_password)
    admin.find_element(By.ID, "create-account").click()
    told = status_text(admin, "accounts-status")
    assert username in told and "Đã tạo tài khoản" in told and "Cán bộ cấp xã" in told
    row = f'tr[data-username="{username}"]'
    assert account_status(admin, username) == "ACTIVE"
    listed = accounts_of(platform, tokens, COMMUNE)
    assert {
        "username": username,
        "role": "COMMUNE_OFFICER",
        "status": "ACTIVE",
        "unitCode": COMMUNE,
    } in listed
    # the same username again: the server's Vietnamese field error, next to the form
    admin.find_element(By.ID, "new-username").send_keys(username)
    admin.find_element(By.ID, "new-fullname").send_keys("Vũ Thị Mai")
    Select(admin.find_element(By.ID, "new-role")).select_by_value("COMMUNE_OFFICER")
    admin.find_element(By.ID, "create-account").click()
    assert "đã có người dùng" in status_text(admin, "create-error")
    admin.shot("accounts-created")

    # the new officer signs in (another browser) and changes the password
    officer = desktop()
    sign_in(officer, base, username, first_password)
    unit_shown(officer, COMMUNE)
    assert officer.find_elements(By.CSS_SELECTOR, 'a[data-section="accounts"]') == []
    officer.find_element(By.CSS_SELECTOR, 'a[data-section="password"]').click()
    wait(officer).until(ec.element_to_be_clickable((By.ID, "old-password"))).send_keys(
        "sai-mat-khau-1"
    )
    new_password = "Mat-khau-moi-2025!"
    officer.find_element(By.ID, "new-password").send_keys(new_password)
    officer.find_element(By.ID, "again-password").send_keys(new_password)
    officer.find_element(By.ID, "change-password").click()
    assert "Mật khẩu hiện tại không đúng" in status_text(officer, "password-error")
    officer.find_element(By.ID, "old-password").clear()
    officer.find_element(By.ID, "old-password").send_keys(first_password)
    officer.find_element(By.ID, "new-password").clear()
    officer.find_element(By.ID, "new-password").send_keys(new_password)
    officer.find_element(By.ID, "again-password").clear()
    officer.find_element(By.ID, "again-password").send_keys(new_password)
    officer.find_element(By.ID, "change-password").click()
    assert "Đã đổi mật khẩu" in status_text(officer, "password-status")
    officer.shot("accounts-password")
    again = graphql(platform, SIGN_IN, {"input": {"username": username, "password": new_password}})
    assert again["data"]["signIn"]["accessToken"]

    # the admin disables it: the officer's open session ends at its next action
    admin.find_element(By.CSS_SELECTOR, f'{row} button[data-action="disable"]').click()
    admin.switch_to.alert.accept()
    assert "Đã khóa tài khoản" in status_text(admin, "accounts-status")
    assert account_status(admin, username) == "DISABLED"
    time.sleep(6)  # the gateway rechecks a session's revocation at most every 5 seconds
    officer.find_element(By.CSS_SELECTOR, 'a[data-section="reports"]').click()
    assert "đăng nhập lại" in alert_text(officer)
    assert officer.current_url.endswith("/app/dang-nhap")
    sign_in(officer, base, username, new_password)
    assert "vô hiệu hóa" in alert_text(officer)

    # enabled again: the officer signs in
    admin.find_element(By.CSS_SELECTOR, f'{row} button[data-action="enable"]').click()
    assert "Đã mở khóa" in status_text(admin, "accounts-status")
    sign_in(officer, base, username, new_password)
    unit_shown(officer, COMMUNE)

    # a reset: a one-time password shown once, which signs in
    admin.find_element(By.CSS_SELECTOR, f'{row} button[data-action="reset"]').click()
    admin.switch_to.alert.accept()
    shown = (
        wait(admin)
        .until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f'#accounts-status [data-password="{username}"]')
            )
        )
        .text
    )
    answer = graphql(platform, SIGN_IN, {"input": {"username": username, "password": shown}})
    assert answer["data"]["signIn"]["accessToken"]
    admin.shot("accounts-reset")


def test_the_accounts_list_is_paged(browser, base, platform, tokens, hanoi_account):
    for _ in range(21 - len(accounts_of(platform, tokens, SIBLING))):
        hanoi_account("COMMUNE_OFFICER", SIBLING, prefix="rb")
    sign_in(browser, base, hanoi_account("DISTRICT_OFFICER", DISTRICT))
    unit_shown(browser, DISTRICT)
    browser.get(base + f"/app/tai-khoan/{SIBLING}")
    accounts_shown(browser, SIBLING)
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr[data-username]")) == 20
    first_page = browser.find_element(By.CSS_SELECTOR, "tr[data-username]").get_attribute(
        "data-username"
    )
    browser.shot("accounts-paged")
    browser.find_element(By.ID, "accounts-next").click()
    wait(browser).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".page-number"), "Trang 2")
    )
    second = browser.find_elements(By.CSS_SELECTOR, "tr[data-username]")
    assert second and second[0].get_attribute("data-username") > first_page
    browser.find_element(By.ID, "accounts-previous").click()
    wait(browser).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".page-number"), "Trang 1")
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr[data-username]")) == 20


def test_a_commune_officer_has_no_accounts_screen(browser, base, hanoi_account):
    sign_in(browser, base, hanoi_account("COMMUNE_OFFICER", COMMUNE))
    unit_shown(browser, COMMUNE)
    assert browser.find_elements(By.CSS_SELECTOR, 'a[data-section="accounts"]') == []
    assert browser.find_elements(By.CSS_SELECTOR, 'a[data-section="password"]')
    browser.get(base + f"/app/tai-khoan/{COMMUNE}")
    assert "không có quyền" in alert_text(browser)
    assert browser.find_elements(By.ID, "create-account") == []
    browser.shot("accounts-refused")


def test_a_district_officer_cannot_create_a_province_admin(
    browser, base, platform, tokens, hanoi_account, seeded
):
    sign_in(browser, base, hanoi_account("DISTRICT_OFFICER", DISTRICT))
    unit_shown(browser, DISTRICT)
    # the district's report: each ward's row equals the API's
    browser.get(base + f"/app/bao-cao/{DISTRICT}{PERIOD}")
    report_shown(browser, DISTRICT)
    expected = report_of(platform, tokens, DISTRICT)
    child = next(c for c in expected["children"] if c["code"] == COMMUNE)
    cells = browser.find_element(
        By.CSS_SELECTOR, f'tr[data-child="{COMMUNE}"] [data-title="FAMILY"]'
    )
    registered = next(t["count"] for t in child["registered"] if t["title"] == "FAMILY")
    assert (
        whole(cells.find_element(By.CSS_SELECTOR, '[data-figure="registered"]').text)
        == registered
        >= 3
    )
    if browser.size_name == "desktop":  # at phone width the page is too tall to shoot whole
        browser.shot("reports-district")

    browser.find_element(By.CSS_SELECTOR, 'a[data-section="accounts"]').click()
    accounts_shown(browser, DISTRICT)
    roles = [
        o.get_attribute("value") for o in Select(browser.find_element(By.ID, "new-role")).options
    ]
    assert "PROVINCE_ADMIN" not in roles and "COMMUNE_OFFICER" in roles
    # offered anyway (a page changed by hand): the server refuses and nothing is created
    browser.execute_script(
        "document.getElementById('new-role')"
        ".append(new Option('Quản trị cấp tỉnh', 'PROVINCE_ADMIN'))"
    )
    username = f"ra-admin-{uuid.uuid4().hex[:6]}"
    browser.find_element(By.ID, "new-username").send_keys(username)
    browser.find_element(By.ID, "new-fullname").send_keys("Hoàng Văn Nam")
    Select(browser.find_element(By.ID, "new-role")).select_by_value("PROVINCE_ADMIN")
    Select(browser.find_element(By.ID, "new-unit")).select_by_value(COMMUNE)
    browser.find_element(By.ID, "create-account").click()
    assert "không có quyền" in status_text(browser, "create-error")
    browser.shot("accounts-district-refused")
    listed = accounts_of(platform, tokens, DISTRICT)
    assert username not in {a["username"] for a in listed}
