"""The kiosk page end to end: the trained engine behind `caunoi run`, the real voice pipeline (Whisper base
from ../shared, espeak-ng) and the page in real headless Chromium with a fake microphone playing a clip.

`CAUNOI_KIOSK_TEST_URL=http://host:port/webhooks/kiosk/` runs these against an assistant already running.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import re
import secrets
import tempfile
import time
import unicodedata
import uuid
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.channels import notices
from bot.channels.guard import MAX_BODY_BYTES
from bot.channels.spoken import SpokenAnswers, byte_range
from bot.dialogue.answers import ordered_documents
from bot.kb.shared import knowledge_base
from bot.settings import load_settings
from tests.support.assistant import start_assistant
from tests.support.paths import ROOT
from tests.support.standins.gtts_server import GoogleTranslateTTS
from voice.errors import AudioTooLarge, AudioUnreadable
from voice.tts.gtts_voice import URL_ENV as GTTS_URL_ENV

SHARED = ROOT.parent / "shared"
CLIPS = SHARED / "audio" / "vi_clips"
WHISPER = SHARED / "models" / "faster-whisper-base"
needs_clips = pytest.mark.skipif(not (CLIPS / "transcripts.tsv").exists(),
                                 reason="../shared/audio/vi_clips (speech clips for tests) is not on this machine")
TALK_CLIP = "vieneu_03.wav"  # short: the push-to-talk recording stays short


@dataclass
class Kiosk:
    url: str  # ends with /webhooks/kiosk/
    speech: GoogleTranslateTTS | None = None  # the gTTS stand-in it speaks through (None: a kiosk elsewhere)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, timeout=120, **kwargs)

    def text(self, sender: str, message: str) -> dict:
        answer = self.post("text", json={"sender": sender, "message": message})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def voice(self, sender: str, audio: bytes, name: str = "voice.wav") -> requests.Response:
        return self.post("voice", data={"sender": sender}, files={"audio": (name, audio, "audio/wav")})

    def fetch(self, path_or_url: str) -> requests.Response:
        return requests.get(requests.compat.urljoin(self.url, path_or_url), timeout=120)


def new_sender() -> str:
    return str(uuid.uuid4())


def wait_for_page(url: str, timeout: float = 120) -> requests.Response:
    """`caunoi run` opens its port before the model is loaded: wait until the page answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            page = requests.get(url, timeout=10)
            if page.status_code != 503 or time.monotonic() > deadline:
                return page
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@pytest.fixture(scope="module")
def kiosk(trained_model, tmp_path_factory) -> Iterator[Kiosk]:
    given = os.environ.get("CAUNOI_KIOSK_TEST_URL")
    if given:
        yield Kiosk(given.rstrip("/") + "/")
        return
    # gTTS as in production, against the local stand-in of Google's endpoint (it speaks with espeak-ng
    # and keeps every text it was asked to say, so tests can check what the kiosk reads aloud).
    speech = GoogleTranslateTTS(speech="espeak").start()
    env = {"CAUNOI_KIOSK": "1", "CAUNOI_TTS": "gtts", GTTS_URL_ENV: speech.url}
    if WHISPER.exists():
        env.update(CAUNOI_STT_ENGINE="whisper", CAUNOI_WHISPER_MODEL=str(WHISPER))
    running = start_assistant(tmp_path_factory.mktemp("kiosk-data"), env)
    try:
        url = f"http://127.0.0.1:{running.port}/webhooks/kiosk/"
        page = wait_for_page(url)
        if page.status_code == 404:
            pytest.fail("no kiosk at /webhooks/kiosk/: bot/runtime/supervisor.py must always enable "
                        "bot.channels.kiosk.channel.KioskInput (CAUNOI_KIOSK not '0')")
        assert page.status_code == 200, page.text[:500]
        yield Kiosk(url, speech)
    finally:
        running.stop()
        speech.stop()


