"""`caunoi chat`: talk to the assistant in a terminal through its REST channel.

Starts the servers on free ports (or uses `--url` of a running one). Buttons are listed with
numbers; typing the number taps the button.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send(url: str, sender: str, message: str, timeout: float = 30) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


def _show(messages: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            print(f"🤖 {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append(button)
            print(f"   [{len(buttons)}] {button['title']}")
    return buttons


def chat_loop(url: str, stdin=sys.stdin) -> None:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print("Gõ câu hỏi (Ctrl-D để thoát). Ví dụ: làm giấy khai sinh cần gì")
    buttons: list[dict] = []
    for line in stdin:
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = _show(send(url, sender, text))


def chat(root: Path, url: str | None) -> int:
    if url:
        chat_loop(url)
        return 0
    from bot.runtime.supervisor import wait_for_port

    port, actions_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--port", str(port),
         "--actions-port", str(actions_port)],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        print("Đang khởi động trợ lý…", flush=True)
        if not wait_for_port("127.0.0.1", port, 120, server):
            print("The assistant did not start; try `caunoi run` to see why.", file=sys.stderr)
            return 1
        chat_loop(f"http://127.0.0.1:{port}/webhooks/rest/webhook")
    finally:
        server.terminate()
        server.wait(30)
    return 0
