"""A real headless Chromium (Debian's chromium + chromedriver) through Selenium, phone-sized."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

HEADLESS_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--disable-quic")


@contextmanager
def chromium(*extra_flags: str, width: int = 480, height: int = 960) -> Iterator:
    """A WebDriver; PDFs open in the browser's viewer rather than being downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="caunoi-chrome-") as profile:
        for flag in (*HEADLESS_FLAGS, *extra_flags, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_window_rect(0, 0, width, height)
        try:
            yield driver
        finally:
            driver.quit()
