"""The assistant's own sentences, by key, in Vietnamese: the source that community translations of a
language translate (issue 15), and the one place the answers' fixed wording lives.

A phrase is a template: `{name}` places are filled when it is said (`say("fee_title", short_name=…,
amount=…)`). A translation must keep the same places; `bot/languages/` checks that. Only sentences
people read or hear are here; procedure facts come from the knowledge base.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

PHRASES: dict[str, str] = {
    # -- languages (issue 15) ---------------------------------------------------------------------
    "language_name": "Tiếng Việt",  # the language's own name, on its button in the language menu
    "choose_language": "Bạn muốn dùng tiếng nào? Chọn bên dưới.",
    "change_language": "Đổi tiếng",  # the button always present once a language is offered
    "vietnamese_part": "Phần dưới đây chưa có bằng tiếng của bạn, còn bằng tiếng Việt:",
    "talk_to_speaker": "Người biết tiếng {language} ở xã có thể giúp bạn:",

    # -- small talk and help ----------------------------------------------------------------------
    "what_i_do": (
        "Tôi là Cầu Nối. Tôi hướng dẫn thủ tục hành chính ở xã: giấy tờ cần mang, lệ phí, "
        "mất bao lâu, nộp ở đâu, làm online trên VNeID. Bạn có thể gõ hoặc nói, có dấu hay không dấu đều được."
    ),
    "help_example": "Ví dụ: “làm giấy khai sinh cần gì”, “làm căn cước mất bao lâu”.",
    "greet": "Xin chào! Tôi là Cầu Nối, giúp bạn làm giấy tờ ở xã. Bạn cần làm thủ tục gì?",
    "goodbye": "Chào bạn. Khi cần, cứ nhắn hoặc nói với tôi nhé.",
    "thanks": "Không có gì. Bạn cần hỏi thêm gì cứ nhắn nhé.",
    "human": "Bạn có thể gặp hoặc gọi cán bộ:",
    "status_unavailable": (
        "Bây giờ tôi chưa tra được hồ sơ. Bạn xem trên VNeID hoặc Cổng Dịch vụ công (mục Tra cứu hồ sơ) "
        "bằng mã hồ sơ trên giấy hẹn, hoặc gọi xã: {phone}."
    ),
    "out_of_scope": "Xin lỗi, việc này tôi không giúp được.",
    "fallback": (
        "Xin lỗi, tôi chưa hiểu. Bạn hỏi lại ngắn gọn, ví dụ: “làm giấy khai sinh cần gì”, "
        "hoặc chọn một thủ tục bên dưới."
    ),
    "clarify": "Bạn hỏi về thủ tục nào? Chọn một thủ tục bên dưới, hoặc gõ tên thủ tục (ví dụ: khai sinh, căn cước).",
    "ask_desk": "Xin lỗi, việc này tôi chưa có hướng dẫn. Bạn hỏi cán bộ ở {contact}",
    "procedures_below": "Tôi hướng dẫn được các thủ tục bên dưới.",
    "contact_line": "{desk}, {name}. Địa chỉ: {address}. Giờ làm việc: {hours}. Điện thoại: {phone}.",

    # -- answers about a curated procedure (bot/dialogue/answers.py) --------------------------------
    "confirm": "Thông tin này chưa chắc chắn. Bạn nên hỏi lại cán bộ ở xã trước khi đi.",
    "closing": "👉 Nơi nộp: {where}.",
    "documents_title": "Giấy tờ để {short_name}:",
    "documents_depends": "Tùy trường hợp:",
    "bring_to_show": "Mang theo để cán bộ xem:",
    "fee_title": "Lệ phí {short_name}: {amount}",
    "fee_exempt": "Được miễn:",
    "fee_reduced": "Giảm tạm thời: {reduction}",
    "time_title": "Thời gian {short_name}: {time}",
    "deadline": "Lưu ý hạn: {deadline}",
    "where_title": "Đi đâu để {short_name}: {where}",
    "authority": "Cơ quan giải quyết: {authority}",
    "at_commune": "Ở xã mình: {contact}",
    "steps_title": "Các bước {short_name}:",
    "online_no": "{Short_name} hiện chưa làm online được. Bạn cần đến nộp trực tiếp.",
    "online_yes": "{Short_name} có thể làm online qua {channels}.",
    "online_or": " hoặc ",
    "online_anywhere": "mạng",
    "online_help": "Cần giúp? Đến {desk}, {commune} hoặc tổ công nghệ số thôn.",
    "channel_vneid": "ứng dụng VNeID",
    "channel_dvcqg": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)",
    "channel_dvc_tinh": "Cổng dịch vụ công của tỉnh",
    "overview_fee": "Lệ phí: {amount}",
    "overview_time": "Thời gian: {time}",
    "overview_more": "Bạn muốn biết thêm gì? Chọn bên dưới.",
    "button_documents": "Giấy tờ cần có",
    "button_fee": "Lệ phí",
    "button_time": "Mất bao lâu",
    "button_where": "Nộp ở đâu",
    "button_steps": "Các bước",
    "button_online": "Làm online",
}


def places(template: str) -> frozenset[str]:
    """The `{name}` places of a template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def say(key: str, phrases: Mapping[str, str] | None = None, **values: str) -> str:
    """The phrase `key` with its places filled, from `phrases` (a language's approved ones) when it
    has it, else in Vietnamese. `{Short_name}` is `short_name` with a capital first letter."""
    template = (phrases or {}).get(key) or PHRASES[key]
    if "short_name" in values:
        short = values["short_name"]
        values = {**values, "Short_name": short[:1].upper() + short[1:]}
    return template.format(**values)
