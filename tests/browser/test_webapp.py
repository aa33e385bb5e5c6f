"""The officers' web app as a commune and a district officer meet it: sign in, the unit's figures
(equal to ``orgUnit.stats`` over GraphQL), drill-down and the breadcrumb back, sign out, and the
refusals (wrong password, locked, disabled, another commune, a revoked session)."""

import time
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

YEAR = 2024
TITLES = ["FAMILY", "CITIZEN", "CLAN", "COMMUNITY", "COMMUNE_COMMUNITY", "UNIT"]
FIGURES = ["registered", "reviewed", "recognised"]
PER_TITLE = " ".join(f"{t}: title(title: {t}) {{ registered reviewed recognised }}" for t in TITLES)
STATS = (
    "query Stats($code: String!, $year: Int!) { orgUnit(code: $code) { stats(year: $year) { "
    + PER_TITLE
    + " } } }"
)
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
SIGN_IN = """mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken } }"""
REFRESH = """mutation Refresh($input: RefreshSessionInput!) {
  refreshSession(input: $input) { refreshToken } }"""
DISABLE = """mutation Disable($input: AccountInput!) { disableAccount(input: $input) { status } }"""


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def sign_in(driver, base, username, password=PASSWORD, by_keyboard=False):
    driver.get(base + "/")
    field = wait(driver).until(ec.element_to_be_clickable((By.ID, "username")))
    assert driver.switch_to.active_element == field  # the form starts at its first field
    field.send_keys(username)
    if by_keyboard:  # Tab to the password, Enter submits
        field.send_keys(Keys.TAB)
        driver.switch_to.active_element.send_keys(password + Keys.ENTER)
        return
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "signin").click()


def unit_shown(driver, code, year=None):
    selector = f'h1#unit-name[data-code="{code}"]' + (f'[data-year="{year}"]' if year else "")
    return wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def alert_text(driver):
    found = ec.visibility_of_element_located((By.CSS_SELECTOR, "[role=alert]"))
    return wait(driver).until(found).text


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def households(platform, tokens):
    """Three households of Đồng Đăng (06184) and one of its neighbour registered for the year."""
    for commune in ("06184", "06184", "06184", "06187"):
        payload = {
            "tenant": "20",
            "communeCode": commune,
            "headName": f"Hoàng Văn Bình {uuid.uuid4().hex[:6]}",
            "address": "Khối 2",
            "year": YEAR,
            "members": [{"name": "Hoàng Thị Lan", "relation": "Con", "birthYear": 2011}],
        }
        answer = graphql(platform, REGISTER, {"input": payload}, token=tokens["admin"])
        assert "errors" not in answer, answer


def test_the_shell_answers_at_the_root_and_at_deep_links_from_local_files(base):
    import urllib.request

    for path in ("/", "/app", "/app/don-vi/06184?nam=2024"):
        with urllib.request.urlopen(base + path, timeout=10) as response:
            page = response.read().decode()
            assert response.headers["Content-Type"].startswith("text/html")
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert '<html lang="vi">' in page and "/static/app/app.js?v=" in page
        assert "http://" not in page and "https://" not in page  # nothing from the internet


def test_a_commune_officer_sees_the_communes_figures_and_signs_out(
    browser, base, platform, tokens, make_account, households
):
    username = make_account("commune_officer", "06184")
    browser.get(base + "/")
    wait(browser).until(ec.element_to_be_clickable((By.ID, "username")))
    browser.shot("sign-in")
    sign_in(browser, base, username)
    unit_shown(browser, "06184")
    assert browser.find_elements(By.CSS_SELECTOR, ".crumbs") == []  # its own unit: no way up
    Select(browser.find_element(By.ID, "year")).select_by_value(str(YEAR))
    unit_shown(browser, "06184", YEAR)
    assert f"nam={YEAR}" in browser.current_url

    expected = graphql(platform, STATS, {"code": "06184", "year": YEAR}, token=tokens["admin"])
    stats = expected["data"]["orgUnit"]["stats"]
    assert stats["FAMILY"]["registered"] >= 3  # the figures compared are not all zero
    for title in TITLES:
        card = browser.find_element(By.CSS_SELECTOR, f'[data-title="{title}"]')
        for figure in FIGURES:
            shown = card.find_element(By.CSS_SELECTOR, f'[data-figure="{figure}"]').text
            assert int(shown.replace(".", "")) == stats[title][figure], (title, figure)
        chart = card.find_element(By.CSS_SELECTOR, "svg.chart")
        assert f"Đăng ký {stats[title]['registered']}" in chart.get_attribute("aria-label")
    assert browser.find_element(By.ID, "progress-heading").text == "Tiến độ so với chỉ tiêu"
    assert [h.tag_name for h in browser.find_elements(By.CSS_SELECTOR, "main h1")] == ["h1"]
    browser.shot("home-commune")

    browser.find_element(By.ID, "signout").click()
    assert (
        "Bạn đã đăng xuất"
        in wait(browser)
        .until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#signin-error [role=status]")))
        .text
    )
    assert browser.execute_script("return sessionStorage.length") == 0
    browser.get(base + "/app/don-vi/06184")  # a reload does not bring the session back
    wait(browser).until(ec.element_to_be_clickable((By.ID, "username")))


