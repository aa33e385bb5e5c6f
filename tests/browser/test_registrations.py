"""The registrations screens as a commune officer of Ba Đình (Hà Nội, communes 00028 and 00031)
meets them: register a household through the form, find it by its name typed without
diacritics, withdraw it; upload a list with bad rows, follow its progress and download the
error file; export the list; and the refusals (another commune's list, an authority's account).
The long flows run once, at desktop width; the phone width gets the screens' layout."""

import base64
import io
import uuid

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from bench.commune_file import household_list
from tests.browser.conftest import PASSWORD
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

YEAR = 2024
COMMUNE, OTHER = "00028", "00031"
CREATE_ACCOUNT = """mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { username } } }"""
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
REGISTRATION = """query Registration($id: String!) { registration(enrolmentId: $id) {
  name status address phone withdrawReason members { name relation birthYear learning } } }"""
FIND = """query Find($code: String!, $search: String!) { orgUnit(code: $code) {
  subjects(year: 2024, search: $search) { items { enrolmentId name status } } } }"""
# Files the page saves are kept as blobs (read back with `saved_file`).
KEEP_BLOBS = """window.__saved = []; const made = URL.createObjectURL;
URL.createObjectURL = (blob) => { window.__saved.push(blob); return made(blob); };"""
SAVED_FILE = """const done = arguments[arguments.length - 1];
const blob = window.__saved[window.__saved.length - 1];
const reader = new FileReader();
reader.onload = () => done(String(reader.result).split(",", 2)[1]);
reader.readAsDataURL(blob);"""


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def visible(driver, selector, seconds=20):
    return wait(driver, seconds).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector))
    )


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def hanoi_account(platform, tokens):
    """``hanoi_account(role, unit)``: a new account of Hà Nội (tenant 01) with PASSWORD."""

    def make(role, unit):
        username = f"dk-{role.split('_')[0].lower()}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Phạm Thu Trang",
            "role": role,
            "unitCode": unit,
            "password": PASSWORD,
        }
        answer = graphql(platform, CREATE_ACCOUNT, {"input": payload}, token=tokens["hanoi"])
        assert "errors" not in answer, answer
        return username

    return make


@pytest.fixture(scope="module")
def officers(hanoi_account):
    """One account per role and commune for the whole module (each costs a password hash)."""
    return {
        COMMUNE: hanoi_account("COMMUNE_OFFICER", COMMUNE),
        OTHER: hanoi_account("COMMUNE_OFFICER", OTHER),
        "authority": hanoi_account("AUTHORITY", COMMUNE),
    }


def sign_in(driver, base, username, then):
    """Sign in (through the form) and land on ``then``."""
    driver.get(base + then)
    wait(driver).until(ec.element_to_be_clickable((By.ID, "username"))).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()


def list_shown(driver, code, year=YEAR):
    return visible(driver, f'#reg-heading[data-code="{code}"][data-year="{year}"]')


def saved_file(driver, click):
    """Click a download button and return the bytes of the file the page saved."""
    before = driver.execute_script("return window.__saved.length")
    click.click()
    wait(driver).until(lambda d: d.execute_script("return window.__saved.length") > before)
    return base64.b64decode(driver.execute_async_script(SAVED_FILE))


def rows_of(content):
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def desktop_only(browser):
    if browser.size_name != "desktop":
        pytest.skip("the long flow runs once, at desktop width")