def is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def page_config(html: str) -> dict:
    match = re.search(r'<script id="kiosk-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its settings"
    return json.loads(match.group(1))


def reference(clip: str) -> str:
    for line in (CLIPS / "transcripts.tsv").read_text(encoding="utf-8").splitlines():
        name, _, text = line.partition("\t")
        if name == clip:
            return text
    raise KeyError(clip)


def words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFC", text).lower()
    return set(re.findall(r"\w+", plain))


def heard_enough(transcript: str, clip: str) -> bool:
    """Whisper base gets ~76% of words right on these clips: at least half must be there."""
    expected = words(reference(clip))
    return len(expected & words(transcript)) >= len(expected) / 2


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as clip:
        return clip.getnframes() / clip.getframerate()


def short_wav(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(16000)
        clip.writeframes(b"\0\0" * int(16000 * seconds))
    return out.getvalue()


# ---- spoken answers, without a server ----------------------------------------------------------------------


def test_only_the_newest_answer_of_a_page_is_spoken_ahead() -> None:
    async def scenario() -> tuple[list[str], bytes | None, bytes | None]:
        said: list[str] = []
        gate = asyncio.Event()

        async def speak(text: str) -> bytes | None:
            await gate.wait()
            said.append(text)
            return None if text == "silent" else f"mp3:{text}".encode()

        spoken = SpokenAnswers(speak, max_items=4)
        spoken.add("kiosk:a", "first")  # being spoken when the next ones come
        await asyncio.sleep(0)
        skipped = spoken.add("kiosk:a", "second")  # the page moved on before it was spoken
        spoken.add("kiosk:b", "silent")
        newest = spoken.add("kiosk:a", "third")
        gate.set()
        assert await spoken.audio(newest, 5) == b"mp3:third"
        later = await spoken.audio(skipped, 5)  # a replay makes it after all
        with pytest.raises(KeyError):
            await spoken.audio("no-such-clip", 5)
        for n in range(3):  # bounded: the oldest are forgotten
            spoken.add("kiosk:c", f"more {n}")
        with pytest.raises(KeyError):
            await spoken.audio(skipped, 5)
        return said, later, await spoken.audio(newest, 5)

    said, later, again = asyncio.run(scenario())
    assert said[:4] == ["first", "silent", "third", "second"]
    assert later == b"mp3:second" and again == b"mp3:third"


def test_byte_ranges_for_the_audio_element() -> None:
    assert byte_range("bytes=0-99", 1000) == (0, 99)
    assert byte_range("bytes=900-", 1000) == (900, 999)
    assert byte_range("bytes=-100", 1000) == (900, 999)
    assert byte_range("bytes=0-5000", 1000) == (0, 999)
    for whole in (None, "", "bytes=-", "bytes=2000-", "items=0-1", "bytes=5-1", "bytes=0-1,4-5"):
        assert byte_range(whole, 1000) is None


# ---- the API ------------------------------------------------------------------------------------------------


def test_page_shows_the_top_procedures_and_serves_its_own_files(kiosk: Kiosk) -> None:
    page = requests.get(kiosk.url.rstrip("/"), timeout=30)  # typed without the last slash
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.url == kiosk.url  # redirected: the page's own links are relative to the folder
    assert "default-src 'self'" in page.headers["content-security-policy"]  # nothing from the internet
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    kb, top = knowledge_base(), load_settings().top_procedures
    procedures = page_config(page.text)["procedures"]
    assert [p["id"] for p in procedures] == [pid for pid in top if kb.get(pid)]
    for shown in procedures:
        assert shown["title"].lower() == kb.procedures[shown["id"]].button_label.lower()
    for name, kind in (("kiosk.js", "javascript"), ("kiosk.css", "text/css")):
        asset = kiosk.fetch(re.search(rf'"(static/{re.escape(name)}\?v=\w+)"', page.text).group(1))
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
        assert "immutable" in asset.headers["cache-control"]  # versioned URL: kept by the browser
    for other in ("static/index.html", "static/channel.py", "static/..%2Fchannel.py", "static/nothing.js"):
        missing = kiosk.fetch(other)
        assert missing.status_code == 404 and missing.json()["error"]


def test_typed_questions_follow_up_with_the_same_procedure(kiosk: Kiosk) -> None:
    sender, kb = new_sender(), knowledge_base()
    birth = kb.procedures["khai_sinh"]
    answer = kiosk.text(sender, "làm giấy khai sinh cần giấy tờ gì")
    reply = answer["replies"][0]
    assert reply["custom"]["topic"] == "documents" and reply["custom"]["procedure_id"] == "khai_sinh"
    checklist = reply["custom"]["checklist"]
    expected = ordered_documents(birth)
    assert [(d["name"], d["icon"]) for d in checklist] == [(d.name, d.icon) for d in expected]
    assert all(d.name in reply["text"] for d in expected)
    assert reply["buttons"] and all(b["title"] and b["payload"].startswith("/") for b in reply["buttons"])

    follow_up = kiosk.text(sender, "mất bao lâu")["replies"][0]
    assert follow_up["custom"]["topic"] == "time" and follow_up["custom"]["procedure_id"] == "khai_sinh"
    assert birth.processing_time.text.split(".")[0] in follow_up["text"]


def test_a_tapped_picture_or_button_answers_for_its_procedure(kiosk: Kiosk) -> None:
    page = kiosk.fetch("")
    card = next(p for p in page_config(page.text)["procedures"] if p["id"] == "can_cuoc")
    sender = new_sender()
    reply = kiosk.text(sender, card["payload"])["replies"][0]
    assert reply["custom"]["procedure_id"] == "can_cuoc" and reply["custom"]["checklist"]
    fee_button = next(b for b in reply["buttons"] if "ask_fee" in b["payload"])
    fee = kiosk.text(sender, fee_button["payload"])["replies"][0]
    assert fee["custom"]["topic"] == "fee"
    assert knowledge_base().procedures["can_cuoc"].fee.amount.split(".")[0] in fee["text"]


def test_every_answer_is_spoken_as_mp3(kiosk: Kiosk) -> None:
    answer = kiosk.text(new_sender(), "đăng ký kết hôn ở đâu")
    assert answer["audio_url"], "espeak-ng is installed: the answer must be spoken"
    audio = kiosk.fetch(answer["audio_url"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert is_mp3(audio.content) and len(audio.content) > 2000
    part = requests.get(requests.compat.urljoin(kiosk.url, answer["audio_url"]), headers={"Range": "bytes=0-99"},
                        timeout=30)
    assert part.status_code == 206 and part.content == audio.content[:100]
    assert kiosk.fetch(f"audio/{secrets.token_urlsafe(16)}.mp3").status_code == 404
    assert kiosk.fetch("audio/not-an-id.mp3").status_code == 404


def test_a_portal_answer_is_read_aloud_without_links_or_laws(kiosk: Kiosk) -> None:
    if kiosk.speech is None:
        pytest.skip("a kiosk elsewhere (CAUNOI_KIOSK_TEST_URL): what it says cannot be heard from here")
    kiosk.speech.reset()
    answer = kiosk.text(new_sender(), "khôi phục mã số thuế cần giấy tờ gì")
    reply = answer["replies"][0]
    assert reply["custom"]["source"] == "portal" and reply["custom"]["topic"] == "documents"
    assert "dichvucong.gov.vn" in reply["text"]  # on the screen, the link
    audio = kiosk.fetch(answer["audio_url"])
    assert audio.status_code == 200 and is_mp3(audio.content)
    said = " ".join(kiosk.speech.texts())
    # Read aloud: the procedure, its papers, where the information comes from; no address to spell
    # out, no law numbers, and the crawl month in words.
    assert "Khôi phục mã số thuế" in said and "Giấy tờ cần có" in said and "Cổng Dịch vụ công" in said
    assert "tháng 6 năm 2026" in said
    assert not re.search(r"https?|www|\.gov|Thông tư|Nghị định|\d+/\d{4}/", said), said


def test_each_page_has_its_own_conversation(kiosk: Kiosk) -> None:
    first, second = new_sender(), new_sender()
    kiosk.text(first, "làm giấy khai sinh cần gì")
    other = kiosk.text(second, "mất bao lâu")["replies"][0]
    assert other["custom"]["topic"] == "clarify" and other["custom"]["procedure_id"] is None


def test_a_flood_from_one_page_is_slowed_down(kiosk: Kiosk) -> None:
    sender = new_sender()
    sent = [kiosk.post("text", json={"sender": sender, "message": f"xin chào {i}"}) for i in range(12)]
    statuses = [a.status_code for a in sent]
    assert statuses[:8] == [200] * 8 and 429 in statuses  # a burst of 8, then: told once, then refused
    told = [a.json()["replies"][0]["text"] for a in sent if a.status_code == 200]
    assert told.count(notices.SLOW_DOWN) == 1
    assert all(a.json()["error"] == notices.SLOW_DOWN for a in sent if a.status_code == 429)


BAD_TEXT = [
    ("not json", b"hello", 400),
    ("a list", b"[]", 400),
    ("no sender", json.dumps({"message": "khai sinh"}).encode(), 400),
    ("a chosen sender", json.dumps({"sender": "alice", "message": "khai sinh"}).encode(), 400),
    ("another channel's id", json.dumps({"sender": "telegram:42", "message": "khai sinh"}).encode(), 400),
    ("a uuid1", json.dumps({"sender": str(uuid.uuid1()), "message": "khai sinh"}).encode(), 400),
    ("no message", json.dumps({"sender": str(uuid.uuid4())}).encode(), 400),
    ("an empty message", json.dumps({"sender": str(uuid.uuid4()), "message": "   "}).encode(), 400),
    ("a number", json.dumps({"sender": str(uuid.uuid4()), "message": 5}).encode(), 400),
    ("2,001 characters", json.dumps({"sender": str(uuid.uuid4()), "message": "a" * 2001}).encode(), 413),
    ("a body over the webhook limit", b'{"sender": "x", "message": "' + b"a" * MAX_BODY_BYTES + b'"}', 413),
]


@pytest.mark.parametrize(("body", "status"), [(b, s) for _, b, s in BAD_TEXT], ids=[n for n, _, _ in BAD_TEXT])
def test_bad_text_requests_get_a_short_error_to_show(kiosk: Kiosk, body: bytes, status: int) -> None:
    answer = kiosk.post("text", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status
    error = answer.json()["error"]
    assert isinstance(error, str) and 0 < len(error) < 120
    if status == 413:
        assert error == notices.TOO_LONG


def test_bad_voice_requests_get_a_short_error_to_show(kiosk: Kiosk) -> None:
    sender = new_sender()
    cases = [
        (kiosk.post("voice", data={"sender": sender}), 400),  # no recording
        (kiosk.post("voice", data={"sender": sender}, files={"audio": ("v.webm", b"", "audio/webm")}), 400),
        (kiosk.voice("not-a-uuid", short_wav(1)), 400),
        (kiosk.post("voice", json={"sender": sender}), 400),  # not a form
        (kiosk.voice(sender, b"\0" * (10 * 1024 * 1024 + 1)), 413),
    ]
    for answer, status in cases:
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]
    assert cases[-1][0].json()["error"] == AudioTooLarge.user_message


@needs_clips
def test_a_spoken_question_is_transcribed_answered_and_spoken(kiosk: Kiosk) -> None:
    clip = "vieneu_04.wav"
    answer = kiosk.voice(new_sender(), (CLIPS / clip).read_bytes())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["transcript"] and heard_enough(body["transcript"], clip), body["transcript"]
    assert body["replies"] and body["replies"][0]["text"]
    assert all("transcript" not in r["custom"] for r in body["replies"])  # shown apart, as the person's words
    audio = kiosk.fetch(body["audio_url"])
    assert audio.status_code == 200 and is_mp3(audio.content)


def test_unreadable_recordings_get_the_plain_message_not_a_crash(kiosk: Kiosk) -> None:
    sender = new_sender()
    for junk in (os.urandom(4000), b"RIFF\x00\x00\x00\x00WAVEfmt garbage", short_wav(0.1)):
        answer = kiosk.voice(sender, junk)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["transcript"] is None
        assert [r["text"] for r in body["replies"]] == [AudioUnreadable.user_message]
        assert body["audio_url"]  # read aloud too: the person may not read


# ---- the page in a real browser -----------------------------------------------------------------------------

CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--force-prefers-reduced-motion",
]


@pytest.fixture(scope="module")
def browser(kiosk: Kiosk):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.TemporaryDirectory(prefix="kiosk-chrome-")
    flags = [*CHROME_FLAGS, f"--user-data-dir={profile.name}"]
    if (CLIPS / TALK_CLIP).exists():  # the fake microphone plays this clip, once per recording
        flags.append(f"--use-file-for-fake-audio-capture={CLIPS / TALK_CLIP}%noloop")
    for flag in flags:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_rect(0, 0, 480, 960)  # a phone-sized window
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def open_page(driver, kiosk: Kiosk):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(kiosk.url)
    WebDriverWait(driver, 30).until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".tile")))
    restart = driver.find_element(By.ID, "restart")
    if restart.is_displayed():  # a clean screen and a new conversation for each test
        restart.click()
    return WebDriverWait(driver, 120)


