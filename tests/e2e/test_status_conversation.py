"""Application status end to end: files imported with the real CLI, asked about through the real trained
engine (REST and the Telegram stand-in), verified with the last 4 phone digits, and a notice sent when
a later import changes a subscribed file — once."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from bot.runtime.chat import send
from bot.status.stages import STAGES
from tests.support.assistant import RunningAssistant, start_assistant
from tests.support.paths import ROOT
from tests.support.standins.telegram_bot_api import TelegramBotAPI

TOKEN = "654321:TEST-status-token"
HEADER = "ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai,ghi_chu\n"
FILES = {
    "H12.22-251103-0042": ("khai_sinh", "Nguyễn Thị Hoa", "0912 345 678", "dang_xu_ly", ""),
    "000.00.21.H12-251104-0007": ("ket_hon", "H'Hen Niê", "0987654321", "can_bo_sung",
                                  "Thiếu giấy xác nhận tình trạng hôn nhân"),
    "H12.22-251105-0100": ("can_cuoc", "Y Bih Mlô", "0905111222", "dang_xu_ly", ""),
    "H12.22-251105-0101": ("tam_tru", "Lò Văn Sáng", "0905333444", "dang_xu_ly", ""),
}
NOT_FOUND = "Không tìm thấy hồ sơ, hoặc số điện thoại không khớp."
_chat_ids = itertools.count(5000)


def write_export(path: Path, stages: dict[str, str] | None = None) -> Path:
    rows = []
    for code, (pid, name, phone, stage, note) in FILES.items():
        stage = (stages or {}).get(code, stage)
        rows.append(f"{code},{pid},{name},{phone},03/11/2025,20/11/2025,{stage},{note}\n")
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def import_file(data_dir: Path, path: Path) -> str:
    env = {**os.environ, "CAUNOI_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "status", "import", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Deployment:
    def __init__(self, api: TelegramBotAPI, data_dir: Path) -> None:
        self.api = api
        self.data_dir = data_dir
        self.env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
                    "CAUNOI_NOTIFY_INTERVAL": "0.3"}
        self.assistant: RunningAssistant = start_assistant(data_dir, self.env)

    def restart(self) -> None:
        self.assistant.stop()
        self.assistant = start_assistant(self.data_dir, self.env)


@pytest.fixture(scope="module")
def deployment(trained_model, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("status-data")
    import_file(data_dir, write_export(data_dir / "export.csv"))
    with TelegramBotAPI(TOKEN) as api:
        running = Deployment(api, data_dir)
        yield running
        running.assistant.stop()


class Rest:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sender = f"status-{uuid.uuid4().hex[:8]}"

    def say(self, text: str) -> tuple[dict, str]:
        messages = send(self.url, self.sender, text)
        [custom] = [m["custom"] for m in messages if "custom" in m]
        return custom, "\n".join(m["text"] for m in messages if m.get("text"))


def test_the_code_then_the_last_four_digits_show_the_stage(deployment) -> None:
    chat = Rest(deployment.assistant.url)
    custom, text = chat.say("hồ sơ của tôi đến đâu rồi")
    assert custom["topic"] == "status" and custom.get("expects") == "application_code"
    custom, text = chat.say("h12.22 - 251103 - 0042")
    assert custom.get("expects") == "phone_last4" and "H12.22-251103-0042" in text
    custom, text = chat.say("5678")
    assert custom["topic"] == "status" and custom["procedure_id"] == "khai_sinh"
    assert custom["application"] == {"code": "H12.22-251103-0042", "stage": "dang_xu_ly", "due": "2025-11-20"}
    assert STAGES["dang_xu_ly"].label in text and "20/11/2025" in text
    assert "Nguyễn" not in text and "Hoa" not in text  # never the applicant's name
    # The context carries on: "nộp ở đâu" is now about this file's procedure.
    custom, _ = chat.say("nộp ở đâu")
    assert custom["procedure_id"] == "khai_sinh" and custom["topic"] == "where"


def test_a_code_in_the_first_message_and_spoken_digits(deployment) -> None:
    chat = Rest(deployment.assistant.url)
    custom, _ = chat.say("ma ho so 000.00.21.H12-251104-0007 xu ly den dau roi")
    assert custom.get("expects") == "phone_last4"
    custom, text = chat.say("bốn ba hai một")
    assert custom["application"]["stage"] == "can_bo_sung"
    assert "Thiếu giấy xác nhận tình trạng hôn nhân" in text and STAGES["can_bo_sung"].next_step in text


def test_wrong_digits_and_unknown_codes_get_the_same_answer(deployment) -> None:
    answers = []
    for code, digits in (("H12.22-251103-0042", "1111"), ("H99.99-990101-9999", "5678")):
        chat = Rest(deployment.assistant.url)
        chat.say(f"tra cứu hồ sơ {code}")
        custom, text = chat.say(digits)
        assert "application" not in custom and NOT_FOUND in text
        answers.append(text.replace(code, "<code>"))
    assert answers[0] == answers[1]


def test_guessing_is_stopped_even_with_the_right_digits_afterwards(deployment) -> None:
    chat = Rest(deployment.assistant.url)
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        chat.say("tra cứu hồ sơ H12.22-251105-0100")
        _, text = chat.say(guess)
        assert NOT_FOUND in text
    chat.say("tra cứu hồ sơ H12.22-251105-0100")
    custom, text = chat.say("1222")  # the right digits, too late
    assert "application" not in custom and "sai nhiều lần" in text


def test_many_senders_cannot_walk_through_one_code(deployment) -> None:
    for guess in range(10):
        chat = Rest(deployment.assistant.url)
        chat.say("tra cứu hồ sơ H12.22-251105-0101")
        chat.say(f"{guess:04d}")
    chat = Rest(deployment.assistant.url)
    chat.say("tra cứu hồ sơ H12.22-251105-0101")
    custom, text = chat.say("3444")
    assert "application" not in custom and "sai nhiều lần" in text


def test_a_procedure_question_ends_an_unfinished_status_question(deployment) -> None:
    chat = Rest(deployment.assistant.url)
    chat.say("tra cứu hồ sơ")
    custom, _ = chat.say("làm căn cước mất bao lâu")
    assert custom["procedure_id"] == "can_cuoc" and custom["topic"] == "time"


def test_notices_are_offered_only_where_they_can_arrive(deployment) -> None:
    chat = Rest(deployment.assistant.url)
    custom, text = chat.say("báo cho tôi khi có kết quả")
    assert custom["topic"] == "status" and "Zalo" in text and "Telegram" in text


def ask(api: TelegramBotAPI, chat_id: int, text: str) -> str:
    before = len(api.texts(chat_id))
    api.push_message(chat_id, text)
    return api.wait_for_texts(chat_id, before + 1, 60)[before]


def test_a_subscriber_is_told_once_when_an_import_changes_the_stage(deployment, tmp_path) -> None:
    api, chat = deployment.api, next(_chat_ids)
    assert "4 số cuối" in ask(api, chat, "tra cứu hồ sơ H12.22-251103-0042")
    answer = ask(api, chat, "5678")
    assert STAGES["dang_xu_ly"].label in answer
    [offer] = [row[0] for row in api.sent("sendMessage", chat)[-1]["reply_markup"]["inline_keyboard"]]
    assert "Báo" in offer["text"]
    assert "nhắn bạn" in ask(api, chat, "báo cho tôi khi có kết quả")

    before = len(api.texts(chat))
    summary = import_file(deployment.data_dir, write_export(tmp_path / "later.csv",
                                                            {"H12.22-251103-0042": "da_co_ket_qua"}))
    assert "updated 1" in summary
    notice = api.wait_for_texts(chat, before + 1, 30)[before]
    assert "H12.22-251103-0042" in notice and STAGES["da_co_ket_qua"].label in notice
    assert "Nguyễn" not in notice

    # The same export again, and a restart: nothing new to tell, nothing told twice.
    import_file(deployment.data_dir, tmp_path / "later.csv")
    deployment.restart()
    time.sleep(3)
    assert len(api.texts(chat)) == before + 1


def test_the_checklist_card_arrives_as_a_picture(deployment) -> None:
    api, chat = deployment.api, next(_chat_ids)
    answer = ask(api, chat, "gửi ảnh danh sách giấy tờ làm khai sinh")
    assert "Tờ khai đăng ký khai sinh" in answer
    deadline = time.monotonic() + 60
    while not api.sent("sendPhoto", chat) and time.monotonic() < deadline:
        time.sleep(0.2)
    [photo] = api.sent("sendPhoto", chat)
    image = Image.open(io.BytesIO(photo["photo"].data))
    assert image.format == "PNG" and image.width >= 1000


def test_rest_gets_the_card_address_and_the_server_serves_it(deployment) -> None:
    import urllib.request

    chat = Rest(deployment.assistant.url)
    messages = send(deployment.assistant.url, chat.sender, "cho tôi xin file in danh sách giấy tờ kết hôn")
    [image] = [m["image"] for m in messages if m.get("image")]
    [custom] = [m["custom"] for m in messages if "custom" in m]
    assert custom["checklist_card"]["procedure_id"] == "ket_hon"
    base = f"http://127.0.0.1:{deployment.assistant.port}"
    with urllib.request.urlopen(base + image, timeout=60) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.read())).format == "PNG"
    with urllib.request.urlopen(base + custom["checklist_card"]["pdf"], timeout=60) as response:
        assert response.read().startswith(b"%PDF-")
