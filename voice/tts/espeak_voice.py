"""The offline voice: espeak-ng. Robotic, but it speaks Vietnamese with no network at all.

The text goes in on stdin (`--stdin`), never as an argument: an answer that starts with "-" must be
spoken, not parsed as an option, and a long answer must not hit the argument length limit.
espeak-ng writes WAV; ffmpeg turns it into MP3 like the rest of the cache.
"""

from __future__ import annotations

import shutil
import subprocess

from voice.errors import SpeechUnavailable
from voice.ffmpeg import FfmpegMissing, run_ffmpeg
from voice.tts.cache import looks_like_mp3

INSTALL_HINT = "apt-get install espeak-ng"


class EspeakVoice:
    def __init__(self, voice: str = "vi", speed: int = 140, timeout: float = 60.0) -> None:
        self.voice = voice  # also "vi-vn-x-central", "vi-vn-x-south" (espeak-ng --voices=vi)
        self.speed = speed  # words a minute; a Vietnamese word is one syllable
        self.timeout = timeout
        self.name = f"espeak-{voice}"
        self._voice_checked = False

    def _check_voice(self, binary: str) -> None:
        """espeak-ng falls back to English, silently and with exit 0, for a voice it does not have."""
        if self._voice_checked:
            return
        listing = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=10, check=False).stdout
        known = set()
        for row in listing.splitlines()[1:]:  # Pty Language Age/Gender VoiceName File [Other]
            cols = row.split()
            if len(cols) >= 5:
                known.update(c.lower() for c in (cols[1], cols[3], cols[4], cols[4].rsplit("/", 1)[-1]))
        if self.voice.split("+", 1)[0].lower() not in known:  # "vi+f3": a variant of the voice "vi"
            raise SpeechUnavailable(f"espeak-ng has no voice {self.voice!r} (see espeak-ng --voices)")
        self._voice_checked = True

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SpeechUnavailable("espeak-ng: nothing to say")
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise SpeechUnavailable(f"espeak-ng is not installed (Debian: {INSTALL_HINT})")
        self._check_voice(binary)
        try:
            done = subprocess.run([binary, "-v", self.voice, "-s", str(self.speed), "-b", "1", "--stdin", "--stdout"],
                                  input=text.encode("utf-8"), capture_output=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SpeechUnavailable(f"espeak-ng took longer than {self.timeout:.0f} s") from exc
        if done.returncode != 0 or len(done.stdout) <= 44:  # 44 bytes: a WAV header and no sound
            error = done.stderr.decode("utf-8", "replace").strip()
            raise SpeechUnavailable(f"espeak-ng exit {done.returncode}: {error or 'no audio'}")
        try:
            code, mp3, error = run_ffmpeg(done.stdout, ["-f", "wav"],
                                          ["-vn", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"])
        except FfmpegMissing as exc:
            raise SpeechUnavailable(str(exc)) from exc
        if code != 0 or not looks_like_mp3(mp3):
            raise SpeechUnavailable(f"WAV → MP3 failed (ffmpeg exit {code}): {error.strip() or 'no output'}")
        return mp3
