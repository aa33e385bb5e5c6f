"""The officers' web app in headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium) against the running platform of the end-to-end tests: its own instance for
this package, with accounts made over GraphQL. Screenshots go to the pytest temporary directory
(``screens/``), never into the repository."""

import uuid

import pytest

from ops import browser as browsers
from tests.e2e.client import graphql
from tests.e2e.conftest import (  # noqa: F401 - fixtures
    broker,
    oidc_issuer,  # noqa: F401 - the fake identity provider
    platform,
    sms_gateway,
    tokens,
)

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
PASSWORD = "Mat-khau-2024!"
CREATE_ACCOUNT = """mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { username unitCode } } }"""


@pytest.fixture(scope="package")
def make_account(platform, tokens):  # noqa: F811 - the imported fixtures
    """``make_account(role, unit)``: a new account (fresh username) with :data:`PASSWORD`."""

    def make(role: str, unit: str) -> str:
        username = f"{role.split('_')[0]}-{unit}-{uuid.uuid4().hex[:6]}"
        payload = {
            "username": username,
            "fullName": "Nguyễn Thị Hạnh",
            "role": role.upper(),
            "unitCode": unit,
            "password": PASSWORD,
        }
        answer = graphql(platform, CREATE_ACCOUNT, {"input": payload}, token=tokens["admin"])
        assert "errors" not in answer, answer
        return username

    return make


@pytest.fixture(scope="package")
def screens(tmp_path_factory):
    return tmp_path_factory.mktemp("screens")


@pytest.fixture(params=list(SIZES))
def browser(request, screens):
    """A headless Chromium at phone or desktop width; ``browser.shot(name)`` saves a screenshot."""
    if not browsers.available():
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/setup.sh)")
    width, height = SIZES[request.param]
    driver = browsers.headless_chromium(width, height)
    driver.size_name = request.param

    def shot(name: str) -> None:
        """The whole page, not only the window: the window grows to the page, then back."""
        tall = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, tall + 140))
        try:
            driver.save_screenshot(str(screens / f"{name}-{request.param}.png"))
        finally:
            driver.set_window_size(width, height)

    driver.shot = shot
    try:
        yield driver
    finally:
        driver.quit()
