"""A language a commune's team translated, end to end through the trained engine: over REST, and on the
kiosk page in a real Chromium. Placeholder pack `qaa` (tests/support/language_pack.py), placeholder audio."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.kb import load_kb
from bot.settings import load_settings
from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.language_pack import OWN_NAME, record, write_pack
from tests.support.standins.gtts_server import GoogleTranslateTTS
from voice.tts.gtts_voice import URL_ENV as GTTS_URL_ENV

RECORDED = ("khai_sinh.documents", "khai_sinh.fee", "phrase.language.choose")


@dataclass
class Deployment:
    running: RunningAssistant
    languages: Path
    speech: GoogleTranslateTTS

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.running.port}"

    def say(self, sender: str, message: str) -> list[dict]:
        reply = requests.post(self.running.url, json={"sender": sender, "message": message}, timeout=120)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="module")
def deployment(trained_model, tmp_path_factory) -> Iterator[Deployment]:
    settings = load_settings()
    kb = load_kb(settings.kb_dir)
    languages = tmp_path_factory.mktemp("languages")
    write_pack(languages, kb, settings.commune, stale=["khai_tu:fee.amount"], leave_out=["khai_tu:steps.0"])
    record(languages, kb, settings.commune, RECORDED)
    write_pack(languages, kb, settings.commune, code="qab", drafts=["language.choose"])  # not past the gate
    speech = GoogleTranslateTTS(speech="espeak").start()
    env = {"CAUNOI_LANGUAGES_DIR": str(languages), "CAUNOI_KIOSK": "1", "CAUNOI_TTS": "gtts",
           GTTS_URL_ENV: speech.url}
    running = start_assistant(tmp_path_factory.mktemp("language-data"), env)
    try:
        yield Deployment(running, languages, speech)
    finally:
        running.stop()
        speech.stop()


def texts(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies if r.get("text"))


def buttons(replies: list[dict]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or []}


def custom(replies: list[dict]) -> dict:
    return next(r["custom"] for r in replies if r.get("custom"))


def test_rest_choose_a_language_hear_the_recording_and_change_back(deployment: Deployment) -> None:
    sender = f"rest-{uuid.uuid4().hex}"
    first = deployment.say(sender, "làm giấy khai sinh cần giấy tờ gì")
    assert texts(first).startswith("Giấy tờ để")  # answered in Vietnamese: never guessed
    offered = buttons(first)
    assert offered["Tiếng Việt"] == '/choose_language{"language":"vi"}'
    assert offered[OWN_NAME] == '/choose_language{"language":"qaa"}'
    assert not any(t.startswith("[qab]") for t in offered)  # an incomplete language is hidden
    prompt = custom(first)["prompts"][0]  # the team's recorded "which language?"
    assert prompt["language"] == "qaa" and prompt["mp3"] == "/webhooks/recordings/qaa/phrase.language.choose.mp3"
    assert requests.get(deployment.base + prompt["ogg"], timeout=30).status_code == 200

    chosen = deployment.say(sender, offered[OWN_NAME])
    assert texts(chosen) == "[qaa] language.chosen"
    fee = deployment.say(sender, "lệ phí làm giấy khai sinh bao nhiêu")
    assert texts(fee).startswith("[qaa] fee.title")
    audio = custom(fee)["audio"]
    assert audio == {"ogg": "/webhooks/recordings/qaa/khai_sinh.fee.ogg",
                     "mp3": "/webhooks/recordings/qaa/khai_sinh.fee.mp3"}
    for fmt, mime in (("ogg", "audio/ogg"), ("mp3", "audio/mpeg")):
        got = requests.get(deployment.base + audio[fmt], timeout=30)
        assert got.status_code == 200 and got.headers["content-type"] == mime
        assert got.content == (deployment.languages / "qaa" / "audio" / f"khai_sinh.fee.{fmt}").read_bytes()

    menu = deployment.say(sender, "/ngonngu")
    assert texts(menu).splitlines()[1] == "[qaa] language.choose"
    back = deployment.say(sender, buttons(menu)["Tiếng Việt"])
    assert texts(back) == "Từ bây giờ tôi trả lời bằng tiếng Việt."
    again = deployment.say(sender, "lệ phí làm giấy khai sinh bao nhiêu")
    assert texts(again).startswith("Lệ phí") and "audio" not in custom(again)


def test_rest_stale_and_missing_parts_come_in_vietnamese_after_the_approved_line(deployment: Deployment) -> None:
    sender = f"rest-{uuid.uuid4().hex}"
    deployment.say(sender, '/choose_language{"language":"qaa"}')
    fee = texts(deployment.say(sender, "lệ phí đăng ký khai tử bao nhiêu")).splitlines()
    assert fee[0] == "[qaa] language.in_vietnamese" and fee[1].startswith("Lệ phí")
    steps = texts(deployment.say(sender, "đăng ký khai tử làm những bước nào")).splitlines()
    assert steps[0] == "[qaa] language.in_vietnamese" and steps[1].startswith("Các bước")
    time = texts(deployment.say(sender, "đăng ký khai tử mất bao lâu"))
    assert time.startswith("[qaa] time.title")  # the other parts of the same entry are translated


def test_rest_unknown_or_hidden_languages_are_not_chosen_and_links_to_nothing_404(deployment: Deployment) -> None:
    sender = f"rest-{uuid.uuid4().hex}"
    hidden = deployment.say(sender, '/choose_language{"language":"qab"}')
    assert custom(hidden)["topic"] == "language" and "[qab]" not in texts(hidden)
    assert texts(deployment.say(sender, "xin chào")).startswith("Xin chào")
    for path in ("/webhooks/recordings/qaa/khai_sinh.steps.mp3", "/webhooks/recordings/qaa/..%2Fphrases.yml",
                 "/webhooks/recordings/qab/khai_sinh.fee.mp3", "/webhooks/recordings/qaa/khai_sinh.fee.wav"):
        assert requests.get(deployment.base + path, timeout=30).status_code == 404, path


# -- the kiosk page ----------------------------------------------------------------------------------------

CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required")


@pytest.fixture(scope="module")
def browser(deployment: Deployment):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.TemporaryDirectory(prefix="kiosk-lang-chrome-")
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile.name}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_rect(0, 0, 480, 960)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def test_kiosk_language_row_recording_and_back_to_vietnamese(browser, deployment: Deployment) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 120)
    browser.get(deployment.base + "/webhooks/kiosk/")
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#languages .language")))
    row = browser.find_elements(By.CSS_SELECTOR, "#languages .language")
    assert [b.text for b in row] == ["Tiếng Việt", OWN_NAME]
    assert row[0].get_attribute("aria-pressed") == "true"
    hear = browser.find_element(By.CSS_SELECTOR, "#languages .language-prompt")
    hear.click()  # its recorded "which language?", before anything is chosen
    wait.until(lambda d: d.execute_script("return document.getElementById('player').currentSrc || ''")
               .endswith("/webhooks/recordings/qaa/phrase.language.choose.mp3"))
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat .answer")

    def answer_count() -> int:
        return len(browser.find_elements(By.CSS_SELECTOR, "#chat .answer"))

    def last_answer():
        return browser.find_elements(By.CSS_SELECTOR, "#chat .answer")[-1]

    choose_title = browser.find_element(By.ID, "choose-title").text
    row[1].click()
    wait.until(lambda d: answer_count() == 1 and "[qaa] language.chosen" in last_answer().text)
    assert row[1].get_attribute("aria-pressed") == "true" and row[0].get_attribute("aria-pressed") == "false"
    # The page's own words and pictures' titles follow, where the team approved them.
    assert browser.find_element(By.ID, "choose-title").text == "[qaa] kiosk.choose"
    tile = browser.find_element(By.CSS_SELECTOR, '.tile[data-procedure="khai_sinh"] .tile-text')
    assert tile.text == "[qaa] khai_sinh:button"
    assert browser.find_element(By.ID, "question").get_attribute("placeholder") == "[qaa] kiosk.type_here"

    spoken_before = len(deployment.speech.texts())
    browser.find_element(By.CSS_SELECTOR, '.tile[data-procedure="khai_sinh"]').click()
    wait.until(lambda d: answer_count() == 2 and "[qaa] documents.title" in last_answer().text)
    card = last_answer()
    assert card.get_attribute("lang") == "qaa"
    replay = card.find_element(By.CSS_SELECTOR, ".replay")
    assert replay.get_attribute("data-audio") == "../recordings/qaa/khai_sinh.documents.mp3"
    # The page's <audio> loads the team's recording, not a text-to-speech clip.
    wait.until(lambda d: d.execute_script("return document.getElementById('player').currentSrc || ''")
               .endswith("/webhooks/recordings/qaa/khai_sinh.documents.mp3"))
    duration = browser.execute_script(
        "var p = document.getElementById('player'); return p.readyState > 0 ? p.duration : null;")
    assert duration is None or abs(duration - 2.0) < 0.3
    # Text-to-speech was never asked to read a "[qaa]" text.
    assert not any("[qaa]" in t for t in deployment.speech.texts()[spoken_before:])

    you = browser.find_elements(By.CSS_SELECTOR, "#chat .you")
    assert you and you[-1].text == "[qaa] kiosk.you_chose [qaa] khai_sinh:button"
    row[0].click()
    wait.until(lambda d: answer_count() == 3 and "tiếng Việt" in last_answer().text)
    assert browser.find_element(By.ID, "choose-title").text == choose_title  # back in Vietnamese
    browser.find_element(By.CSS_SELECTOR, '.tile[data-procedure="khai_sinh"]').click()
    wait.until(lambda d: answer_count() == 4 and last_answer().text.find("Giấy tờ để") >= 0)
    assert "[qaa]" not in last_answer().text

    browser.find_element(By.ID, "restart").click()  # the next person starts in Vietnamese
    assert row[0].get_attribute("aria-pressed") == "true"
    logs = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not [m for m in logs if not re.search(r"favicon|play\(\) request", m)], logs


# -- the staff console's review (issue 16) ------------------------------------------------------------------


def _review_form(page: str, key: str) -> dict[str, str]:
    """The hidden fields of the review form of one entry, as the page rendered them."""
    article = re.search(rf'<article class="review" id="entry-{re.escape(key)}">(.*?)</article>', page, re.S)
    assert article, f"{key} is not waiting for review"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', article.group(1)))


def test_a_team_member_approves_the_missing_core_text_in_the_console_and_the_language_is_offered(
        deployment: Deployment) -> None:
    from tests.e2e.console.conftest import ConsoleSite

    site = ConsoleSite(deployment.running, 0)
    site.add("to.dich", "team")
    team = site.logged_in("to.dich")
    sender = f"rest-{uuid.uuid4().hex}"
    assert not any(t.startswith("[qab]") for t in buttons(deployment.say(sender, "xin chào")))

    page = team.get(f"{site.base}/languages/qab", timeout=60)
    assert page.status_code == 200 and "Chưa mở cho người dân" in page.text
    form = _review_form(page.text, "language.choose")
    approved = team.post(f"{site.base}/languages/qab/entries", timeout=60, data={**form, "decision": "approve"})
    assert approved.status_code == 200 and "Đã duyệt câu language.choose" in approved.text
    stored = (deployment.languages / "qab" / "phrases.yml").read_text(encoding="utf-8")
    assert "reviewer: to.dich" in stored

    # The action server, another process, words the answers: it sees the approval at its next turn.
    later = buttons(deployment.say(f"rest-{uuid.uuid4().hex}", "xin chào"))
    assert any(t.startswith("[qab]") for t in later), later
    from bot.console.store import ConsoleStore

    store = ConsoleStore(f"sqlite:///{deployment.running.data_dir / 'status.db'}")
    try:
        assert ("to.dich", "language_entries_approve", "qab language.choose") in [
            (e.actor, e.action, e.detail) for e in store.audit_entries()]
    finally:
        store.close()


def test_the_console_plays_a_recording_under_review_and_refuses_other_paths(deployment: Deployment) -> None:
    from tests.e2e.console.conftest import ConsoleSite

    site = ConsoleSite(deployment.running, 0)
    site.add("to.nghe", "team")
    team = site.logged_in("to.nghe")
    page = team.get(f"{site.base}/languages/qaa", timeout=60).text
    assert "/console/languages/qaa/recordings/khai_sinh.fee.mp3" in page
    heard = team.get(f"{site.base}/languages/qaa/recordings/khai_sinh.fee.mp3", timeout=60)
    assert heard.status_code == 200 and heard.headers["Content-Type"] == "audio/mpeg"
    assert heard.content == (deployment.languages / "qaa" / "audio" / "khai_sinh.fee.mp3").read_bytes()
    for name in ("..%2Fphrases.yml", "khai_sinh.fee.wav", "khai_sinh.steps.mp3"):
        assert team.get(f"{site.base}/languages/qaa/recordings/{name}", timeout=60).status_code == 404, name
    assert requests.get(f"{site.base}/languages/qaa/recordings/khai_sinh.fee.mp3", timeout=60,
                        allow_redirects=False).status_code == 303  # no session: nothing to hear
