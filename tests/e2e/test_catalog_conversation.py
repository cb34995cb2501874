"""The national catalog behind the curated procedures, through the real trained model and the
repository's catalog file behind `caunoi run` (REST channel): an answer with its source, follow-ups,
a choice between close records, nothing close, and the curated KB still answering its own."""

from __future__ import annotations

import io
import urllib.request

import pytest
from PIL import Image

from bot.catalog.answers import SOURCE_LINE
from bot.runtime.chat import send
from tests.e2e.test_conversations import Conversation


@pytest.fixture
def chat(assistant) -> Conversation:
    return Conversation(assistant.url)


def test_a_long_tail_question_gets_the_portal_answer_with_its_source(chat: Conversation) -> None:
    custom, text, buttons = chat.say("khôi phục mã số thuế nộp ở đâu")
    assert custom["procedure_id"].startswith("portal:") and custom["source"] == "portal"
    assert custom["topic"] == "where"
    assert text.splitlines()[-1] == SOURCE_LINE and "dichvucong.gov.vn" in text
    portal = custom["procedure_id"]
    assert buttons and all(portal in b["payload"] for b in buttons)
    # Follow-ups keep the portal procedure.
    custom, text, _ = chat.say("mất bao lâu?")
    assert custom["procedure_id"] == portal and custom["topic"] == "time"
    custom, _, _ = chat.say(buttons[0]["payload"])
    assert custom["procedure_id"] == portal


def test_close_records_are_offered_and_a_choice_is_answered(chat: Conversation) -> None:
    custom, _, buttons = chat.say("giải quyết tranh chấp đất đai thì nộp ở đâu")
    assert custom["topic"] == "clarify" and custom["source"] == "portal"
    assert 2 <= len(buttons) <= 4 and all("portal:" in b["payload"] for b in buttons)
    custom, text, _ = chat.say(buttons[0]["payload"])
    assert custom["procedure_id"].startswith("portal:") and text.splitlines()[-1] == SOURCE_LINE


def test_nothing_close_is_said_honestly(chat: Conversation) -> None:
    custom, text, buttons = chat.say("xin học bổng cho con học đại học")
    assert custom["procedure_id"] is None and custom["topic"] in ("unknown_procedure", "out_of_scope")
    assert not any("portal:" in b["payload"] for b in buttons)


def test_the_curated_kb_still_answers_its_own(chat: Conversation) -> None:
    custom, _, _ = chat.say("làm căn cước cần giấy tờ gì")
    assert custom["procedure_id"] == "can_cuoc" and custom["source"] == "kb"


def test_a_portal_procedure_curated_through_the_loop_is_answered_from_the_kb(chat: Conversation) -> None:
    # Tách hộ (portal 1.010038) was drafted with `caunoi kb draft` and curated as tach_ho; "hộ khẩu"
    # in the question is no longer read as the curated thường trú.
    custom, text, _ = chat.say("tách hộ khẩu cho vợ chồng con trai cần giấy tờ gì")
    assert custom["procedure_id"] == "tach_ho" and custom["source"] == "kb"
    assert "CT01" in text


def test_a_long_portal_list_shows_its_first_papers_and_the_rest_on_request(chat: Conversation, assistant) -> None:
    custom, text, buttons = chat.say("thủ tục thành lập hộ kinh doanh cần giấy tờ gì")
    assert custom["source"] == "portal" and custom["topic"] == "documents"
    portal = custom["procedure_id"]
    assert [item["n"] for item in custom["checklist"]] == list(range(1, len(custom["checklist"]) + 1))
    more = [b for b in buttons if b["title"] == "Xem thêm giấy tờ"]
    if len(custom["checklist"]) <= 5:
        pytest.skip(f"{portal} lists {len(custom['checklist'])} papers: nothing more to show")
    assert more and '"more"' in more[0]["payload"]
    shown = len([line for line in text.splitlines() if line[:2].rstrip(".").isdigit()])
    # Typed, as people do: the classifier alone would read "xem thêm" as a goodbye.
    custom, rest, _ = chat.say("xem thêm")
    assert custom["procedure_id"] == portal and custom["topic"] == "documents"
    lines = rest.splitlines()
    assert any(line.startswith(f"{shown + 1}. ") for line in lines)
    assert not any(line.startswith("1. ") for line in lines)
    # The button gives the same page, whatever was said in between.
    chat.say("cảm ơn")
    _, again, _ = chat.say(more[0]["payload"])
    assert again == rest


def test_a_portal_procedure_gets_a_printable_card(chat: Conversation, assistant) -> None:
    custom, _, _ = chat.say("khôi phục mã số thuế nộp ở đâu")
    portal = custom["procedure_id"]
    messages = send(assistant.url, chat.sender, "gửi ảnh danh sách giấy tờ")
    [custom] = [m["custom"] for m in messages if "custom" in m]
    [image] = [m["image"] for m in messages if m.get("image")]
    assert custom["procedure_id"] == portal and custom["checklist_card"]["procedure_id"] == portal
    base = f"http://127.0.0.1:{assistant.port}"
    with urllib.request.urlopen(base + image, timeout=120) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.read())).width >= 1000
    with urllib.request.urlopen(base + custom["checklist_card"]["pdf"], timeout=120) as response:
        assert response.read().startswith(b"%PDF-")


def test_a_corrupt_catalog_file_leaves_the_curated_answers_and_one_log_line(trained_model, tmp_path_factory) -> None:
    from tests.support.assistant import start_assistant

    data = tmp_path_factory.mktemp("broken-catalog")
    broken = data / "portal_catalog.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    running = start_assistant(data, {"CAUNOI_CATALOG": str(broken)})
    try:
        chat = Conversation(running.url)
        custom, _, _ = chat.say("làm căn cước cần giấy tờ gì")
        assert custom["procedure_id"] == "can_cuoc" and custom["source"] == "kb"
        custom, _, _ = chat.say("khôi phục mã số thuế nộp ở đâu")
        assert custom["procedure_id"] is None and custom["topic"] in ("unknown_procedure", "out_of_scope")
        said = [line for line in running.output().splitlines() if "national catalog not loaded" in line]
        assert len(said) == 1 and str(broken) in said[0], said
        assert "Traceback" not in running.output()
    finally:
        running.stop()
