"""The console's safety against the real server: sessions, CSRF, lockout, expiry, foreign cookies,
upload limits, personal data, and junk at every route (issue 16, "How it is measured")."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.console.conftest import CSRF, ConsoleSite
from tests.e2e.console.routes import console_routes, private_routes

HEADER = "ma_ho_so,thu_tuc,ho_ten,so_dien_thoai,ngay_nhan,ngay_hen_tra,trang_thai\n"
FULL_NAME, PHONE = "Hoàng Văn Thụ", "0987654321"


def row(code: str, name: str = FULL_NAME, phone: str = PHONE) -> str:
    return f"{code},khai_sinh,{name},{phone},03/11/2025,20/11/2025,dang_xu_ly\n"


def upload(site: ConsoleSite, client: requests.Session, content: bytes, name: str = "export.csv") -> requests.Response:
    return client.post(f"{site.base}/status/upload", data={"csrf": site.csrf(client, "/status")},
                       files={"file": (name, content, "text/csv")}, timeout=120)


def lookup(site: ConsoleSite, client: requests.Session, code: str) -> requests.Response:
    return client.post(f"{site.base}/status/lookup", data={"csrf": site.csrf(client, "/status"), "code": code},
                       timeout=60)


def test_the_console_is_off_until_the_first_account(console_site: ConsoleSite) -> None:
    assert console_site.off_before_accounts == 404


@pytest.mark.parametrize(("method", "path"), private_routes())
def test_every_route_refuses_without_a_session(console_site: ConsoleSite, method: str, path: str) -> None:
    answer = requests.request(method, console_site.base + path, timeout=60, allow_redirects=False,
                              data={"code": "H12.22-251103-0042", "name": "x", "role": "admin"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/login"
    assert "<table" not in answer.text and "csrf" not in answer.text


@pytest.mark.parametrize(("method", "path"), [r for r in private_routes() if r[0] == "POST"])
def test_a_form_without_the_sessions_csrf_token_is_refused(console_site: ConsoleSite, method: str, path: str) -> None:
    admin = console_site.logged_in("quan.tri")
    other = console_site.logged_in("quan.tri")  # another session's token is not this one's
    for token in (None, "", "forged", console_site.csrf(other)):
        data = {"name": "csrf.victim", "role": "admin", "password": "mk-csrf-victim-1", "action": "disable"}
        if token is not None:
            data["csrf"] = token
        answer = admin.post(console_site.base + path, data=data, timeout=60, allow_redirects=False)
        assert answer.status_code == 403, (path, token, answer.status_code)
    assert "csrf.victim" not in console_site.staff("list").stdout
    assert admin.get(f"{console_site.base}/", timeout=30).status_code == 200  # still logged in


def test_the_login_form_needs_its_own_token(console_site: ConsoleSite) -> None:
    client = console_site.client()
    client.get(f"{console_site.base}/login", timeout=30)
    answer = client.post(f"{console_site.base}/login", allow_redirects=False, timeout=60,
                         data={"csrf": "forged", "name": "quan.tri", "password": console_site.passwords["quan.tri"]})
    assert answer.status_code == 403 and "caunoi_console=" not in answer.headers.get("Set-Cookie", "").replace(
        "caunoi_console_login", "")


def test_wrong_passwords_lock_the_account(console_site: ConsoleSite) -> None:
    password = console_site.add("khoa.thu", "desk")
    for attempt in range(5):  # the default: 5 within 15 minutes, from different addresses
        client = console_site.client(f"10.20.0.{attempt}")
        assert console_site.login("khoa.thu", f"sai-{attempt}-mat-khau", client).status_code == 401
    answer = console_site.login("khoa.thu", password, console_site.client("10.20.1.1"))
    assert answer.status_code == 429 and "khoá" in answer.text
    assert console_site.login("to.cns").status_code == 303  # other accounts are not locked
    console_site.staff("passwd", "khoa.thu", stdin=password + "\n")  # an admin lifts it
    assert console_site.login("khoa.thu", password).status_code == 303


def test_wrong_passwords_from_one_address_lock_that_address(console_site: ConsoleSite) -> None:
    address = "10.30.0.7"
    for attempt in range(20):
        console_site.login(f"doan.mo{attempt}", "sai-mat-khau-123", console_site.client(address))
    assert console_site.login("to.cns", client=console_site.client(address)).status_code == 429
    assert console_site.login("to.cns", client=console_site.client("10.30.0.8")).status_code == 303


def _sessions_db(site: ConsoleSite) -> sqlite3.Connection:
    return sqlite3.connect(site.assistant.data_dir / "status.db")


def test_an_idle_session_expires(console_site: ConsoleSite) -> None:
    console_site.add("het.gio", "desk")
    client = console_site.logged_in("het.gio")
    assert client.get(f"{console_site.base}/status", timeout=30, allow_redirects=False).status_code == 200
    long_ago = (datetime.now(timezone.utc) - timedelta(minutes=31)).replace(tzinfo=None)
    with _sessions_db(console_site) as db:  # 31 minutes without a request pass
        db.execute("UPDATE staff_sessions SET last_seen = ? WHERE name = 'het.gio'", (long_ago.isoformat(" "),))
    answer = client.get(f"{console_site.base}/status", timeout=30, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/login"


def test_a_cookie_from_another_installation_is_refused(console_site: ConsoleSite, tmp_path) -> None:
    from bot.console.auth import Authenticator
    from bot.console.config import ConsoleConfig
    from bot.console.passwords import hash_password
    from bot.console.store import ConsoleStore

    other = ConsoleStore(f"sqlite:///{tmp_path / 'other.db'}")
    other.add_account("quan.tri", "admin", hash_password(console_site.passwords["quan.tri"]))
    _, cookie = Authenticator(other, ConsoleConfig()).login("quan.tri", console_site.passwords["quan.tri"], "10.0.0.1")
    other.close()
    answer = requests.get(f"{console_site.base}/accounts", cookies={"caunoi_console": cookie}, timeout=30,
                          allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/login"


def test_an_upload_over_the_limit_is_refused_whole(console_site: ConsoleSite) -> None:
    desk = console_site.logged_in("mot.cua")
    first = "H12.22-251201-0001"
    big = (HEADER + row(first)).encode() + b"".join(
        row(f"H12.22-251201-{n:04d}").encode() for n in range(2, 9999)) + b"#" * (6 * 1024 * 1024)
    assert len(big) > 5 * 1024 * 1024
    answer = upload(console_site, desk, big)
    assert answer.status_code == 413 and "Không có gì được lưu" in answer.text
    assert lookup(console_site, desk, first).status_code == 404


def test_a_broken_file_saves_nothing(console_site: ConsoleSite) -> None:
    desk = console_site.logged_in("mot.cua")
    answer = upload(console_site, desk, b"PK\x03\x04 not really a workbook", name="export.xlsx")
    assert answer.status_code == 400 and "Không có gì được lưu" in answer.text


def test_no_personal_data_beyond_the_stores_in_pages_or_logs(console_site: ConsoleSite) -> None:
    desk, admin = console_site.logged_in("mot.cua"), console_site.logged_in("quan.tri")
    code = "H12.22-251202-0042"
    csv = HEADER + row(code) + row("H12.22-251202-0043", phone="09876 54") + row("BAD-CODE")
    pages = [upload(console_site, desk, csv.encode()).text, lookup(console_site, desk, code).text]
    pages += [admin.get(console_site.base + path, timeout=60).text for path in ("/accounts", "/health", "/status")]
    assert "******4321" in pages[1] and "H.V.T." in pages[1]
    for text in [*pages, console_site.assistant.output()]:
        for secret in (FULL_NAME, PHONE, "Hoàng", "0987654"):
            assert secret not in text


JUNK_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
JUNK_BYTES = st.binary(max_size=2000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(console_routes()), body=JUNK_BYTES, kind=st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=xx", "text/plain",
    "application/json", ""]), query=JUNK_TEXT, with_token=st.booleans(),
    cookie=st.one_of(st.none(), st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=300)))
def test_junk_at_every_route_never_gives_a_500(console_site: ConsoleSite, route, body: bytes, kind: str,
                                               query: str, with_token: bool, cookie: str | None) -> None:
    client = _fuzz_client(console_site)
    if cookie is not None:  # a junk session cookie instead of the real one: a fresh client
        client = console_site.client()
        client.cookies.set("caunoi_console", cookie)
        with_token = False
    method, path = route
    if with_token and method == "POST" and kind == "application/x-www-form-urlencoded" and path != "/logout":
        body = b"csrf=" + _fuzz_token(console_site).encode() + b"&" + body
    answer = client.request(method, console_site.base + path, params={"q": query, "since": query[:20]},
                            data=body, headers={"Content-Type": kind} if kind else {}, timeout=60,
                            allow_redirects=False)
    assert answer.status_code < 500, (method, path, answer.status_code)
    if method == "POST" and path != "/login" and not with_token and cookie is None:
        assert 400 <= answer.status_code < 500
    if cookie is not None and path not in ("/login",) and not path.startswith("/static/"):
        assert answer.status_code == 303  # no session: back to the login page
    if answer.status_code >= 400:
        assert re.search(r'<p class="(message|flash error)"', answer.text), answer.text[:300]


_fuzz: dict[str, object] = {}


def _fuzz_client(site: ConsoleSite) -> requests.Session:
    if "client" not in _fuzz:
        site.add("fuzz.admin", "admin")
        _fuzz["client"] = site.logged_in("fuzz.admin")
    return _fuzz["client"]  # type: ignore[return-value]


def _fuzz_token(site: ConsoleSite) -> str:
    if "token" not in _fuzz:
        _fuzz["token"] = site.csrf(_fuzz_client(site))
    return _fuzz["token"]  # type: ignore[return-value]


def test_after_the_junk_the_server_answers_and_logged_no_traceback(console_site: ConsoleSite) -> None:
    client = console_site.logged_in("quan.tri")
    assert client.get(f"{console_site.base}/health", timeout=60).status_code == 200
    assert "Traceback" not in console_site.assistant.output()


def test_cookies_are_http_only_and_same_site(console_site: ConsoleSite) -> None:
    answer = console_site.login("to.cns")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    # Behind nginx on this machine with TLS in front (X-Forwarded-Proto from a loopback peer): Secure.
    https = {"X-Forwarded-Proto": "https"}
    form = requests.get(f"{console_site.base}/login", headers=https, timeout=30)
    assert "Secure" in form.headers["Set-Cookie"]
    client = console_site.client()
    token = CSRF.search(client.get(f"{console_site.base}/login", timeout=30).text).group(1)
    done = client.post(f"{console_site.base}/login", headers=https, allow_redirects=False, timeout=60,
                       data={"csrf": token, "name": "to.cns", "password": console_site.passwords["to.cns"]})
    assert done.status_code == 303 and "caunoi_console=" in done.headers["Set-Cookie"]
    assert all("Secure" in c for c in done.headers["Set-Cookie"].split(", caunoi"))


def test_pages_forbid_framing_and_foreign_content(console_site: ConsoleSite) -> None:
    answer = console_site.logged_in("to.cns").get(f"{console_site.base}/", timeout=30)
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', answer.text)


