"""The staff console on the session's real assistant (`caunoi run`), with accounts made by `caunoi staff add`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
import requests

from tests.support.assistant import RunningAssistant
from tests.support.paths import ROOT

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class ConsoleSite:
    assistant: RunningAssistant
    off_before_accounts: int  # what /console/login answered before the first account existed
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.assistant.port}/console"

    def staff(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        env = {**os.environ, "CAUNOI_DATA_DIR": str(self.assistant.data_dir)}
        return subprocess.run([sys.executable, "-m", "bot.cli", "staff", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)

    def add(self, name: str, role: str) -> str:
        password = "mk-" + secrets.token_urlsafe(12)
        done = self.staff("add", name, "--role", role, stdin=password + "\n")
        assert done.returncode == 0, done.stderr
        self.passwords[name] = password
        return password

    def client(self, address: str | None = None) -> requests.Session:
        """A browser-like client; `address` is the one a proxy on this machine would forward."""
        client = requests.Session()
        client.headers["X-Forwarded-For"] = address or f"10.9.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
        return client

    def login(self, name: str, password: str | None = None, client: requests.Session | None = None
              ) -> requests.Response:
        client = client or self.client()
        form = client.get(f"{self.base}/login", timeout=30)
        token = CSRF.search(form.text).group(1)
        return client.post(f"{self.base}/login", data={"csrf": token, "name": name,
                                                        "password": password or self.passwords[name]},
                           timeout=60, allow_redirects=False)

    def logged_in(self, name: str) -> requests.Session:
        client = self.client()
        answer = self.login(name, client=client)
        assert answer.status_code == 303, answer.text
        return client

    def csrf(self, client: requests.Session, path: str = "/") -> str:
        return CSRF.search(client.get(self.base + path, timeout=30).text).group(1)


@pytest.fixture(scope="session")
def console_site(assistant: RunningAssistant) -> ConsoleSite:
    before = requests.get(f"http://127.0.0.1:{assistant.port}/console/login", timeout=30).status_code
    site = ConsoleSite(assistant, before)
    for name, role in (("quan.tri", "admin"), ("mot.cua", "desk"), ("to.cns", "team")):
        site.add(name, role)
    return site
