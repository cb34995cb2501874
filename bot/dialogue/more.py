""""Xem thêm": the rest of a long list of papers, a page at a time.

A portal record can list thirty papers; the documents answer shows the first five and a button for
the rest. People also type it ("xem thêm", "còn nữa không"), which the classifier cannot know means
"the next page" (it reads "xem thêm" as a goodbye), so those few words are recognised here, and only
right after a list that has more.
"""

from __future__ import annotations

from bot.dialogue.intents import Intent
from bot.dialogue.reply import payload
from bot.nlu.normalize import normalize_folded

# Whole messages (folded, punctuation dropped) that ask for the next page of the list just shown.
MORE_PHRASES = frozenset(normalize_folded(p) for p in (
    "xem thêm", "xem tiếp", "xem thêm giấy tờ", "xem hết", "xem nữa", "thêm nữa", "tiếp", "tiếp đi",
    "còn nữa", "còn nữa không", "còn gì nữa", "còn gì nữa không", "còn giấy gì nữa", "còn giấy gì nữa không",
    "còn giấy tờ gì nữa", "còn giấy tờ gì nữa không", "giấy tờ khác", "các giấy tờ khác", "những giấy khác",
))
# Words around the request that do not change it ("cho tôi xem thêm nhé", "xem tiếp đi ạ").
_POLITE = frozenset(normalize_folded(w).strip() for w in (
    "cho", "tôi", "mình", "em", "cháu", "con", "xin", "ạ", "à", "nhé", "nha", "nhá", "đi", "với", "ơi", "bạn", "ad",
    "vậy", "thế", "được", "không",
))
ENTITY = "more"  # the button's entity: the number of the first paper to show


def asks_for_more(text: str) -> bool:
    words = "".join(c if c.isalnum() or c.isspace() else " " for c in normalize_folded(text)).split()
    if " ".join(words) in MORE_PHRASES:
        return True
    while words and words[0] in _POLITE:
        words.pop(0)
    while words and words[-1] in _POLITE and " ".join(words) not in MORE_PHRASES:
        words.pop()
    return " ".join(words) in MORE_PHRASES


def more_button(title: str, procedure_id: str, start: int) -> dict[str, str]:
    """A button that asks for papers `start`… of this procedure, whatever was said in between."""
    return {"title": title, "payload": payload(Intent.ASK_DOCUMENTS, procedure_id, **{ENTITY: str(start)})}
