"""What every console route shares: reading forms, HTTPS detection, cookies, the menu, the client address.

On real Sanic request objects; only the network connection under them is a stand-in.
"""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic, response
from sanic.compat import Header
from sanic.models.server_types import ConnInfo
from sanic.request import Request
from urllib3 import encode_multipart_formdata

from bot.console.auth import StaffSession
from bot.console.routes.auth import client_address
from bot.console.web import FORM_LIMIT, Refused, nav, read_form, secure_request, set_cookie

APP = Sanic("caunoi_console_web_test")
URLENCODED = "application/x-www-form-urlencoded"


class Transport:
    """What Sanic asks of a connection: its two ends, and whether it is TLS."""

    def __init__(self, peer: str | None, tls: bool = False) -> None:
        self._extra: dict[str, Any] = {"sockname": ("127.0.0.1", 5005), "sslcontext": object() if tls else None}
        if peer is not None:
            self._extra["peername"] = (peer, 40000)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._extra.get(name, default)


def request(body: bytes = b"", content_type: str | None = URLENCODED, peer: str | None = "10.0.0.5",
            tls: bool = False, **headers: str) -> Request:
    fields = {name.replace("_", "-"): value for name, value in headers.items()}
    if content_type is not None:
        fields["content-type"] = content_type
    transport = Transport(peer, tls)
    req = Request(b"/console/login", Header(fields), "1.1", "POST", transport, APP)
    req.body = body
    req.conn_info = ConnInfo(transport) if peer is not None else None
    return req


def refused(req: Request, **kwargs: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        read_form(req, **kwargs)
    return caught.value


# -- read_form ------------------------------------------------------------------------------------------


def test_urlencoded_fields_first_value_of_each() -> None:
    body = b"csrf=abc&name=Nguy%E1%BB%85n+V%C4%83n&name=second&empty="
    fields, files = read_form(request(body, URLENCODED + "; charset=UTF-8"))
    assert fields == {"csrf": "abc", "name": "Nguyễn Văn", "empty": ""}
    assert files == {}
    assert read_form(request(b"")) == ({}, {})


def test_multipart_fields_and_files() -> None:
    body, content_type = encode_multipart_formdata({
        "csrf": "abc", "note": "Thiếu giấy", "file": ("xuất tháng 11.csv", b"a,b\r\n1,2\r\n", "text/csv"),
    })
    fields, files = read_form(request(body, content_type))
    assert fields == {"csrf": "abc", "note": "Thiếu giấy"}
    assert list(files) == ["file"]
    assert (files["file"].name, files["file"].body, files["file"].type) == ("xuất tháng 11.csv", b"a,b\r\n1,2\r\n",
                                                                            "text/csv")


@pytest.mark.parametrize("body", [
    b"--B\r\nno colon in this header line\r\n\r\nvalue\r\n--B--\r\n",
    b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xff\xfe\r\n--B--\r\n',
    b'--B\r\nContent-Disposition: form-data; name="name"\r\nContent-Type: text/plain; charset=no-such\r\n\r\n'
    b"x\r\n--B--\r\n",
])
def test_a_broken_multipart_body_is_refused_with_400(body: bytes) -> None:
    assert refused(request(body, "multipart/form-data; boundary=B")).status == 400


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain", "multipart/form-data",
                                          "multipart/form-data; boundary="])
def test_anything_but_a_form_is_refused_with_400(content_type: str | None) -> None:
    caught = refused(request(b"csrf=abc", content_type))
    assert caught.status == 400 and "biểu mẫu" in caught.message


@pytest.mark.parametrize("body", [b"name=Tr\xe2n", b"name=Tr%E2n", b"a=1&&b=2", b"justtext",
                                  "&".join(f"f{i}=x" for i in range(201)).encode()])
def test_a_broken_urlencoded_body_is_refused_with_400(body: bytes) -> None:
    assert refused(request(body)).status == 400


