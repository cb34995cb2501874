"""`caunoi run`: start the action server and the Rasa server, stop both cleanly.

Both run as child processes in their own process groups; SIGINT/SIGTERM (or either child dying)
stops the other, so nothing is left behind. Servers bind 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.runtime.environment import child_env
from bot.runtime.scale_config import ScaleConfig, lock_store_endpoint, scale_config, tracker_store_endpoint
from bot.runtime.training import model_path
from bot.settings import Settings, load_settings


@dataclass(frozen=True)
class RunOptions:
    host: str = "127.0.0.1"
    port: int = 5005
    actions_port: int = 5055


def write_endpoints(root: Path, data_dir: Path, options: RunOptions, scale: ScaleConfig | None = None) -> Path:
    """Rasa's endpoints file. Embedded (no `scale`): SQLite in the data folder, in-memory lock store;
    scaled out: the shared SQL tracker store and/or the Redis lock store of bot/runtime/scale_config.py."""
    scale = scale or ScaleConfig()
    run_dir = data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    if scale.tracker_db:
        tracker_store = tracker_store_endpoint(scale.tracker_db)
    else:
        tracker_store = {
            "type": "bot.rasa_ext.tracker_store.CachedSQLTrackerStore",
            "dialect": "sqlite",
            "db": str((data_dir / "trackers.db").resolve()),
            # `run` holds the data folder's lock: no other process writes these conversations
            # (unless this replica runs several workers).
            "exclusive": not scale.shared,
        }
    endpoints = {
        # Our actions never read the domain: don't send it with every call.
        "action_endpoint": {
            "url": f"http://127.0.0.1:{options.actions_port}/webhook",
            "enable_selective_domain": True,
        },
        "tracker_store": tracker_store,
    }
    if scale.lock_store:
        endpoints["lock_store"] = lock_store_endpoint(scale.lock_store)
    path = run_dir / f"endpoints-{options.port}.yml"
    # Passwords of the shared stores may be in it: readable by this user only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(yaml.safe_dump(endpoints, sort_keys=False, allow_unicode=True))
    return path


CHANNEL_CLASSES = {
    "rest": "bot.channels.rest.channel.RestChannel",
    "telegram": "bot.channels.telegram.channel.TelegramInput",
    "zalo": "bot.channels.zalo.channel.ZaloInput",
    "kiosk": "bot.channels.kiosk.channel.KioskInput",
    "status": "bot.status.api.StatusApiInput",
    "cards": "bot.channels.card_files.channel.CardsInput",
    "recordings": "bot.channels.recording_files.channel.RecordingsInput",
    "console": "bot.console.channel.ConsoleInput",
}


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def rest_enabled(settings: Settings, host: str) -> bool:
    """REST lets its caller choose conversation ids: only on loopback, unless it has a token."""
    from bot.channels.config import rest_token

    return host in LOOPBACK_HOSTS or host.startswith("127.") or bool(rest_token(settings))


def enabled_channels(settings: Settings, host: str = "127.0.0.1") -> list[str]:
    """Channels to serve: REST (see rest_enabled), then those whose credentials are set
    (environment or caunoi.yml), the kiosk unless switched off, and the card files."""
    from bot.channels.config import telegram_config, zalo_config
    from bot.status.config import status_api_token

    enabled = ["rest"] if rest_enabled(settings, host) else []
    if telegram_config(settings).enabled:
        enabled.append("telegram")
    if zalo_config(settings).enabled:
        enabled.append("zalo")
    # The kiosk page needs no credentials: on unless switched off (CAUNOI_KIOSK=0).
    if os.environ.get("CAUNOI_KIOSK", "1") != "0":
        enabled.append("kiosk")
    # The status update API (POST /webhooks/status/applications): only with its token.
    if status_api_token(settings):
        enabled.append("status")
    enabled.append("cards")  # the printable checklists answers link to
    enabled.append("recordings")  # answers recorded by the commune's bilingual team
    # The staff console (/console/): 404 until `caunoi staff add` makes its first account; CAUNOI_CONSOLE=0
    # leaves it out of the server altogether.
    if os.environ.get("CAUNOI_CONSOLE", "1") != "0":
        from bot.console.config import console_config

        console_config(settings)  # a bad `console:` setting stops `caunoi run` with one line, not a traceback
        enabled.append("console")
    return enabled


def write_credentials(data_dir: Path, options: RunOptions, channels: list[str]) -> Path:
    """Each enabled channel by class path. No secrets: channels read their own."""
    credentials: dict[str, dict | None] = {}
    for name in channels:
        credentials[CHANNEL_CLASSES[name]] = {}
    path = data_dir / "run" / f"credentials-{options.port}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(credentials, sort_keys=False), encoding="utf-8")
    return path


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop(processes: list[subprocess.Popen], timeout: float = 20) -> None:
    """Stop in the given order, each before the next: the Rasa server first, so answers it is still
    finishing (channels drain on stop) can call the action server, which goes last."""
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def lock_data_dir(data_dir: Path) -> int | None:
    """One `caunoi run` per data folder (its SQLite conversations); None when another holds it."""
    (data_dir / "run").mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / "run" / "caunoi.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd  # released when this process exits


def run(root: Path, options: RunOptions) -> int:
    settings = load_settings()
    model = model_path(root)
    if not model.exists():
        print("No trained model: run `caunoi train` first.", file=sys.stderr)
        return 2
    for port in (options.port, options.actions_port):
        if not _port_free(options.host if port == options.port else "127.0.0.1", port):
            print(f"Port {port} is already in use: choose another with --port/--actions-port.",
                  file=sys.stderr)
            return 2
    try:
        scale = scale_config(settings)
    except ValueError as exc:
        print(f"Scale settings: {exc}", file=sys.stderr)
        return 2
    if lock_data_dir(settings.data_dir) is None:
        print(f"Another `caunoi run` is using {settings.data_dir}: stop it, or give this one its own "
              "folder with CAUNOI_DATA_DIR.", file=sys.stderr)
        return 2
    endpoints = write_endpoints(root, settings.data_dir, options, scale)
    try:
        channels = enabled_channels(settings, options.host)
    except ValueError as exc:
        print(f"Channel settings: {exc}", file=sys.stderr)
        return 2
    credentials = write_credentials(settings.data_dir, options, channels)
    env = child_env()
    # Sanic workers only as configured (CAUNOI_WORKERS): the tracker cache's `exclusive` depends on it.
    rasa_env = {**{k: v for k, v in env.items() if k != "SANIC_WORKERS"}, "SANIC_WORKERS": str(scale.workers)}
    actions = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.action_server", "--actions", "bot.actions",
         "--port", str(options.actions_port), "--quiet"],
        cwd=root, env={**env, "SANIC_HOST": "127.0.0.1"}, start_new_session=True,
    )
    rasa = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.rasa_server", "--model", str(model),
         "--endpoints", str(endpoints), "--credentials", str(credentials),
         "--interface", options.host, "--port", str(options.port)],
        cwd=root, env=rasa_env, start_new_session=True,
    )
    children = [actions, rasa]

    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if wait_for_port(options.host, options.port, 120, rasa):
            print(f"Cầu Nối is ready: http://{options.host}:{options.port}/webhooks/rest/webhook",
                  flush=True)
            print("Channels: " + ", ".join(channels), flush=True)
            if "rest" not in channels:
                print(f"REST is off: {options.host} is not a loopback address and no CAUNOI_REST_TOKEN is set "
                      "(anyone on the network could read or continue conversations).", flush=True)
            if "kiosk" in channels:
                print(f"Kiosk page: http://{options.host}:{options.port}/webhooks/kiosk/", flush=True)
            if "console" in channels:
                print(f"Staff console: http://{options.host}:{options.port}/console/ (off until the first "
                      "`caunoi staff add NAME --role admin`)", flush=True)
        while not stopping and all(p.poll() is None for p in children):
            time.sleep(0.2)
    finally:
        _stop([rasa, actions])
        for s, handler in previous.items():
            signal.signal(s, handler)
    failed = [p for p in children if p.returncode not in (0, -signal.SIGTERM, None)]
    return 0 if stopping or not failed else 1
