"""/console/accounts (admin): the staff accounts and the audit log.

The same operations as `caunoi staff`; an admin cannot disable their own account (there must always
be someone who can let people in)."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import StaffSession, valid_name
from bot.console.passwords import WeakPassword, check_strength, hash_password
from bot.console.roles import ROLE_LABELS, ROLES
from bot.console.store import AccountExists
from bot.console.web import Console, Refused, blocking, page, staff_only

ACTIONS = {"disable": ("account_disabled", {"disabled": True}), "enable": ("account_enabled", {"disabled": False})}


def _new_password(fields: dict, name: str) -> str:
    password = fields.get("password", "")
    try:
        check_strength(password, name)
    except WeakPassword as exc:
        raise Refused(400, str(exc)) from None
    return password


def register(bp: Blueprint, console: Console) -> None:
    async def accounts_page(session: StaffSession, message: str | None = None, status: int = 200) -> HTTPResponse:
        accounts = await blocking(console.store.accounts)
        audit = await blocking(console.store.audit_entries, 100)
        return await page(session, "accounts.html", status=status, section="accounts", accounts=accounts,
                          audit=audit, roles=[(r, ROLE_LABELS[r]) for r in ROLES], message=message)

    @bp.get("/accounts")
    @staff_only(console, "accounts")
    async def accounts(request: Request, session: StaffSession) -> HTTPResponse:
        return await accounts_page(session)

    @bp.post("/accounts/add")
    @staff_only(console, "accounts", form=True)
    async def add(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        name, role = fields.get("name", "").strip().lower(), fields.get("role", "")
        if not valid_name(name):
            raise Refused(400, "Tên đăng nhập: 2–32 chữ a–z, số, dấu chấm, gạch dưới hoặc gạch ngang.")
        if role not in ROLES:
            raise Refused(400, "Chọn một vai trò.")
        password_hash = await blocking(hash_password, _new_password(fields, name))
        try:
            await blocking(console.store.add_account, name, role, password_hash)
        except AccountExists:
            raise Refused(409, f"Đã có tài khoản {name}.") from None
        await console.log(session, "account_added", f"{name} {role}")
        return await accounts_page(session, f"Đã tạo tài khoản {name}.")

    @bp.post("/accounts/change")
    @staff_only(console, "accounts", form=True)
    async def change(request: Request, session: StaffSession, fields: dict, files: dict) -> HTTPResponse:
        name, action = fields.get("name", ""), fields.get("action", "")
        if action == "passwd":
            logged, values = "password_changed", {"password_hash": await blocking(hash_password,
                                                                                  _new_password(fields, name))}
        elif action in ACTIONS:
            logged, values = ACTIONS[action]
        else:
            raise Refused(400, "Không rõ cần làm gì với tài khoản này.")
        if action == "disable" and name == session.name:
            raise Refused(400, "Không thể tự khoá tài khoản của mình.")
        if not valid_name(name) or not await blocking(console.store.update_account, name, **values):
            raise Refused(404, "Không có tài khoản này.")
        await console.log(session, logged, name)
        return await accounts_page(session, f"Đã lưu thay đổi cho {name}.")