def answers(driver) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#chat .answer")


def severe_console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_tap_a_picture_see_the_checklist_with_pictures_then_type_and_tap(browser, kiosk: Kiosk) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait = open_page(browser, kiosk)
    kb, top = knowledge_base(), [pid for pid in load_settings().top_procedures if knowledge_base().get(pid)]
    tiles = browser.find_elements(By.CSS_SELECTOR, ".tile")
    assert [t.get_attribute("data-procedure") for t in tiles] == top
    assert all(t.find_element(By.TAG_NAME, "svg").is_displayed() for t in tiles)
    assert min(t.size["height"] for t in tiles) >= 100  # big enough to hit with a thumb

    browser.find_element(By.CSS_SELECTOR, '.tile[data-procedure="khai_sinh"]').click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .answer .doc"))
    card = answers(browser)[-1]
    expected = ordered_documents(kb.procedures["khai_sinh"])
    docs = card.find_elements(By.CSS_SELECTOR, ".doc")
    assert [d.find_element(By.CSS_SELECTOR, ".doc-name").text for d in docs] == [d.name for d in expected]
    assert [d.find_element(By.CSS_SELECTOR, "svg").get_attribute("data-icon") for d in docs] == [
        d.icon for d in expected]
    assert "khai sinh" in card.find_element(By.CSS_SELECTOR, ".text").text
    assert browser.find_elements(By.CSS_SELECTOR, "#chat .you")[-1].text.lower().endswith(
        kb.procedures["khai_sinh"].button_label.lower())
    replay = card.find_element(By.CSS_SELECTOR, ".replay")
    assert replay.is_displayed() and replay.size["height"] >= 48
    wait.until(lambda d: d.execute_script("return document.getElementById('player').readyState") >= 2)
    assert browser.execute_script("return document.getElementById('player').getAttribute('src')") == \
        replay.get_attribute("data-audio")

    box = browser.find_element(By.ID, "question")
    box.send_keys("mất bao lâu", Keys.ENTER)
    wait.until(lambda d: len(answers(d)) == 2)
    assert kb.procedures["khai_sinh"].processing_time.text.split(".")[0] in answers(browser)[-1].text
    assert box.get_attribute("value") == ""

    fee = next(b for b in answers(browser)[-1].find_elements(By.CSS_SELECTOR, ".choice") if b.text == "Lệ phí")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", fee)  # out from under the bar
    fee.click()
    wait.until(lambda d: len(answers(d)) == 3)
    assert kb.procedures["khai_sinh"].fee.amount.split(".")[0] in answers(browser)[-1].text
    shown = [b for b in browser.find_elements(By.TAG_NAME, "button") if b.is_displayed()]
    assert all(b.text.strip() and b.size["height"] >= 48 for b in shown)  # named, and big enough to hit
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="question"]')
    assert not severe_console_errors(browser)


