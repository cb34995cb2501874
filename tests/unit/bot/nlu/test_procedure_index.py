from bot.nlu.normalize import normalize_folded
from bot.nlu.procedure_index import ProcedureIndex

ALIASES = {
    "khai sinh": "khai_sinh", "giấy khai sinh": "khai_sinh", "sửa tên": "cai_chinh",
    "bản sao giấy khai sinh": "trich_luc", "trợ cấp người khuyết tật": "tro_cap",
    "kết hôn": "ket_hon", "giấy độc thân": "doc_than",
}


def find(text: str, priority=None) -> list[str]:
    index = ProcedureIndex(ALIASES, priority)
    return [m.procedure_id for m in index.find(normalize_folded(text).split())]


def test_longest_alias_wins() -> None:
    assert find("xin bản sao giấy khai sinh") == ["trich_luc"]


def test_without_diacritics_and_teencode() -> None:
    assert find("lam giay khai sinh can gi") == ["khai_sinh"]
    assert find("lm khaisinh cần j") == ["khai_sinh"]


def test_priority_procedure_beats_the_paper_it_acts_on() -> None:
    assert find("sửa tên trong giấy khai sinh")[0] == "khai_sinh"
    assert find("sửa tên trong giấy khai sinh", ["cai_chinh"])[0] == "cai_chinh"


def test_one_extra_word_inside_an_alias() -> None:
    assert find("xin trợ cấp cho người khuyết tật") == ["tro_cap"]
    assert find("trợ cấp cho các người khuyết tật") == []


def test_several_mentions_do_not_overlap() -> None:
    assert find("kết hôn có cần giấy độc thân không") == ["doc_than", "ket_hon"]


def test_round_trip_through_dict() -> None:
    index = ProcedureIndex(ALIASES, ["cai_chinh"])
    again = ProcedureIndex.from_dict(index.to_dict())
    assert again.exact == index.exact and again.priority == index.priority


def test_slips_of_spelling_and_pronunciation_inside_a_multi_word_alias() -> None:
    index = ProcedureIndex({"khai sinh": "khai_sinh", "tạm trú": "tam_tru", "căn cước": "can_cuoc", "bhyt": "bhyt"})

    def found(text: str) -> list[str]:
        return [m.procedure_id for m in index.find(normalize_folded(text).split())]

    assert found("đăng ký tạm chú") == ["tam_tru"]  # tr/ch
    assert found("làm giấy khai xinh") == ["khai_sinh"]  # s/x
    assert found("khai sinh") == ["khai_sinh"]
    assert found("can cuok o dau") == ["can_cuoc"]  # one letter off, in a word of four or more
    assert found("tạm biệt") == [] and found("khai mạc") == []  # the other word must confirm it
    assert found("bhy") == []  # single-word aliases are matched only as typed
