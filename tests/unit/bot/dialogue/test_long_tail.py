"""The national catalog behind the curated procedures, in the dialogue (bot/dialogue/respond.py with
bot/catalog/tier.py): answer, choose, follow up, or say honestly that nothing is close."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.model import IN_PERSON, ONLINE, Catalog, CatalogRecord, Channel, Document
from bot.catalog.tier import CatalogTier
from bot.dialogue.intents import Intent, Topic
from bot.dialogue.respond import ProcedureAnswers
from bot.dialogue.turn import Context, Outcome, Turn
from bot.kb import load_kb
from bot.settings import Commune

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")
URL = "https://dichvucong.gov.vn/p/{}"


def _record(code: str, name: str, **fields) -> CatalogRecord:
    return CatalogRecord(code=code, name=name, url=URL.format(code), levels=("Cấp xã",), crawled="2026-06", **fields)


RECORDS = (
    _record("9.000001", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
            where="Bộ phận Một cửa Ủy ban nhân dân xã", authority="Ủy ban nhân dân xã",
            documents=tuple(Document(f"Giấy tờ số {i}", "1 bản chính") for i in range(1, 9)),
            channels=(Channel(IN_PERSON, "20 ngày làm việc", "Lệ phí 100.000 đồng"),
                      Channel(ONLINE, "20 ngày làm việc", "Lệ phí 100.000 đồng"))),
    _record("9.000002", "Đăng ký việc nuôi con nuôi trong nước", channels=(Channel(IN_PERSON, "20 ngày"),)),
    _record("9.000003", "Đăng ký lại việc nuôi con nuôi trong nước"),
    _record("9.000004", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới"),
    _record("9.000005", "Cấp lại giấy phép lái xe"),
    # The curated khai_sinh entry's own code: the KB answers it, never the catalog.
    _record("1.001193", "Thủ tục đăng ký khai sinh"),
)


@pytest.fixture(scope="module")
def answers(root: Path) -> ProcedureAnswers:
    kb = load_kb(root / "procedures_kb")
    return ProcedureAnswers(kb, COMMUNE, ("khai_sinh",), CatalogTier(Catalog(RECORDS, "2026-06"), kb))


def _say(answers: ProcedureAnswers, text: str, intent: str, context: Context | None = None,
         procedure: str | None = None, unknown: str | None = None) -> Outcome:
    return answers.respond(Turn(sender="t", text=text, intent=Intent.parse(intent), procedure=procedure,
                                unknown_object=unknown, context=context or Context()))


def test_a_procedure_the_kb_lacks_is_answered_from_the_catalog_with_its_source(answers) -> None:
    outcome = _say(answers, "làm sổ đỏ lần đầu ở đâu", "ask_where", unknown="sổ đỏ")
    reply = outcome.reply
    assert reply.procedure_id == "portal:9.000001" and reply.topic == Topic.WHERE
    assert reply.custom["source"] == "portal"
    assert "Bộ phận Một cửa Ủy ban nhân dân xã" in reply.text
    assert URL.format("9.000001") in reply.text and "tháng 6/2026" in reply.text
    assert reply.text.splitlines()[-1].startswith("Thông tin này lấy từ Cổng Dịch vụ công")
    assert all("portal:9.000001" in b["payload"] for b in reply.buttons)
    # A follow-up keeps the portal procedure.
    follow = _say(answers, "mất bao lâu?", "ask_time", outcome.context)
    assert follow.reply.procedure_id == "portal:9.000001" and "20 ngày làm việc" in follow.reply.text


def test_a_long_list_of_papers_shows_the_first_and_points_to_the_rest(answers) -> None:
    reply = _say(answers, "làm sổ đỏ cần giấy tờ gì", "ask_documents", unknown="sổ đỏ").reply
    shown = [line for line in reply.text.splitlines() if line[:1].isdigit()]
    assert len(shown) == 5 and "3 giấy tờ khác" in reply.text


def test_close_records_are_offered_to_choose_and_a_choice_is_answered(answers) -> None:
    outcome = _say(answers, "thủ tục nuôi con nuôi", "ask_overview", unknown="nuôi con nuôi")
    assert outcome.reply.topic == Topic.CLARIFY and outcome.reply.custom["source"] == "portal"
    payloads = [b["payload"] for b in outcome.reply.buttons]
    assert any("portal:9.000002" in p for p in payloads) and any("portal:9.000003" in p for p in payloads)
    chosen = _say(answers, "", "ask_overview", outcome.context, procedure="portal:9.000002")
    assert chosen.reply.procedure_id == "portal:9.000002" and chosen.reply.custom["source"] == "portal"


def test_nothing_close_gets_an_honest_answer_and_forgets_the_context(answers) -> None:
    outcome = _say(answers, "xin học bổng cho con", "ask_overview", Context(procedure="portal:9.000001"),
                   unknown="học bổng")
    assert outcome.reply.topic == Topic.UNKNOWN_PROCEDURE and outcome.context.procedure is None


def test_the_curated_kb_answers_its_own_procedures(answers) -> None:
    reply = _say(answers, "thủ tục đăng ký khai sinh", "ask_overview", unknown="x").reply
    assert reply.procedure_id == "khai_sinh" and reply.custom["source"] == "kb"


def test_without_a_catalog_the_unknown_answer_stays(root: Path) -> None:
    kb = load_kb(root / "procedures_kb")
    bare = ProcedureAnswers(kb, COMMUNE, ("khai_sinh",))
    assert _say(bare, "làm sổ đỏ ở đâu", "ask_where", unknown="sổ đỏ").reply.topic == Topic.UNKNOWN_PROCEDURE


def test_a_portal_procedure_named_word_for_word_beats_the_curated_one_it_contains(answers) -> None:
    text = "kết hôn với người nước ngoài ở khu vực biên giới"
    assert _say(answers, text, "ask_overview", procedure="ket_hon").reply.procedure_id == "portal:9.000004"
    # The curated procedure asked about in everyday words stays curated.
    reply = _say(answers, "đăng ký kết hôn cần giấy tờ gì", "ask_documents", procedure="ket_hon").reply
    assert reply.procedure_id == "ket_hon" and reply.custom["source"] == "kb"


def test_a_portal_name_beats_the_classifiers_guess_but_not_a_named_procedure(answers) -> None:
    def ask(text: str, guessed: bool) -> str | None:
        return answers.respond(Turn(sender="t", text=text, intent=Intent.ASK_OVERVIEW,
                                    procedure="trich_luc_ho_tich", procedure_guessed=guessed)).reply.procedure_id
    assert ask("cấp lại giấy phép lái xe", guessed=True) == "portal:9.000005"
    assert ask("cấp lại giấy khai sinh bị mất", guessed=False) == "trich_luc_ho_tich"


def test_out_of_scope_stays_out_of_scope_when_the_catalog_has_nothing_close(answers) -> None:
    reply = _say(answers, "hôm nay thời tiết thế nào", "out_of_scope", unknown="thời tiết").reply
    assert reply.topic == Topic.OUT_OF_SCOPE
    portal = _say(answers, "mình muốn nuôi con nuôi", "out_of_scope", unknown="con nuôi").reply
    assert portal.custom["source"] == "portal"


def test_a_long_list_of_papers_shows_five_and_a_button_for_the_rest(answers) -> None:
    first = _say(answers, "làm sổ đỏ lần đầu cần giấy tờ gì", "ask_documents", unknown="sổ đỏ")
    reply = first.reply
    assert "5. Giấy tờ số 5" in reply.text and "Giấy tờ số 6" not in reply.text
    assert [item["name"] for item in reply.checklist] == [f"Giấy tờ số {i}" for i in range(1, 9)]
    more = reply.buttons[0]
    assert more["title"] == "Xem thêm giấy tờ" and '"more":"6"' in more["payload"]
    assert first.context.more_from == "6"
    # The button names the procedure and where to start, whatever was said in between.
    turn = Turn(sender="t", text=more["payload"], intent=Intent.ASK_DOCUMENTS, procedure="portal:9.000001",
                entities={"procedure": "portal:9.000001", "more": "6"}, context=Context())
    rest = answers.respond(turn)
    assert rest.reply.procedure_id == "portal:9.000001" and rest.reply.topic == Topic.DOCUMENTS
    assert "6. Giấy tờ số 6" in rest.reply.text and "8. Giấy tờ số 8" in rest.reply.text
    assert "1. Giấy tờ số 1" not in rest.reply.text and rest.context.more_from is None
    assert not any('"more"' in b["payload"] for b in rest.reply.buttons)


def test_typing_xem_them_after_a_long_list_shows_the_rest(answers) -> None:
    first = _say(answers, "làm sổ đỏ lần đầu cần giấy tờ gì", "ask_documents", unknown="sổ đỏ")
    # The classifier reads "xem thêm" as a goodbye; after a list that has more, it is the next page.
    rest = _say(answers, "xem thêm nhé", "goodbye", context=first.context)
    assert rest.reply.topic == Topic.DOCUMENTS and "6. Giấy tờ số 6" in rest.reply.text
    # With nothing more to show, the same words are what the classifier says they are.
    after = _say(answers, "xem thêm nhé", "goodbye", context=rest.context)
    assert after.reply.topic == Topic.GOODBYE


def test_other_topics_of_a_portal_record_carry_no_more_button(answers) -> None:
    outcome = _say(answers, "làm sổ đỏ lần đầu mất bao lâu", "ask_time", unknown="sổ đỏ")
    assert outcome.reply.procedure_id == "portal:9.000001" and outcome.reply.checklist is None
    assert outcome.context.more_from is None and not any('"more"' in b["payload"] for b in outcome.reply.buttons)