def test_over_the_limit_is_refused_whole_with_413() -> None:
    at_limit = b"a=" + b"x" * (FORM_LIMIT - 2)
    assert read_form(request(at_limit))[0]["a"] == "x" * (FORM_LIMIT - 2)
    caught = refused(request(at_limit + b"x"))
    assert caught.status == 413 and "64 KB" in caught.message
    body, content_type = encode_multipart_formdata({"file": ("big.csv", b"x" * 3000, "text/csv")})
    caught = refused(request(body, content_type), limit=2048)
    assert caught.status == 413 and "2 KB" in caught.message
    assert refused(request(b"\xff" * 100), limit=10).status == 413  # measured before it is even read


# -- HTTPS and cookies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("peer", "tls", "headers", "secure"), [
    ("10.0.0.5", True, {}, True),  # TLS on this very connection
    ("127.0.0.1", False, {"x_forwarded_proto": "https"}, True),  # nginx on this machine, with HTTPS
    ("::1", False, {"x_forwarded_proto": "https"}, True),
    ("127.0.0.1", False, {"x_forwarded_proto": "http"}, False),
    ("127.0.0.1", False, {}, False),
    ("10.0.0.5", False, {"x_forwarded_proto": "https"}, False),  # anyone can write that header
    ("10.0.0.5", False, {}, False),
    (None, False, {"x_forwarded_proto": "https"}, False),  # no connection facts at all
])
def test_secure_request(peer: str | None, tls: bool, headers: dict[str, str], secure: bool) -> None:
    assert secure_request(request(peer=peer, tls=tls, **headers)) is secure


def test_cookies_are_http_only_strict_under_the_console_and_secure_behind_https() -> None:
    plain, behind_https = response.html("x"), response.html("x")
    set_cookie(plain, request(), "c", "v")
    set_cookie(behind_https, request(peer="127.0.0.1", x_forwarded_proto="https"), "c", "v", max_age=0)
    cookie = plain.cookies["c"]
    assert (cookie.value, cookie["path"], cookie["httponly"], cookie["samesite"]) == ("v", "/console", True, "Strict")
    assert not cookie.get("secure") and "max-age" not in plain.cookies["c"]
    assert behind_https.cookies["c"]["secure"] is True and behind_https.cookies["c"]["max-age"] == 0


# -- the menu -------------------------------------------------------------------------------------------


def staff(role: str) -> StaffSession:
    return StaffSession("lan", role, "csrf", "hash")


def test_nav_shows_each_role_its_sections_and_marks_the_current_one() -> None:
    desk = nav(staff("desk"), "status")
    assert [(i["href"], i["current"]) for i in desk] == [("/console/status", True), ("/console/cards", False)]
    assert [i["href"] for i in nav(staff("team"), None)] == [
        "/console/cards", "/console/report", "/console/languages", "/console/health"]
    admin = nav(staff("admin"), "accounts")
    assert len(admin) == 6 and [i["current"] for i in admin] == [False] * 5 + [True]
    assert all(i["label"] for i in admin)
    assert nav(staff("visitor"), None) == []


# -- who is logging in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("peer", "forwarded", "address"), [
    ("127.0.0.1", "10.1.2.3", "10.1.2.3"),
    ("127.0.0.1", "6.6.6.6, 10.1.2.3", "10.1.2.3"),  # nginx appends the address it saw: the last one
    ("::1", "made-up,  10.1.2.3 ", "10.1.2.3"),
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "1.1.1.1, " + "9" * 100, "9" * 64),
    ("10.0.0.5", "10.1.2.3", "10.0.0.5"),  # not from the proxy: the header is the client's own words
    ("192.168.1.20", "127.0.0.1", "192.168.1.20"),
    (None, "10.1.2.3", ""),
])
def test_client_address(peer: str | None, forwarded: str, address: str) -> None:
    headers = {"x_forwarded_for": forwarded} if forwarded else {}
    assert client_address(request(peer=peer, **headers)) == address
