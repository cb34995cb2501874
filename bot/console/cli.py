"""`caunoi staff add|passwd|disable|enable|list`: the console's accounts, from the server's terminal.

The password is asked twice at a terminal, or read as the first line of standard input otherwise, so a
script can create accounts (`printf '%s\\n' "$PW" | caunoi staff add lan --role desk`); it is never an
argument, which other users of the machine could read in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console.auth import valid_name
from bot.console.passwords import WeakPassword, check_strength, hash_password
from bot.console.roles import ROLE_LABELS, ROLES


def _read_password(name: str) -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Mật khẩu cho {name}: ")
        if getpass.getpass("Nhập lại: ") != first:
            print("error: the two passwords differ", file=sys.stderr)
            return None
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    try:
        check_strength(first, name)
    except WeakPassword as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    return first


def _name(args: argparse.Namespace) -> str | None:
    name = args.name.strip().lower()
    if not valid_name(name):
        print("error: a name is 2-32 letters a-z, digits, '.', '_' or '-' (e.g. lan.nguyen)", file=sys.stderr)
        return None
    return name


def _store():  # noqa: ANN202 - a ConsoleStore, imported late: SQLAlchemy is slow to import
    from bot.console.store import open_console_store

    return open_console_store()


def _add(args: argparse.Namespace) -> int:
    from bot.console.store import AccountExists

    name = _name(args)
    password = _read_password(name) if name else None
    if password is None:
        return 2
    store = _store()
    try:
        store.add_account(name, args.role, hash_password(password))
        store.log("(máy chủ)", "account_added", f"{name} {args.role}")
    except AccountExists:
        print(f"error: {name} already exists (change its password with `caunoi staff passwd {name}`)",
              file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Added {name} ({ROLE_LABELS[args.role]}). The console is at /console/ on this server.")
    return 0


def _change(args: argparse.Namespace, action: str, values: dict) -> int:
    name = _name(args)
    if name is None:
        return 2
    store = _store()
    try:
        if not store.update_account(name, **values):
            print(f"error: no account {name!r} (see `caunoi staff list`)", file=sys.stderr)
            return 1
        store.log("(máy chủ)", action, name)
    finally:
        store.close()
    print(f"{name}: {action.replace('account_', '').replace('_', ' ')}; its open sessions are closed.")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    name = _name(args)
    password = _read_password(name) if name else None
    if password is None:
        return 2
    return _change(args, "password_changed", {"password_hash": hash_password(password)})


def _disable(args: argparse.Namespace) -> int:
    return _change(args, "account_disabled", {"disabled": True})


def _enable(args: argparse.Namespace) -> int:
    return _change(args, "account_enabled", {"disabled": False})


def _list(args: argparse.Namespace) -> int:
    store = _store()
    try:
        accounts = store.accounts()
    finally:
        store.close()
    if not accounts:
        print("No staff accounts: the console is off. Add one: caunoi staff add NAME --role admin")
    for a in accounts:
        state = "disabled" if a.disabled else "active"
        print(f"{a.name:<32} {a.role:<6} {state:<9} since {a.created_at:%Y-%m-%d}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff accounts of the web console (/console/)")
    commands = staff.add_subparsers(dest="staff", required=True)
    p = commands.add_parser("add", help="a new account; the password from the terminal or standard input")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True,
                   help="desk: status and cards; team: cards, report, languages; admin: everything and accounts")
    p.set_defaults(func=_add)
    for command, func, text in (("passwd", _passwd, "set a new password (ends its sessions, lifts a lock)"),
                                ("disable", _disable, "stop an account from logging in (ends its sessions)"),
                                ("enable", _enable, "let a disabled account log in again")):
        p = commands.add_parser(command, help=text)
        p.add_argument("name")
        p.set_defaults(func=func)
    commands.add_parser("list", help="every account, its role and state").set_defaults(func=_list)
