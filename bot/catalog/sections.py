"""Cut one portal page into its sections.

The crawl's own fields (`trinh_tu_thuc_hien`, `thanh_phan_ho_so`, …) were cut by searching for the
next section's title, so a step that says "theo mục Thành phần hồ sơ" or a fee note that says
"(Căn cứ pháp lý: …)" ended a section early and pushed its rest into the next field (measured: 180
records of 2,642 have misplaced documents, 62 misplaced channels). The page text (`raw_text`) holds
every section in a fixed order, each title followed by its table header, so we cut it again here,
accepting a title only where the page structure allows it. Without a usable `raw_text` (another
crawler, a hand-made record) the crawl's fields are used as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CHANNELS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

_STEPS = "Trình Tự Thực Hiện"
_CHANNELS = "Cách Thức Thực Hiện" + CHANNELS_HEADER
_DOCUMENTS = "Thành phần hồ sơ"
_LEGAL = re.compile(r"Căn cứ pháp lý(?=" + LEGAL_HEADER + r"|Không có thông tin|Cơ quan thực hiện)")
_AUTHORITY = "Cơ quan thực hiện"
_CONDITIONS = "Yêu cầu, điều kiện thực hiện"
_RESULT = "Kết quả xử lý"
# A channel row: its kind glued to its time column (a number, "Không có thông tin", …).
CHANNEL_ROW = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|[A-ZĐ])")
_CODE = re.compile(r"Mã thủ tục\s*([0-9][0-9A-Za-z.\-]*[0-9A-Za-z])\s*Số quyết định")

FIELDS = {  # section → the crawl's field
    "steps": "trinh_tu_thuc_hien", "channels": "cach_thuc_thuc_hien", "documents": "thanh_phan_ho_so",
    "legal": "can_cu_phap_ly", "authority": "co_quan_thuc_hien", "conditions": "yeu_cau_dieu_kien",
    "result": "ket_qua_xu_ly",
}


@dataclass(frozen=True)
class Sections:
    steps: str = ""
    channels: str = ""  # starts with CHANNELS_HEADER when present
    documents: str = ""
    legal: str = ""
    authority: str = ""
    conditions: str = ""
    result: str = ""
    from_page: bool = False  # cut from raw_text (True) or taken from the crawl's fields


def page_code(raw: dict[str, Any]) -> str | None:
    """The code the page itself shows. The crawl filed 17 pages under codes that are not theirs
    (the same page saved as 1.002544, 2.001709, …), so the page's own code is the one to trust."""
    match = _CODE.search(str(raw.get("raw_text") or ""))
    return match.group(1) if match else None


def split_sections(raw: dict[str, Any]) -> Sections:
    page = str(raw.get("raw_text") or "")
    cut = _cut_page(page) if page else None
    if cut is not None:
        return cut
    return Sections(**{name: str(raw.get(key) or "") for name, key in FIELDS.items()})


def _cut_page(page: str) -> Sections | None:
    steps_at = page.find(_STEPS)
    channels_at = page.find(_CHANNELS, max(steps_at, 0))
    if steps_at < 0 or channels_at < 0:
        return None
    channels_start = channels_at + len("Cách Thức Thực Hiện")
    legal = _LEGAL.search(page, channels_start)
    if legal is None:
        return None
    middle = page[channels_start:legal.start()]  # the channels, then the documents
    documents_at = _documents_title(middle)
    if documents_at is None:
        return None
    legal_start = legal.end()
    authority_at = page.find(_AUTHORITY, legal_start)
    conditions_at = page.find(_CONDITIONS, max(authority_at, legal_start))
    if authority_at < 0 or conditions_at < 0:
        return None
    result_at = page.find(_RESULT, conditions_at)
    end_of_conditions = result_at if result_at >= 0 else _page_end(page, conditions_at)
    return Sections(
        steps=page[steps_at + len(_STEPS):channels_at],
        channels=middle[:documents_at],
        documents=middle[documents_at + len(_DOCUMENTS):],
        legal=page[legal_start:authority_at],
        authority=page[authority_at + len(_AUTHORITY):conditions_at],
        conditions=page[conditions_at + len(_CONDITIONS):end_of_conditions],
        result=page[result_at + len(_RESULT):] if result_at >= 0 else "",
        from_page=True,
    )


def _page_end(page: str, start: int) -> int:
    """Where the page's furniture after the last section begins ("Từ khóa…Chọn cơ quan thực hiện")."""
    found = [i for i in (page.find("Từ khóa", start), page.find("Chọn cơ quan thực hiện", start)) if i >= 0]
    return min(found, default=len(page))


def _documents_title(middle: str) -> int | None:
    """Where the documents section's title is: the first "Thành phần hồ sơ" after the last channel
    row (channel descriptions also mention it), before the first documents table (whose group
    captions do too)."""
    table_at = middle.find(DOCUMENTS_HEADER)
    limit = table_at if table_at >= 0 else len(middle)
    last_row = 0
    for row in CHANNEL_ROW.finditer(middle, 0, limit):
        last_row = row.end()
    found = middle.find(_DOCUMENTS, last_row, limit)
    if found < 0:  # a row-like line inside the last description: fall back to the first title
        found = middle.find(_DOCUMENTS, 0, limit)
    return found if found >= 0 else None
