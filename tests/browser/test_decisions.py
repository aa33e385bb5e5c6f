"""Công nhận on the officers' web app (Hà Nội, tenant 01, communes 00040 and 00049): the commune
officer proposes from the reviewed list (each verdict explained), the list is posted; the
People's Committee's account decides with the scanned decision; the figures of the commune, its
district and the province move; the certificates are a PDF; a recognition is revoked after a
confirmation; and the refusals (an officer may not decide, another commune's list)."""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from khuyenhoc.sheets import export_rows
from services.scoring.domain import vietnam_day
from tests.browser.conftest import CREATE_ACCOUNT, PASSWORD
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, COMMUNE, OTHER = "01", "00040", "00049"
YEAR = 2024
HEADS = ("Trần Thị Thu Hà", "Lê Văn Đức", "Phạm Văn Nam")  # the last one is reviewed "not met"
REGISTER = """mutation Register($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
ASSESSMENT = """query Assessment($id: String!) { assessment(enrolmentId: $id) { status
  recognition { decisionNumber revoked { reason } } } }"""
SETS = """query Sets { criteriaSets(title: FAMILY, year: 2024) { id
  indicators { id kind maxPoints } } }"""
REVIEW = """mutation Review($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation Propose($input: ProposeInput!) { proposeRecognition(input: $input) { id } }"""
DECIDE = """mutation Decide($input: DecideInput!) { decideRecognition(input: $input) {
  recognised } }"""
PROPOSAL = """query Proposal($id: String!) { proposal(id: $id) { id subjects { name } } }"""
SIGN_IN = """mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken } }"""
UNIT = """query Unit($code: String!) { orgUnit(code: $code) { path } }"""
FIGURE = """query Figure($code: String!) { orgUnit(code: $code) {
  stats(year: 2024) { title(title: FAMILY) { recognised } } } }"""
VERIFY = """query Verify($code: String!) { verifyCertificate(code: $code) { status } }"""
SHEET_TITLE = "DANH SÁCH KÈM THEO QUYẾT ĐỊNH"
SCAN = b"%PDF-1.4\n% Quyet dinh cong nhan 12/QD-UBND\n"

flow: dict = {}  # what the desktop flow made, for the light tests that follow


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def shown(driver, selector, seconds=20):
    return wait(driver, seconds).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector))
    )


def sign_in(driver, base, username, path="/app/dang-nhap", ready="#unit-name"):
    """Sign in at ``path`` (a deep link: the sign-in screen, then that page, as a link in an
    e-mail would) and wait for ``ready``."""
    driver.get(base + path)
    wait(driver).until(ec.element_to_be_clickable((By.ID, "username"))).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()
    return shown(driver, ready)


def open_app(driver, base, path):
    """A deep link: the page reloads and the session comes back from its refresh token."""
    driver.get(base + path)


def figure(platform, token, code):
    return ask(platform, FIGURE, {"code": code}, token)["orgUnit"]["stats"]["title"]["recognised"]


@pytest.fixture(scope="module")
def base(platform):
    return platform.url(platform.gateway)


@pytest.fixture(scope="module")
def accounts(platform, tokens):
    """Accounts of Hà Nội made by its province admin: username per role and unit."""

    def make(role, unit):
        username = f"cn-{role.split('_')[0].lower()}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Nguyễn Văn Minh",
            "role": role,
            "unitCode": unit,
            "password": PASSWORD,
        }
        ask(platform, CREATE_ACCOUNT, {"input": payload}, tokens["hanoi"])
        return username

    return {
        "officer": make("COMMUNE_OFFICER", COMMUNE),
        "authority": make("AUTHORITY", COMMUNE),
        "province": make("PROVINCE_ADMIN", TENANT),
        "other_authority": make("AUTHORITY", OTHER),
    }


def answers(platform, token, met: bool):
    """Every indicator at its most (20 where the set gives no maximum), or nothing."""
    (family, *_) = ask(platform, SETS, {}, token)["criteriaSets"]
    return [
        {"indicator": i["id"], "points": (i["maxPoints"] or 20) if met else 0}
        for i in family["indicators"]
    ]


def reviewed(platform, token, commune, heads, verdicts):
    ids = []
    for head, met in zip(heads, verdicts, strict=True):
        household = {
            "communeCode": commune,
            "headName": head,
            "address": "Phố Hàng Bạc",
            "year": YEAR,
        }
        enrolment_id = ask(platform, REGISTER, {"input": household}, token)["registerHousehold"][
            "enrolmentId"
        ]
        wait_until(lambda e=enrolment_id: ask(platform, ASSESSMENT, {"id": e}, token)["assessment"])
        review = {
            "enrolmentId": enrolment_id,
            "answers": answers(platform, token, met),
            "minutes": "Biên bản họp tổ dân phố",
            "agree": met,  # QĐ 448 for 2024 is provisional: the meeting decides what it lacks
        }
        verdict = ask(platform, REVIEW, {"input": review}, token)["recordReview"]["review"][
            "verdict"
        ]
        assert verdict["status"] == ("recognised" if met else "not_recognised"), verdict
        ids.append(enrolment_id)
    return ids


@pytest.fixture(scope="module")
def prepared(platform, tokens):
    """Three households of 00040 reviewed (two met the criteria), and a list of 00049 proposed."""
    hanoi = tokens["hanoi"]
    suffix = uuid.uuid4().hex[:4]
    ids = reviewed(platform, hanoi, COMMUNE, [f"{h} {suffix}" for h in HEADS], (True, True, False))
    other = reviewed(platform, hanoi, OTHER, [f"Vũ Thị Lan {suffix}"], (True,))
    posted = (vietnam_day(datetime.now(UTC)) - timedelta(days=12)).isoformat()
    listed = {"unitCode": OTHER, "title": "FAMILY", "year": YEAR, "postedFrom": posted}
    other_proposal = ask(platform, PROPOSE, {"input": listed}, hanoi)["proposeRecognition"]["id"]
    district = ask(platform, UNIT, {"code": COMMUNE}, hanoi)["orgUnit"]["path"].split("/")[1]
    return {
        "ids": ids,
        "suffix": suffix,
        "other_proposal": other_proposal,
        "district": district,
        "other": other,
    }


def test_a_list_is_proposed_decided_certified_and_a_recognition_revoked(
    browser, base, platform, tokens, accounts, prepared, tmp_path
):
    if browser.size_name != "desktop":
        pytest.skip("the long flow runs once, at desktop width; the phone sees the screens below")
    hanoi, ids = tokens["hanoi"], prepared["ids"]
    units = (COMMUNE, prepared["district"], TENANT)
    before = {code: figure(platform, hanoi, code) for code in units}

    # the commune officer: the reviewed list with each verdict explained, then the proposal
    sign_in(browser, base, accounts["officer"])
    browser.find_element(By.CSS_SELECTOR, '#menu a[data-section="decisions"]').click()
    shown(browser, f'#cn-heading[data-code="{COMMUNE}"]')
    Select(browser.find_element(By.ID, "cn-year")).select_by_value(str(YEAR))
    wait(browser).until(lambda d: f"nam={YEAR}" in d.current_url)
    met_row = shown(browser, f'tr[data-enrolment="{ids[0]}"]')
    assert met_row.find_element(By.CSS_SELECTOR, '[data-status="recognised"]').text == "Đạt"
    unmet_row = browser.find_element(By.CSS_SELECTOR, f'tr[data-enrolment="{ids[2]}"]')
    assert (
        unmet_row.find_element(By.CSS_SELECTOR, '[data-status="not_recognised"]').text
        == "Không đạt"
    )
    unmet_row.find_element(By.CSS_SELECTOR, "details summary").click()
    assert unmet_row.find_elements(
        By.CSS_SELECTOR, "details .criteria li"
    )  # the criteria's wording
    assert browser.find_element(By.CSS_SELECTOR, ".criteria-set").text.startswith(
        "Bộ tiêu chí áp dụng"
    )
    browser.shot("decisions-overview")

    today = vietnam_day(datetime.now(UTC))
    posted = browser.find_element(By.ID, "cn-posted-from")
    put = "arguments[0].value = arguments[1]"  # a date picker's typing differs by locale
    browser.execute_script(put, posted, (today + timedelta(days=1)).isoformat())
    browser.find_element(By.ID, "cn-propose").click()
    assert "không được sau hôm nay" in shown(browser, "#cn-propose-error [role=alert]").text
    browser.execute_script(put, posted, (today - timedelta(days=12)).isoformat())
    browser.find_element(By.ID, "cn-propose").click()
    assert "gồm 2 đăng ký" in shown(browser, "#cn-propose-form [role=status]").text
    proposal_id = f"{TENANT}:{COMMUNE}:FAMILY:{YEAR}"
    browser.find_element(By.ID, "cn-made-proposal").click()
    shown(browser, f'#cn-proposal[data-proposal="{proposal_id}"]')
    assert shown(browser, "#cn-posting-state").get_attribute("data-state") == "ended"
    listed = {
        r.get_attribute("data-enrolment")
        for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    assert listed == set(ids[:2])
    public = browser.find_element(By.ID, "cn-public-link").get_attribute("href")
    assert public.endswith("/cong-khai/danh-sach/" + proposal_id.replace(":", "%3A"))
    # an officer does not sign: no decision form, and the API refuses
    assert browser.find_elements(By.ID, "cn-decide") == [] and browser.find_element(
        By.ID, "cn-not-signer"
    )
    browser.shot("decisions-proposal-officer")
    officer = ask(
        platform, SIGN_IN, {"input": {"username": accounts["officer"], "password": PASSWORD}}, None
    )
    decision = {
        "proposalId": proposal_id,
        "decisionNumber": "1/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "X",
    }
    refused = graphql(platform, DECIDE, {"input": decision}, token=officer["signIn"]["accessToken"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    browser.find_element(By.ID, "signout").click()
    wait(browser).until(ec.element_to_be_clickable((By.ID, "username")))

    # the People's Committee decides, with the scanned decision
    sign_in(
        browser,
        base,
        accounts["authority"],
        "/app/cong-nhan/de-nghi/" + proposal_id,
        "#cn-decide-form",
    )
    browser.find_element(By.ID, "cn-decide").click()  # nothing typed: told what is missing
    assert "số quyết định" in shown(browser, "#cn-decide-error [role=alert]").text
    browser.find_element(By.ID, "cn-number").send_keys("12/QĐ-UBND")
    browser.find_element(By.ID, "cn-signer").send_keys("Nguyễn Văn Bảo")
    browser.find_element(By.ID, "cn-position").send_keys("Chủ tịch UBND phường")
    scan = tmp_path / "qd-12.pdf"
    scan.write_bytes(SCAN)
    browser.find_element(By.ID, "cn-scan").send_keys(str(scan))
    browser.shot("decisions-decide")
    browser.find_element(By.ID, "cn-decide").click()
    assert "2 đăng ký được công nhận" in shown(browser, "#cn-decide-form [role=status]", 30).text
    browser.find_element(By.ID, "cn-open-decision").click()
    heading = shown(browser, "#cn-decision")
    assert heading.text == "Quyết định số 12/QĐ-UBND"
    flow["decision"] = heading.get_attribute("data-decision")
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert {r.get_attribute("data-enrolment") for r in rows} == set(ids[:2])
    verify = browser.find_element(By.CSS_SELECTOR, "a.verify-link").get_attribute("href")
    assert "/xac-minh?ma=" in verify
    browser.shot("decisions-decision")
    for enrolment_id in ids[:2]:
        recognition = ask(platform, ASSESSMENT, {"id": enrolment_id}, hanoi)["assessment"][
            "recognition"
        ]
        assert recognition["decisionNumber"] == "12/QĐ-UBND"

    # the scan and the certificates, read back through the page's own session
    fetch = """const done = arguments[arguments.length - 1];
      import('/static/app/api.js').then((api) => api.file(arguments[0])).then(async (got) => {
        const bytes = new Uint8Array(await got.blob.arrayBuffer());
        done({ head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length });
      }).catch((failure) => done({ error: String(failure.message) }));"""
    browser.set_script_timeout(60)
    certificates = browser.execute_async_script(fetch, f"/files/certificates/{proposal_id}.pdf")
    assert certificates.get("head") == "%PDF-" and certificates["size"] > 1000, certificates
    scanned = browser.execute_async_script(fetch, f"/files/decisions/{flow['decision']}")
    assert scanned.get("size") == len(SCAN), scanned

    # the recognised figure moved at the commune (its home page), the district and the province
    def recognised_on_home(code):
        open_app(browser, base, f"/app/don-vi/{code}?nam={YEAR}")
        card = shown(browser, '[data-title="FAMILY"] [data-figure="recognised"]')
        return int(card.text.replace(".", ""))

    wait_until(lambda: recognised_on_home(COMMUNE) == before[COMMUNE] + 2)
    browser.shot("decisions-home-after")

    # revocation: the reason and the decision number, a confirmation, the effect shown
    open_app(browser, base, "/app/cong-nhan/quyet-dinh/" + flow["decision"])
    row = shown(browser, f'tr[data-enrolment="{ids[0]}"]')
    code = row.find_element(By.CSS_SELECTOR, "a.verify-link").get_attribute("href").split("ma=")[1]
    row.find_element(By.CSS_SELECTOR, "a.revoke-link").click()
    shown(browser, "#cn-revoke-form")
    browser.find_element(By.ID, "cn-revoke-number").send_keys("30/QĐ-UBND")
    browser.find_element(By.ID, "cn-revoke-reason").send_keys(
        "Hộ gia đình vi phạm quy định của địa phương."
    )
    browser.find_element(By.ID, "cn-revoke").click()
    shown(browser, "#cn-revoke-yes")
    browser.shot("decisions-revoke-confirm")
    assert (
        ask(platform, ASSESSMENT, {"id": ids[0]}, hanoi)["assessment"]["recognition"]["revoked"]
        is None
    )
    browser.find_element(By.ID, "cn-revoke-yes").click()
    assert "Đã thu hồi" in shown(browser, "#cn-revoke-form [role=status]").text
    revoked = ask(platform, ASSESSMENT, {"id": ids[0]}, hanoi)["assessment"]["recognition"][
        "revoked"
    ]
    assert (
        revoked["reason"] == "Quyết định 30/QĐ-UBND: Hộ gia đình vi phạm quy định của địa phương."
    )
    assert (
        ask(platform, VERIFY, {"code": unquote(code)}, None)["verifyCertificate"]["status"].lower()
        == "revoked"
    )
    browser.find_element(By.ID, "signout").click()
    wait(browser).until(ec.element_to_be_clickable((By.ID, "username")))

    # the province admin sees the district and the province moved (one of the two revoked)
    sign_in(browser, base, accounts["province"], f"/app/don-vi/{TENANT}?nam={YEAR}")
    for code in (prepared["district"], TENANT):
        wait_until(lambda c=code: recognised_on_home(c) == before[c] + 1)
    assert figure(platform, hanoi, COMMUNE) == before[COMMUNE] + 1


def test_a_decision_entered_as_its_list_sheet_shows_the_wrong_rows_first(
    browser, base, platform, tokens, accounts, prepared, tmp_path
):
    """00049's People's Committee uploads the decision's list: a row not on the proposal decides
    nothing and is shown by row; the right sheet decides."""
    if browser.size_name != "desktop":
        pytest.skip("one upload flow, at desktop width")
    (enrolment_id,) = prepared["other"]
    columns = [("enrolment_id", "Mã đăng ký"), ("name", "Họ và tên"), ("level", "Mức độ")]
    wrong, right = tmp_path / "qd-sai.xlsx", tmp_path / "qd-5.xlsx"
    wrong.write_bytes(
        export_rows(
            SHEET_TITLE, columns, [(enrolment_id, "", None), ("01-FAMILY-2024-hh-la", "", None)]
        )
    )
    right.write_bytes(export_rows(SHEET_TITLE, columns, [(enrolment_id, "", None)]))
    proposal = "/app/cong-nhan/de-nghi/" + prepared["other_proposal"]
    sign_in(browser, base, accounts["other_authority"], proposal, "#cn-decide-form")
    browser.find_element(By.ID, "cn-mode-sheet").click()
    browser.find_element(By.ID, "cn-number").send_keys("5/QĐ-UBND")
    browser.find_element(By.ID, "cn-signer").send_keys("Đỗ Thị Mai")
    browser.find_element(By.ID, "cn-sheet").send_keys(str(wrong))
    browser.find_element(By.ID, "cn-decide").click()
    errors = shown(browser, "#cn-decide-error table")
    assert "4" in errors.find_element(By.CSS_SELECTOR, "tbody td").text  # the sheet's row 4
    assert browser.find_element(By.CSS_SELECTOR, "#cn-decide-error a[download]")
    browser.shot("decisions-sheet-errors")
    hanoi = tokens["hanoi"]
    assert (
        ask(platform, ASSESSMENT, {"id": enrolment_id}, hanoi)["assessment"]["recognition"] is None
    )
    browser.find_element(By.ID, "cn-sheet").send_keys(str(right))
    browser.find_element(By.ID, "cn-decide").click()
    assert "1 đăng ký được công nhận" in shown(browser, "#cn-decide-form [role=status]", 30).text
    recognition = ask(platform, ASSESSMENT, {"id": enrolment_id}, hanoi)["assessment"][
        "recognition"
    ]
    assert recognition["decisionNumber"] == "5/QĐ-UBND"


def test_the_screens_at_both_widths_and_another_communes_list(browser, base, accounts, prepared):
    """The officer's screens at phone and desktop width; another commune's list is refused."""
    overview = f"/app/cong-nhan/{COMMUNE}?nam={YEAR}&danh-hieu=gia-dinh"
    sign_in(
        browser, base, accounts["officer"], overview, f'tr[data-enrolment="{prepared["ids"][2]}"]'
    )
    browser.shot("decisions-overview-light")
    if flow.get("decision"):
        open_app(browser, base, "/app/cong-nhan/quyet-dinh/" + flow["decision"])
        shown(browser, "#cn-decision")
        assert browser.find_elements(By.CSS_SELECTOR, "a.revoke-link") == []  # only the signer
        browser.shot("decisions-decision-light")
    open_app(browser, base, "/app/cong-nhan/de-nghi/" + prepared["other_proposal"])
    assert shown(browser, "[role=alert]").text
    assert browser.find_elements(By.CSS_SELECTOR, "#cn-proposal, tbody tr") == []
    assert "Vũ Thị Lan" not in browser.find_element(By.TAG_NAME, "main").text
    browser.shot("decisions-refused-other-commune")


def test_the_proposal_query_refuses_another_commune_and_is_null_for_another_province(
    platform, tokens, accounts, prepared
):
    officer = ask(
        platform, SIGN_IN, {"input": {"username": accounts["officer"], "password": PASSWORD}}, None
    )
    token = officer["signIn"]["accessToken"]
    refused = graphql(platform, PROPOSAL, {"id": prepared["other_proposal"]}, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        ask(platform, PROPOSAL, {"id": prepared["other_proposal"]}, tokens["admin"])["proposal"]
        is None
    )
    mine = ask(platform, PROPOSAL, {"id": prepared["other_proposal"]}, tokens["hanoi"])["proposal"]
    assert [s["name"] for s in mine["subjects"]] == [f"Vũ Thị Lan {prepared['suffix']}"]
