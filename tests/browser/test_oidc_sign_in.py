"""Signing in through the province's identity provider (OIDC code flow with PKCE) in headless
Chromium: the button the deployment's issuer adds, the round trip to the issuer (a real server
on loopback) and back, the platform's own session after it; an officer the platform has no
account for, and a disabled account, are sent back to the sign-in screen with the reason."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.browser.test_webapp import alert_text, unit_shown, wait
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

COMMUNE = "06184"  # Thị trấn Đồng Đăng (Lạng Sơn): only viewed here
DISABLE = """mutation Disable($input: AccountInput!) { disableAccount(input: $input) { status } }"""


def through_the_issuer(driver, base):
    driver.get(base + "/")
    button = wait(driver).until(ec.element_to_be_clickable((By.ID, "signin-oidc")))
    assert button.text == "Đăng nhập bằng tài khoản Cổng dịch vụ công tỉnh"
    button.click()


def test_an_officer_signs_in_at_the_identity_provider(
    browser, platform, make_account, oidc_issuer, tokens
):
    base = platform.url(platform.gateway)
    username = make_account("commune_officer", COMMUNE)
    oidc_issuer.user = username
    through_the_issuer(browser, base)
    unit_shown(browser, COMMUNE)
    request = oidc_issuer.token_requests[-1]
    assert request["code_verifier"] and request["redirect_uri"] == base + "/app/oidc"
    assert "code=" not in browser.current_url  # the code does not stay in the address bar
    browser.shot("oidc-signed-in")
    browser.find_element(By.ID, "signout").click()
    wait(browser).until(ec.element_to_be_clickable((By.ID, "signin-oidc")))

    # the issuer knows them, the platform does not: refused, with what to do
    oidc_issuer.user = "nguoi.la.chua.co.tai.khoan"
    through_the_issuer(browser, base)
    assert "chưa có tài khoản" in alert_text(browser)
    browser.shot("oidc-unknown")

    # a disabled account stays out, whoever vouches for it
    answer = graphql(platform, DISABLE, {"input": {"username": username}}, token=tokens["admin"])
    assert "errors" not in answer, answer
    oidc_issuer.user = username
    through_the_issuer(browser, base)
    assert "vô hiệu hóa" in alert_text(browser)
