from bot.channels.replies import Button, from_engine


def test_engine_message_keeps_text_buttons_and_contract():
    message = {
        "text": "Làm giấy khai sinh cần:\n1. Tờ khai",
        "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}],
        "custom": {"procedure_id": "khai_sinh", "topic": "documents"},
    }
    out = from_engine(message)
    assert out is not None
    assert out.text.startswith("Làm giấy khai sinh")
    assert out.buttons == (Button("Lệ phí", "/ask_fee"),)
    assert out.custom["topic"] == "documents"


def test_buttons_may_ride_in_custom_only():
    out = from_engine({"text": "Bạn hỏi thủ tục nào?", "custom": {"buttons": [{"title": "Kết hôn", "payload": "/x"}]}})
    assert out is not None and out.buttons == (Button("Kết hôn", "/x"),)


def test_nothing_readable_is_dropped():
    assert from_engine({"custom": {"topic": "greet"}}) is None
    assert from_engine({"text": "   "}) is None
