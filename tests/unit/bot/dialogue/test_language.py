"""Choosing a language in the dialogue: offered, remembered, never guessed; and nothing changes for
Vietnamese when no language passes the gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.tier import Tier
from bot.dialogue.handle import Dialogue
from bot.dialogue.intents import Intent, Topic
from bot.dialogue.turn import Context, Outcome, Turn
from bot.kb import load_kb
from bot.languages.registry import load_languages
from bot.languages.team import LanguageTeam, Member
from bot.settings import Commune
from bot.status.store import StatusStore
from tests.support.language_pack import OWN_NAME, write_pack
from tests.support.status_data import one_application_store

COMMUNE = Commune("Xã Thử", "Bộ phận Một cửa", "Thôn 2", "0999 000 111", "7h30–17h")
TOP = ("khai_sinh", "can_cuoc")
TEAMS = {"qaa": LanguageTeam("qaa", ("tiếng Qaa (mẫu)",), (Member("Người mẫu A", "0900 000 001"),)),
         "qab": LanguageTeam("qab", ("tiếng Qab (mẫu)",), ())}


@pytest.fixture(scope="module")
def kb(root: Path):
    return load_kb(root / "procedures_kb")


@pytest.fixture
def store(tmp_path: Path) -> StatusStore:
    return one_application_store(tmp_path)  # a real SQLite store: language choices live beside applications


def dialogue(kb, folder: Path, store: StatusStore | None = None, catalog: Tier | None = None, **pack) -> Dialogue:
    write_pack(folder, kb, COMMUNE, **pack)
    languages = load_languages(folder, kb, COMMUNE, TOP)
    return Dialogue(kb, COMMUNE, TOP, catalog=catalog, languages=languages, teams=TEAMS,
                    choices=(lambda: store) if store is not None else None)


def ask(d: Dialogue, intent: str | None, procedure: str | None = None, context: Context | None = None,
        text: str = "", sender: str = "telegram:1", **entities: str) -> Outcome:
    return d.handle(Turn(sender, text, Intent.parse(intent), procedure, entities=entities,
                         context=context or Context()))


def choice_payloads(outcome: Outcome) -> list[str]:
    return [b["payload"] for b in outcome.reply.buttons if b["payload"].startswith("/choose_language")]


def test_without_an_offered_language_vietnamese_replies_are_unchanged(kb, tmp_path: Path) -> None:
    plain = Dialogue(kb, COMMUNE, TOP)
    gated = dialogue(kb, tmp_path, leave_out=["language.choose"])  # incomplete: not offered
    for intent, procedure in (("greet", None), ("ask_fee", "khai_sinh"), ("nlu_fallback", None)):
        a, b = ask(plain, intent, procedure), ask(gated, intent, procedure)
        assert a.reply.custom == b.reply.custom and a.reply.text == b.reply.text and a.reply.buttons == b.reply.buttons
        assert a.context == b.context and b.context.language is None
    assert ask(gated, None, text="/ngonngu").reply.topic == Topic.FALLBACK  # no menu to show


def test_the_first_reply_offers_each_language_by_its_own_name(kb, tmp_path: Path, store) -> None:
    d = dialogue(kb, tmp_path, store)
    first = ask(d, "ask_fee", "khai_sinh")
    assert first.reply.text.startswith("Lệ phí")  # answered in Vietnamese, not guessed
    titles = {b["title"]: b["payload"] for b in first.reply.buttons}
    assert titles["Tiếng Việt"] == '/choose_language{"language":"vi"}'
    assert titles[OWN_NAME] == '/choose_language{"language":"qaa"}'
    assert first.context.language == "vi"
    later = ask(d, "ask_time", "khai_sinh", first.context)
    assert choice_payloads(later) == ["/choose_language"]  # one "change language" button from now on
    assert later.reply.buttons[-1]["title"] == "🌐 Đổi tiếng"


def test_choosing_a_language_answers_in_it_and_is_remembered_past_the_session(kb, tmp_path: Path, store) -> None:
    d = dialogue(kb, tmp_path, store)
    chosen = ask(d, "choose_language", language="qaa")
    assert chosen.reply.text == "[qaa] language.chosen" and chosen.context.language == "qaa"
    fee = ask(d, "ask_fee", "khai_sinh", chosen.context)
    assert fee.reply.text.startswith("[qaa] fee.title") and fee.reply.custom["language"] == "qaa"
    assert fee.reply.buttons[-1]["title"] == "[qaa] language.button"
    # A new session (slots forgotten): the choice is still this sender's, and nobody else's.
    again = ask(d, "greet", context=Context())
    assert again.reply.text.startswith("[qaa] greet") and again.context.language == "qaa"
    other = ask(d, "greet", context=Context(), sender="telegram:2")
    assert other.reply.text.startswith("Xin chào")
    back = ask(d, "choose_language", context=fee.context, language="vi")
    assert back.reply.text == "Từ bây giờ tôi trả lời bằng tiếng Việt." and back.context.language == "vi"
    assert ask(d, "greet", context=Context()).reply.text.startswith("Xin chào")


def test_the_menu_comes_back_with_the_command_or_the_words(kb, tmp_path: Path, store) -> None:
    d = dialogue(kb, tmp_path, store)
    for outcome in (ask(d, None, text="/ngonngu"), ask(d, "choose_language", text="đổi ngôn ngữ")):
        assert outcome.reply.topic == Topic.LANGUAGE
        assert outcome.reply.text.splitlines() == ["Bạn muốn nói chuyện bằng tiếng nào? Chọn bên dưới.",
                                                   "[qaa] language.choose"]
        assert choice_payloads(outcome) == ['/choose_language{"language":"vi"}',
                                            '/choose_language{"language":"qaa"}']
        assert outcome.reply.language == "mul"  # several languages: text-to-speech must not read it
    # A language not offered is not chosen: the menu again.
    assert ask(d, "choose_language", language="qab").reply.topic == Topic.LANGUAGE


def test_a_stale_text_is_not_served_and_its_part_comes_in_vietnamese_after_the_line(kb, tmp_path: Path) -> None:
    d = dialogue(kb, tmp_path, stale=["ket_hon:fee.amount"])
    fee = ask(d, "ask_fee", "ket_hon", Context(language="qaa"))
    assert fee.reply.text.splitlines()[0] == "[qaa] language.in_vietnamese"
    assert fee.reply.text.splitlines()[1].startswith("Lệ phí")
    assert fee.reply.custom["language"] == "qaa"


def test_a_part_with_no_translation_path_gets_the_line_too(kb, tmp_path: Path, store) -> None:
    from bot.dialogue.status import StatusDialogue
    from tests.support.status_data import CODE

    languages = load_languages(write_pack(tmp_path, kb, COMMUNE).parent, kb, COMMUNE, TOP)
    d = Dialogue(kb, COMMUNE, TOP, status=lambda: StatusDialogue(store, COMMUNE, {}), languages=languages)
    status = ask(d, "check_status", context=Context(language="qaa"), text=f"hồ sơ {CODE}")
    assert status.reply.text.startswith("[qaa] language.in_vietnamese\n")
    assert status.reply.custom["language"] == "qaa"


def test_a_fallback_in_a_language_shows_who_speaks_it(kb, tmp_path: Path) -> None:
    d = dialogue(kb, tmp_path)
    reply = ask(d, "nlu_fallback", context=Context(language="qaa")).reply
    assert reply.text.startswith("[qaa] fallback")
    assert f"[qaa] team.intro {OWN_NAME}\n• Người mẫu A: 0900 000 001" in reply.text


def test_asking_for_someone_who_speaks_a_language_lists_them(kb, tmp_path: Path) -> None:
    d = Dialogue(kb, COMMUNE, TOP, teams=TEAMS)  # no language offered: the team still answers
    reply = ask(d, "talk_to_human", text="tôi muốn nói với người biết tiếng Qaa").reply
    assert reply.topic == Topic.HUMAN
    assert reply.text == "Ở xã có người biết tiếng Qaa (mẫu), bạn gọi hoặc nhắn Zalo:\n• Người mẫu A: 0900 000 001"
    nobody = ask(d, "talk_to_human", text="có ai biết tiếng Qab không").reply
    assert nobody.text.startswith("Xã chưa ghi tên người biết tiếng Qab (mẫu). Bạn hỏi cán bộ ở Bộ phận Một cửa")
    plain = ask(d, "talk_to_human", text="cho tôi gặp cán bộ").reply
    assert plain.text.startswith("Bạn có thể gặp hoặc gọi cán bộ")


def test_letters_of_a_language_put_its_button_first_and_switch_nothing(kb, tmp_path: Path) -> None:
    d = dialogue(kb, tmp_path)  # the qaa pack says its script is the Central Highlands Latin
    outcome = ask(d, "nlu_fallback", text="ơ̆ č ƀ ĕ")
    assert outcome.reply.text.startswith("Xin lỗi, tôi chưa hiểu")
    assert choice_payloads(outcome)[0] == '/choose_language{"language":"qaa"}'
    assert outcome.context.language == "vi"


def test_a_recording_goes_with_its_answer_until_the_vietnamese_it_speaks_changes(kb, tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.support.language_pack import record

    write_pack(tmp_path, kb, COMMUNE)
    record(tmp_path, kb, COMMUNE, ["khai_sinh.fee", "khai_sinh.where", "phrase.greet", "phrase.language.choose"])
    d = Dialogue(kb, COMMUNE, TOP, languages=load_languages(tmp_path, kb, COMMUNE, TOP))
    fee = ask(d, "ask_fee", "khai_sinh", Context(language="qaa")).reply
    assert fee.custom["audio"] == {"ogg": "/webhooks/recordings/qaa/khai_sinh.fee.ogg",
                                   "mp3": "/webhooks/recordings/qaa/khai_sinh.fee.mp3"}
    assert ask(d, "greet", context=Context(language="qaa")).reply.audio["mp3"].endswith("/phrase.greet.mp3")
    assert ask(d, "ask_time", "khai_sinh", Context(language="qaa")).reply.audio is None  # not recorded
    assert ask(d, "ask_fee", "khai_sinh", Context(language="vi")).reply.audio is None  # Vietnamese: TTS
    # Which language? Each language's recorded question goes with the choice.
    first = ask(d, "greet").reply
    assert first.custom["prompts"] == [{"language": "qaa", "name": OWN_NAME,
                                        "ogg": "/webhooks/recordings/qaa/phrase.language.choose.ogg",
                                        "mp3": "/webhooks/recordings/qaa/phrase.language.choose.mp3"}]
    assert ask(d, None, text="/ngonngu").reply.prompts == first.custom["prompts"]
    # The desk's phone changed: the recorded "where" still says the old one, so it is not played.
    moved = replace(COMMUNE, phone="0999 000 222")
    d2 = Dialogue(kb, moved, TOP, languages=load_languages(tmp_path, kb, moved, TOP))
    assert ask(d2, "ask_where", "khai_sinh", Context(language="qaa")).reply.audio is None
    assert ask(d2, "ask_fee", "khai_sinh", Context(language="qaa")).reply.audio is not None


def test_a_broken_store_costs_the_remembered_choice_not_the_answer(kb, tmp_path: Path) -> None:
    class Broken:
        def language_of(self, sender: str) -> str | None:
            raise OSError("database unreachable")

        def remember_language(self, sender: str, language: str) -> None:
            raise OSError("database unreachable")

    write_pack(tmp_path, kb, COMMUNE)
    d = Dialogue(kb, COMMUNE, TOP, languages=load_languages(tmp_path, kb, COMMUNE, TOP), choices=Broken)
    assert ask(d, "greet").reply.text.startswith("Xin chào")
    chosen = ask(d, "choose_language", language="qaa")
    assert chosen.context.language == "qaa"  # the session still has it
    assert ask(d, "greet", context=chosen.context).reply.text.startswith("[qaa] greet")
