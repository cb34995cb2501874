"""Who may open what: desk = status and cards; team = no status, no accounts; admin = everything."""

from __future__ import annotations

import pytest

from bot.console.roles import ROLE_LABELS, ROLES, SECTIONS, allowed, sections_for


def test_desk_sees_status_and_cards_only() -> None:
    assert sections_for("desk") == ["status", "cards"]


def test_team_sees_neither_status_nor_accounts() -> None:
    assert sections_for("team") == ["cards", "report", "languages", "health"]
    assert not allowed("team", "status") and not allowed("team", "accounts")


def test_admin_sees_everything() -> None:
    assert sections_for("admin") == list(SECTIONS)
    assert all(allowed("admin", s) for s in SECTIONS)


def test_only_admin_opens_accounts() -> None:
    assert [role for role in ROLES if allowed(role, "accounts")] == ["admin"]


def test_an_unknown_role_opens_nothing() -> None:
    assert sections_for("") == [] and sections_for("Admin") == []
    with pytest.raises(KeyError):
        allowed("admin", "no-such-section")


def test_every_section_lives_under_the_console_and_names_known_roles() -> None:
    addresses = [address for _, address, _ in SECTIONS.values()]
    assert len(set(addresses)) == len(addresses)
    for name, (label, address, roles) in SECTIONS.items():
        assert address == f"/console/{name}" and label
        assert roles and roles <= set(ROLES)
    assert set(ROLE_LABELS) == set(ROLES)
