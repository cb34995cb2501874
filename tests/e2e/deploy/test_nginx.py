"""deploy/nginx.conf for real: the nginx binary, laid out as deploy/docker-compose.yml mounts it
(tests/support/nginx_server.py), in front of two real `caunoi run` replicas sharing a real PostgreSQL and Redis, with
Telegram (webhook mode) and Zalo switched on against their local stand-ins, the kiosk and the status API on.

Each request carries an X-Test-Id header and nginx's access log records the upstream that answered it ("-" when
nginx answered itself), so the tests tell nginx's refusals from a replica's.

Skipped, loudly, when nginx is not installed (`make test-tools` installs it); CAUNOI_REQUIRE_NGINX=1 makes that
a failure. PostgreSQL and Redis follow CAUNOI_REQUIRE_POSTGRES / CAUNOI_REQUIRE_REDIS.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from bot.channels.zalo.audio_links import LISTEN
from tests.support.assistant import RunningAssistant
from tests.support.deploy_files import NGINX_CONF, caunoi_services, compose
from tests.support.nginx_server import NginxServer, NginxUnavailable, find_nginx
from tests.support.paths import ROOT
from tests.support.replicas import kill, redis_server, start_replicas, stop_or_kill
from tests.support.servers import loud_test_server
from tests.support.standins.telegram_bot_api import TelegramBotAPI
from tests.support.standins.zalo_api import ZaloAPI, event_body, sign_event, zalo_event

TG_TOKEN = "123456:TEST-deploy-nginx"
TG_SECRET = "deploy-Secret_1"
ZALO_APP_ID = "4211839406358273372"
ZALO_OA_SECRET = "oa-secret-deploy-Wm3"
ZALO_APP_SECRET = "app-secret-deploy"
STATUS_TOKEN = "status-token-deploy-0123456789abcdef"
MB = 1024 * 1024
WHISPER = ROOT.parent / "shared" / "models" / "faster-whisper-base"
CLIPS = ROOT.parent / "shared" / "audio" / "vi_clips"
_chat_ids = itertools.count(7_100_001)


class _NginxInstalled:
    """For loud_test_server: is there an nginx binary at all (checked before starting anything else)."""

    def start(self) -> str:
        binary = find_nginx()
        if binary is None:
            raise NginxUnavailable("nginx not found on PATH or in /usr/sbin (install it: apt-get install nginx, "
                                   "or `make test-tools`)")
        return binary

    def stop(self) -> None:
        pass


@pytest.fixture(scope="module")
def nginx_binary():
    yield from loud_test_server(_NginxInstalled, NginxUnavailable, "NGINX DEPLOY TESTS", "CAUNOI_REQUIRE_NGINX")


@pytest.fixture(scope="module")
def redis_url():
    yield from redis_server()


@dataclass
class Answer:
    response: httpx.Response
    log: list[dict[str, str]]  # nginx's access-log lines of this request: one per request

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def upstream(self) -> str:
        """Who answered: "-" for nginx itself, else the replica(s) nginx asked, "a, b" when it asked two."""
        [line] = self.log
        return line["upstream"]

    def from_nginx(self) -> bool:
        return self.upstream == "-"


class Deployment:
    def __init__(self, nginx: NginxServer, replicas: list[RunningAssistant], telegram: TelegramBotAPI,
                 zalo: ZaloAPI) -> None:
        self.nginx = nginx
        self.replicas = replicas
        self.telegram = telegram
        self.zalo = zalo
        self.client = httpx.Client(timeout=120)

    def request(self, method: str, path: str, **kwargs) -> Answer:
        test_id = uuid.uuid4().hex
        headers = {**kwargs.pop("headers", {}), "X-Test-Id": test_id}
        response = self.client.request(method, self.nginx.url + path, headers=headers, **kwargs)
        return Answer(response, self.nginx.entries(test_id))

    def raw(self, method: str, raw_path: str, body: bytes = b"") -> Answer:
        """A request line sent exactly as written (httpx would resolve ../ and %2e itself)."""
        test_id = uuid.uuid4().hex
        connection = http.client.HTTPConnection("127.0.0.1", self.nginx.port, timeout=60)
        try:
            connection.request(method, raw_path, body=body, headers={"X-Test-Id": test_id,
                                                                     "Content-Type": "application/json"})
            reply = connection.getresponse()
            response = httpx.Response(reply.status, content=reply.read(), headers=reply.getheaders())
        finally:
            connection.close()
        return Answer(response, self.nginx.entries(test_id))

    def direct(self, replica: RunningAssistant, method: str, path: str, **kwargs) -> httpx.Response:
        """The same request straight to a replica, bypassing nginx."""
        return self.client.request(method, f"http://127.0.0.1:{replica.port}{path}", **kwargs)

    def kiosk(self, sender: str, message: str) -> Answer:
        return self.request("POST", "/webhooks/kiosk/text", json={"sender": sender, "message": message})

    def output(self) -> str:
        return "".join(r.output() for r in self.replicas)


@pytest.fixture(scope="module")
def deployment(nginx_binary: str, trained_model: Path, postgres_url: str, redis_url: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from bot.runtime.chat import free_port
    from tests.support.pg import new_database

    database = new_database(postgres_url)
    nginx_port = free_port()  # the replicas register Telegram's webhook at nginx's address
    with TelegramBotAPI(TG_TOKEN) as telegram, ZaloAPI(ZALO_APP_ID, ZALO_APP_SECRET, "AT-deploy", "RT-deploy") as zalo:
        env = {
            # As deploy/docker-compose.yml sets them: one PostgreSQL for trackers and status, Redis locks.
            "CAUNOI_TRACKER_DB": database, "CAUNOI_LOCK_STORE": redis_url, "CAUNOI_STATUS_DB": database,
            "CAUNOI_KIOSK": "1", "CAUNOI_STATUS_API_TOKEN": STATUS_TOKEN,
            "TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{nginx_port}/webhooks/telegram/webhook",
            "ZALO_APP_ID": ZALO_APP_ID, "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET, "ZALO_APP_SECRET": ZALO_APP_SECRET,
            "ZALO_ACCESS_TOKEN": "AT-deploy", "ZALO_REFRESH_TOKEN": "RT-deploy",
            "ZALO_OPENAPI_URL": zalo.url, "ZALO_OAUTH_URL": zalo.url,
            # People who speak on Zalo get a link to hear the answer, at nginx's address.
            "ZALO_PUBLIC_URL": f"http://127.0.0.1:{nginx_port}",
        }
        if WHISPER.exists():  # loaded by the replica that gets a voice message, and only then
            env.update(CAUNOI_STT_ENGINE="whisper", CAUNOI_WHISPER_MODEL=str(WHISPER))
        replicas = start_replicas([tmp_path_factory.mktemp(f"nginx-replica-{n}") for n in "ab"], env)
        nginx = None
        try:
            telegram.wait_for(lambda r: getattr(r, "api_method", "") == "setWebhook", count=2, timeout=60)
            for replica in replicas:
                replica.wait_telegram_connected()
            nginx = NginxServer([f"127.0.0.1:{r.port}" for r in replicas], port=nginx_port)
            nginx.start()
            running = Deployment(nginx, replicas, telegram, zalo)
            yield running
            running.client.close()
        finally:
            if nginx is not None:
                nginx.stop()
            for replica in replicas:
                stop_or_kill(replica)


def _custom(answer: Answer) -> dict:
    [custom] = [r["custom"] for r in answer.response.json()["replies"] if r.get("custom", {}).get("topic")]
    return custom


def _is_nginx_page(answer: Answer, status: int) -> bool:
    """nginx's own error page, not a replica's JSON."""
    return answer.status == status and answer.from_nginx() and "<center>nginx</center>" in answer.response.text


# --- the configuration ------------------------------------------------------------------------------------


def test_nginx_t_accepts_the_deployed_configuration(nginx_binary: str) -> None:
    nginx = NginxServer(["127.0.0.1:1", "127.0.0.1:2"])
    try:
        site = nginx.conf / "conf.d" / "default.conf"
        assert site.is_symlink() and site.resolve() == NGINX_CONF, "the project's file itself, not a copy"
        checked = nginx.check()
        assert checked.returncode == 0 and "test is successful" in checked.stderr, checked.stderr
    finally:
        nginx.stop()


def test_nginx_t_accepts_the_console_opened_to_the_office(nginx_binary: str) -> None:
    nginx = NginxServer(["127.0.0.1:1", "127.0.0.1:2"])
    try:
        example = (NGINX_CONF.parent / "nginx-console.conf.example").read_text(encoding="utf-8")
        (nginx.conf / "caunoi-console.conf").write_text(example, encoding="utf-8")
        checked = nginx.check()
        assert checked.returncode == 0 and "test is successful" in checked.stderr, checked.stderr
    finally:
        nginx.stop()


# --- what goes through --------------------------------------------------------------------------------------


def test_a_kiosk_conversation_keeps_its_context_across_replicas(deployment: Deployment) -> None:
    sender = str(uuid.uuid4())
    first = deployment.kiosk(sender, "làm căn cước cần gì")
    assert first.status == 200, first.response.text
    assert (_custom(first)["procedure_id"], _custom(first)["topic"]) == ("can_cuoc", "documents")
    second = deployment.kiosk(sender, "mất bao lâu")
    assert second.status == 200, second.response.text
    assert (_custom(second)["procedure_id"], _custom(second)["topic"]) == ("can_cuoc", "time")
    assert first.upstream != second.upstream and "-" not in (first.upstream, second.upstream), (
        "round-robin: the second message went to the other replica, which knew the conversation")
    page = deployment.request("GET", "/webhooks/kiosk/")
    assert page.status == 200 and "text/html" in page.response.headers["content-type"]
    moved = deployment.request("GET", "/webhooks/kiosk", follow_redirects=False)
    assert (moved.status, moved.response.headers["location"]) == (301, "/webhooks/kiosk/"), "relative: any port"


def test_kiosk_spoken_answers_are_found_whichever_replica_is_asked(deployment: Deployment) -> None:
    """A spoken answer lives in the memory of the replica that answered; nginx asks the next one on a 404."""
    answer = deployment.kiosk(str(uuid.uuid4()), "làm giấy khai sinh cần gì")
    audio_url = answer.response.json()["audio_url"]
    assert audio_url, "espeak-ng is installed: the answer must be spoken"
    path = urljoin("/webhooks/kiosk/text", audio_url)
    fetched = [deployment.request("GET", path) for _ in range(4)]
    for audio in fetched:
        assert audio.status == 200 and audio.response.content[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3"), audio.log
    assert any(", " in a.upstream for a in fetched), (
        f"round-robin sent some requests to the other replica first: {[a.upstream for a in fetched]}")


def _is_mp3(data: bytes) -> bool:
    return data[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")


def test_zalo_audio_links_are_get_only_and_asked_of_every_replica(deployment: Deployment) -> None:
    path = f"/webhooks/zalo/audio/{secrets.token_urlsafe(16)}.mp3"
    unknown = deployment.request("GET", path)
    assert unknown.status == 404 and not unknown.from_nginx(), unknown.log
    assert ", " in unknown.upstream, f"nginx asked the other replica too: {unknown.upstream}"
    assert "text/html" in unknown.response.headers["content-type"]  # the replica's page for a person
    for method in ("POST", "PUT", "DELETE"):
        assert _is_nginx_page(deployment.request(method, path, content=b"x"), 403), method


@pytest.mark.skipif(not WHISPER.exists(), reason="needs ../shared/models/faster-whisper-base")
def test_zalo_spoken_answers_are_found_whichever_replica_is_asked(deployment: Deployment, tmp_path: Path) -> None:
    """The link a Zalo user taps leads to the replica that answered them, through nginx, whichever is asked first."""
    m4a = tmp_path / "voice.m4a"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(CLIPS / "vieneu_03.wav"),
                    "-c:a", "aac", str(m4a)], check=True)
    user = str(8_900_000_000_000_000 + int(time.time() * 1000) % 10**9)
    event = zalo_event("user_send_audio", user, app_id=ZALO_APP_ID,
                       attachments=[{"type": "audio", "payload": {"url": deployment.zalo.add_file(m4a.read_bytes())}}])
    body = event_body(event)
    sent = deployment.request("POST", "/webhooks/zalo/webhook", content=body,
                              headers=sign_event(body, ZALO_APP_ID, event["timestamp"], ZALO_OA_SECRET))
    assert sent.status == 200, sent.response.text
    prefix = LISTEN.split("{")[0]
    deadline = time.monotonic() + 180
    while not any(t.startswith(prefix) for t in deployment.zalo.texts(user)) and time.monotonic() < deadline:
        time.sleep(0.1)
    [link] = [t[len(prefix):] for t in deployment.zalo.texts(user) if t.startswith(prefix)]
    assert link.startswith(f"{deployment.nginx.url}/webhooks/zalo/audio/"), link
    fetched = [deployment.request("GET", link[len(deployment.nginx.url):]) for _ in range(4)]
    for audio in fetched:
        assert audio.status == 200 and _is_mp3(audio.response.content), audio.log
        assert audio.response.headers["content-type"] == "audio/mpeg"
    assert any(", " in a.upstream for a in fetched), (
        f"round-robin sent some requests to the other replica first: {[a.upstream for a in fetched]}")


def test_cards_are_served_through_nginx(deployment: Deployment) -> None:
    card = deployment.request("GET", "/webhooks/cards/no_such_card.png")
    assert card.status == 404 and not card.from_nginx(), "the replica's own answer"
    assert card.response.json() == {"error": "Không có phiếu giấy tờ này."}
    assert _is_nginx_page(deployment.request("POST", "/webhooks/cards/khai_sinh.png", content=b"x"), 403)


def test_telegram_updates_reach_the_replicas_and_keep_their_context(deployment: Deployment) -> None:
    telegram = deployment.telegram
    assert telegram.webhook_url == f"{deployment.nginx.url}/webhooks/telegram/webhook"
    assert telegram.webhook_secret == TG_SECRET
    chat = next(_chat_ids)
    telegram.push_message(chat, "làm căn cước cần giấy tờ gì")
    assert telegram.deliver_to_webhook() == 200  # to the URL the replicas registered: nginx
    assert "căn cước" in telegram.wait_for_texts(chat, 1, 90)[0].lower()
    count = len(telegram.texts(chat))
    telegram.push_message(chat, "mất bao lâu")
    assert telegram.deliver_to_webhook() == 200
    texts = telegram.wait_for_texts(chat, count + 1, 90)
    later = " ".join(texts[count:]).lower()
    assert "thời gian" in later and "căn cước" in later, texts[count:]  # "Thời gian làm thẻ căn cước: ..."
    log = deployment.nginx.access_log.read_text().splitlines()
    webhook = [line.split("\t") for line in log if line.endswith("\t/webhooks/telegram/webhook")]
    assert len({fields[2] for fields in webhook[-2:]}) == 2, "the two updates went to different replicas"
    # The replica checks Telegram's secret behind nginx: nginx passes the header on, and the refusal is the replica's.
    forged = deployment.request("POST", "/webhooks/telegram/webhook", json={"update_id": 1},
                                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert forged.status == 403 and not forged.from_nginx() and forged.response.json() == {"error": "bad secret token"}
    assert _is_nginx_page(deployment.request("GET", "/webhooks/telegram/webhook"), 403)


def test_zalo_events_reach_the_replicas(deployment: Deployment) -> None:
    user = str(8_800_000_000_000_000 + int(time.time() * 1000) % 10**9)
    event = zalo_event("user_send_text", user, app_id=ZALO_APP_ID, text="làm giấy khai sinh cần gì")
    body = event_body(event)
    signed = deployment.request("POST", "/webhooks/zalo/webhook", content=body,
                                headers=sign_event(body, ZALO_APP_ID, event["timestamp"], ZALO_OA_SECRET))
    assert signed.status == 200 and not signed.from_nginx() and signed.response.json() == {"ok": True}
    deadline = time.monotonic() + 90
    while not deployment.zalo.texts(user) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "khai sinh" in " ".join(deployment.zalo.texts(user)).lower()
    unsigned = deployment.request("POST", "/webhooks/zalo/webhook", content=body,
                                  headers={"Content-Type": "application/json"})
    assert 400 <= unsigned.status < 500 and not unsigned.from_nginx(), "the replica checks the signature"
    assert "error" in unsigned.response.json()


# --- what nginx keeps to itself ------------------------------------------------------------------------------


BLOCKED = [
    # Rasa's root and HTTP API (off in `caunoi run`; nginx does not even ask).
    ("GET", "/", {}), ("GET", "/version", {}), ("GET", "/status", {}),
    ("POST", "/model/parse", {"json": {"text": "xin chào"}}), ("PUT", "/model", {"json": {}}),
    ("GET", "/conversations/someone/tracker", {}), ("POST", "/conversations/someone/messages", {"json": {}}),
    # The REST channel: the caller picks the conversation.
    ("GET", "/webhooks/rest/", {}),
    ("POST", "/webhooks/rest/webhook", {"json": {"sender": "telegram:7100001", "message": "mất bao lâu"}}),
    # The status update API, even with its token.
    ("POST", "/webhooks/status/applications",
     {"json": [], "headers": {"Authorization": f"Bearer {STATUS_TOKEN}"}}),
    # The channels' health routes.
    ("GET", "/webhooks/telegram/", {}), ("GET", "/webhooks/zalo/", {}),
    # The staff console, until an operator opens it to the office (deploy/nginx-console.conf.example).
    ("GET", "/console/", {}), ("GET", "/console/login", {}), ("GET", "/console/static/console.css", {}),
    ("POST", "/console/login", {"data": {"name": "admin", "password": "x"}}),
]


@pytest.mark.parametrize("method, path, kwargs", BLOCKED, ids=[f"{m} {p}" for m, p, _ in BLOCKED])
def test_internal_paths_get_404_from_nginx(deployment: Deployment, method: str, path: str, kwargs: dict) -> None:
    answer = deployment.request(method, path, **kwargs)
    assert _is_nginx_page(answer, 404), (answer.status, answer.log, answer.response.text[:200])


def test_the_replicas_do_serve_what_nginx_blocks(deployment: Deployment) -> None:
    """So the 404s above are nginx's doing, not paths that do not exist."""
    replica = deployment.replicas[0]
    assert deployment.direct(replica, "GET", "/").status_code == 200
    rest = deployment.direct(replica, "POST", "/webhooks/rest/webhook", json={"sender": "x", "message": "xin chào"})
    assert rest.status_code == 200 and isinstance(rest.json(), list)
    status = deployment.direct(replica, "POST", "/webhooks/status/applications", json=[],
                               headers={"Authorization": f"Bearer {STATUS_TOKEN}"})
    assert status.status_code in (200, 400), status.text
    for health in ("/webhooks/telegram/", "/webhooks/zalo/"):
        assert deployment.direct(replica, "GET", health).status_code == 200
    assert deployment.direct(replica, "GET", "/console/static/console.css").status_code == 200


