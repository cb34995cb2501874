"""Does a message that names no known procedure name something else?

"mất bao lâu?" after an answer about căn cước asks about căn cước; "làm sổ đỏ ở đâu?" does not, and
must not get căn cước's office. The words of follow-up questions are learned from the training
questions that name no procedure ("ở đâu vậy", "thế còn lệ phí", "cho con tôi thì sao"); a message
with a word outside them (numbers aside) names an object of its own, and the dialogue does not carry
the previous procedure over to it.

Words are compared with their diacritics when the message has them ("sổ đỏ" is not "số đó"), and
folded otherwise. Folded, "so do" is made of follow-up words ("hồ sơ", "đó"), so the everyday names
of common procedures this assistant does not cover (OTHER_OBJECTS, reviewed) are also looked for;
the national catalog (issue 14) will name the long tail.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.nlu.normalize import fold, normalize

# Everyday names of things people ask the commune about that no curated procedure covers.
OTHER_OBJECTS = tuple(tuple(fold(normalize(name)).split()) for name in (
    "sổ đỏ", "sổ hồng", "đất đai", "nhà đất", "chuyển nhượng đất", "tách thửa", "xây nhà", "giấy phép xây dựng",
    "xe máy", "ô tô", "biển số", "đăng ký xe", "bằng lái", "giấy phép lái xe", "hộ chiếu", "visa",
    "đăng ký kinh doanh", "hộ kinh doanh", "mã số thuế", "nộp thuế", "ly hôn", "con nuôi", "di chúc",
    "thừa kế", "nghĩa vụ quân sự", "lý lịch tư pháp", "cai nghiện", "bảo hiểm xã hội", "lương hưu",
    "thất nghiệp", "vay vốn", "hợp đồng", "giám hộ", "quốc tịch",
))


class FollowUpWords:
    def __init__(self, marked: Iterable[str] = (), plain: Iterable[str] = ()) -> None:
        self.marked = frozenset(marked)
        self.plain = frozenset(plain)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> FollowUpWords:
        marked: set[str] = set()
        plain: set[str] = set()
        for text in texts:
            for word in normalize(text).split():
                marked.add(word)
                plain.add(fold(word))
        return cls(marked, plain)

    def to_dict(self) -> dict[str, list[str]]:
        return {"marked": sorted(self.marked), "plain": sorted(self.plain)}

    @classmethod
    def from_dict(cls, data: dict) -> FollowUpWords:
        return cls(data.get("marked", ()), data.get("plain", ()))

    def unknown(self, text: str) -> list[str]:
        """The words of `text` no follow-up question uses, in order."""
        if not self.plain:
            return []
        words = normalize(text).split()
        folded = [fold(w) for w in words]
        for name in OTHER_OBJECTS:
            for i in range(len(folded) - len(name) + 1):
                if tuple(folded[i : i + len(name)]) == name:
                    return words[i : i + len(name)]
        out = []
        for word in words:
            if any(ch.isdigit() for ch in word):
                continue
            folded = fold(word)
            known = word in self.marked if folded != word else folded in self.plain
            if not known:
                out.append(word)
        return out
