"""Abbreviations and teencode seen in Vietnamese chat, mapped to their full words.

Keys are matched on whole tokens after lower-casing; values may be several words or empty
(an empty value drops vocatives such as "ad" that carry no meaning for the question).
"""

TEENCODE: dict[str, str] = {
    # negation / question particles
    "ko": "không", "k": "không", "kh": "không", "kg": "không", "khg": "không",
    "hok": "không", "hong": "không", "hông": "không", "hk": "không", "khum": "không",
    "khong": "không", "j": "gì", "ji": "gì", "gi": "gì", "z": "vậy", "v": "vậy",
    "zay": "vậy", "zậy": "vậy", "dzậy": "vậy", "vay": "vậy", "ntn": "như thế nào",
    "bn": "bao nhiêu", "bnh": "bao nhiêu", "nhiu": "nhiêu",
    "bh": "bao giờ", "bjo": "bao giờ", "bgio": "bao giờ", "bg": "bao giờ",
    # verbs and common words
    "dc": "được", "đc": "được", "dk": "đăng ký", "đk": "đăng ký", "dky": "đăng ký",
    "đky": "đăng ký", "kí": "ký", "ki": "ký", "lí": "lý", "lm": "làm", "mún": "muốn", "mun": "muốn", "bít": "biết",
    "bt": "biết", "r": "rồi", "rùi": "rồi", "ròi": "rồi", "trc": "trước", "vs": "với",
    "lun": "luôn", "đag": "đang", "dag": "đang", "ng": "người", "mn": "mọi người",
    "hs": "hồ sơ", "hso": "hồ sơ", "tt": "thủ tục", "ttuc": "thủ tục", "xn": "xác nhận",
    "ubnd": "ủy ban nhân dân", "ub": "ủy ban", "gks": "giấy khai sinh", "cm": "chứng minh",
    # people / pronouns / vocatives
    "mik": "mình", "mk": "mình", "mjk": "mình", "mh": "mình", "e": "em", "a": "anh",
    "c": "chị", "ad": "", "add": "", "admin": "", "ak": "à", "ah": "à", "uk": "ừ",
    "uh": "ừ", "oke": "ok", "okie": "ok", "okay": "ok",
    # thanks
    "tks": "cảm ơn", "thks": "cảm ơn", "thanks": "cảm ơn", "thank": "cảm ơn",
    "camon": "cảm ơn", "cámơn": "cảm ơn", "ty": "cảm ơn",
    # documents and agencies
    "cccd": "căn cước công dân", "cmnd": "chứng minh nhân dân", "cmt": "chứng minh thư",
    "cmtnd": "chứng minh thư nhân dân", "bhyt": "bảo hiểm y tế", "bhxh": "bảo hiểm xã hội",
    "sdt": "số điện thoại", "sđt": "số điện thoại", "dvc": "dịch vụ công",
    "dvcqg": "dịch vụ công quốc gia", "vneid": "vneid", "vnid": "vneid",
}