def test_a_household_is_registered_found_without_diacritics_and_withdrawn(
    browser, base, platform, tokens, officers
):
    desktop_only(browser)
    tag = uuid.uuid4().hex[:4]
    head = f"Trần Thị Hường {tag}"
    sign_in(
        browser,
        base,
        officers[COMMUNE],
        f"/app/dang-ky/{COMMUNE}?nam={YEAR}",
    )
    list_shown(browser, COMMUNE)
    assert (
        browser.find_element(
            By.CSS_SELECTOR, '#menu a[data-section="registrations"]'
        ).get_attribute("aria-current")
        == "page"
    )
    browser.find_element(By.ID, "reg-add").click()
    visible(browser, '[data-kind="ho"]').click()
    visible(browser, "#reg-form-heading")
    Select(browser.find_element(By.ID, "f-year")).select_by_value(str(YEAR))

    browser.find_element(
        By.ID, "reg-submit"
    ).click()  # empty: the client check says what is missing
    problem = visible(browser, "#reg-form-error [role=alert]").text
    assert "Họ và tên chủ hộ: bắt buộc nhập." in problem and "Thôn, tổ dân phố" in problem
    assert browser.switch_to.active_element.get_attribute("id") == "f-headName"

    browser.find_element(By.ID, "f-headName").send_keys(head)
    browser.find_element(By.ID, "f-address").send_keys("Tổ dân phố số 5")
    browser.find_element(By.ID, "f-phone").send_keys("0912 345 678")
    browser.find_element(By.ID, "member-add").click()
    browser.switch_to.active_element.send_keys("Lê Văn Khôi")
    browser.find_element(By.ID, "m-relation-1").send_keys("Con")
    browser.find_element(By.ID, "m-birth-1").send_keys("2012")
    browser.find_element(By.ID, "m-learning-1").click()
    browser.shot("registrations-add-household")
    browser.find_element(By.ID, "reg-submit").click()

    shown = visible(browser, "#record-name")
    assert shown.text == head and shown.get_attribute("data-status") == "ENROLLED"
    assert (
        f"Đã đăng ký Hộ gia đình (Gia đình học tập) cho năm {YEAR}."
        in browser.find_element(By.CSS_SELECTOR, "main [role=status]").text
    )
    enrolment = shown.get_attribute("data-enrolment")
    stored = graphql(platform, REGISTRATION, {"id": enrolment}, token=tokens["hanoi"])["data"][
        "registration"
    ]
    assert (stored["name"], stored["address"], stored["phone"]) == (
        head,
        "Tổ dân phố số 5",
        "0912345678",
    )
    assert stored["members"] == [
        {"name": "Lê Văn Khôi", "relation": "Con", "birthYear": 2012, "learning": True}
    ]
    assert "Lê Văn Khôi" in browser.find_element(By.CSS_SELECTOR, "main table").text
    browser.shot("registrations-record")

    # corrected before it is reviewed: another phone, one more member
    visible(browser, "#edit-start").click()
    phone = browser.find_element(By.ID, "f-phone")
    assert phone.get_attribute("value") == "0912345678"
    phone.clear()
    phone.send_keys("0987654321")
    browser.find_element(By.ID, "member-add").click()
    browser.switch_to.active_element.send_keys("Lê Thị Ngân")
    browser.find_element(
        By.CSS_SELECTOR, "#members fieldset:last-child [data-member=relation]"
    ).send_keys("Con")
    browser.shot("registrations-edit")
    browser.find_element(By.ID, "edit-save").click()
    told = ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main [role=status]"), "Đã sửa")
    wait(browser).until(told)
    assert browser.find_elements(By.ID, "edit-save") == []  # the page drawn again
    stored = graphql(platform, REGISTRATION, {"id": enrolment}, token=tokens["hanoi"])["data"][
        "registration"
    ]
    assert stored["phone"] == "0987654321"
    assert [m["name"] for m in stored["members"]] == ["Lê Văn Khôi", "Lê Thị Ngân"]
    assert stored["members"][0]["learning"] is True  # the first member kept as it was

    # found by its name typed without diacritics
    browser.find_element(By.LINK_TEXT, "‹ Danh sách đăng ký").click()
    list_shown(browser, COMMUNE)
    browser.find_element(By.ID, "reg-search").send_keys(f"tran thi huong {tag}")
    browser.find_element(By.ID, "reg-find").click()
    found = visible(browser, f'#reg-results a[data-enrolment="{enrolment}"]')
    assert "tim=tran+thi+huong" in browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, "#reg-results tbody tr")) == 1
    browser.shot("registrations-search")
    found.click()

    # withdrawn, after a confirmation and with a reason
    visible(browser, "#withdraw-start").click()
    browser.find_element(By.ID, "withdraw-confirm").click()
    assert "lý do" in visible(browser, "#withdraw-error [role=alert]").text
    assert (
        graphql(platform, REGISTRATION, {"id": enrolment}, token=tokens["hanoi"])["data"][
            "registration"
        ]["status"]
        == "ENROLLED"
    )
    browser.find_element(By.ID, "withdraw-reason").send_keys("Chuyển đi nơi khác")
    browser.shot("registrations-withdraw")
    browser.find_element(By.ID, "withdraw-confirm").click()
    visible(browser, '#record-name[data-status="WITHDRAWN"]')
    assert "Đã rút đăng ký" in browser.find_element(By.CSS_SELECTOR, "main [role=status]").text
    assert browser.find_elements(By.ID, "withdraw-start") == []
    stored = graphql(platform, REGISTRATION, {"id": enrolment}, token=tokens["hanoi"])["data"][
        "registration"
    ]
    assert (stored["status"], stored["withdrawReason"]) == ("WITHDRAWN", "Chuyển đi nơi khác")