def test_a_district_officer_drills_down_to_a_commune_and_back(browser, base, make_account):
    sign_in(browser, base, make_account("district_officer", "183"))
    unit_shown(browser, "183")
    browser.shot("home-district")
    browser.find_element(By.CSS_SELECTOR, '.children a[data-code="06184"]').click()
    unit_shown(browser, "06184")
    crumbs = browser.find_elements(By.CSS_SELECTOR, ".crumbs li")
    assert [c.text for c in crumbs][-1] == browser.find_element(By.ID, "unit-name").text
    assert len(crumbs) == 2  # the district, then the commune: nothing above the officer's reach
    browser.shot("home-drilled")
    back = browser.find_element(By.CSS_SELECTOR, ".crumbs a")
    back.send_keys("\n")  # by keyboard
    unit_shown(browser, "183")
    browser.back()
    unit_shown(browser, "06184")


def test_a_wrong_password_shows_the_vietnamese_message(browser, base, make_account):
    username = make_account("commune_officer", "06184")
    sign_in(browser, base, username, password="sai-mat-khau-1", by_keyboard=True)
    assert alert_text(browser) == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""
    browser.shot("sign-in-wrong-password")


def test_a_locked_and_a_disabled_account_are_told_why(
    browser, base, platform, tokens, make_account
):
    locked = make_account("commune_officer", "06184")
    for _ in range(5):
        graphql(platform, SIGN_IN, {"input": {"username": locked, "password": "sai-mat-khau-1"}})
    sign_in(browser, base, locked)
    assert "tạm bị khóa" in alert_text(browser)

    disabled = make_account("commune_officer", "06184")
    answer = graphql(platform, DISABLE, {"input": {"username": disabled}}, token=tokens["admin"])
    assert "errors" not in answer, answer
    sign_in(browser, base, disabled)
    assert "vô hiệu hóa" in alert_text(browser)
    browser.shot("sign-in-disabled")


def test_another_communes_unit_in_the_address_is_refused(browser, base, make_account, households):
    sign_in(browser, base, make_account("commune_officer", "06184"))
    unit_shown(browser, "06184")
    browser.get(base + f"/app/don-vi/06187?nam={YEAR}")  # a reload: the session comes back
    message = alert_text(browser)
    assert message and "06187" not in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "[data-title], #unit-name") == []
    browser.shot("refused-other-commune")
    browser.find_element(By.LINK_TEXT, "Về đơn vị của tôi").click()
    unit_shown(browser, "06184")


def test_a_revoked_session_returns_to_sign_in_with_a_message(browser, base, platform, make_account):
    sign_in(browser, base, make_account("commune_officer", "06184"))
    unit_shown(browser, "06184")
    spent = browser.execute_script("return sessionStorage.getItem('khuyenhoc.refreshToken')")
    for _ in range(2):  # spent, then presented again: the whole session is revoked
        graphql(platform, REFRESH, {"input": {"refreshToken": spent}})
    time.sleep(6)  # the gateway rechecks a session's revocation at most every 5 seconds
    Select(browser.find_element(By.ID, "year")).select_by_value(str(YEAR))
    assert "đăng nhập lại" in alert_text(browser)
    assert browser.current_url.endswith("/app/dang-nhap")
    browser.shot("session-expired")