@pytest.mark.parametrize("raw_path", [
    "/webhooks/kiosk/../rest/webhook",
    "/webhooks/kiosk/%2e%2e/rest/webhook",
    "/webhooks/kiosk/..%2frest%2fwebhook",
    "//webhooks/rest/webhook",
    "/webhooks/cards/../status/applications",
    "/webhooks/rest/webhook/../../kiosk/text",  # allowed once resolved: what does the replica make of it?
    "/webhooks/rest/webhook%2f..%2f..%2fkiosk%2ftext",
])
def test_tricky_paths_do_not_reach_the_blocked_routes(deployment: Deployment, raw_path: str) -> None:
    body = json.dumps({"sender": "telegram:7100001", "message": "xin chào"}).encode()
    answer = deployment.raw("POST", raw_path, body)
    assert answer.status in (400, 404), (answer.status, answer.log, answer.response.text[:200])
    replied = answer.status == 200 and isinstance(answer.response.json(), list)
    assert not replied, "a REST reply came back"


# --- sizes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, size", [
    ("/webhooks/kiosk/text", 2 * MB),
    ("/webhooks/telegram/webhook", 2 * MB),
    ("/webhooks/zalo/webhook", 2 * MB),
    ("/webhooks/kiosk/voice", 12 * MB),
])
def test_oversized_bodies_get_413_from_nginx(deployment: Deployment, path: str, size: int) -> None:
    answer = deployment.request("POST", path, content=b"x" * size, headers={"Content-Type": "application/json"})
    assert _is_nginx_page(answer, 413), (answer.status, answer.log)


