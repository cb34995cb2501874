"""Everyday words for the national catalog's official terms: how villagers name a procedure, mapped to
the words the portal's procedure names use. A reviewed table, not guesses: an entry goes in only when
the everyday word means that official thing in a question about a procedure.

The query keeps its own words and gains the official ones ("làm sổ đỏ" also searches "giấy chứng
nhận quyền sử dụng đất"), so a word the table does not know still counts.
"""

from __future__ import annotations

from bot.nlu.normalize import normalize_folded

# everyday phrase (with diacritics, for reading) → official words added to the search
EVERYDAY: dict[str, str] = {
    # land and houses
    "sổ đỏ": "giấy chứng nhận quyền sử dụng đất",
    "sổ hồng": "giấy chứng nhận quyền sở hữu nhà ở quyền sử dụng đất",
    "bìa đỏ": "giấy chứng nhận quyền sử dụng đất",
    "làm sổ": "cấp giấy chứng nhận quyền sử dụng đất",
    "sang tên": "chuyển nhượng đăng ký biến động",
    "tách thửa": "tách thửa đất",
    "giấy phép xây nhà": "giấy phép xây dựng nhà ở",
    "xin phép xây nhà": "giấy phép xây dựng nhà ở",
    "xây nhà": "xây dựng nhà ở",
    "cho đất": "tặng cho quyền sử dụng đất",
    "tranh chấp đất": "tranh chấp đất đai",
    # vehicles and driving
    "xe máy": "xe",
    "xe mô tô": "xe",
    "bằng lái": "giấy phép lái xe",
    "bằng lái xe": "giấy phép lái xe",
    "cà vẹt": "chứng nhận đăng ký xe",
    "cavet": "chứng nhận đăng ký xe",
    "biển số": "biển số xe",
    "giấy đăng ký xe": "chứng nhận đăng ký xe",
    "sang tên xe": "đăng ký sang tên xe",
    # family and civil status
    "nhận con": "nhận cha mẹ con",
    "nhận cha": "nhận cha mẹ con",
    "nhận bố": "nhận cha mẹ con",
    "con nuôi": "nuôi con nuôi",
    "người giám hộ": "giám hộ",
    "bản sao giấy khai sinh": "cấp bản sao trích lục hộ tịch",
    # identity and papers
    "chứng minh thư": "căn cước",
    "hộ khẩu": "thường trú",
    "lý lịch": "phiếu lý lịch tư pháp",
    "hộ chiếu": "hộ chiếu phổ thông",
    # business and tax
    "mở quán": "đăng ký thành lập hộ kinh doanh",
    "mở tiệm": "đăng ký thành lập hộ kinh doanh",
    "buôn bán nhỏ": "hộ kinh doanh",
    "đóng cửa quán": "chấm dứt hoạt động hộ kinh doanh",
    "nghỉ bán": "chấm dứt hoạt động hộ kinh doanh",
    "không buôn bán nữa": "chấm dứt hoạt động hộ kinh doanh",
    "thuế đất": "thuế sử dụng đất",
    "thừa kế": "thừa kế",
    "mã số thuế": "mã số thuế",
    # certification
    "công chứng": "chứng thực",
    "hợp đồng": "giao dịch",
    "chuyển nhượng đất": "quyền sử dụng đất",
    "mua bán đất": "chuyển nhượng quyền sử dụng đất",
    "ký tên": "chứng thực chữ ký",
}


def _folded_table() -> list[tuple[tuple[str, ...], str]]:
    table = [(tuple(normalize_folded(k).split()), normalize_folded(v)) for k, v in EVERYDAY.items()]
    return sorted(table, key=lambda item: -len(item[0]))


_TABLE = _folded_table()


def everyday_phrases(folded: list[str]) -> list[tuple[tuple[str, ...], list[str]]]:
    """The everyday phrases in `folded` (normalised, folded tokens), each with the official words it
    stands for; one phrase per word, the longest first."""
    found: list[tuple[tuple[str, ...], list[str]]] = []
    i = 0
    while i < len(folded):
        match = next(((p, o) for p, o in _TABLE if tuple(folded[i : i + len(p)]) == p), None)
        if match:
            found.append((match[0], match[1].split()))
            i += len(match[0])
        else:
            i += 1
    return found


def official_words(folded: list[str]) -> list[str]:
    """The official words the everyday phrases in `folded` stand for."""
    return [word for _, official in everyday_phrases(folded) for word in official]
