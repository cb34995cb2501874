"""Cue phrases: the words that make a question about a topic, a status question or a wish to talk to
a person explicit. Reviewed lists, written with diacritics for reading and matched on the normalised,
folded tokens the classifier sees (so "ở đâu", "o dau" and "ở mô" → "o dau" all match).

Used twice: as extra features for the intent classifier (a long message keeps its topic cue), and by
the intent arbiter, which lets the status and handoff intents through only when their cue is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bot.nlu.normalize import normalize_folded


class Phrases(tuple):
    """Phrases as token tuples, indexed by their first token: one pass over a message finds them."""

    by_first: dict[str, list[tuple[str, ...]]]

    def __new__(cls, phrases: Iterable[tuple[str, ...]]) -> Phrases:
        self = super().__new__(cls, tuple(phrases))
        self.by_first = {}
        for phrase in self:
            self.by_first.setdefault(phrase[0], []).append(phrase)
        return self


def _phrases(*texts: str) -> Phrases:
    return Phrases(tuple(normalize_folded(t).split()) for t in texts)


# What the answer should be about. A cue names its topic; order does not matter.
TOPIC_CUES: dict[str, Phrases] = {
    "documents": _phrases(
        "giấy tờ gì", "giấy gì", "giấy tờ nào", "những giấy tờ", "hồ sơ gồm", "hồ sơ gì", "hồ sơ cần",
        "cần mang", "mang theo", "mang gì", "cần những gì", "chuẩn bị gì", "chuẩn bị những",
        "chuẩn bị giấy", "thành phần hồ sơ", "giấy tờ cần", "cần giấy", "cần gì", "phải nộp gì",
        "bản sao gì", "cần có gì", "giấy tờ như thế nào", "hồ sơ như thế nào", "bản chính hay",
        "bản photo", "mấy bản", "gồm những gì", "gồm gì", "bao gồm những", "gồm những giấy",
    ),
    "fee": _phrases(
        "lệ phí", "chi phí", "phí bao nhiêu", "mất phí", "tốn phí", "có phí", "phí là", "bao nhiêu tiền",
        "mất tiền", "tốn tiền", "tốn bao nhiêu", "giá bao nhiêu", "mức hưởng", "mức trợ cấp",
        "hưởng bao nhiêu", "được bao nhiêu",
        "mất bao nhiêu tiền", "miễn phí", "đóng tiền", "trả tiền", "nộp tiền", "hết bao nhiêu",
        "mức đóng", "đóng bao nhiêu", "thu tiền", "có mất phí", "nhiêu tiền",
    ),
    "time": _phrases(
        "bao lâu", "mấy ngày", "bao nhiêu ngày", "mấy hôm", "thời hạn", "khi nào", "thời điểm",
        "thời gian giải quyết", "thời gian cấp", "thời gian làm", "thời gian trả",
        "bao giờ", "quá hạn", "trễ hạn", "đi muộn", "làm muộn", "bị phạt", "hạn chót", "hết hạn",
        "giá trị đến", "có giá trị", "mấy tuần", "mấy tháng", "lâu không", "nhanh không",
        "bao nhiêu năm", "mấy năm", "mấy bữa", "bao nhiêu bữa", "tới khi nào", "đến khi nào", "xử phạt",
        "giá trị sử dụng", "mức phạt", "phạt bao nhiêu", "phạt tiền", "bị phạt không",
        "thời hạn sử dụng", "dùng đến", "dùng tới", "lấy ngay", "lấy liền", "trong ngày", "trong bao lâu",
    ),
    "where": _phrases(
        "ở đâu", "chỗ nào", "nơi nào", "cơ quan nào", "đến đâu", "đi đâu", "tới đâu", "nộp ở",
        "làm ở", "về quê", "nơi tạm trú", "nơi thường trú", "xã nào", "phường nào", "huyện nào",
        "tỉnh nào", "văn phòng nào", "địa chỉ", "bộ phận một cửa", "nơi làm", "nơi nộp",
        "ở chỗ", "tại đâu",
    ),
    "steps": _phrases(
        "trình tự", "các bước", "từng bước", "quy trình", "cách làm", "làm như thế nào",
        "làm thế nào", "làm sao", "làm ra sao", "thực hiện như thế nào", "thủ tục như thế nào",
        "thủ tục thế nào", "thủ tục ra sao", "bước nào trước", "bước tiếp theo", "bắt đầu từ đâu",
    ),
    "online": _phrases(
        "trực tuyến", "online", "qua mạng", "trên mạng", "vneid", "dịch vụ công", "cổng dịch vụ",
        "trên điện thoại", "qua điện thoại", "qua app", "ứng dụng", "không cần đến", "tại nhà",
        "ở nhà làm", "nộp qua", "bưu điện",
    ),
    "overview": _phrases(
        "có được không", "được không", "có phải", "bắt buộc", "điều kiện", "có cần", "là gì",
        "có đúng không", "đúng không", "có được", "được hưởng", "được nhận", "được cấp",
        "trường hợp nào", "ai được", "ai phải", "có nên",
        "quy định thế nào", "quy định như thế nào", "quy định ra sao", "pháp luật quy định",
    ),
}

# Words that name a topic only when nothing more specific does: "chứng thực giấy tờ … làm ở đâu" asks
# where, "không có thời gian đến … làm trực tuyến được không" asks about online.
WEAK_TOPIC_CUES: dict[str, Phrases] = {
    "documents": _phrases("giấy tờ"),
    "time": _phrases("thời gian"),
}

# Explicit status questions: without one of these (or an application code) a status intent is a misread.
STATUS_CUES = _phrases(
    "hồ sơ của tôi", "hồ sơ của em", "hồ sơ của mình", "hồ sơ của con", "hồ sơ của mẹ",
    "hồ sơ của bố", "hồ sơ nhà", "hồ sơ tôi", "hồ sơ em", "hồ sơ mình", "giờ sao rồi",
    "đến đâu rồi", "tới đâu rồi", "xong chưa", "xong chưa ạ",
    "có kết quả chưa", "kết quả chưa", "duyệt chưa", "được duyệt chưa", "tiếp nhận chưa",
    "xét chưa", "tra cứu hồ sơ", "tra hồ sơ", "kiểm tra hồ sơ", "kiểm tra giúp", "xem hồ sơ",
    "tình trạng hồ sơ", "trạng thái", "tiến độ", "bị trả lại", "bị từ chối", "bước nào",
    "ở bước", "sao chưa xong", "chưa thấy gì", "chưa thấy", "trễ hạn rồi", "mã hồ sơ",
    "bị thiếu", "làm xong chưa", "có chưa", "nộp rồi", "hẹn hôm nay", "đến hẹn",
)
SUBSCRIBE_CUES = _phrases(
    "báo cho tôi", "báo cho em", "báo cho mình", "báo tôi", "báo em", "báo mình", "báo giúp",
    "nhắn cho", "nhắn tin", "nhắn giúp", "thông báo cho", "thông báo khi", "nhận thông báo",
    "nhận tin", "theo dõi", "gọi báo", "báo tin", "nhắc tôi", "nhắc em", "nt cho",
)
# An explicit wish to reach a person (or their phone number); "cho con", "cán bộ nói" are not.
HUMAN_CUES = _phrases(
    "người thật", "gặp người", "gặp cán bộ", "gặp trực tiếp", "gặp nhân viên", "nói chuyện với",
    "nói với người", "nói với cán bộ", "gọi cho", "gọi điện", "chuyển cho",
    "số điện thoại", "hotline", "đường dây nóng", "tổng đài", "với máy", "là máy", "người hỗ trợ",
    "cán bộ nào trực", "cho gặp", "muốn gặp", "cho em gặp", "cho tôi gặp", "liên hệ với cán bộ",
    "người tư vấn", "tư vấn viên",
)


# "làm ở xã được không", "về quê làm", "tại đại sứ quán": a place after a word of going or being.
_TOWARDS = frozenset(normalize_folded("tại ở đến về lên xuống sang ra qua tới").split())
_PLACES = _phrases(
    "xã", "phường", "huyện", "quận", "tỉnh", "thành phố", "thị trấn", "công an", "ủy ban", "đại sứ quán",
    "lãnh sự", "bưu điện", "quê", "nước", "văn phòng", "trung tâm", "bộ phận", "nơi", "chỗ",
)


def names_a_place(tokens: Sequence[str]) -> bool:
    """A place after a word of going or being ("đến công an huyện", "ở xã")."""
    return any(tokens[i] in _TOWARDS and _starts_place(tokens, i + 1)
               and not (tokens[i] == "o" and tokens[i + 1] == "xa")  # "ở xa" is "far away" as often as "ở xã"
               for i in range(len(tokens) - 1))


_PARTICLES = frozenset(normalize_folded("ạ vậy nhỉ nhé nha hả à").split())


def _yes_or_no(tokens: Sequence[str]) -> bool:
    """A yes/no question ("… ở xã được không", "… hay phải về quê"): only there does a place ask where;
    in "mới lên tỉnh ở trọ, làm tạm trú thế nào" the place is the story."""
    words = list(tokens)
    while words and words[-1] in _PARTICLES:
        words.pop()
    return bool(words) and (words[-1] in ("khong", "chua") or "hay" in words)


def _confirms(tokens: Sequence[str]) -> bool:
    """"… đi nước ngoài sẽ bị cắt hộ khẩu, đúng không?": asks whether what was heard is true; a place
    in it is part of what was heard, not a question of where."""
    words = [w for w in tokens if w not in _PARTICLES]
    return words[-2:] in (["dung", "khong"], ["phai", "khong"]) and "hay" not in words


def _starts_place(tokens: Sequence[str], i: int) -> bool:
    return i < len(tokens) and any(tuple(tokens[i : i + len(p)]) == p for p in _PLACES.by_first.get(tokens[i], ()))


# A question about the papers that names them first: "Hồ sơ … quy định thế nào", "thành phần hồ sơ …".
_DOCUMENTS_FIRST = _phrases("hồ sơ", "thành phần hồ sơ", "giấy tờ")


def _starts_with(tokens: Sequence[str], phrases: Phrases) -> bool:
    return bool(tokens) and any(tuple(tokens[: len(p)]) == p for p in phrases.by_first.get(tokens[0], ()))


def _occurrences(tokens: Sequence[str], phrases: Phrases) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Every place a phrase occurs in the tokens as a contiguous run, in order."""
    by_first = phrases.by_first
    for i, token in enumerate(tokens):
        for phrase in by_first.get(token, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                yield i, phrase


def find_at(tokens: Sequence[str], phrases: Phrases) -> int:
    """Where the first phrase occurs in the tokens as a contiguous run, or -1."""
    return next((i for i, _ in _occurrences(tokens, phrases)), -1)


def find(tokens: Sequence[str], phrases: Phrases) -> bool:
    """Whether any phrase occurs in the tokens as a contiguous run."""
    return find_at(tokens, phrases) >= 0


# A cue with one of these words asks ("giấy tờ gì", "ở đâu", "bao lâu"); one without may be the story
# ("về quê đăng ký thì cần giấy tờ gì": "về quê" is where the person goes, the question is the papers).
_ASKING_WORDS = frozenset({"gi", "dau", "nao", "bao", "may", "sao", "nhieu"})


def _find_asking(tokens: Sequence[str], phrases: Phrases) -> tuple[int, bool]:
    """The first occurrence of a phrase, preferring one that asks: (position or -1, asks)."""
    first = -1
    for i, phrase in _occurrences(tokens, phrases):
        if _ASKING_WORDS.intersection(phrase):
            return i, True
        first = i if first < 0 else first
    return first, False


def _positions(tokens: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """Each topic asked: the position of its first cue, and whether a cue of it asks."""
    found = {topic: at for topic, phrases in TOPIC_CUES.items() if (at := _find_asking(tokens, phrases))[0] >= 0}
    yes_or_no = _yes_or_no(tokens)
    if "where" not in found and yes_or_no and not _confirms(tokens) and names_a_place(tokens):
        found["where"] = (len(tokens) - 1, True)
    if yes_or_no:
        # "có thể … hay không", "… có sao không": asking whether, in any wording the cues miss.
        found.setdefault("overview", (len(tokens) - 1, True))
    if not set(found) - {"steps", "overview"}:
        found.update({topic: (at, False) for topic, phrases in WEAK_TOPIC_CUES.items()
                      if (at := find_at(tokens, phrases)) >= 0})
        if _starts_with(tokens, _DOCUMENTS_FIRST):  # "Hồ sơ cấp lại thẻ được quy định thế nào?"
            found["documents"] = (0, False)
    return found


def topics(tokens: Sequence[str]) -> list[str]:
    """The topics whose cues occur, in the order they are asked."""
    found = _positions(tokens)
    return sorted(found, key=lambda t: (found[t][0], TOPIC_ORDER.index(t)))


def _asked(questions: Sequence[Sequence[str]]) -> dict[str, tuple[int, int, bool]]:
    order: dict[str, tuple[int, int, bool]] = {}
    for index, question in enumerate(questions):
        for topic, (at, asks) in _positions(question).items():
            if topic not in order or (asks and not order[topic][2]):
                order[topic] = (index, at, asks)
    return order


def topics_asked(questions: Sequence[Sequence[str]]) -> list[str]:
    """The topics of several questions, each read on its own ("… có được không? Lệ phí bao nhiêu?":
    the first asks whether, which only its own end shows), in the order they are asked."""
    order = _asked(questions)
    return sorted(order, key=lambda t: (order[t][:2], TOPIC_ORDER.index(t)))


def asking_topics(questions: Sequence[Sequence[str]]) -> list[str]:
    """The topics named by a cue that asks ("ở đâu", "giấy tờ gì"), in the order they are asked."""
    order = _asked(questions)
    return sorted((t for t in order if order[t][2]), key=lambda t: (order[t][:2], TOPIC_ORDER.index(t)))


TOPIC_ORDER = tuple(TOPIC_CUES)
