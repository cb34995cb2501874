"""SpeechCache: keys, atomic files, refusing empty audio, size accounting and LRU pruning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voice.tts.cache import SpeechCache, looks_like_mp3

MP3 = b"ID3\x04\x00" + bytes(995)  # 1000 bytes that start like MP3
FRAMES = b"\xff\xf3\x44\xc4" + bytes(996)  # MPEG-2 layer III frame sync, no tag (what Google sends)


class Named:
    name = "gtts-vi"


def test_put_then_get(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "speech")
    assert cache.get("gtts-vi", "Xin chào") is None
    path = cache.put("gtts-vi", "Xin chào", MP3)
    assert path == cache.path(Named(), "Xin chào") and path.parent == tmp_path / "speech"
    assert path.name == f"{cache.key('gtts-vi', 'Xin chào')}.mp3" and len(path.stem) == 64
    assert cache.get(Named(), "Xin chào") == MP3
    assert cache.get("espeak-vi", "Xin chào") is None  # the voice is part of the key
    assert cache.get("gtts-vi", "Xin chào bạn") is None
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_screen_text_and_its_speakable_form_share_a_key(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    cache.put("gtts-vi", "👉 Nơi nộp: UBND xã", FRAMES)
    assert cache.get("gtts-vi", "Nơi nộp: Ủy ban nhân dân xã.") == FRAMES


@pytest.mark.parametrize("data", [b"", b"ID3", b"<html>error</html>", b"\x00" * 100])
def test_empty_or_non_mp3_is_never_stored(tmp_path: Path, data: bytes) -> None:
    cache = SpeechCache(tmp_path)
    with pytest.raises(ValueError):
        cache.put("gtts-vi", "Xin chào", data)
    assert list(tmp_path.iterdir()) == []


def test_empty_file_on_disk_is_never_returned(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    cache.path("gtts-vi", "Xin chào").write_bytes(b"")  # e.g. left by an older version or by hand
    assert cache.get("gtts-vi", "Xin chào") is None


def test_looks_like_mp3() -> None:
    assert looks_like_mp3(MP3) and looks_like_mp3(FRAMES)
    assert not looks_like_mp3(b"RIFF....WAVE") and not looks_like_mp3(b"\xff\x00\x00\x00")


def test_size_and_a_second_process_sharing_the_folder(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    cache.put("gtts-vi", "một", MP3)
    cache.put("gtts-vi", "hai", MP3 + MP3)
    cache.put("gtts-vi", "một", FRAMES)  # replacing a file does not count it twice
    assert cache.size() == 3000 and cache.count() == 2
    other = SpeechCache(tmp_path)
    assert other.size() == 3000 and other.get("gtts-vi", "hai") == MP3 + MP3


def test_least_recently_used_go_first_beyond_the_bound(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path, max_bytes=3500)
    for age, text in enumerate(["một", "hai", "ba"]):
        os.utime(cache.put("gtts-vi", text, MP3), (1_000_000 + age, 1_000_000 + age))
    assert cache.get("gtts-vi", "một") == MP3  # reading it makes it the most recently used
    cache.put("gtts-vi", "bốn", MP3)  # 4000 bytes > 3500: prune to 90 % (3150), the oldest first
    assert cache.get("gtts-vi", "hai") is None
    assert all(cache.get("gtts-vi", text) == MP3 for text in ("một", "ba", "bốn"))
    assert cache.size() == 3000 == sum(p.stat().st_size for p in tmp_path.glob("*.mp3"))


def test_prune_to_a_target_and_stale_temporary_files(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    for text in ("một", "hai"):
        cache.put("gtts-vi", text, MP3)
    stale = tmp_path / ".abc.123.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1_000_000, 1_000_000))
    assert cache.prune(target=0) == 2
    assert cache.size() == 0 and list(tmp_path.iterdir()) == []
