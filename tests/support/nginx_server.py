"""The real nginx running the project's deploy/nginx.conf, for the tests: a non-daemon child on a free loopback
port, with its own prefix folder (configuration, logs, temp files, pid), nothing under /etc or /var.

The configuration folder is laid out exactly as deploy/docker-compose.yml mounts the files into the official
nginx image's /etc/nginx: deploy/nginx.conf itself (a symlink, not a copy) as conf.d/default.conf, included by a
main nginx.conf like the image's; the two small include files are rendered from their deploy/ versions with
only the addresses changed: the replicas' loopback ports instead of rasa1:5005..., and the free port instead
of 80. Uses Debian's nginx (`apt-get install nginx`, which `make test-tools` does).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bot.runtime.chat import free_port
from tests.support.deploy_files import NGINX_LISTEN, NGINX_REPLICAS, compose_document, nginx_mounts

# What the access log keeps of each request: enough to tell nginx's own answers (no upstream) from a replica's.
LOG_FIELDS = ("test_id", "status", "upstream", "upstream_status", "method", "uri")
LOG_FORMAT = "\\t".join(("$http_x_test_id", "$status", "$upstream_addr", "$upstream_status", "$request_method",
                         "$uri"))


class NginxUnavailable(RuntimeError):
    """Why no nginx could be started."""


def find_nginx() -> str | None:
    """nginx on PATH, else Debian's /usr/sbin/nginx (not on a normal user's PATH)."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def render_replicas(backends: list[str]) -> str:
    """deploy/nginx-replicas.conf with its replicas' addresses replaced, in order, by `backends` (host:port)."""
    text = NGINX_REPLICAS.read_text(encoding="utf-8")
    servers = re.findall(r"^(\s*server\s+)(\S+)", text, re.M)
    if len(servers) != len(backends):
        raise ValueError(f"{NGINX_REPLICAS.name} lists {len(servers)} replicas, the test has {len(backends)}")
    backend = iter(backends)
    return re.sub(r"^(\s*server\s+)(\S+)", lambda m: m[1] + next(backend), text, flags=re.M)


def render_listen(port: int) -> str:
    """deploy/nginx-listen.conf listening on 127.0.0.1:`port` instead."""
    text, count = re.subn(r"^(\s*listen\s+)\S+?;", rf"\g<1>127.0.0.1:{port};", NGINX_LISTEN.read_text(), flags=re.M)
    if count != 1:
        raise ValueError(f"{NGINX_LISTEN.name}: expected one listen directive, found {count}")
    return text


class NginxServer:
    def __init__(self, backends: list[str], port: int | None = None) -> None:
        """`backends`: the replicas as host:port, in the order of deploy/nginx-replicas.conf; `port`: where to
        listen (default: a free one), when the replicas must know nginx's address before it starts."""
        binary = find_nginx()
        if binary is None:
            raise NginxUnavailable("nginx not found on PATH or in /usr/sbin (install it: apt-get install nginx, "
                                   "or `make test-tools`)")
        self.binary = binary
        self.port = port or free_port()
        self.base = Path(tempfile.mkdtemp(prefix="caunoi-nginx-"))
        # As root, nginx's workers run as `nobody`: they must reach the temp folders (bodies over 16 KB).
        os.chmod(self.base, 0o755)
        self.conf = self.base / "conf"
        self.logs = self.base / "logs"
        self.access_log = self.logs / "access.log"
        self.error_log = self.logs / "error.log"
        self.process: subprocess.Popen | None = None
        self._layout(backends)

    def _layout(self, backends: list[str]) -> None:
        self.logs.mkdir(parents=True)
        rendered = {NGINX_REPLICAS: render_replicas(backends), NGINX_LISTEN: render_listen(self.port)}
        for source, target in nginx_mounts(compose_document()).items():
            path = self.conf / target
            path.parent.mkdir(parents=True, exist_ok=True)
            if source in rendered:
                path.write_text(rendered.pop(source), encoding="utf-8")
            else:
                path.symlink_to(source)  # the project's file as it is
        if rendered:
            raise ValueError(f"the compose file does not mount {[p.name for p in rendered]}")
        # The official image's main nginx.conf, reduced to what matters, with this prefix's paths.
        temp = "\n".join(f"    {kind}_temp_path {self.base / (kind + '_temp')};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.conf / "nginx.conf").write_text(f"""\
daemon off;
master_process on;
worker_processes 1;
pid {self.base / 'nginx.pid'};
error_log {self.error_log} info;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
{temp}
    log_format test '{LOG_FORMAT}';
    access_log {self.access_log} test;
    include conf.d/*.conf;
}}
""", encoding="utf-8")

    def _command(self, *extra: str) -> list[str]:
        return [self.binary, "-p", f"{self.base}/", "-c", str(self.conf / "nginx.conf"), "-e", str(self.error_log),
                *extra]

    def check(self) -> subprocess.CompletedProcess:
        """`nginx -t` on this configuration."""
        return subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)

    def start(self, timeout: float = 20) -> str:
        """Start nginx; its base URL (http://127.0.0.1:PORT)."""
        checked = self.check()
        if checked.returncode != 0:
            raise NginxUnavailable(f"nginx -t failed:\n{checked.stderr}")
        with (self.logs / "stderr.log").open("ab") as out:
            self.process = subprocess.Popen(self._command(), stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NginxUnavailable(f"nginx exited ({self.process.returncode}):\n{self.error_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self.url
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise NginxUnavailable(f"nginx did not listen within {timeout} s:\n{self.error_tail()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_tail(self) -> str:
        return self.error_log.read_text(errors="replace")[-3000:] if self.error_log.exists() else ""

    def entries(self, test_id: str, timeout: float = 5) -> list[dict[str, str]]:
        """The access log's lines of the requests that carried `X-Test-Id: test_id` (written as each ends)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.access_log.read_text(errors="replace").splitlines() if self.access_log.exists() else []
            found = [dict(zip(LOG_FIELDS, line.split("\t"), strict=True)) for line in lines
                     if line.startswith(test_id + "\t")]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)  # master and workers: its own session
                    self.process.wait()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
