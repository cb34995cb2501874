"""The status update API served by a real Sanic server, mounted as Rasa mounts channels, in its own process,
writing to a real store (SQLite or PostgreSQL) that this test process reads at the same time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.runtime.chat import free_port
from bot.runtime.supervisor import CHANNEL_CLASSES, RunOptions, enabled_channels, wait_for_port, write_credentials
from bot.settings import load_settings
from bot.status.phone import load_salt
from bot.status.store import StatusStore
from tests.support.paths import ROOT
from tests.support.pg import DATABASES, new_database

TOKEN = "test-status-token-5f1c"
SERVER = """
import sys
from rasa.core.channels.channel import register
from sanic import Sanic
from bot.runtime.supervisor import CHANNEL_CLASSES
from rasa.shared.utils.common import class_from_module_path

channel = class_from_module_path(CHANNEL_CLASSES["status"]).from_credentials({})
app = Sanic("status_api_test")
register([channel], app, route="/webhooks/")
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, motd=False)
"""
ROW = {"ma_ho_so": "H12.22-251103-0042", "thu_tuc": "khai_sinh", "ho_ten": "Nguyễn Văn An",
       "so_dien_thoai": "0912 345 678", "ngay_nhan": "2025-11-03", "ngay_hen_tra": "2025-11-10",
       "trang_thai": "da_tiep_nhan", "ghi_chu": None}


@dataclass
class Api:
    url: str
    store: StatusStore

    def post(self, body: bytes | str | object, token: str | None = TOKEN, raw: bool = False) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body if raw else json.dumps(body).encode()
        return requests.post(self.url, data=data, headers=headers, timeout=60)


def serve(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "CAUNOI_DATA_DIR": str(data_dir), **env}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=environment,
                                   stdout=out, stderr=subprocess.STDOUT)
    if not wait_for_port("127.0.0.1", port, 120, process):
        process.kill()
        raise RuntimeError(f"status API did not start:\n{log.read_text(errors='replace')[-4000:]}")
    return process, f"http://127.0.0.1:{port}/webhooks/status/applications", log


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module", params=DATABASES)
def api(request, tmp_path_factory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("status-api")
    env = {"CAUNOI_STATUS_API_TOKEN": TOKEN}
    if request.param == "sqlite":
        db_url = f"sqlite:///{data_dir / 'status.db'}"
    else:
        db_url = new_database(request.getfixturevalue("postgres_url"))
    env["CAUNOI_STATUS_DB"] = db_url
    process, url, log = serve(data_dir, env)
    store = StatusStore(db_url, load_salt(data_dir))  # the server's salt: made by whoever came first
    yield Api(url, store)
    store.close()
    stop(process)
    assert "Traceback" not in log.read_text(errors="replace")


def test_missing_or_wrong_token_is_401(api):
    for token in (None, "", "wrong", TOKEN + "x", TOKEN[:-1]):
        answer = api.post(ROW, token=token)
        assert answer.status_code == 401 and answer.json() == {"error": "missing or wrong token"}
    answer = requests.post(api.url, json=ROW, headers={"Authorization": f"Basic {TOKEN}"}, timeout=30)
    assert answer.status_code == 401
    assert api.store.get(ROW["ma_ho_so"]) is None


@pytest.mark.parametrize("body, message", [
    (b"", "body is not valid JSON"), (b"{not json", "body is not valid JSON"), (b"\xff\xfe\x00", "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"), (b"42", "one object or a list of objects"),
    (b'"text"', "one object or a list of objects"), (b'[{"ma_ho_so": "x"}, 3]', "row 1 is not an object"),
])
def test_malformed_bodies_are_400(api, body, message):
    answer = api.post(body, raw=True)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_bodies_over_1_mb_are_413(api):
    rows = [dict(ROW, ghi_chu="x" * 1000) for _ in range(1100)]
    answer = api.post(rows)
    assert answer.status_code == 413 and "error" in answer.json()
    assert api.post(b"x" * (1024 * 1024 + 1), token=None, raw=True).status_code == 401  # the token comes first


def test_rows_are_stored_and_bad_ones_reported_by_index(api):
    answer = api.post(ROW)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"added": 1, "updated": 0, "unchanged": 0, "rejected": []}
    app = api.store.get("H12.22-251103-0042")
    assert app.stage == "da_tiep_nhan" and app.phone_last4 == "5678" and app.history[0].source == "api"

    rows = [
        dict(ROW),                                                              # 0 unchanged
        dict(ROW, ma_ho_so="h12.22-251103-0043", trang_thai="Đang xử lý", so_dien_thoai=912345679),  # 1 added
        dict(ROW, ma_ho_so="H12.22-251103-0044", ngay_nhan="03/13/2025"),         # 2 bad date
        dict(ROW, ma_ho_so="H12.22-251103-0043"),                                # 3 duplicate of 1
        {"ma_ho_so": ["x"], "ngay_nhan": {"a": 1}, "so_dien_thoai": True},       # 4 junk values
        {},                                                                      # 5 empty
        dict(ROW, trang_thai="Đã có kết quả", extra="ignored"),                  # 6 duplicate of 0
    ]
    answer = api.post(rows)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["added"], body["updated"], body["unchanged"]) == (1, 0, 1)
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [
        (2, "bad received date '03/13/2025' (use dd/mm/yyyy)"),
        (3, "duplicate code H12.22-251103-0043 (first on index 1)"),
        (4, "bad application code \"['x']\""),
        (5, "missing application code (ma_ho_so)"),
        (6, "duplicate code H12.22-251103-0042 (first on index 0)"),
    ]
    assert api.store.get("H12.22-251103-0043").stage == "dang_xu_ly"
    assert api.store.verify("H12.22-251103-0043", "5679") is not None


def test_a_stage_change_reaches_history_and_subscribers(api):
    code = "000.00.21.H12-251104-0007"
    assert api.post(dict(ROW, ma_ho_so=code)).json()["added"] == 1
    api.store.subscribe(code, "telegram", "telegram:42")
    answer = api.post([dict(ROW, ma_ho_so=code, trang_thai="Chờ bổ sung", ghi_chu="Thiếu giấy chứng sinh")])
    assert answer.json() == {"added": 0, "updated": 1, "unchanged": 0, "rejected": []}
    assert [h.stage for h in api.store.get(code).history] == ["da_tiep_nhan", "can_bo_sung"]
    pending = [p for p in api.store.pending_notifications() if p.code == code]
    assert [(p.stage, p.note, p.recipient) for p in pending] == [("can_bo_sung", "Thiếu giấy chứng sinh",
                                                                  "telegram:42")]


def test_an_unreachable_store_is_503_not_500(tmp_path):
    process, url, _log = serve(tmp_path, {"CAUNOI_STATUS_API_TOKEN": TOKEN,
                                          "CAUNOI_STATUS_DB": f"postgresql://postgres@127.0.0.1:{free_port()}/x"})
    try:
        answer = requests.post(url, json=ROW, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        assert answer.status_code == 503 and "unavailable" in answer.json()["error"]
    finally:
        stop(process)


def test_caunoi_run_serves_the_api_only_with_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("CAUNOI_STATUS_API_TOKEN", raising=False)
    settings = load_settings()
    assert "status" not in enabled_channels(settings)
    monkeypatch.setenv("CAUNOI_STATUS_API_TOKEN", TOKEN)
    channels = enabled_channels(settings)
    assert "status" in channels
    credentials = write_credentials(tmp_path, RunOptions(port=5998), channels).read_text(encoding="utf-8")
    assert "bot.status.api.StatusApiInput" in credentials and TOKEN not in credentials
    assert CHANNEL_CLASSES["status"] == "bot.status.api.StatusApiInput"
