"""Encode stage with the real ffmpeg: each channel gets a format it plays natively."""

from __future__ import annotations

import json
import subprocess

import pytest

from voice.encode import Format, encode


@pytest.fixture(scope="module")
def mp3(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("enc")
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(folder / "a.wav"), "Xin chào bà con"], check=True)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(folder / "a.wav"), "-c:a", "libmp3lame",
                    str(folder / "a.mp3")], check=True)
    return (folder / "a.mp3").read_bytes()


def probe(data: bytes, tmp_path) -> dict:
    path = tmp_path / "probe.bin"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_telegram_gets_ogg_opus_voice_notes(mp3: bytes, tmp_path) -> None:
    info = probe(encode(mp3, Format.OGG_OPUS), tmp_path)
    assert info["format"]["format_name"] == "ogg"
    assert info["streams"][0]["codec_name"] == "opus" and info["streams"][0]["channels"] == 1


def test_zalo_gets_m4a_with_its_index_first(mp3: bytes, tmp_path) -> None:
    data = encode(mp3, Format.M4A)
    assert data[4:8] == b"ftyp"
    assert 0 < data.find(b"moov") < data.find(b"mdat")  # plays while downloading
    assert probe(data, tmp_path)["streams"][0]["codec_name"] == "aac"


def test_mp3_passes_through(mp3: bytes) -> None:
    assert encode(mp3, Format.MP3) is mp3
    assert Format.OGG_OPUS.mime == "audio/ogg" and Format.M4A.suffix == ".m4a"
