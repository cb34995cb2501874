"""The stages an application goes through, in plain words for the person who filed it.

One-stop systems name stages differently ("Chờ bổ sung", "Yêu cầu bổ sung", "Đã trả"...) and staff type
them with or without diacritics: `parse_stage` maps all of these to our six ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    id: str
    label: str  # a few words, shown as the status
    explanation: str  # one short sentence: what it means
    next_step: str  # one or two short sentences: what the person does now


_STAGES = (
    Stage("da_tiep_nhan", "Đã tiếp nhận", "Xã đã nhận hồ sơ của bạn.", "Bạn chờ đến ngày hẹn trả."),
    Stage("dang_xu_ly", "Đang xử lý", "Cán bộ đang giải quyết hồ sơ của bạn.",
          "Bạn chờ đến ngày hẹn trả. Bạn chưa cần làm gì thêm."),
    Stage("can_bo_sung", "Cần bổ sung", "Hồ sơ còn thiếu giấy tờ.",
          "Bạn mang giấy tờ còn thiếu đến Bộ phận Một cửa của xã. Xem ghi chú."),
    Stage("da_co_ket_qua", "Đã có kết quả", "Hồ sơ đã xong. Bạn đến lấy kết quả được rồi.",
          "Bạn mang giấy hẹn và căn cước đến Bộ phận Một cửa của xã để nhận kết quả."),
    Stage("da_tra_ket_qua", "Đã trả kết quả", "Bạn đã nhận kết quả rồi.", "Bạn không cần làm gì thêm."),
    Stage("tu_choi", "Bị từ chối", "Hồ sơ không được giải quyết.",
          "Lý do ở phần ghi chú. Bạn hỏi Bộ phận Một cửa của xã nếu chưa rõ."),
)
STAGES: dict[str, Stage] = {s.id: s for s in _STAGES}
# Where a file ends: nothing more will happen to it (no due date shown, no notices offered; `caunoi purge`
# removes its subscriptions once this last change is older than the retention period).
FINAL_STAGES = ("da_tra_ket_qua", "tu_choi")


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), words separated by single spaces: how we compare names."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[\s_\-.,:;/]+", " ", text).split())


# Names seen in commune exports and typed by staff, folded. Ids fold to their own label ("da tiep nhan").
_ALIASES = {
    "da_tiep_nhan": ("da tiep nhan", "moi tiep nhan", "tiep nhan", "da nhan", "moi nhan", "cho xu ly"),
    "dang_xu_ly": ("dang xu ly", "xu ly", "dang giai quyet", "dang thu ly", "dang tham dinh"),
    "can_bo_sung": ("can bo sung", "cho bo sung", "yeu cau bo sung", "bo sung", "bo sung ho so",
                    "can bo sung ho so", "dang bo sung"),
    "da_co_ket_qua": ("da co ket qua", "co ket qua", "cho tra ket qua", "cho tra", "cho nhan ket qua"),
    "da_tra_ket_qua": ("da tra ket qua", "da tra", "tra ket qua", "da nhan ket qua"),
    "tu_choi": ("tu choi", "bi tu choi", "da tu choi", "khong giai quyet", "tu choi giai quyet"),
}
_BY_NAME = {fold(s.label): s.id for s in _STAGES} | {alias: sid for sid, names in _ALIASES.items() for alias in names}


def parse_stage(value: str) -> str | None:
    """The stage id for an id or a Vietnamese stage name (any case, diacritics or not); None if unknown."""
    if not isinstance(value, str):
        return None
    return _BY_NAME.get(fold(value))
