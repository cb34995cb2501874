"""Who may open what. desk: application status and cards; team: cards, the report, languages and health;
admin: everything, and the staff accounts and the audit log."""

from __future__ import annotations

ROLES = ("desk", "team", "admin")
ROLE_LABELS = {"desk": "một cửa", "team": "tổ công nghệ số", "admin": "quản trị"}
SECTIONS: dict[str, tuple[str, str, frozenset[str]]] = {
    # section: (menu label, address, roles allowed)
    "status": ("Hồ sơ", "/console/status", frozenset({"desk", "admin"})),
    "cards": ("Phiếu giấy tờ", "/console/cards", frozenset({"desk", "team", "admin"})),
    "report": ("Người dân hỏi gì", "/console/report", frozenset({"team", "admin"})),
    "languages": ("Tiếng dân tộc", "/console/languages", frozenset({"team", "admin"})),
    "health": ("Tình trạng", "/console/health", frozenset({"team", "admin"})),
    "accounts": ("Tài khoản", "/console/accounts", frozenset({"admin"})),
}


def allowed(role: str, section: str) -> bool:
    return role in SECTIONS[section][2]


def sections_for(role: str) -> list[str]:
    return [name for name in SECTIONS if allowed(role, name)]