def test_a_recording_of_the_largest_size_the_kiosk_takes_gets_through(deployment: Deployment) -> None:
    from voice.decode import Limits

    audio = b"\x1a\x45\xdf\xa3" + b"\x00" * (Limits().max_bytes - 4)  # a WebM header, then nothing to decode
    answer = deployment.request("POST", "/webhooks/kiosk/voice", data={"sender": str(uuid.uuid4())},
                                files={"audio": ("voice.webm", audio, "audio/webm")})
    assert not answer.from_nginx(), answer.log
    assert answer.status == 200, answer.response.text[:300]  # the page shows the replica's plain message
    assert answer.response.json()["replies"][0]["text"]


# --- the compose healthcheck, and a replica that dies ---------------------------------------------------------


def test_the_compose_healthcheck_passes_on_a_real_replica(deployment: Deployment) -> None:
    for service in caunoi_services(compose({"POSTGRES_PASSWORD": "x", "REDIS_PASSWORD": "y"})).values():
        kind, *command = service["healthcheck"]["test"]
        assert kind == "CMD" and command[0] == "python"
        code = command[2]
        assert code.count("127.0.0.1:5005") == 1
        code = code.replace("127.0.0.1:5005", f"127.0.0.1:{deployment.replicas[0].port}")
        done = subprocess.run([sys.executable, command[1], code], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr


def test_a_dead_replica_is_skipped_and_the_conversation_goes_on(deployment: Deployment) -> None:
    """Last in this module: replica b stays dead."""
    survivor, victim = deployment.replicas
    sender = str(uuid.uuid4())
    assert _custom(deployment.kiosk(sender, "làm căn cước cần gì"))["procedure_id"] == "can_cuoc"
    kill(victim)
    answers = [deployment.kiosk(sender, text) for text in ("mất bao lâu", "có mất tiền không", "mất bao lâu")]
    for answer in answers:
        assert answer.status == 200, (answer.log, answer.response.text[:300])
        assert _custom(answer)["procedure_id"] == "can_cuoc"
    assert [_custom(a)["topic"] for a in answers] == ["time", "fee", "time"]
    assert all(a.upstream.endswith(f"127.0.0.1:{survivor.port}") for a in answers)
    assert any(re.search(rf"127\.0\.0\.1:{victim.port}, ", a.upstream) for a in answers), (
        f"nginx tried the dead replica, then the next: {[a.upstream for a in answers]}")
    assert "Traceback" not in survivor.output(), survivor.output()[-4000:]
