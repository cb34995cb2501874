"""Decode stage with the real ffmpeg, on speech the test synthesises with espeak-ng."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from voice.audio import SAMPLE_RATE
from voice.decode import Limits, decode
from voice.errors import AudioTooLarge, AudioTooLong, AudioUnreadable

PHRASE = "Cho tôi hỏi làm giấy khai sinh cần những giấy tờ gì"


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(path), PHRASE], check=True)
    return path


def wav_seconds(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout)


# (suffix, ffmpeg output options): what Telegram, Zalo, browsers and people actually send.
FORMATS = {
    "telegram.ogg": ["-c:a", "libopus", "-b:a", "24k"],
    "zalo.m4a": ["-c:a", "aac"],  # plain mp4 muxer: the index (moov) is written at the END
    "file.mp3": ["-c:a", "libmp3lame"],
    "browser.webm": ["-c:a", "libopus"],
    "plain.wav": ["-c:a", "pcm_s16le", "-ar", "44100", "-ac", "2"],
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_people_send_decodes_to_16k_mono(speech_wav: Path, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    ffmpeg("-i", str(speech_wav), *FORMATS[name], str(target))
    if name.endswith(".m4a"):
        data = target.read_bytes()
        assert data.find(b"moov") > data.find(b"mdat") > 0  # the hard case: index after the audio
    audio = decode(target.read_bytes())
    assert len(audio.data) % 2 == 0
    assert abs(audio.duration_s - wav_seconds(speech_wav)) < 0.15
    assert SAMPLE_RATE == 16_000


def test_empty_junk_and_truncated_files_are_unreadable(speech_wav: Path, tmp_path: Path) -> None:
    with pytest.raises(AudioUnreadable):
        decode(b"")
    with pytest.raises(AudioUnreadable):
        decode(b"this is not audio at all" * 100)
    target = tmp_path / "cut.m4a"
    ffmpeg("-i", str(speech_wav), "-c:a", "aac", str(target))
    data = target.read_bytes()
    with pytest.raises(AudioUnreadable):
        decode(data[: data.find(b"moov")])  # upload cut before the index: nothing playable


def test_size_and_duration_limits(speech_wav: Path, tmp_path: Path) -> None:
    with pytest.raises(AudioTooLarge):
        decode(b"\0" * 2048, Limits(max_bytes=1024))
    long = tmp_path / "long.ogg"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=8", "-c:a", "libopus", str(long))
    with pytest.raises(AudioTooLong):
        decode(long.read_bytes(), Limits(max_seconds=5))
    assert decode(long.read_bytes(), Limits(max_seconds=10)).duration_s == pytest.approx(8, abs=0.1)


def test_errors_carry_a_plain_message_for_the_user() -> None:
    with pytest.raises(AudioUnreadable) as caught:
        decode(b"junk")
    assert caught.value.user_message and "gõ chữ" in caught.value.user_message
