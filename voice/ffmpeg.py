"""Running ffmpeg on files, never pipes for input: an M4A whose index (moov) sits at the end can
only be read by seeking, and piped it decodes to nothing with exit code 0."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class FfmpegMissing(RuntimeError):
    pass


def ffmpeg_path() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise FfmpegMissing("ffmpeg is not installed (Debian: apt-get install ffmpeg; `make run` does it)")
    return path


def run_ffmpeg(data: bytes, args_in: list[str], args_out: list[str], suffix_out: str | None = None,
               timeout: float = 30) -> tuple[int, bytes, str]:
    """ffmpeg on `data` written to a temporary file; output to stdout, or to a temporary file with
    `suffix_out` (formats that must seek back, like M4A). Returns (exit code, output, stderr)."""
    with tempfile.TemporaryDirectory(prefix="caunoi-ff-") as tmp:
        source = Path(tmp) / "in"
        source.write_bytes(data)
        target = Path(tmp) / f"out{suffix_out}" if suffix_out else None
        command = [ffmpeg_path(), "-nostdin", "-hide_banner", "-loglevel", "error", *args_in, "-i", str(source),
                   *args_out, str(target) if target else "pipe:1"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return -1, b"", "ffmpeg timed out"
        output = target.read_bytes() if target and target.exists() else done.stdout
        return done.returncode, output, done.stderr.decode("utf-8", "replace")[-500:]
