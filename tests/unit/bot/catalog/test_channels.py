"""bot/catalog/channels.py: the "Cách thức thực hiện" table (channel, time, fee, notes)."""

from __future__ import annotations

from bot.catalog.channels import parse_channels
from bot.catalog.model import Channel

H = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def test_glued_rows_become_one_channel_each_with_readable_time_and_fee() -> None:
    table = (H + "Trực tiếp5 Ngày làm việcLệ phí : 8.000 Đồng (Miễn cho hộ nghèo)Nộp tại Ủy ban nhân dân xã."
             "Dịch vụ bưu chính5 Ngày làm việc200,000 Việt Nam Đồng(200.000đ/lần cấp.)"
             "Trực tuyến15 NgàyMiễn phí")
    assert parse_channels(table) == (
        Channel("in_person", "5 ngày làm việc", "Lệ phí 8.000 đồng", "Miễn cho hộ nghèo",
                "Nộp tại Ủy ban nhân dân xã."),
        Channel("post", "5 ngày làm việc", "200.000 đồng", "200.000đ/lần cấp."),
        Channel("online", "15 ngày", "Miễn phí"),
    )


def test_several_labelled_fees_and_an_empty_amount() -> None:
    table = H + ("Trực tiếp5 Ngày làm việcLệ phí : 20.000 Đồng (chứng chỉ); \n- Lệ phí : 50.000 Đồng (chứng nhận)"
                 "Trực tuyến3 Ngày làm việcMiễn phí(Lệ phí : Đồng (- Mức lệ phí do Hội đồng nhân dân tỉnh quyết định))")
    in_person, online = parse_channels(table)
    assert (in_person.fee, in_person.fee_note) == ("Lệ phí 20.000 đồng; Lệ phí 50.000 đồng", "chứng chỉ; chứng nhận")
    assert (online.fee, online.fee_note) == ("Miễn phí", "- Mức lệ phí do Hội đồng nhân dân tỉnh quyết định")


def test_a_time_without_unit_is_none_unless_the_rows_note_says_it() -> None:
    table = H + "Trực tuyến1Miễn phíDịch vụ bưu chính5Miễn phí05 ngày làm việc, kể từ ngày nhận đủ hồ sơ."
    online, post = parse_channels(table)
    assert online.time is None  # "1": days or hours, the portal does not say
    assert post.time == "5 ngày làm việc"


def test_a_unitless_time_glued_to_an_amount_is_split_off() -> None:
    table = H + "Trực tuyến1100,000 VNĐ(- Phí công bố: 100.000 đồng/lần)Trực tiếp2140,000 VNĐ"
    online, in_person = parse_channels(table)
    assert (online.time, online.fee) == (None, "100.000 đồng")
    assert in_person.fee == "140.000 đồng"


def test_an_amount_entered_in_thousands_falls_back_to_the_notes_amount() -> None:
    with_note, without = parse_channels(H + "Trực tuyến15 Ngày20 VNĐ(20.000 vnđ /tờ khai)Trực tiếp15 Ngày20 VNĐ")
    assert (with_note.fee, with_note.fee_note) == ("20.000 đồng/tờ khai", "20.000 vnđ /tờ khai")
    assert without.fee is None  # never "20 đồng"


def test_no_information_and_a_sentence_for_a_time() -> None:
    table = (H + "Trực tuyếnKhông có thông tin8,000 VNĐ"
             "Trực tiếpKhông phải trả kết quả cho người nộp thuếMiễn phíBằng phương thức điện tử.")
    a, b = parse_channels(table)
    assert (a.time, a.fee) == (None, "8.000 đồng")
    assert (b.time, b.fee, b.note) == (
        "Không phải trả kết quả cho người nộp thuế", "Miễn phí", "Bằng phương thức điện tử.")


def test_a_description_mentioning_a_channel_is_not_a_row() -> None:
    table = H + "Trực tiếp3 Ngày làm việcMiễn phí+ Trực tiếp: nộp tại trụ sở. + Trực tuyến: qua Cổng."
    (only,) = parse_channels(table)
    assert only.note == "+ Trực tiếp: nộp tại trụ sở. + Trực tuyến: qua Cổng."


def test_a_table_without_rows_is_none() -> None:
    assert parse_channels(H) is None
    assert parse_channels("") is None
