"""`caunoi voice download` against a real HTTP server on loopback: progress, checksums, archive
integrity, offline errors, and never a half-installed model. Test registry entries stand in for the
real ones (same kinds: a Vosk-style zip, Whisper-style separate files)."""

from __future__ import annotations

import hashlib
import io
import json
import random
import socket
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voice import models
from voice.models import DownloadError, ModelSpec, RemoteFile, download

VOSK_FILES = {"am/final.mdl": b"acoustic model", "conf/mfcc.conf": b"--use-energy=false\n",
              "conf/model.conf": b"--beam=10\n", "graph/HCLr.fst": b"hclr",
              "graph/Gr.fst": random.Random(0).randbytes(20000)}
WHISPER_FILES = {name: f"{name} contents\n".encode() * 100 for name in models.WHISPER_FILES}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vosk_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in VOSK_FILES.items():
            # a fixed date: the archive must be the same bytes each time it is built
            zf.writestr(zipfile.ZipInfo(f"vosk-model-test/{name}", (2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


class Server:
    def __init__(self, root: Path) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                if self.path.endswith("/cut.zip"):  # promises 100 kB, sends 10 bytes, hangs up
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b"PK\x03\x04 cut")
                    return
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mirror"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "www"
    mirror = root / "mirror"
    (mirror / "whisper-test").mkdir(parents=True)
    (mirror / "vosk-model-test.zip").write_bytes(vosk_zip())
    archive = bytearray(vosk_zip())
    archive[len(archive) // 2] ^= 0xFF  # inside Gr.fst's data: the zip still opens, its CRC fails
    (mirror / "damaged.zip").write_bytes(bytes(archive))
    (mirror / "truncated.zip").write_bytes(vosk_zip()[:-200])
    for name, data in WHISPER_FILES.items():
        (mirror / "whisper-test" / name).write_bytes(data)
    running = Server(root)
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def zip_spec(name: str, archive: str, sha256: str | None = None) -> ModelSpec:
    item = RemoteFile(f"http://example.invalid/{archive}", archive, sha256=sha256)
    return ModelSpec(name, "vosk-model-test", "vosk", "zip", (item,), 1, "test zip")


def files_spec(name: str, wrong_sha_for: str | None = None) -> ModelSpec:
    items = tuple(RemoteFile(f"http://example.invalid/whisper-test/{n}", f"whisper-test/{n}", len(data),
                             "0" * 64 if n == wrong_sha_for else sha(data))
                  for n, data in WHISPER_FILES.items())
    return ModelSpec(name, "whisper-test", "whisper", "files", items, 1, "test files")


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAUNOI_MODELS_URL", raising=False)
    for spec in (zip_spec("test-zip", "vosk-model-test.zip"),
                 zip_spec("test-zip-pinned-wrong", "vosk-model-test.zip", sha256="f" * 64),
                 zip_spec("test-zip-damaged", "damaged.zip"), zip_spec("test-zip-truncated", "truncated.zip"),
                 zip_spec("test-zip-cut", "cut.zip"),
                 zip_spec("test-zip-404", "nowhere.zip"),
                 files_spec("test-files"), files_spec("test-files-bad", wrong_sha_for="model.bin")):
        monkeypatch.setitem(models.REGISTRY, spec.name, spec)


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir() if p.name != ".download.lock") if dest.exists() else []


def test_zip_model_is_installed_with_progress_and_its_checksum_recorded(
        server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "models"
    calls: list[tuple[int, int | None, str]] = []
    folder = download("test-zip", dest, progress=lambda *a: calls.append(a), base_url_override=server.url)
    archive = vosk_zip()
    assert folder == dest / "vosk-model-test" and models.check_vosk_model(folder) == []
    assert (folder / "graph" / "Gr.fst").read_bytes() == VOSK_FILES["graph/Gr.fst"]
    assert calls[0] == (0, len(archive), "vosk-model-test.zip") and calls[-1][0] == len(archive)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    record = json.loads((folder / models.RECORD).read_text())
    assert record["files"]["vosk-model-test.zip"]["sha256"] == sha(archive)
    assert record["files"]["vosk-model-test.zip"]["pinned"] is False
    assert sha(archive) in capsys.readouterr().err  # trust on first use: shown to whoever downloads
    assert leftovers(dest) == ["vosk-model-test"]  # no archive, no temporary folder


def test_second_download_is_a_no_op(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "models"
    download("test-zip", dest, base_url_override=server.url)
    fetched = len(server.requests)
    capsys.readouterr()
    assert download("test-zip", dest, base_url_override=server.url) == dest / "vosk-model-test"
    assert len(server.requests) == fetched
    assert "already installed" in capsys.readouterr().err


def test_files_model_from_a_mirror_in_the_environment(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAUNOI_MODELS_URL", server.url)
    folder = download("test-files", tmp_path / "models")
    assert models.check_whisper_model(folder) == []
    assert {p.name for p in folder.iterdir()} == {*WHISPER_FILES, models.RECORD}
    assert sorted(server.requests) == sorted(f"/mirror/whisper-test/{n}" for n in WHISPER_FILES)


@pytest.mark.parametrize(("name", "expected"), [
    ("test-files-bad", "checksum mismatch"),
    ("test-zip-pinned-wrong", "checksum mismatch"),
    ("test-zip-damaged", "damaged archive"),
    ("test-zip-truncated", "not a valid zip"),
    ("test-zip-cut", "connection cut|interrupted"),
    ("test-zip-404", "404"),
])
def test_bad_downloads_install_nothing(server: Server, tmp_path: Path, name: str, expected: str) -> None:
    dest = tmp_path / "models"
    with pytest.raises(DownloadError, match=expected) as error:
        download(name, dest, base_url_override=server.url)
    assert "\n" not in str(error.value)
    assert leftovers(dest) == []


def test_interrupted_download_installs_nothing(server: Server, tmp_path: Path) -> None:
    def press_ctrl_c(done: int, total: int | None, label: str) -> None:
        if done:
            raise KeyboardInterrupt

    dest = tmp_path / "models"
    with pytest.raises(KeyboardInterrupt):
        download("test-files", dest, progress=press_ctrl_c, base_url_override=server.url)
    assert leftovers(dest) == []


def refused_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on (bound, then released)
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_offline_is_one_clear_line_and_a_failing_exit_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "models"
    with pytest.raises(DownloadError) as error:
        download("test-zip", dest, base_url_override=refused_url())
    assert "offline" in str(error.value) and "Text channels keep working" in str(error.value)
    assert leftovers(dest) == []
    monkeypatch.setenv("CAUNOI_MODELS_URL", refused_url())
    capsys.readouterr()
    assert models.main(["download", "test-zip", "--dest", str(dest)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "offline" in errors[0]


def test_unknown_model_and_a_broken_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="unknown model 'nope'"):
        download("nope", tmp_path)
    (tmp_path / "vosk-model-test").mkdir()
    with pytest.raises(DownloadError, match="remove it"):
        download("test-zip", tmp_path)


def test_progress_without_a_terminal_is_a_few_lines(capsys: pytest.CaptureFixture[str]) -> None:
    report = models.terminal_progress()
    for done in range(0, 1001, 7):
        report(done, 1000, "model.bin")
    report(1000, 1000, "model.bin")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "model.bin: 0%" and lines[-1] == "model.bin: 100%" and len(lines) == 11


def test_real_registry_is_complete() -> None:
    assert models.REGISTRY["vosk-small"].files[0].url == "https://alphacephei.com/vosk/models/vosk-model-small-vn-0.4.zip"
    assert models.REGISTRY["vosk"].files[0].url == "https://alphacephei.com/vosk/models/vosk-model-vn-0.4.zip"
    whisper = models.REGISTRY["whisper-base"]
    assert [f.mirror_path.rsplit("/", 1)[1] for f in whisper.files] == list(models.WHISPER_FILES)
    assert all(f.sha256 and f.size for f in whisper.files)
    hub = "https://huggingface.co/Systran/faster-whisper-base/resolve/main/"
    assert all(f.url.startswith(hub) for f in whisper.files)