def test_a_list_with_bad_rows_is_uploaded_with_progress_and_its_error_file(
    browser, base, platform, tokens, officers, tmp_path
):
    desktop_only(browser)
    content, bad = household_list(40, bad_every=10, seed=uuid.uuid4().int % 10_000)
    upload = tmp_path / "danh-sach-ho-2024.xlsx"
    upload.write_bytes(content)
    sign_in(browser, base, officers[OTHER], f"/app/dang-ky/{OTHER}?nam={YEAR}")
    list_shown(browser, OTHER)
    browser.execute_script(KEEP_BLOBS)
    browser.find_element(By.ID, "reg-upload").click()
    visible(browser, "#up-heading")
    template = rows_of(saved_file(browser, browser.find_element(By.ID, "up-template")))
    assert any("Họ và tên" in str(cell) for row in template[:6] for cell in row if cell)

    browser.find_element(By.ID, "up-submit").click()  # no file yet
    assert "chọn tệp" in visible(browser, "#up-error [role=alert]").text
    Select(browser.find_element(By.ID, "up-year")).select_by_value(str(YEAR))
    browser.find_element(By.ID, "up-file").send_keys(str(upload))
    browser.find_element(By.ID, "up-submit").click()
    visible(browser, "#up-bar")
    result = visible(browser, '#up-result[data-status="DONE"]', seconds=60)
    figures = {
        f: result.find_element(By.CSS_SELECTOR, f'[data-figure="{f}"]').text
        for f in ("created", "duplicates", "failed")
    }
    assert figures == {"created": str(40 - bad), "duplicates": "0", "failed": str(bad)}
    assert "đã xử lý 40/" in browser.find_element(By.ID, "up-line").text
    browser.shot("registrations-upload-done")

    errors = rows_of(saved_file(browser, browser.find_element(By.ID, "up-errors")))
    numbered = [row for row in errors if isinstance(row[0], int)]
    assert len(numbered) == bad and all(row[2] for row in numbered)  # each bad row, with why
    assert {row[1] for row in numbered} <= {"Họ và tên", "Năm sinh", "Số điện thoại"}

    # the list now holds them, and its export names them
    browser.find_element(By.LINK_TEXT, "Xem danh sách đăng ký").click()
    list_shown(browser, OTHER)
    browser.execute_script(KEEP_BLOBS)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#reg-results tbody tr")) == 20  # a page
    browser.find_element(By.ID, "reg-next").click()
    visible(browser, "#reg-prev")
    assert "trang 2" in browser.find_element(By.ID, "reg-results-heading").text
    exported = rows_of(saved_file(browser, browser.find_element(By.ID, "reg-export")))
    assert len([row for row in exported if isinstance(row[0], int)]) == 40 - bad


def test_another_communes_list_and_an_authority_are_refused(browser, base, officers):
    desktop_only(browser)
    sign_in(browser, base, officers[COMMUNE], f"/app/dang-ky/{OTHER}?nam={YEAR}")
    refusal = visible(browser, "main [role=alert]").text
    assert refusal and browser.find_elements(By.ID, "reg-heading") == []
    browser.shot("registrations-refused-other-commune")
    browser.find_element(By.LINK_TEXT, "Về danh sách đăng ký của đơn vị tôi").click()
    list_shown(browser, COMMUNE, year=browser.execute_script("return new Date().getFullYear()"))

    browser.find_element(By.ID, "signout").click()
    sign_in(browser, base, officers["authority"], f"/app/dang-ky/{COMMUNE}?nam={YEAR}")
    list_shown(browser, COMMUNE)  # an authority reads the list…
    assert (
        browser.find_elements(By.ID, "reg-add") == []
        and browser.find_elements(By.ID, "reg-upload") == []
    )
    assert browser.find_elements(By.CSS_SELECTOR, '#menu a[data-section="registrations"]') == []
    browser.get(base + f"/app/dang-ky/{COMMUNE}/moi?loai=ho")  # …but may not add to it
    assert "không có quyền" in visible(browser, "main [role=alert]").text
    assert browser.find_elements(By.ID, "reg-submit") == []


def test_the_screens_fit_a_phone_and_a_pc(browser, base, platform, tokens, officers):
    payload = {
        "communeCode": COMMUNE,
        "headName": f"Đỗ Văn Phúc {uuid.uuid4().hex[:4]}",
        "address": "Tổ 3",
        "year": YEAR,
        "members": [{"name": "Đỗ Thị Mai", "relation": "Vợ", "birthYear": 1988}],
    }
    answer = graphql(platform, REGISTER, {"input": payload}, token=tokens["hanoi"])
    enrolment = answer["data"]["registerHousehold"]["enrolmentId"]
    sign_in(
        browser,
        base,
        officers[COMMUNE],
        f"/app/dang-ky/{COMMUNE}?nam={YEAR}",
    )
    list_shown(browser, COMMUNE)
    width = browser.execute_script("return document.documentElement.clientWidth")
    overflow = "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
    assert not browser.execute_script(overflow)
    browser.shot("registrations-list")
    browser.get(base + f"/app/dang-ky/ho-so/{enrolment}")
    visible(browser, "#record-name")
    assert "Đỗ Thị Mai" in browser.find_element(By.CSS_SELECTOR, "main table").text
    assert not browser.execute_script(overflow)
    browser.shot("registrations-record-light")
    for path, heading, name in (
        (
            f"/app/dang-ky/{COMMUNE}/moi?loai=cong-dan",
            "#reg-form-heading",
            "registrations-add-citizen",
        ),
        (f"/app/dang-ky/{COMMUNE}/nhap", "#up-heading", "registrations-upload"),
    ):
        browser.get(base + path)
        visible(browser, heading)
        assert not browser.execute_script(overflow), (path, width)
        browser.shot(name)
