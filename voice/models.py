"""Speech models: where they live, what a valid one contains, and `caunoi voice download`.

Models are cached in `models_dir()` (`CAUNOI_MODELS_DIR`, default `<project>/models/voice`), one folder
per model. A download goes to a hidden temporary folder beside them and is moved into place (one
rename) only after its size, checksum and archive integrity are checked: a failed or interrupted
download never leaves a half-installed model. `CAUNOI_MODELS_URL` points at a mirror laid out as
`<url>/<archive>.zip` (Vosk) and `<url>/<model folder>/<file>` (Whisper).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CHUNK = 256 * 1024
TIMEOUT_S = 30
RECORD = "DOWNLOAD.json"  # written into every downloaded model: source, sizes, sha256 (trust on first use)

# (bytes done, bytes expected or None when the server does not say, file name)
Progress = Callable[[int, int | None, str], None]


def models_dir() -> Path:
    """The speech-model cache: `CAUNOI_MODELS_DIR`, else `<project>/models/voice`."""
    configured = os.environ.get("CAUNOI_MODELS_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    # The project folder as bot.settings.project_root sees it (CAUNOI_HOME, else the checkout).
    home = os.environ.get("CAUNOI_HOME") or Path(__file__).resolve().parent.parent
    return Path(home).resolve() / "models" / "voice"


# --- what a usable model folder contains ---------------------------------------------------------

def check_vosk_model(folder: Path) -> list[str]:
    """What is missing for Vosk to load `folder` ([] when it looks complete). Checked before
    `vosk.Model`, which on a broken folder logs from C++ and may take the process down."""
    if not folder.is_dir():
        return ["the folder itself"]
    # Vosk reads either layout: am/, conf/, graph/ (current models) or everything at the top (old ones).
    layout = "v2" if (folder / "conf" / "mfcc.conf").is_file() else "v1"
    mdl = folder / ("am/final.mdl" if layout == "v2" else "final.mdl")
    graph = folder / "graph" if layout == "v2" else folder
    missing = [] if mdl.is_file() else [str(mdl.relative_to(folder))]
    if layout == "v1" and not (folder / "mfcc.conf").is_file():
        missing.append("conf/mfcc.conf")
    has_static = (graph / "HCLG.fst").is_file()
    has_lookahead = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    if not (has_static or has_lookahead):
        where = "graph/" if layout == "v2" else ""
        missing.append(f"{where}HCLG.fst (or {where}HCLr.fst + {where}Gr.fst)")
    return missing


WHISPER_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")


def check_whisper_model(folder: Path) -> list[str]:
    """What is missing for faster-whisper to load `folder` offline ([] when complete). Without
    tokenizer.json faster-whisper would fetch one from the internet."""
    if not folder.is_dir():
        return ["the folder itself"]
    return [name for name in WHISPER_FILES if not (folder / name).is_file() or (folder / name).stat().st_size == 0]


# --- the registry ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RemoteFile:
    url: str
    mirror_path: str  # where it sits under a mirror (CAUNOI_MODELS_URL)
    size: int | None = None  # exact bytes, when known
    sha256: str | None = None  # pinned, when known; else computed and recorded on first download


@dataclass(frozen=True)
class ModelSpec:
    name: str  # what `caunoi voice download` takes
    folder: str  # the installed folder in models_dir()
    engine: str  # "vosk" or "whisper"
    kind: str  # "zip" (one archive holding the folder) or "files" (files of the folder)
    files: tuple[RemoteFile, ...]
    approx_mb: int  # shown before the download starts
    about: str


VOSK_BASE = "https://alphacephei.com/vosk/models"
HF_WHISPER_BASE = "https://huggingface.co/Systran/faster-whisper-base/resolve/main"

# Sizes and checksums of the Whisper files were computed from the published files (model.bin matches
# the checksum Systran publishes). The Vosk archives' checksums could not be obtained when this was
# written (no internet): they stay None; the zip is tested and its sha256 recorded and printed.
_WHISPER_PINS = {
    "config.json": (2309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "model.bin": (145217532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    "tokenizer.json": (2203239, "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
    "vocabulary.txt": (459861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
}

REGISTRY: dict[str, ModelSpec] = {
    "vosk-small": ModelSpec(
        "vosk-small", "vosk-model-small-vn-0.4", "vosk", "zip",
        (RemoteFile(f"{VOSK_BASE}/vosk-model-small-vn-0.4.zip", "vosk-model-small-vn-0.4.zip"),),
        32, "Vosk small Vietnamese: fast on 2 cores, accepts phrase hints (recommended)",
    ),
    "vosk": ModelSpec(
        "vosk", "vosk-model-vn-0.4", "vosk", "zip",
        (RemoteFile(f"{VOSK_BASE}/vosk-model-vn-0.4.zip", "vosk-model-vn-0.4.zip"),),
        78, "Vosk Vietnamese, larger and more accurate",
    ),
    "whisper-base": ModelSpec(
        "whisper-base", "faster-whisper-base", "whisper", "files",
        tuple(RemoteFile(f"{HF_WHISPER_BASE}/{name}", f"faster-whisper-base/{name}", size, sha)
              for name, (size, sha) in _WHISPER_PINS.items()),
        140, "Whisper base (multilingual): better on varied voices, slower",
    ),
}
DEFAULT_MODEL = "vosk-small"


# --- downloading -----------------------------------------------------------------------------

class DownloadError(RuntimeError):
    """A download that did not install anything; `str()` is one line fit for the terminal."""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def terminal_progress() -> Progress:
    """A bar on a terminal; a line per 10 % otherwise (logs, CI) — never thousands of lines."""
    tty = sys.stderr.isatty()
    last: dict[str, int] = {}

    def report(done: int, total: int | None, label: str) -> None:
        if tty:
            if total:
                filled = int(30 * done / total)
                line = f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {100 * done // total:3d}% {done >> 20} MB"
            else:
                line = f"\r{label} {done >> 20} MB"
            end = "\n" if total and done >= total else ""
            print(line, end=end, file=sys.stderr, flush=True)
            return
        step = 10 * done // total if total else done >> 24  # every 10 %, or every 16 MB
        if last.get(label) != step:
            last[label] = step
            amount = f"{100 * done // total}%" if total else f"{done >> 20} MB"
            print(f"{label}: {amount}", file=sys.stderr, flush=True)

    return report


def _offline_error(url: str, reason: object) -> DownloadError:
    host = urlsplit(url).netloc or url
    return DownloadError(
        f"cannot reach {host} ({reason}): this machine seems offline. Text channels keep working; "
        "run the download again when online, or copy the model folder into the models folder."
    )


def _fetch(url: str, target: Path, expected: RemoteFile, progress: Progress | None) -> str:
    """Stream `url` into `target`; returns the sha256. Checks size against the registry and the
    server's Content-Length (a cut connection is not a finished download)."""
    digest = hashlib.sha256()
    label = url.rsplit("/", 1)[-1]
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, target.open("wb") as out:
            header = response.headers.get("Content-Length")
            total = int(header) if header and header.isdigit() else expected.size
            done = 0
            if progress:
                progress(0, total, label)
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total, label)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: the server answered {exc.code} {exc.reason}; nothing was installed") from exc
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise _offline_error(url, getattr(exc, "reason", exc)) from exc
    except (OSError, http.client.HTTPException) as exc:  # e.g. IncompleteRead: the connection broke mid-file
        raise DownloadError(f"{url}: download interrupted ({exc}); nothing was installed") from exc
    if header and header.isdigit() and done != int(header):
        raise DownloadError(f"{url}: got {done} of {header} bytes (connection cut); nothing was installed")
    if expected.size is not None and done != expected.size:
        raise DownloadError(f"{label}: {done} bytes, expected {expected.size}; nothing was installed")
    sha = digest.hexdigest()
    if expected.sha256 and sha != expected.sha256.lower():
        raise DownloadError(f"{label}: checksum mismatch (sha256 {sha}, expected {expected.sha256}); "
                            "nothing was installed")
    return sha


