"""The portal's "Thành phần hồ sơ" table: which papers to bring, how many, with which form.

Flattened, a table is `[caption]Tên giấy tờMẫu đơn, tờ khaiSố lượng` then rows glued together,
each `<name>[<form file>…]<count>`:

    --Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai thay đổi thông tin cư trúMẫu CT01.docx1 bản chính…

A record may hold several tables, one per case ("Trường hợp ủy quyền cho cá nhân…:"); a caption
sits just before its header, glued to the last count of the table before. A count is "1 bản chính",
"0 bản chính,1 bản sao" or "1 bản sao", glued to the cell before it: a count written inside a name,
"(01 bản chính hoặc 01 bản sao)", follows a space or a parenthesis and is left alone, and a count
glued to a name that ends in a number takes one digit ("…ngày 16/11/20181 bản chính").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.catalog.legal import AGENCIES
from bot.catalog.model import Document
from bot.catalog.sections import DOCUMENTS_HEADER
from bot.catalog.text import one_line

# The count column: "1 bản chính", "0 bản chính,1 bản sao", "1 bản sao", glued to the cell before.
_COUNT = re.compile(r"(\d{1,2}) bản chính(?:,\s?(\d+) bản sao)?|(\d{1,2}) bản sao")
# The header as some records paste it, tab-separated and with two more columns.
_SPACED_HEADER = re.compile(
    r"Tên giấy tờ\s+Mẫu đơn, tờ khai\s+Số lượng(?:\s+Biểu mẫu điện tử)?(?:\s+Kết quả thay thế)?"
)
_FILE = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|rar|zip|odt|rtf)(?-i:(?![a-z]))", re.IGNORECASE)
# How a form's file name starts, when it is glued to the paper's name.
_FILE_START = re.compile(
    r"(?:mẫu|mau|phụ lục|phu luc|phlc|pl(?:\d|\s)|đơn|don|bm|biểu mẫu|bieu mau|tờ khai|to khai|\d)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-+*•–]\s*|\(?[0-9]{1,2}[.)]\s*(?=\S)|\(?[a-zđ][).]\s+|\([ivx]{1,4}\)\s*)+")


def parse_documents(text: str) -> tuple[Document, ...] | None:
    """Every paper of every table; None when there is no row we can read (no table, or prose only)."""
    tables = _SPACED_HEADER.sub(DOCUMENTS_HEADER, text).split(DOCUMENTS_HEADER)
    if len(tables) < 2:
        return None
    documents: list[Document] = []
    caption = _caption(tables[0])
    for body in tables[1:]:
        rows, tail = _rows(body)
        case = caption
        for cell, copies in rows:
            name, forms = _split_forms(cell)
            name = _name(name)
            if name is None:
                continue
            if copies is None and name.endswith(":"):
                case = _caption(name)  # a row that is a heading for the rows after it
                continue
            documents.append(Document(name=name, copies=copies, forms=forms, case=case))
        caption = _caption(tail)
    return tuple(documents) or None


def _rows(body: str) -> tuple[list[tuple[str, str | None]], str]:
    """[(cell, readable count)] and the text after the last count (the next table's caption)."""
    rows = []
    start = 0
    for m in _COUNT.finditer(body):
        begin = m.start()
        count = m.group(1) or m.group(3)
        if begin > start and body[begin - 1] in " (\n" and len(count) == 2 and count[0] != "0":
            begin += 1  # "…bước 11 bản chính": the name's "bước 1", then "1 bản chính"
        elif begin == start or body[begin - 1] in " (\n":
            continue  # a count written inside a name: "(01 bản chính hoặc 01 bản sao)"
        if body[begin - 1].isdigit():  # "…ngày 16/11/20181 bản chính": "…/2018" and "1 bản chính"
            begin = m.end(1 if m.group(1) else 3) - 1
        originals = int(body[begin:m.end(1)]) if m.group(1) else 0
        copies = int(m.group(2) or 0) if m.group(1) else int(body[begin:m.end(3)])
        rows.append((body[start:begin], _copies(originals, copies)))
        start = m.end()
    return rows, body[start:]


def _copies(originals: int, copies: int) -> str | None:
    parts = [f"{n} {kind}" for n, kind in ((originals, "bản chính"), (copies, "bản sao")) if n]
    return " và ".join(parts) or None


def _split_forms(cell: str) -> tuple[str, tuple[str, ...]]:
    """("Tờ khai…", ("Mẫu CT01.docx",)) from "Tờ khai…Mẫu CT01.docx": the form files glued to the end."""
    ends = [m.end() for m in _FILE.finditer(cell)]
    if not ends or ends[-1] != len(cell.rstrip()):
        return cell, ()
    start = _first_file_start(cell, ends[0])
    if start is None:
        # Nothing glued: a cell that is only a file name ("Mẫu số 01.docx") names the paper by its
        # form; otherwise the file name cannot be told from the paper's name and stays in it.
        if " " in cell[:ends[0]].strip() and not _FILE_START.match(cell.strip()):
            return cell, ()
        start = 0
    names = []
    begin = start
    for end in ends:
        if end > start:
            names.append(cell[begin:end].strip())
            begin = end
    return cell[:start], tuple(n for n in names if _FILE.sub("", n).strip(" ._-"))


def _first_file_start(cell: str, file_end: int) -> int | None:
    """Where the first file name begins: the leftmost point, within the 150 characters before its
    extension, where the text is glued without a space and what follows looks like a file name:
    after punctuation ("…2026.Mau 1b.docx"), at a lower-to-upper change ("theo mẫuPhụ lục.pdf"), at
    a form word or number glued to a word ("hết hạnmau so 20.doc", "chăn nuôi08.pdf"), after an
    agency code ("TT-BNNMTThuyết minh.docx") or after a whole Vietnamese syllable ("quy địnhtờ
    trình.docx": no syllable goes on like that)."""
    space = cell.rfind(" ", 0, max(0, file_end - 150))
    syllable_breaks = _syllable_breaks(cell, max(space + 1, 0), file_end)
    for i in range(max(space + 1, 1), file_end - 4):
        before, here = cell[i - 1], cell[i]
        if before.isspace() or here.isspace() or not (before.isalnum() or before in ".;:),”\"’"):
            continue
        if before.isdigit():  # "Mẫu 57Mau 57.docx"
            glued = here.isupper() and _FILE_START.match(cell, i) is not None
        elif before == "." and cell[i - 2:i - 1].isdigit():  # "2026.Mau 1b.docx", not "06.QLT"
            glued = here.isalpha() and (cell[i + 1:i + 2].islower() or _FILE_START.match(cell, i) is not None)
        elif before in ".;:),”\"’":
            glued = here.isalnum() or here in "~$_"
        elif before.islower() and here.isupper():
            glued = True
        elif before.islower() and here.isdigit():  # "chăn nuôi08.pdf", but not "cỡ 4x6 cm"
            glued = cell[i - 2:i - 1].isalpha()
        elif before.isupper() and here.isupper():
            glued = _capitals_glued(cell, i)
        elif before.isupper() and here.isdigit():  # "NĐ-CP3 Mẫu số 07.docx"
            glued = _agency_code_before(cell, i)
        elif before.isupper() and here.islower() and _agency_code_before(cell, i):  # "TT-BNNMTthuyết minh"
            glued = cell[i - 2:i + 1] != "TTg"  # QĐ-TTg is a code
        else:
            glued = here.isalpha() and (i in syllable_breaks or _FILE_START.match(cell, i) is not None)
        if glued:
            return i
    return None


def _capitals_glued(cell: str, i: int) -> bool:
    """A file name in capitals or title case glued to capitals: "TT-BCAThông tư.docx", "nhóm
    IVMau 02.doc", "NĐ-CPBC tom tat.docx" (CP is a known agency code), "GMSGMS - Gia hạn.docx" (a
    code said twice); not "Tthuyết", not inside "BNNMT"."""
    run_start = i
    while run_start > 0 and cell[run_start - 1].isupper():
        run_start -= 1
    run_end = i
    while run_end < len(cell) and cell[run_end].isupper():
        run_end += 1
    run, whole = cell[run_start:i], cell[run_start:run_end]
    agency = _agency_code_before(cell, i)
    form_word = _FILE_START.match(cell, i) is not None
    title_case = cell[i + 1:i + 2].islower() and _base(cell[i + 1]) != _base(cell[i])
    known = next((a for a in AGENCIES if whole.startswith(a)), None)
    return (
        (title_case and (agency or form_word))
        or (agency and form_word)
        or (agency and known is not None and run == known and len(whole) > len(known))
        or (len(run) >= 2 and cell.startswith(run, i))
    )


def _agency_code_before(cell: str, i: int) -> bool:
    """"…/TT-BNNMT" ends just before i: a legal document's number, never part of a file name."""
    return re.search(r"/\d{4}/(?:[A-ZĐ]+-)*[A-ZĐ]+$", cell[max(0, i - 40):i]) is not None


_VOWELS = set("aeiouy")
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")


@lru_cache(maxsize=4096)
def _base(ch: str) -> str:
    return "d" if ch in "đĐ" else unicodedata.normalize("NFD", ch)[0].lower()


_WORD = re.compile(r"[^\W\d_]+")


def _syllable_breaks(cell: str, start: int, end: int) -> set[int]:
    """Points inside words where a whole Vietnamese syllable (consonants, vowels, a final consonant
    group) carrying a mark (so not an English or unaccented word) is followed by more letters:
    "địnhtờ" breaks after "định"."""
    breaks = set()
    for word in _WORD.finditer(cell, start, end):
        text = word.group()
        if len(text) < 3 or text.isascii():
            continue
        j = 0
        while j < len(text) and _base(text[j]) not in _VOWELS:
            j += 1
        if j == len(text):
            continue
        while j < len(text) and _base(text[j]) in _VOWELS:
            j += 1
        following = "".join(_base(c) for c in text[j:j + 2])
        j += next((len(c) for c in _CODAS if following.startswith(c)), 0)
        if j < len(text) and not text[:j].isascii():
            breaks.add(word.start() + j)
    return breaks


def _name(text: str) -> str | None:
    name = one_line(text)
    if name is None:
        return None
    name = _BULLET.sub("", name.lstrip(".,;:)]} ")).strip(" ;,")
    if not any(ch.isalpha() for ch in name):
        return None
    if name.endswith(".") and not name.endswith(".."):
        name = name[:-1]
    return name or None


def _caption(text: str) -> str | None:
    caption = one_line(text.replace("--", " "))
    if caption is None:
        return None
    caption = _BULLET.sub("", caption).strip(" ;,.")
    return caption or None
