"""Ranking the national portal's procedure names for a question (bot/catalog/search.py)."""

from __future__ import annotations

import pytest

from bot.catalog.search import CatalogSearch, Entry

# Names as the portal writes them (codes shortened): enough near neighbours to make ranking matter.
ENTRIES = [
    Entry("kt", "Thủ tục đăng ký khai tử", ("Cấp xã",), "Hộ tịch"),
    Entry("kt-ld", "Thủ tục đăng ký khai tử lưu động", ("Cấp xã",), "Hộ tịch"),
    Entry("kt-nn", "Thủ tục đăng ký khai tử có yếu tố nước ngoài", ("Cấp xã",), "Hộ tịch"),
    Entry("ncmc", "Thủ tục đăng ký nhận cha, mẹ, con", ("Cấp xã",), "Hộ tịch"),
    Entry("gplx", "Cấp lại giấy phép lái xe", ("Cấp bộ", "Cấp tỉnh"), "Đường bộ"),
    Entry("gp-sh", "Cấp lại giấy phép sát hạch cho trung tâm sát hạch lái xe", ("Cấp tỉnh",), "Đường bộ"),
    Entry("luu-tru", "Thông báo lưu trú", ("Cấp xã",), "Đăng ký, quản lý cư trú"),
    Entry("gcn", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", ("Cấp xã",), "Đất đai"),
    Entry("hkd", "Đăng ký thành lập hộ kinh doanh", ("Cấp xã",), "Thành lập và hoạt động của hộ kinh doanh"),
    Entry("hkd-bo", "Đăng ký thành lập hộ kinh doanh", ("Cấp bộ",), "Thành lập và hoạt động của hộ kinh doanh"),
    Entry("ct-dich", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên", ("Cấp xã",), "Chứng thực"),
]


@pytest.fixture(scope="module")
def search() -> CatalogSearch:
    return CatalogSearch(ENTRIES)


@pytest.mark.parametrize(("question", "code"), [
    ("dang ky khai tu", "kt"),  # no diacritics; not the mobile or foreign variant
    ("đăng ký khai tử lưu động cho ông ở bản xa", "kt-ld"),  # the variant when it is asked for
    ("làm giấy nhận con", "ncmc"),  # everyday words for the official ones
    ("làm sổ đỏ lần đầu", "gcn"),
    ("mất bằng lái, xin cấp lại", "gplx"),
    ("báo cho công an có người thân đến chơi ở nhờ, thông báo lưu trú", "luu-tru"),
    ("mở quán bán hàng", "hkd"),  # the commune's record before the ministry's twin
])
def test_the_right_procedure_ranks_first(search: CatalogSearch, question: str, code: str) -> None:
    assert search.search(question)[0].code == code


def test_a_clear_question_gets_one_answer(search: CatalogSearch) -> None:
    decision = search.decide("cấp lại giấy phép lái xe")
    assert decision.kind == "answer" and decision.matches[0].code == "gplx"


def test_something_the_catalog_does_not_have_gets_nothing(search: CatalogSearch) -> None:
    assert search.decide("xin học bổng cho con học đại học").kind == "none"
    assert search.decide("đăng ký tiêm chủng cho trẻ").kind == "none"
    assert search.decide("").kind == "none"


def test_a_proper_name_in_the_question_is_not_required_in_the_name(search: CatalogSearch) -> None:
    # "Lào" is what the case is about; the procedure is the certification of a translator's signature.
    decision = search.decide("chứng thực chữ ký người dịch tiếng Lào")
    assert decision.kind in ("answer", "choose") and decision.matches[0].code == "ct-dich"


def test_twins_of_equal_standing_are_offered_to_choose() -> None:
    twins = CatalogSearch([
        Entry("a", "Đăng ký việc nuôi con nuôi trong nước", ("Cấp xã",), "Nuôi con nuôi"),
        Entry("b", "Đăng ký lại việc nuôi con nuôi trong nước", ("Cấp xã",), "Nuôi con nuôi"),
    ])
    decision = twins.decide("nuôi con nuôi")
    assert decision.kind == "choose" and {m.code for m in decision.matches} == {"a", "b"}


def test_repeated_codes_are_indexed_once() -> None:
    assert len(CatalogSearch([ENTRIES[0], ENTRIES[0]])) == 1


def test_what_only_organisations_do_ranks_below_what_people_do_unless_asked() -> None:
    search = CatalogSearch([
        Entry("org", "Cấp giấy phép hoạt động khám bệnh", ("Cấp xã",), "Y tế", ("Doanh nghiệp",)),
        Entry("ppl", "Cấp giấy phép hoạt động khám bệnh cho cá nhân", ("Cấp xã",), "Y tế", ("Công dân Việt Nam",)),
    ])
    assert search.search("xin giấy phép hoạt động khám bệnh")[0].code == "ppl"
    assert search.search("công ty xin giấy phép hoạt động khám bệnh")[0].code == "org"
    assert not search.search("xin giấy phép hoạt động khám bệnh")[1].for_people


def test_a_name_said_whole_is_offered_even_when_a_long_story_favours_another() -> None:
    # Over the real catalog: the story repeats "cha mẹ" (so BM25 prefers "nhận cha, mẹ, con", which
    # holds little of it), but says the whole name "Tách hộ".
    from bot.catalog.store import load_catalog

    catalog = load_catalog()
    search = CatalogSearch(Entry(r.code, r.name, r.levels, r.field or "", r.applicants) for r in catalog)
    story = "vợ chồng tôi mới cưới, muốn tách hộ ra khỏi hộ của cha mẹ nhưng vẫn ở chung nhà với cha mẹ"
    decision = search.decide(story)
    assert decision.kind in ("answer", "choose")
    assert "Tách hộ" in [m.name for m in decision.matches]


def test_one_everyday_phrase_in_a_long_story_does_not_make_a_name_hold_the_question() -> None:
    search = CatalogSearch([
        Entry("tt", "Xác nhận diện tích nhà ở để đăng ký thường trú", ("Cấp xã",), "Cư trú"),
        Entry("hk", "Đăng ký nuôi con nuôi trong nước", ("Cấp xã",), "Hộ tịch"),
    ])
    story = ("nhà tôi ở quê có hộ khẩu từ lâu, nay tôi đi làm xa, vợ tôi ở nhà nuôi con nhỏ và chăm bố mẹ già, "
             "tôi muốn biết cháu nội được hưởng chế độ gì khi học mẫu giáo")
    best = search.search(story)[0]
    # "hộ khẩu" stands for "thường trú", which the first name has; that is not the whole story.
    assert best.asked_share < 0.5 and best.names_the_thing <= 1.0
    assert search.decide(story).kind != "answer"


def test_a_story_that_names_the_situation_finds_the_procedure_by_its_body() -> None:
    # Nobody says "đăng ký giám hộ" in a story about an orphan; the record's papers and conditions do.
    search = CatalogSearch([
        Entry("gh", "Thủ tục đăng ký giám hộ", ("Cấp xã",), "Hộ tịch",
              body="Tờ khai đăng ký giám hộ. Người được giám hộ là trẻ em mồ côi cả cha và mẹ."),
        Entry("kt", "Thủ tục đăng ký khai tử", ("Cấp xã",), "Hộ tịch", body="Giấy báo tử."),
        Entry("ho", "Hỗ trợ chi phí học tập", ("Cấp xã",), "Giáo dục", body="Đơn đề nghị hỗ trợ."),
    ])
    assert search.search("cháu tôi mồ côi cả cha lẫn mẹ, ai nuôi cháu thì làm gì")[0].code == "gh"
    assert search.search("đăng ký khai tử")[0].code == "kt"  # a name said outright still comes first


def test_a_short_name_whose_words_are_scattered_is_not_held() -> None:
    # "Hỗ trợ chi phí" holds all its words in this question, but the question never says it.
    search = CatalogSearch([Entry("cp", "Hỗ trợ chi phí", ("Cấp tỉnh",), "Hỗ trợ đầu tư")])
    scattered = search.search("hộ cận nghèo có được miễn phí bảo hiểm không, nhờ hỗ trợ")
    said = search.search("xin hỗ trợ chi phí")
    assert said[0].name_share == 1.0
    assert not scattered or scattered[0].name_share < 0.6
    assert search.decide("hộ cận nghèo có được miễn phí bảo hiểm không, nhờ hỗ trợ").kind == "none"