def test_the_printable_checklist_card_is_shown_and_loads(browser, kiosk: Kiosk) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait = open_page(browser, kiosk)
    browser.find_element(By.ID, "question").send_keys("gửi ảnh danh sách giấy tờ kết hôn", Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .answer img.card-image"))
    image = answers(browser)[-1].find_element(By.CSS_SELECTOR, "img.card-image")
    assert image.get_attribute("src").endswith("/webhooks/cards/ket_hon.png")
    # Really fetched and decoded by the browser, not just placed in the page.
    wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    assert browser.execute_script("return arguments[0].naturalWidth", image) >= 1000
    assert not severe_console_errors(browser)


@needs_clips
def test_push_to_talk_records_the_microphone_and_answers(browser, kiosk: Kiosk) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(browser, kiosk)
    from selenium.webdriver.common.action_chains import ActionChains

    wait = open_page(browser, kiosk)
    talk = browser.find_element(By.ID, "talk")
    assert talk.is_displayed() and talk.size["height"] >= 64
    # The fake microphone plays the clip once from the start of each recording; let it finish.
    needed = math.ceil(wav_seconds(CLIPS / TALK_CLIP)) + 1

    def recorded(d) -> bool:
        clock = re.search(r"(\d+):(\d\d)", d.find_element(By.ID, "talk-label").text)
        return bool(clock) and int(clock.group(1)) * 60 + int(clock.group(2)) >= needed

    for press, release in ((talk.click, talk.click),  # tap to start, tap to send
                           (ActionChains(browser).click_and_hold(talk).perform,  # hold while talking
                            ActionChains(browser).release().perform)):
        before = len(answers(browser))
        press()
        wait.until(lambda d: "recording" in talk.get_attribute("class"))
        wait.until(recorded)
        release()
        wait.until(lambda d, n=before: len(answers(d)) > n)
        heard = browser.find_elements(By.CSS_SELECTOR, "#chat .you")[-1].text
        assert heard.startswith("Bạn hỏi: «") and heard_enough(heard, TALK_CLIP), heard
        assert answers(browser)[-1].find_element(By.CSS_SELECTOR, ".text").text
        replay = answers(browser)[-1].find_element(By.CSS_SELECTOR, ".replay")
        assert replay.is_displayed()
        wait.until(lambda d, r=replay: d.execute_script(
            "return document.getElementById('player').getAttribute('src')") == r.get_attribute("data-audio"))
        wait.until(lambda d: "recording" not in talk.get_attribute("class") and talk.is_enabled())
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                           browser.find_elements(By.CSS_SELECTOR, "#chat .you")[-1])
    browser.save_screenshot("/tmp/kiosk.png")
    assert not severe_console_errors(browser)


def test_start_over_clears_the_screen_for_the_next_person(browser, kiosk: Kiosk) -> None:
    from selenium.webdriver.common.by import By

    wait = open_page(browser, kiosk)
    first = browser.execute_script("return sessionStorage.getItem('caunoi.kiosk.sender')")
    browser.find_element(By.CSS_SELECTOR, ".tile").click()
    wait.until(lambda d: answers(d))
    browser.find_element(By.ID, "restart").click()
    assert not answers(browser) and not browser.find_elements(By.CSS_SELECTOR, "#chat .you")
    second = browser.execute_script("return sessionStorage.getItem('caunoi.kiosk.sender')")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", second)
    assert second != first
