"""The question inside a long message.

People write a story first and ask last: "Bà tôi 81 tuổi, không có lương hưu… Vậy xin hỏi bà có
được nhận trợ cấp không?". The story's words drown the question's for a bag-of-words classifier, so
the intent is read from the question part: the sentences that ask (a "?", or a question word at the
end), cut after the last "xin hỏi / cho tôi hỏi / vậy" that introduces it. The procedure is still
looked for in the whole message, before this cut.

Sentence ends are lost when the text is normalised (punctuation goes), so the normaliser leaves a
boundary token between sentences (`QUESTION_END` after a "?", `SENTENCE_END` otherwise) and
`focus()` reads and drops them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.nlu.normalize import normalize_folded

SENTENCE_END = "zzs"
QUESTION_END = "zzq"
BOUNDARIES = frozenset({SENTENCE_END, QUESTION_END})

# A period ends a sentence only before a space or the end: "H12.22-…", "1.000.000" and "5.8" stay whole.
_ENDS = re.compile(r"(\?+|[!;\n…]+|\.(?=\s|$))")
# Tokens that make a sentence a question when it has no "?" (speech and quick typing drop it).
_QUESTION_LAST = frozenset({"khong", "chua", "gi", "nao", "dau", "sao", "a", "nhi", "ha", "vay"})
_QUESTION_ANY = frozenset({"gi", "nao", "dau", "sao", "bao", "hoi"})
# "Tôi muốn hỏi bố tôi bị suy giảm 82% sức lao động." introduces the story, not a question: a sentence
# whose only sign of asking is "hỏi" counts only when no other sentence asks.
_ONLY_INTRODUCES = frozenset({"hoi"})
# Words that introduce the question itself ("vậy xin hỏi …", "cho tôi hỏi là …").
_ASK = frozenset({"hoi"})
_ASK_BEFORE = frozenset({"xin", "cho", "muon", "can", "duoc"})
_THEN = "vay"
MIN_QUESTION_TOKENS = 3
# "nếu được / nếu có / nếu đúng / nếu vậy …": what follows depends on the answer to what came before.
_CONDITIONS = frozenset({"duoc", "co", "dung", "vay", "khong", "the"})


def with_boundaries(text: str) -> str:
    """Normalised, folded text with a boundary token after every sentence but the last (after the
    last too when it ends with a "?")."""
    parts = _ENDS.split(text)
    out: list[str] = []
    for i in range(0, len(parts), 2):
        words = normalize_folded(parts[i])
        if not words:
            continue
        end = parts[i + 1] if i + 1 < len(parts) else ""
        out.append(words)
        out.append(QUESTION_END if "?" in end else SENTENCE_END)
    if out and out[-1] == SENTENCE_END:
        out.pop()  # nothing after the last sentence; a final "?" is kept: that sentence asks
    return " ".join(out)


def _sentences(tokens: Sequence[str]) -> list[tuple[list[str], bool]]:
    sentences: list[tuple[list[str], bool]] = []
    current: list[str] = []
    for token in tokens:
        if token in BOUNDARIES:
            if current:
                sentences.append((current, token == QUESTION_END))
            current = []
        else:
            current.append(token)
    if current:
        sentences.append((current, False))
    return sentences


# Folded, some question words are also parts of everyday words: "bản sao" (copy), "bảo hiểm",
# "lần đầu", "đau ốm". These neighbours make them not a question.
_NOT_ASKING = {
    "bao": lambda before, after: after not in ("nhieu", "lau", "gio"),
    "sao": lambda before, after: before == "ban" or after in ("y", "luc", "chep"),
    "dau": lambda before, after: before in ("lan", "ban", "bat", "dung", "hang", "dang", "nhuc", "om"),
}


def _question_word(words: list[str], i: int, allowed: frozenset[str]) -> bool:
    word = words[i]
    if word not in allowed:
        return False
    not_asking = _NOT_ASKING.get(word)
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return not_asking is None or not not_asking(before, after)


def _asks(words: list[str], marked: bool, strictly: bool = False) -> bool:
    allowed = _QUESTION_ANY - _ONLY_INTRODUCES if strictly else _QUESTION_ANY
    return (marked or _question_word(words, len(words) - 1, _QUESTION_LAST)
            or any(_question_word(words, i, allowed) for i in range(len(words))))


def _after_ask(words: list[str]) -> list[str]:
    """The words after the last "… hỏi" or "vậy" that leaves a question of its own behind it."""
    for i in range(len(words) - MIN_QUESTION_TOKENS - 1, -1, -1):
        word = words[i]
        if word == _THEN or (word in _ASK and _ASK_BEFORE.intersection(words[max(0, i - 2) : i])):
            return words[i + 1 :]
    return words


def questions(tokens: Sequence[str]) -> list[list[str]]:
    """The questions of the message, in order: its asking sentences (the first cut after its "xin
    hỏi"), each split before a conditional follow-up ("… có được không, nếu được thì làm ở đâu")."""
    sentences = _sentences(tokens)
    if len(sentences) > 1:
        asking = ([words for words, marked in sentences if _asks(words, marked, strictly=True)]
                  or [words for words, marked in sentences if _asks(words, marked)])
        sentences = [(w, True) for w in asking] or sentences
    out: list[list[str]] = []
    for index, (words, _) in enumerate(sentences):
        out.extend(_split_conditional(_after_ask(words) if index == 0 else words))
    return [q for q in out if q]


# Speech recognition writes no "?": "… có được nhận không mức trợ cấp bao nhiêu". After a "không" or
# "chưa" that ends a yes/no question, these words start the next question; a "không" that negates
# ("không có", "không phải") is never followed by them.
_YES_NO_ENDS = frozenset({"khong", "chua"})
_NEXT_QUESTION = frozenset({
    ("muc",), ("le", "phi"), ("chi", "phi"), ("thu", "tuc"), ("ho", "so"), ("giay", "to"),
    ("thoi", "gian"), ("thoi", "han"), ("ngoai", "ra"), ("va", "neu"), ("neu",), ("tai", "sao"), ("vi", "sao"),
    ("can", "nhung"), ("lam", "o"), ("o", "dau"), ("mat", "bao"),
})
_NEXT_SIZES = sorted({len(p) for p in _NEXT_QUESTION}, reverse=True)


def _next_question_at(words: list[str], i: int) -> bool:
    """Whether a question ended at words[i - 1] and another starts at words[i]."""
    return (i > 1 and words[i - 1] in _YES_NO_ENDS and "co" in words[: i - 1]
            and any(tuple(words[i : i + n]) in _NEXT_QUESTION for n in _NEXT_SIZES))


def _split_conditional(words: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for i, word in enumerate(words):
        conditional = word == "neu" and i + 1 < len(words) and words[i + 1] in _CONDITIONS
        if parts[-1] and (conditional or _next_question_at(words, i)):
            parts.append([])
        parts[-1].append(word)
    return parts


def focus(tokens: Sequence[str]) -> list[str]:
    """The tokens of the question part, boundary tokens removed."""
    return [word for question in questions(tokens) for word in question]
