"""Every sentence the assistant says in its own words, keyed, in Vietnamese.

The answers' facts come from the knowledge base; the frames around them ("Giấy tờ để {procedure}:")
and the small talk live here, once, so a commune's bilingual team can translate each of them
(languages/README.md) and `Wording.phrase` can serve their translation. Placeholders are `str.format`
fields: a translation must use the same ones (bot/languages/pack.py refuses it otherwise).
"""

from __future__ import annotations

import string

WHAT_I_DO = (
    "Tôi là Cầu Nối. Tôi hướng dẫn thủ tục hành chính ở xã: giấy tờ cần mang, lệ phí, "
    "mất bao lâu, nộp ở đâu, làm online trên VNeID. Bạn có thể gõ hoặc nói, có dấu hay không dấu đều được."
)

PHRASES: dict[str, str] = {
    # The frames of a curated procedure's answers (bot/dialogue/answers.py).
    "answer.confirm": "Thông tin này chưa chắc chắn. Bạn nên hỏi lại cán bộ ở xã trước khi đi.",
    "answer.closing": "👉 Nơi nộp: {where}.",
    "answer.help_online": "Cần giúp? Đến {desk}, {commune} hoặc tổ công nghệ số thôn.",
    "documents.title": "Giấy tờ để {procedure}:",
    "documents.depends": "Tùy trường hợp:",
    "documents.show": "Mang theo để cán bộ xem:",
    "fee.title": "Lệ phí {procedure}: {amount}",
    "fee.exempt": "Được miễn:",
    "fee.reduced": "Giảm tạm thời: {reduction}",
    "time.title": "Thời gian {procedure}: {time}",
    "time.deadline": "Lưu ý hạn: {deadline}",
    "where.title": "Đi đâu để {procedure}: {where}",
    "where.authority": "Cơ quan giải quyết: {authority}",
    "where.here": "Ở xã mình: {contact}",
    "steps.title": "Các bước {procedure}:",
    "online.no": "{procedure} hiện chưa làm online được. Bạn cần đến nộp trực tiếp.",
    "online.yes": "{procedure} có thể làm online qua {channels}.",
    "online.or": " hoặc ",
    "online.anywhere": "mạng",
    "online.vneid": "ứng dụng VNeID",
    "online.dvcqg": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)",
    "online.dvc_tinh": "Cổng dịch vụ công của tỉnh",
    "overview.title": "{name}: {summary}",
    "overview.fee": "Lệ phí: {amount}",
    "overview.time": "Thời gian: {time}",
    "overview.more": "Bạn muốn biết thêm gì? Chọn bên dưới.",
    "button.documents": "Giấy tờ cần có",
    "button.fee": "Lệ phí",
    "button.time": "Mất bao lâu",
    "button.where": "Nộp ở đâu",
    "button.steps": "Các bước",
    "button.online": "Làm online",
    # The commune desk, in one line (its name, address and phone stay as written in caunoi.yml).
    "contact": "{desk}, {name}. Địa chỉ: {address}. Giờ làm việc: {hours}. Điện thoại: {phone}.",
    # The conversation (bot/dialogue/respond.py).
    "clarify": "Bạn hỏi về thủ tục nào? Chọn một thủ tục bên dưới, hoặc gõ tên thủ tục (ví dụ: khai sinh, căn cước).",
    "unknown": "Xin lỗi, việc này tôi chưa có hướng dẫn. Bạn hỏi cán bộ ở {contact}\n"
               "Tôi hướng dẫn được các thủ tục bên dưới.",
    "greet": "Xin chào! Tôi là Cầu Nối, giúp bạn làm giấy tờ ở xã. Bạn cần làm thủ tục gì?",
    "goodbye": "Chào bạn. Khi cần, cứ nhắn hoặc nói với tôi nhé.",
    "thanks": "Không có gì. Bạn cần hỏi thêm gì cứ nhắn nhé.",
    "help": WHAT_I_DO + "\nVí dụ: “làm giấy khai sinh cần gì”, “làm căn cước mất bao lâu”.",
    "human": "Bạn có thể gặp hoặc gọi cán bộ:\n{contact}",
    "status_unavailable": "Bây giờ tôi chưa tra được hồ sơ. Bạn xem trên VNeID hoặc Cổng Dịch vụ công (mục Tra "
                          "cứu hồ sơ) bằng mã hồ sơ trên giấy hẹn, hoặc gọi xã: {phone}.",
    "out_of_scope": "Xin lỗi, việc này tôi không giúp được. " + WHAT_I_DO,
    "fallback": "Xin lỗi, tôi chưa hiểu. Bạn hỏi lại ngắn gọn, ví dụ: “làm giấy khai sinh cần gì”, "
                "hoặc chọn một thủ tục bên dưới.",
    # Languages (bot/dialogue/language.py).
    "language.choose": "Bạn muốn nói chuyện bằng tiếng nào? Chọn bên dưới.",
    "language.chosen": "Từ bây giờ tôi trả lời bằng tiếng Việt.",
    "language.button": "🌐 Đổi tiếng",
    "language.in_vietnamese": "Phần này chưa được dịch, tôi nói bằng tiếng Việt:",
    "team.intro": "Ở xã có người biết {language}, bạn gọi hoặc nhắn Zalo:",
    "team.none": "Xã chưa ghi tên người biết {language}. Bạn hỏi cán bộ ở {contact}",
    # The kiosk page's own words (bot/channels/kiosk/static/), shown in the language chosen there.
    "kiosk.subtitle": "Hỏi việc làm giấy tờ ở xã",
    "kiosk.choose": "Bạn cần làm giấy gì? Bấm vào hình:",
    "kiosk.talk": "Giữ nút để nói",
    "kiosk.talk_hint": "hoặc bấm, nói xong bấm lại",
    "kiosk.type_here": "Hoặc gõ câu hỏi ở đây",
    "kiosk.send": "Gửi",
    "kiosk.restart": "Bắt đầu lại",
    "kiosk.replay": "Nghe lại",
    "kiosk.stop": "Dừng đọc",
    "kiosk.thinking": "Đang tìm câu trả lời…",
    "kiosk.you_chose": "Bạn chọn: {text}",
    "kiosk.when_needed": "Tùy trường hợp:",
}


def placeholders(template: str) -> frozenset[str]:
    """The `{fields}` a template fills ("Lệ phí {procedure}: {amount}" → {"procedure", "amount"})."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def say(key: str, **values: str) -> str:
    """The Vietnamese phrase `key`, filled."""
    return PHRASES[key].format(**values)
