"""The report page's SVG charts: one bar per item, lengths in proportion, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.console.charts import WIDTH, Item, bar_chart, column_chart, number

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # well-formed XML, or this fails
    assert root.tag == f"{SVG}svg" and root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
    assert root.get("role") == "img" and root.get("aria-label")
    assert "style" not in svg  # presentation attributes only: the console's CSP forbids inline styles
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


def test_one_bar_per_item_lengths_in_proportion() -> None:
    items = [Item("Đăng ký khai sinh", 12), Item("Đăng ký kết hôn", 6), Item("Đăng ký tạm trú", 3), Item("Khác", 0)]
    bars = _bars(bar_chart(items, "Thủ tục"))
    assert len(bars) == 4
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] <= WIDTH and widths[0] > WIDTH / 2  # the largest spans the chart, room left for its number
    assert widths[1] == pytest.approx(widths[0] / 2) and widths[2] == pytest.approx(widths[0] / 4)
    assert widths[3] == 0
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys)  # in the given order, top to bottom


def test_numbers_and_labels_are_in_the_svg_for_screen_readers() -> None:
    svg = str(bar_chart([Item("giọng nói", 1234), Item("gõ chữ", 5)], "Gõ chữ hay nói"))
    root = ET.fromstring(svg)
    assert root.get("aria-label") == "Gõ chữ hay nói: giọng nói: 1.234; gõ chữ: 5"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert titles == ["Gõ chữ hay nói", "giọng nói: 1.234", "gõ chữ: 5"]
    assert number(12500) == "12.500"


def test_every_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & "quoted" \'single\''
    for chart in (bar_chart, column_chart):
        svg = str(chart([Item(hostile, 2, title=hostile)], hostile))
        assert "<script>" not in svg and 'alert("x")' not in svg
        root = ET.fromstring(svg)  # the quotes did not break an attribute
        assert root.get("aria-label", "").startswith(hostile)
        assert any(t.text == hostile for t in root.iter(f"{SVG}title"))


def test_long_labels_are_cut_to_two_lines_with_the_whole_in_the_title() -> None:
    name = ("Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới giữa công dân Việt Nam "
            "và công dân nước láng giềng")
    root = ET.fromstring(str(bar_chart([Item(name, 1)], "Thủ tục")))
    group = root.find(f"{SVG}g")
    lines = [t.text for t in group.iter(f"{SVG}text")][:-1]  # the last is the count
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert group.find(f"{SVG}title").text == f"{name}: 1"


def test_columns_for_days() -> None:
    items = [Item("03/11/2025", 3), Item("04/11/2025", 0), Item("05/11/2025", 6)]
    bars = _bars(column_chart(items, "Số tin nhắn theo ngày"))
    assert len(bars) == 3
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == pytest.approx(heights[2] / 2) and heights[1] == 0
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 2) for b in bars}
    assert len(bottoms) == 1  # one baseline
    texts = [t.text for t in ET.fromstring(str(column_chart(items, "x"))).iter(f"{SVG}text")]
    assert "03/11/2025" in texts and "05/11/2025" in texts and "cao nhất 6" in texts


def test_empty_charts_say_so() -> None:
    assert _bars(bar_chart([], "Thủ tục")) == []
    assert "Không có số liệu" in bar_chart([], "Thủ tục")
    assert _bars(column_chart([], "Ngày")) == []
