"""Debian's ``chromium`` driven headless through ``chromium-driver`` (Selenium): the one way the
page tests and the web app benchmark open a browser. Selenium is a test dependency: import this
module only where it is installed."""

from __future__ import annotations

import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=vi")


def available() -> bool:
    """Whether Debian's chromium and its driver are installed (scripts/setup.sh installs them)."""
    return shutil.which("chromium") is not None and shutil.which("chromedriver") is not None


def headless_chromium(width: int, height: int) -> webdriver.Chrome:
    """A headless Chromium whose window is ``width`` × ``height`` pixels, in Vietnamese."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    driver.set_window_size(width, height)
    return driver
