"""Personal data out of logs and reports: what is redacted, what must stay, and the logging filter."""

from __future__ import annotations

import io
import logging
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.redact import (
    CASE_CODE,
    EMAIL,
    ID_NUMBER,
    NAME,
    PHONE,
    RedactingFilter,
    install_log_redaction,
    redact,
)


@pytest.mark.parametrize("phone", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "091 234 5678", "+84 912 345 678",
    "+84912345678", "84912345678", "0123 456 789", "024 3825 1234", "(024) 3825 1234", "02438251234",
    "+84 24 3825 1234", "09 12 34 56 78", "09.12.34.56.78",
])
def test_phone_numbers(phone: str) -> None:
    assert redact(f"số của tôi {phone} gọi giúp") == f"số của tôi {PHONE} gọi giúp"
    assert redact(phone) == PHONE
    assert redact(f"sđt:{phone}.") == f"sđt:{PHONE}."


@pytest.mark.parametrize("number", [
    "001099012345", "001 099 012 345", "0010 9901 2345", "079203001234",  # CCCD, 12 digits
    "123456789", "123 456 789",  # old CMND, 9 digits
    "DN4010123456789", "dn4010123456789", "GD 4 01 0123456789", "HS4790123456789",  # BHYT cards
])
def test_id_numbers(number: str) -> None:
    assert redact(f"căn cước {number} bị mất") == f"căn cước {ID_NUMBER} bị mất"
    assert redact(f"số {number} để làm gì") == f"số {ID_NUMBER} để làm gì"


@pytest.mark.parametrize("code", [
    "H12.22-251103-0042", "000.00.21.H12-251104-0007", "h12.22-251103-0042", "H12.22 - 251103 - 0042",
    "000.00.21.h12 -251104- 0007",
])
def test_application_codes(code: str) -> None:
    assert redact(f"hồ sơ {code} đến đâu rồi") == f"hồ sơ {CASE_CODE} đến đâu rồi"


@pytest.mark.parametrize("email", ["an.nguyen@gmail.com", "h_hen.nie+ubnd@xa-ea-tul.gov.vn", "A1@B.VN"])
def test_emails(email: str) -> None:
    assert redact(f"gửi vào {email} nhé") == f"gửi vào {EMAIL} nhé"