def _source_url(item: RemoteFile, base_url: str | None) -> str:
    return f"{base_url.rstrip('/')}/{item.mirror_path}" if base_url else item.url


def _unpack_zip(archive: Path, into: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf:
            broken = zf.testzip()
            if broken:
                raise DownloadError(f"{archive.name}: damaged archive (first bad member: {broken}); "
                                    "nothing was installed")
            zf.extractall(into)  # zipfile drops absolute paths and "..": nothing lands outside `into`
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # testzip lets zlib errors through
        raise DownloadError(f"{archive.name}: not a valid zip archive ({exc}); nothing was installed") from exc
    entries = [p for p in into.iterdir() if not p.name.startswith("__MACOSX")]
    # The official archives hold one folder named like the archive; accept a flat archive too.
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


@contextlib.contextmanager
def _exclusive(dest: Path) -> Iterator[None]:
    """One download at a time per cache folder, so leftovers of a killed one can be swept safely."""
    try:
        import fcntl
    except ImportError:  # not on Linux/macOS: no sweeping, temp folders carry a random name anyway
        yield
        return
    with (dest / ".download.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in dest.glob(".partial-*"):
            shutil.rmtree(stale, ignore_errors=True)
        yield


def download(name: str, dest_dir: Path | None = None, progress: Progress | None = None,
             base_url_override: str | None = None) -> Path:
    """Download and install model `name` (see REGISTRY) into `dest_dir` (default `models_dir()`);
    returns the installed folder. Already installed: nothing is fetched. Raises DownloadError."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise DownloadError(f"unknown model {name!r}: choose one of {', '.join(REGISTRY)}")
    dest = Path(dest_dir) if dest_dir else models_dir()
    target = dest / spec.folder
    check = check_vosk_model if spec.engine == "vosk" else check_whisper_model
    if target.exists() and not check(target):
        _say(f"{spec.name} is already installed in {target}: nothing to do.")
        return target
    if target.exists():
        raise DownloadError(f"{target} exists but is not a complete {spec.engine} model "
                            f"(missing: {', '.join(check(target))}); remove it and download again")
    base_url = base_url_override or os.environ.get("CAUNOI_MODELS_URL") or None
    dest.mkdir(parents=True, exist_ok=True)
    with _exclusive(dest):
        work = Path(tempfile.mkdtemp(prefix=f".partial-{spec.folder}-", dir=dest))
        try:
            _say(f"Downloading {spec.name} (about {spec.approx_mb} MB): {spec.about}")
            record: dict[str, object] = {"model": spec.name, "downloaded": time.strftime("%Y-%m-%d %H:%M:%S"),
                                         "files": {}}
            if spec.kind == "zip":
                item = spec.files[0]
                url = _source_url(item, base_url)
                archive = work / item.mirror_path.rsplit("/", 1)[-1]
                sha = _fetch(url, archive, item, progress)
                unpacked = _unpack_zip(archive, work / "unpacked")
                record["files"] = {archive.name: {"url": url, "bytes": archive.stat().st_size, "sha256": sha,
                                                  "pinned": bool(item.sha256)}}
                if not item.sha256:
                    _say(f"{archive.name}: sha256 {sha} (no published checksum to compare with: "
                         f"recorded in {spec.folder}/{RECORD})")
                archive.unlink()  # the archive is not needed once unpacked
            else:
                unpacked = work / "files"
                unpacked.mkdir()
                files: dict[str, object] = {}
                for item in spec.files:
                    url = _source_url(item, base_url)
                    local = unpacked / item.mirror_path.rsplit("/", 1)[-1]
                    sha = _fetch(url, local, item, progress)
                    files[local.name] = {"url": url, "bytes": local.stat().st_size, "sha256": sha,
                                         "pinned": bool(item.sha256)}
                record["files"] = files
            missing = check(unpacked)
            if missing:
                raise DownloadError(f"{spec.name}: the download is not a usable {spec.engine} model "
                                    f"(missing: {', '.join(missing)}); nothing was installed")
            (unpacked / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
            unpacked.rename(target)  # same folder, same file system: atomic
        finally:
            shutil.rmtree(work, ignore_errors=True)
    _say(f"{spec.name} installed in {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    """`caunoi voice download [vosk-small|vosk|whisper-base]` (also `python -m voice.models download …`)."""
    parser = argparse.ArgumentParser(prog="caunoi voice", description="speech models for voice messages")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("download", help="download a speech model into the models folder")
    p.add_argument("model", nargs="?", default=DEFAULT_MODEL, choices=list(REGISTRY),
                   help=f"which model (default {DEFAULT_MODEL})")
    p.add_argument("--dest", type=Path, default=None, help="models folder (default: CAUNOI_MODELS_DIR or models/voice)")
    args = parser.parse_args(argv)
    try:
        download(args.model, args.dest, progress=terminal_progress())
    except DownloadError as exc:
        _say(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _say("interrupted: nothing was installed")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
