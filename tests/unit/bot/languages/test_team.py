"""The commune's bilingual team, and the language a message names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.languages.team import Member, load_team, named_language
from bot.settings import Settings
from tests.unit.bot.languages.conftest import COMMUNE

NAMES = {"ede": ("tiếng Ê Đê", "Ê-đê"), "tay": ("tiếng Tày",), "qaa": ("tiếng Qaa (mẫu)",)}


def settings(section) -> Settings:
    return Settings(Path("."), Path("."), Path("."), Path("."), COMMUNE, (), sections={"language_team": section})


@pytest.mark.parametrize(("text", "code"), [
    ("tôi muốn nói với người biết tiếng Ê Đê", "ede"),
    ("co ai biet tieng e de ko?", "ede"),
    ("có ai nói được Ê-đê không", "ede"),
    ("ai biết TIẾNG TÀY", "tay"),
    ("cho gặp người biết tiếng Qaa", "qaa"),
    ("tay tôi bị đau, có làm được không", None),  # a one-syllable name only after "tiếng"
    ("làm giấy khai sinh", None),
])
def test_the_language_a_message_names(text, code) -> None:
    assert named_language(text, NAMES) == code


def test_team_members_are_read_with_their_ways_to_be_reached() -> None:
    teams = load_team(settings({"qaa": {"vi_name": "tiếng Qaa (mẫu)", "also_called": ["Qaa"],
                                        "members": [{"name": "Người mẫu A", "phone": "0900 000 001"},
                                                    {"name": "Người mẫu B", "zalo": "0900 000 002"}]}}))
    team = teams["qaa"]
    assert team.names == ("tiếng Qaa (mẫu)", "Qaa") and team.vi_name == "tiếng Qaa (mẫu)"
    assert [m.line() for m in team.members] == ["• Người mẫu A: 0900 000 001", "• Người mẫu B: Zalo 0900 000 002"]
    assert dataclasses.astuple(Member("X", "1", "2")) == ("X", "1", "2")


@pytest.mark.parametrize(("section", "message"), [
    ({"qaa": []}, "language_team.qaa: must be a mapping"),
    ({"qaa": {"members": [{"phone": "1"}]}}, "language_team.qaa.members.0.name: required"),
    ({"qaa": {"members": [{"name": "A"}]}}, "language_team.qaa.members.0: give a phone or a Zalo number"),
])
def test_a_malformed_team_names_the_field(section, message) -> None:
    with pytest.raises(ValueError, match=message):
        load_team(settings(section))
