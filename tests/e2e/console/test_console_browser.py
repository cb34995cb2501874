"""The console in real headless Chromium, phone-sized: what a desk officer and a team member do (issue 16)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.console.conftest import ConsoleSite
from tests.support.browser import chromium

GOOD = "H12.22-251115-0101"
CSV = ("ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai\n"
       f"{GOOD},khai_sinh,Lò Thị Mai,0911222333,15/11/2025,25/11/2025,dang_xu_ly\n"
       "H12.22-251115-0102,khai_sinh,Lò Văn Pá,0911222444,15/11/2025,,chua_co_trang_thai\n"
       "H12.22-251115-0103,khong_co_thu_tuc_nay,Lò Văn Dơ,0911222555,15/11/2025,,dang_xu_ly\n")


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def _log_in(driver, site: ConsoleSite, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{site.base}/login")
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(site.passwords[name])
    driver.find_element(By.CSS_SELECTOR, "form button").click()
    _wait_for(driver, lambda d: d.current_url.endswith("/console/") and d.find_elements(By.CSS_SELECTOR, "nav"))


def _wait_for(driver, condition) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 30).until(condition)
    except TimeoutException:
        raise AssertionError(f"{driver.current_url}: {driver.find_element('css selector', 'main').text}") from None


def _ask_the_assistant(site: ConsoleSite) -> None:
    """Some conversations for the report: a curated answer and one the assistant cannot answer."""
    for message in ("lam giay khai sinh can gi", "con toi sinh o nha thi dang ky khai sinh the nao",
                    "xin chao"):
        answer = requests.post(site.assistant.url, json={"sender": str(uuid.uuid4()), "message": message}, timeout=120)
        assert answer.status_code == 200


def test_a_team_day_in_the_browser(console_site: ConsoleSite, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    _ask_the_assistant(console_site)
    driver = browser
    _log_in(driver, console_site, "quan.tri")

    # Upload the one-stop export: one good row, two refused with their reasons.
    export = tmp_path / "xuat-mot-cua.csv"
    export.write_text(CSV, encoding="utf-8")
    driver.find_element(By.LINK_TEXT, "Hồ sơ").click()
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(export))
    driver.find_element(By.CSS_SELECTOR, "form[action$='/status/upload'] button").click()
    _wait_for(driver, lambda d: d.find_elements(By.ID, "summary"))
    summary = driver.find_element(By.ID, "summary").text
    assert "thêm 1" in summary and "bị từ chối 2" in summary
    reasons = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#rejected td:nth-child(2)")]
    assert any("stage" in r for r in reasons) and any("procedure" in r for r in reasons)

    # Look the good file up: stage, dates, masked phone and initials, never the name or the number.
    box = driver.find_element(By.NAME, "code")
    box.clear()
    box.send_keys(GOOD.lower())
    driver.find_element(By.CSS_SELECTOR, "form[action$='/status/lookup'] button").click()
    _wait_for(driver, lambda d: d.find_elements(By.ID, "application"))
    shown = driver.find_element(By.ID, "application").text
    assert GOOD in shown and "******2333" in shown and "L.T.M." in shown and "25/11/2025" in shown
    assert "Lò Thị Mai" not in driver.page_source and "0911222333" not in driver.page_source

    # The report with its charts.
    driver.find_element(By.LINK_TEXT, "Người dân hỏi gì").click()
    charts = driver.find_elements(By.CSS_SELECTOR, "svg")
    assert charts and all(c.size["width"] <= 480 for c in charts)  # fits the phone's width
    assert driver.find_elements(By.CSS_SELECTOR, "svg rect")  # bars drawn

    # A card: see it, then print it (the PDF opens in a new tab).
    driver.find_element(By.LINK_TEXT, "Phiếu giấy tờ").click()
    driver.find_element(By.CSS_SELECTOR, "a[href='/console/cards/khai_sinh']").click()
    picture = driver.find_element(By.CSS_SELECTOR, "img.card")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", picture) > 300
    main = driver.current_window_handle
    driver.find_element(By.ID, "print-pdf").click()
    _wait_for(driver, lambda d: len(d.window_handles) == 2)
    pdf_tab = next(h for h in driver.window_handles if h != main)
    driver.switch_to.window(pdf_tab)
    assert driver.current_url.endswith("/webhooks/cards/khai_sinh.pdf")
    pdf = requests.get(driver.current_url, timeout=120)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    driver.close()
    driver.switch_to.window(main)

    # Log out: the pages are closed again.
    driver.find_element(By.CSS_SELECTOR, ".logout button").click()
    _wait_for(driver, lambda d: d.current_url.endswith("/console/login"))
    driver.get(f"{console_site.base}/status")
    assert driver.current_url.endswith("/console/login")


def test_a_desk_account_cannot_open_the_admin_pages(console_site: ConsoleSite, browser) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _log_in(driver, console_site, "mot.cua")
    menu = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert menu == ["Hồ sơ", "Phiếu giấy tờ"]
    for path in ("/accounts", "/report", "/languages", "/health"):
        driver.get(console_site.base + path)
        assert "không được mở trang đó" in driver.find_element(By.CSS_SELECTOR, "main").text
        assert not driver.find_elements(By.CSS_SELECTOR, "#accounts, #audit, svg")
    driver.get(f"{console_site.base}/status")
    assert driver.find_elements(By.CSS_SELECTOR, "form[action$='/status/upload']")