@pytest.mark.parametrize(("text", "expected"), [
    ("tên tôi là Nguyễn Văn An, hỏi khai sinh", f"tên tôi là {NAME}, hỏi khai sinh"),
    ("Tôi tên là H'Hen Niê", f"Tôi tên là {NAME}"),
    ("tôi tên Y'Bih Ksor cần làm căn cước", f"tôi tên {NAME} cần làm căn cước"),
    ("con tôi tên Nguyễn Thị Bình mới sinh", f"con tôi tên {NAME} mới sinh"),
    ("họ và tên: Trần Thị Mai", f"họ và tên: {NAME}"),
    ("tôi là Lê Văn Tám ở thôn 3", f"tôi là {NAME} ở thôn 3"),
    ("tên con là Ksor H’Luyên", f"tên con là {NAME}"),
    # without diacritics, as many people type
    ("ten toi la Nguyen Van An", f"ten toi la {NAME}"),
    ("toi ten la H'Hen Nie can lam khai sinh", f"toi ten la {NAME} can lam khai sinh"),
    ("con toi ten Y'Bih", f"con toi ten {NAME}"),
])
def test_introduced_names(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_decomposed_unicode_is_redacted_too() -> None:
    text = unicodedata.normalize("NFD", "tên tôi là Nguyễn Văn An, số 0912345678")
    assert redact(text) == f"tên tôi là {NAME}, số {PHONE}"


def test_everything_at_once_without_diacritics() -> None:
    text = "ten toi la Nguyen Van An, sdt 0912.345.678, cccd 001099012345, ho so H12.22-251103-0042, mail a@b.vn"
    assert redact(text) == (
        f"ten toi la {NAME}, sdt {PHONE}, cccd {ID_NUMBER}, ho so {CASE_CODE}, mail {EMAIL}"
    )


@pytest.mark.parametrize("text", [
    "ngày 12/03/2025", "hẹn 2025-03-12 lấy kết quả", "12.03.2025", "1/3/25", "03-12-2025 14 giờ",
    "lệ phí 50.000 đồng", "100000đ", "1.500.000 đồng", "500 000 000 đồng", "500.000.000 đồng",
    "phạt 200000000 vnđ", "2 bản", "con 6 tuổi", "năm 2025", "từ 2024 đến 2025", "8 giờ 30", "08:30",
    "tôi tên là gì", "tôi là người dân", "tên là gì cũng được", "làm giấy khai sinh cần gì",
    "thời gian 15 ngày làm việc", "số 12 đường 3/2", "mẫu TK01 và CT01",
    "2026-11-21 13:37:12 INFO confidence 0.9815440047282268 took 1795268254.4189425",
])
def test_things_that_stay(text: str) -> None:
    assert redact(text) == text


def test_empty_and_plain() -> None:
    assert redact("") == ""
    assert redact("cảm ơn") == "cảm ơn"


# --- properties -----------------------------------------------------------------------------

_words = st.text(alphabet="abcdeghiklmnopqrstuvxyàáâãèéêìíòóôõùúýăđĩũơưạảấầẩậắằặẹẻẽếềểệỉịọỏốồổộớờởợụủứừửữựỳỵỷỹ ,.?!",
                 min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_no_crash_and_idempotent(text: str) -> None:
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 .-/+()@abcHDNGđồngtênTôiLàAn:'\n"), max_size=80))
def test_idempotent_on_digit_heavy_text(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


def _full_scan(text: str) -> str:
    """redact() without its shortcuts (pre-checks, starting the number scan late)."""
    from bot.privacy import redact as module

    text = unicodedata.normalize("NFC", text)
    while True:
        new = module._EMAILS.sub(EMAIL, text)
        new = module._DIGITS.sub(module._replace_number, new)
        new = module._NAMES.sub(module._replace_name, new)
        if new == text:
            return text
        text = new


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 .-()+@aHDNGđtênTôiLàAn:\n"), max_size=60), _words)
def test_shortcuts_change_nothing(text: str, words: str) -> None:
    assert redact(words + " " + text) == _full_scan(words + " " + text)


# How people write a 10-digit number: digit groups (sizes) joined by one separator.
_GROUPINGS = [(10,), (4, 3, 3), (3, 3, 4), (4, 6), (2, 2, 2, 2, 2), (3, 4, 3), (4, 2, 2, 2)]


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(_words, max_size=5),
    after=st.lists(_words, max_size=5),
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    grouping=st.sampled_from(_GROUPINGS),
    separator=st.sampled_from([" ", ".", "-"]),
)
def test_generated_phone_never_survives(
    before: list[str], after: list[str], digits: str, grouping: tuple[int, ...], separator: str
) -> None:
    number = "0" + digits
    groups, at = [], 0
    for size in grouping:
        groups.append(number[at:at + size])
        at += size
    out = redact(" ".join([*before, separator.join(groups), *after]))
    assert number not in "".join(ch for ch in out if ch.isdigit())
    assert PHONE in out or ID_NUMBER in out


# --- logging --------------------------------------------------------------------------------

def _logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_filter_redacts_formatted_message_once() -> None:
    logger, stream = _logger("caunoi.test.redact")
    flt = RedactingFilter()
    logger.handlers[0].addFilter(flt)
    second = logging.StreamHandler(io.StringIO())
    second.addFilter(flt)
    logger.addHandler(second)
    logger.info("user %s said %r", "u1", "số tôi 0912345678, tên tôi là Nguyễn Văn An")
    line = stream.getvalue()
    assert "0912345678" not in line and "Nguyễn" not in line
    assert f"INFO caunoi.test.redact user u1 said 'số tôi {PHONE}, tên tôi là {NAME}'" in line
    assert second.stream.getvalue().strip() == "user u1 said 'số tôi [SĐT], tên tôi là [TÊN]'"


def test_filter_redacts_exception_text() -> None:
    logger, stream = _logger("caunoi.test.redact_exc")
    logger.handlers[0].addFilter(RedactingFilter())
    try:
        raise ValueError("bad message from 0912 345 678")
    except ValueError:
        logger.exception("failed for cccd %s", "001099012345")
    out = stream.getvalue()
    assert "0912 345 678" not in out and "001099012345" not in out
    assert f"failed for cccd {ID_NUMBER}" in out and f"bad message from {PHONE}" in out
    assert "Traceback" in out


def test_install_log_redaction_on_root_handlers() -> None:
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    child = logging.getLogger("bot.some.module")
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        flt = install_log_redaction()
        assert install_log_redaction() is flt  # a second call adds nothing
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("rasa").filters)
        child.warning("email %s phone %s", "an@gmail.com", "+84 912 345 678")
        assert stream.getvalue().strip() == f"email {EMAIL} phone {PHONE}"
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name in ("", "rasa", "bot", "sanic", "aiohttp"):
            logger = logging.getLogger(name)
            for f in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
                logger.removeFilter(f)
            for h in logger.handlers:
                for f in [f for f in h.filters if isinstance(f, RedactingFilter)]:
                    h.removeFilter(f)


def test_every_log_record_is_redacted_whatever_handler_writes_it() -> None:
    import io
    import logging

    from bot.privacy.redact import redact_every_log_record

    before = logging.getLogRecordFactory()
    try:
        redact_every_log_record()
        redact_every_log_record()  # twice: still one layer
        out = io.StringIO()
        logger = logging.getLogger("caunoi.test.factory")
        logger.addHandler(logging.StreamHandler(out))  # a handler added afterwards, as libraries do
        logger.warning("gọi %s, mã %s", "0912 345 678", "H12.22-251103-0042")
        assert out.getvalue().strip() == "gọi [SĐT], mã [MÃ HỒ SƠ]"
    finally:
        logging.setLogRecordFactory(before)
