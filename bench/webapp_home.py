"""Web app benchmark: the officers' home page of a province with ~200 communes and 100,000
households, in headless Chromium (Debian's ``chromium`` + ``chromium-driver``, Selenium).

On a private platform (``bench.common.running_platform``) with Lạng Sơn loaded (194 communes,
11 former districts), households are seeded straight into the stores (``bench.seed``, year
2024), a province admin account is made through ``createAccount``, then, ``--repeat`` times:
sign-in → the province's home page showing its figures; a reload of the home page (the app's
code cached, a new session from the refresh token); a drill-down to a former district. Each is
timed until the figure the officer reads is on screen (the FAMILY registered count equal to what
was seeded, or the district's name), with the browser's own navigation timing of the reload.
Prints figures; asserts nothing about speed.

    .venv/bin/python -m bench.webapp_home [--households 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from bench.common import Client, running_platform
from bench.results import save
from bench.seed import YEAR, seeder_for
from ops.browser import headless_chromium

PASSWORD = "Mat-khau-bench-2024"
CREATE_ACCOUNT = """mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { username } } }"""
FIGURE = '[data-title="FAMILY"] [data-figure="registered"]'


def shown(driver: Any, selector: str, text: str, timeout: float = 120.0) -> float:
    """Seconds until the element at ``selector`` shows ``text``."""
    began = time.perf_counter()

    def ready(d: Any) -> bool:
        found = d.find_elements(By.CSS_SELECTOR, selector)
        return bool(found) and found[0].text.replace(".", "").strip() == text

    WebDriverWait(driver, timeout, poll_frequency=0.02).until(ready)
    return time.perf_counter() - began


def sign_in(driver: Any, base: str, username: str) -> None:
    driver.get(f"{base}/app/dang-nhap")
    field = WebDriverWait(driver, 60).until(ec.element_to_be_clickable((By.ID, "username")))
    field.send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()


def summary(values: list[float]) -> dict[str, float]:
    return {"best": round(min(values), 3), "median": round(statistics.median(values), 3)}


def run(households: int, repeat: int, name: str) -> None:
    figures: dict[str, Any] = {"households": households, "year": YEAR, "repeat": repeat}
    with running_platform() as (platform, admin):
        seeded = seeder_for(platform.settings(), admin).seed(households)
        expected = str(seeded.province()["registered"])
        username = make_admin(admin)
        base = admin.url.rsplit("/graphql", 1)[0]
        home = f"{base}/app/don-vi/20?nam={YEAR}"
        timings: dict[str, list[float]] = {"sign_in": [], "reload": [], "drill_down": []}
        navigation: list[float] = []
        driver = headless_chromium(1366, 900)
        try:
            for _ in range(repeat):
                began = time.perf_counter()
                sign_in(driver, base, username)
                signed_in(driver)
                timings["sign_in"].append(time.perf_counter() - began)
                began = time.perf_counter()
                driver.get(home)
                shown(driver, FIGURE, expected)
                timings["reload"].append(time.perf_counter() - began)
                navigation.append(
                    driver.execute_script(
                        "const n = performance.getEntriesByType('navigation')[0];"
                        "return n.domContentLoadedEventEnd - n.startTime;"
                    )
                    / 1000
                )
                began = time.perf_counter()
                drill_down(driver)
                timings["drill_down"].append(time.perf_counter() - began)
                sign_out(driver)
        finally:
            driver.quit()
        for key, values in timings.items():
            figures[key] = summary(values)
        figures["reload_dom_content_loaded"] = summary(navigation)
        print(figures, flush=True)
    rows = [
        ("sign-in to the province's home page", f"{figures['sign_in']['median']:.2f} s", ""),
        ("home page reload (figures shown)", f"{figures['reload']['median']:.2f} s",
         f"DOMContentLoaded {figures['reload_dom_content_loaded']['median']:.2f} s"),
        ("drill-down to a former district", f"{figures['drill_down']['median']:.2f} s", ""),
    ]  # fmt: skip
    save(name, figures, rows, title=f"Web app home page, {households:,} households (medians)")


def sign_out(driver: Any) -> None:
    """Đăng xuất, and wait for the sign-in form (the next round starts without a session)."""
    driver.find_element(By.ID, "signout").click()
    WebDriverWait(driver, 60).until(ec.element_to_be_clickable((By.ID, "username")))


def signed_in(driver: Any) -> None:
    """Wait for the officer's own unit's page after signing in (this year's figures)."""
    WebDriverWait(driver, 120, poll_frequency=0.02).until(
        lambda d: "/don-vi/" in d.current_url and d.find_elements(By.CSS_SELECTOR, FIGURE)
    )


def drill_down(driver: Any) -> None:
    """Click the first former district on the province's page; wait for its page."""
    links = driver.find_elements(By.CSS_SELECTOR, ".children a[data-code]")
    target = links[0]
    code = target.get_attribute("data-code")
    target.click()
    WebDriverWait(driver, 120, poll_frequency=0.02).until(ec.url_contains(f"/don-vi/{code}"))
    WebDriverWait(driver, 120, poll_frequency=0.02).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, f"{FIGURE}")
            and d.find_elements(By.CSS_SELECTOR, ".crumbs li")
        )
    )


def make_admin(admin: Client) -> str:
    username = "bench-admin"
    payload = {
        "username": username,
        "fullName": "Quản trị tỉnh (benchmark)",
        "role": "PROVINCE_ADMIN",
        "unitCode": "20",
        "password": PASSWORD,
    }
    admin(CREATE_ACCOUNT, {"input": payload})
    return username


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--name", default="webapp_home")
    args = parser.parse_args()
    run(args.households, args.repeat, args.name)


if __name__ == "__main__":
    main()
