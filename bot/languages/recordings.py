"""Answers recorded by a bilingual team member, played instead of text in a minority language.

A folder of audio files named by what they say (`<procedure>.<topic>.<ext>` or `phrase.<name>.<ext>`)
and a `consent.yml` is imported into a language's folder: each file is checked (it decodes, lasts
0.5–120 s, is not silence), lightly levelled and stored once per format the channels play:

    <language_dir>/audio/<key>.ogg        OGG/Opus mono 48 kHz 32 kbps: Telegram's voice notes
    <language_dir>/audio/<key>.mp3        MP3 mono 64 kbps: Zalo's audio link, the kiosk's <audio>
    <language_dir>/audio/recordings.yml   who spoke each key, their consent, and the hash of the
                                          Vietnamese text it speaks

A recording is played only while that text is unchanged (`Recordings.fresh`): when the answer is
edited, the old recording no longer says the same thing and waits to be recorded again (`stale`).
No recording is imported without the speaker's written consent to their voice being played to the
public; one that fails a check leaves what is stored for that key as it was.

A recording is approved as imported (its speaker consented, a team member recorded it). Staff who
listen to it may reject it (`review_recording`, the console's Languages page): a rejected recording is
never played nor served, until a new one of that key is imported or staff approve it again.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.runtime.files import write_atomically
from voice.audio import SAMPLE_RATE, Pcm
from voice.decode import Limits, decode
from voice.errors import AudioTooLarge, AudioTooLong, AudioUnreadable
from voice.ffmpeg import run_ffmpeg

CONSENT_FILE = "consent.yml"
AUDIO_DIR = "audio"
MANIFEST = "recordings.yml"
MANIFEST_FORMAT = 1
APPROVED, REJECTED = "approved", "rejected"
REVIEW_STATUSES = (APPROVED, REJECTED)  # a manifest entry without `status` is approved

# What ffmpeg reads and phones, recorders and messengers give (compared lower-case).
AUDIO_SUFFIXES = frozenset({".ogg", ".oga", ".opus", ".mp3", ".m4a", ".mp4", ".wav", ".webm", ".amr", ".aac",
                            ".flac", ".3gp"})
MAX_BYTES = 20 * 1024 * 1024  # two minutes of uncompressed 44.1 kHz mono is 10.6 MB: larger is not an answer
MIN_SECONDS = 0.5
MAX_SECONDS = 120.0

# Silence. Levels in dBFS, measured on the 16 kHz mono decode, over 50 ms frames. Speech recorded on a
# phone sits at -30 to -12 dBFS RMS while someone speaks, with peaks above -20; a quiet room through the
# same microphone (the clip of someone who forgot to speak, or held the phone away) is -70 to -50 RMS.
# "Voice level" is the RMS the loudest 5% of frames reach, so the pauses of a long answer do not pull it
# down and a single click does not lift it; -45 leaves 15 dB under the quietest usable speech and 5 dB
# over loud room noise. The peak must also reach -35 dBFS: a clip that never gets there is inaudible
# on a phone's speaker without amplifying its noise by 30 dB.
FRAME_SECONDS = 0.05
VOICE_PERCENTILE = 95
MIN_VOICE_DBFS = -45.0
MIN_PEAK_DBFS = -35.0

# Levelling: one linear gain per clip (no compression, the voice keeps its dynamics) bringing the voice
# level near TARGET_VOICE_DBFS, as loud as the synthesised answers, never pushing the peak above
# MAX_PEAK_DBFS (lossy encoders overshoot a little), and never by more than MAX_GAIN_DB either way.
TARGET_VOICE_DBFS = -18.0
MAX_PEAK_DBFS = -1.5
MAX_GAIN_DB = 15.0

# The formats, as voice/encode.py makes them for synthesised speech (same Opus settings), with the
# speaker's own file as input, a gain, and the file's metadata dropped (a phone writes its model, and
# sometimes where it was, into the tags).
_OGG_ARGS = ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-ar", "48000", "-f", "ogg"]
_MP3_ARGS = ["-c:a", "libmp3lame", "-b:a", "64k", "-ar", "44100", "-f", "mp3"]
ENCODE_TIMEOUT = 60.0

_CONSENT_FIELDS = {"speaker", "consent", "consent_date", "note", "files"}
_FILE_FIELDS = {"speaker", "consent", "consent_date", "note"}
_ENTRY_FIELDS = ("speaker", "consent_date", "seconds", "source_hash", "imported_on", "original")


class RecordingsError(Exception):
    """The import cannot start, or the stored recordings cannot be read; the message names the file
    and the field."""


class ConsentError(RecordingsError):
    pass


class ManifestError(RecordingsError):
    pass


# -- what is stored -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    key: str
    ogg: Path
    mp3: Path
    seconds: float
    speaker: str
    consent_date: date
    source_hash: str
    imported_on: date
    original: str  # the file's name in the folder it was imported from
    note: str = ""  # how consent was given
    status: str = APPROVED  # REJECTED by a member of staff who listened to it
    reviewer: str = ""  # the staff account that approved or rejected it; empty as imported

    def files_exist(self) -> bool:
        return self.ogg.is_file() and self.mp3.is_file()

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED


@dataclass(frozen=True)
class Stale:
    """A recording that is not played, and why: for a status table."""

    key: str
    reason: str  # "rejected", "text changed", "unknown key" or "audio file missing"
    recording: Recording


def out_of_date(recording: Recording, current_hash: str | None) -> str | None:
    """Why a recording, rejected or not, does not speak today's answer: "unknown key" (`current_hash` is
    None: the key names nothing now), "text changed" or "audio file missing"; None when it does."""
    if current_hash is None:
        return "unknown key"
    if current_hash != recording.source_hash:
        return "text changed"
    return None if recording.files_exist() else "audio file missing"


class Recordings:
    """The recordings of one language, as the manifest lists them."""

    def __init__(self, audio_dir: Path, entries: dict[str, Recording]) -> None:
        self.audio_dir = audio_dir
        self._entries = entries

    @classmethod
    def load(cls, language_dir: Path) -> Recordings:
        """The manifest under `language_dir/audio`; none yet means no recordings. A manifest that
        cannot be read raises ManifestError naming the file and the field."""
        audio_dir = Path(language_dir) / AUDIO_DIR
        path = audio_dir / MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(audio_dir, {})
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{path}: cannot be read ({exc})") from None
        return cls(audio_dir, _parse_manifest(text, path, audio_dir))

    def keys(self) -> list[str]:
        return sorted(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: str) -> Recording | None:
        """The stored recording that may be served, fresh or not: None for one staff rejected (the
        recordings channel serves what this gives)."""
        recording = self._entries.get(key)
        return None if recording is None or recording.rejected else recording

    def stored(self, key: str) -> Recording | None:
        """The stored recording, even rejected: for staff reviewing it."""
        return self._entries.get(key)

    def fresh(self, key: str, current_hash: str | None) -> Recording | None:
        """The recording to play for `key`: only if it is not rejected, speaks the current text (its
        source hash is `current_hash`) and both its files are there."""
        recording = self.get(key)
        if recording is None or current_hash is None or recording.source_hash != current_hash:
            return None
        return recording if recording.files_exist() else None

    def stale(self, current_hash_of: Callable[[str], str | None]) -> list[Stale]:
        """Every recording that `fresh` would not play, by key."""
        out = []
        for key in self.keys():
            recording = self._entries[key]
            reason = "rejected" if recording.rejected else out_of_date(recording, current_hash_of(key))
            if reason is not None:
                out.append(Stale(key, reason, recording))
        return out


# -- importing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    key: str
    original: str
    seconds: float
    speaker: str
    replaced: bool  # a recording of this key was stored before
    gain_db: float


@dataclass(frozen=True)
class Refused:
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass
class ImportReport:
    imported: list[Imported] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)  # checked and refused: to record again
    ignored: list[Refused] = field(default_factory=list)  # not audio files by their name

    @property
    def ok(self) -> bool:
        return not self.refused

    def __str__(self) -> str:
        lines = [f"{len(self.imported)} imported, {len(self.refused)} refused, {len(self.ignored)} ignored"]
        lines += [f"  imported {i.original} as {i.key} ({i.seconds:.1f} s, {i.speaker}"
                  f"{', replaced the previous one' if i.replaced else ''})" for i in self.imported]
        lines += [f"  refused {r}" for r in self.refused]
        lines += [f"  ignored {r}" for r in self.ignored]
        return "\n".join(lines)


@dataclass(frozen=True)
class Consent:
    speaker: str
    consent: bool
    consent_date: date
    note: str = ""


@dataclass(frozen=True)
class Level:
    peak_dbfs: float
    voice_dbfs: float  # RMS of the loudest frames (VOICE_PERCENTILE)

    @property
    def silent(self) -> bool:
        return self.voice_dbfs < MIN_VOICE_DBFS or self.peak_dbfs < MIN_PEAK_DBFS

    @property
    def gain_db(self) -> float:
        gain = min(TARGET_VOICE_DBFS - self.voice_dbfs, MAX_PEAK_DBFS - self.peak_dbfs)
        return round(max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain)), 1)


class _FileRefused(Exception):
    pass


def import_recordings(source_dir: Path, language_dir: Path, source_hash_of: Callable[[str], str | None],
                      today: date | None = None) -> ImportReport:
    """Check and store every audio file of `source_dir` under `language_dir/audio`.

    `source_hash_of(key)` is the hash of the Vietnamese text the recording of `key` speaks, or None for a
    key that names no answer. A missing or invalid consent.yml, or an unreadable manifest, refuses the
    whole import (ConsentError, ManifestError); a file that fails a check is reported and the others go
    on. Each accepted file replaces what was stored for its key, audio first, then the manifest.
    """
    source_dir, language_dir = Path(source_dir), Path(language_dir)
    today = today or date.today()
    if not source_dir.is_dir():
        raise RecordingsError(f"{source_dir}: no such folder")
    names = sorted(p.name for p in source_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    consent, per_file = _read_consent(source_dir / CONSENT_FILE, names, today)
    stored = Recordings.load(language_dir)  # before anything is written: a broken manifest stops here
    audio_dir = stored.audio_dir
    entries = dict(stored._entries)

    report = ImportReport()
    audio: dict[str, list[str]] = {}
    for name in names:
        if name == CONSENT_FILE:
            continue
        stem, suffix = os.path.splitext(name)
        if suffix.lower() not in AUDIO_SUFFIXES or not stem:
            report.ignored.append(Refused(name, "not an audio file name (<key>.ogg, .mp3, .m4a, .wav, …)"))
        else:
            audio.setdefault(stem, []).append(name)

    for key, files in sorted(audio.items()):
        if len(files) > 1:
            for name in files:
                report.refused.append(Refused(name, f"several files for {key}: {', '.join(files)}; keep one"))
            continue
        name = files[0]
        try:
            recording, imported = _import_one(source_dir / name, key, audio_dir, source_hash_of,
                                              per_file.get(name, consent), today, replaced=key in entries)
        except _FileRefused as exc:
            report.refused.append(Refused(name, str(exc)))
            continue
        entries[key] = recording
        _write_manifest(audio_dir / MANIFEST, entries)
        report.imported.append(imported)
    return report


def _import_one(path: Path, key: str, audio_dir: Path, source_hash_of: Callable[[str], str | None],
                consent: Consent, today: date, replaced: bool) -> tuple[Recording, Imported]:
    source_hash = source_hash_of(key)
    if not source_hash:
        raise _FileRefused(f"unknown key: {key} (expected <procedure>.<topic> or phrase.<name>)")
    if not consent.consent:
        raise _FileRefused(f"consent: {consent.speaker} has not agreed to this recording being played")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _FileRefused(f"too large: {size / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB")
    data = path.read_bytes()
    try:
        pcm = decode(data, Limits(max_bytes=MAX_BYTES, max_seconds=MAX_SECONDS, min_seconds=0))
    except AudioTooLong:
        raise _FileRefused(f"too long: more than {MAX_SECONDS:.0f} s") from None
    except (AudioUnreadable, AudioTooLarge) as exc:
        raise _FileRefused(f"does not decode as audio ({exc})") from None
    seconds = round(pcm.duration_s, 2)
    if seconds < MIN_SECONDS:
        raise _FileRefused(f"too short: {seconds:.2f} s < {MIN_SECONDS} s")
    level = measure(pcm)
    if level.silent:
        raise _FileRefused(f"silent: voice level {level.voice_dbfs:.0f} dBFS, peak {level.peak_dbfs:.0f} dBFS "
                           f"(needs {MIN_VOICE_DBFS:.0f} and {MIN_PEAK_DBFS:.0f}); record closer to the phone")
    ogg = _encode(data, _OGG_ARGS, level.gain_db, "OGG/Opus")
    mp3 = _encode(data, _MP3_ARGS, level.gain_db, "MP3")

    audio_dir.mkdir(parents=True, exist_ok=True)
    recording = Recording(key=key, ogg=audio_dir / f"{key}.ogg", mp3=audio_dir / f"{key}.mp3", seconds=seconds,
                          speaker=consent.speaker, consent_date=consent.consent_date, source_hash=source_hash,
                          imported_on=today, original=path.name, note=consent.note)
    write_atomically(recording.ogg, ogg)
    write_atomically(recording.mp3, mp3)
    return recording, Imported(key, path.name, seconds, consent.speaker, replaced, level.gain_db)


def measure(pcm: Pcm) -> Level:
    """Peak and voice level (dBFS) of 16-bit PCM, as the silence check and the levelling use them."""
    import numpy as np  # only here: the channels read the manifest and never measure

    samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float64) / 32768.0
    if samples.size == 0:
        return Level(-math.inf, -math.inf)
    frame = max(1, int(SAMPLE_RATE * FRAME_SECONDS))
    usable = samples[: samples.size - samples.size % frame] if samples.size >= frame else samples
    rms = np.sqrt(np.mean(usable.reshape(-1, min(frame, usable.size)) ** 2, axis=1))
    voice = float(np.percentile(rms, VOICE_PERCENTILE))
    peak = float(np.max(np.abs(samples)))
    return Level(_dbfs(peak), _dbfs(voice))


def _dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def _encode(data: bytes, args: list[str], gain_db: float, name: str) -> bytes:
    code, out, error = run_ffmpeg(data, [], ["-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
                                             "-ac", "1", "-af", f"volume={gain_db:.1f}dB", *args],
                                  timeout=ENCODE_TIMEOUT)
    if code != 0 or not out:
        raise _FileRefused(f"encoding to {name} failed: {error.strip() or f'ffmpeg exit {code}'}")
    return out


# -- consent.yml --------------------------------------------------------------------------------------


def _read_consent(path: Path, names: Iterable[str], today: date) -> tuple[Consent, dict[str, Consent]]:
    """The folder's consent and each file's own (by file name), or ConsentError naming the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConsentError(f"{path}: missing; write the speaker's name and consent (speaker:, consent: true, "
                           f"consent_date:) before importing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConsentError(f"{path}: cannot be read ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConsentError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict):
        raise ConsentError(f"{path}: expected fields speaker, consent, consent_date")
    _no_unknown(data, _CONSENT_FIELDS, path, "")
    base = _consent(data, path, "", today, None)
    if base.consent is not True:
        raise ConsentError(f"{path}: consent: must be true (the speaker agreed that their voice is played "
                           f"to the public); nothing was imported")
    files = data.get("files") or {}
    if not isinstance(files, dict):
        raise ConsentError(f"{path}: files: expected a mapping of file names to speaker/consent_date")
    names = set(names)
    stems = {os.path.splitext(n)[0]: n for n in names}
    per_file: dict[str, Consent] = {}
    for name, override in files.items():
        where = f"files.{name}."
        target = str(name) if str(name) in names else stems.get(str(name))
        if target is None:
            raise ConsentError(f"{path}: files: {name}: no such file in {path.parent}")
        if target in per_file:
            raise ConsentError(f"{path}: files: {name}: {target} is given twice")
        if not isinstance(override, dict):
            raise ConsentError(f"{path}: {where[:-1]}: expected speaker and/or consent_date")
        _no_unknown(override, _FILE_FIELDS, path, where)
        per_file[target] = _consent(override, path, where, today, base)
    return base, per_file


def _consent(data: dict[str, Any], path: Path, where: str, today: date, base: Consent | None) -> Consent:
    def given(name: str) -> Any:
        if name in data:
            return data[name]
        if base is not None:
            return getattr(base, name)
        raise ConsentError(f"{path}: {where}{name}: missing")

    speaker = given("speaker")
    if not isinstance(speaker, str) or not speaker.strip():
        raise ConsentError(f"{path}: {where}speaker: expected the speaker's full name")
    consent = given("consent")
    if not isinstance(consent, bool):
        raise ConsentError(f"{path}: {where}consent: expected true or false, not {consent!r}")
    consent_date = _date(given("consent_date"))
    if consent_date is None:
        raise ConsentError(f"{path}: {where}consent_date: expected a date like 2026-12-01, "
                           f"not {given('consent_date')!r}")
    if consent_date > today:
        raise ConsentError(f"{path}: {where}consent_date: {consent_date} is after today ({today})")
    note = data.get("note", base.note if base else "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise ConsentError(f"{path}: {where}note: expected text")
    return Consent(speaker.strip(), consent, consent_date, note.strip())


def _no_unknown(data: dict[Any, Any], allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ConsentError(f"{path}: {where}{unknown[0]}: unknown field (expected {', '.join(sorted(allowed))})")


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# -- review -------------------------------------------------------------------------------------------


def review_recording(language_dir: Path, key: str, status: str, reviewer: str) -> Recording:
    """Mark the stored recording of `key` approved or rejected by `reviewer`, rewriting the manifest.
    ManifestError for a manifest that cannot be read (nothing is written), KeyError for a key it does
    not list."""
    if status not in REVIEW_STATUSES or not reviewer.strip():
        raise ValueError(f"a review needs a status ({' or '.join(REVIEW_STATUSES)}) and a reviewer")
    stored = Recordings.load(language_dir)
    if key not in stored:
        raise KeyError(key)
    entries = dict(stored._entries)
    entries[key] = replace(entries[key], status=status, reviewer=reviewer.strip())
    _write_manifest(stored.audio_dir / MANIFEST, entries)
    return entries[key]


# -- the manifest -------------------------------------------------------------------------------------


def _parse_manifest(text: str, path: Path, audio_dir: Path) -> dict[str, Recording]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: expected fields format and recordings")
    if data.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"{path}: format: expected {MANIFEST_FORMAT}, not {data.get('format')!r}")
    recordings = data.get("recordings") or {}
    if not isinstance(recordings, dict):
        raise ManifestError(f"{path}: recordings: expected a mapping of keys to recordings")
    entries = {}
    for key, entry in recordings.items():
        where = f"{path}: recordings.{key}"
        if not isinstance(key, str) or not key or "/" in key or key.startswith("."):
            raise ManifestError(f"{where}: not a key")
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: expected fields {', '.join(_ENTRY_FIELDS)}")
        missing = [name for name in _ENTRY_FIELDS if name not in entry]
        if missing:
            raise ManifestError(f"{where}.{missing[0]}: missing")
        for name in ("speaker", "source_hash", "original"):
            if not isinstance(entry[name], str) or not entry[name]:
                raise ManifestError(f"{where}.{name}: expected text, not {entry[name]!r}")
        seconds = entry["seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
            raise ManifestError(f"{where}.seconds: expected a positive number, not {seconds!r}")
        dates = {}
        for name in ("consent_date", "imported_on"):
            dates[name] = _date(entry[name])
            if dates[name] is None:
                raise ManifestError(f"{where}.{name}: expected a date like 2026-12-01, not {entry[name]!r}")
        note = entry.get("note") or ""
        if not isinstance(note, str):
            raise ManifestError(f"{where}.note: expected text")
        status = entry.get("status") or APPROVED  # absent: approved as imported, with consent
        if status not in REVIEW_STATUSES:
            raise ManifestError(f"{where}.status: expected {' or '.join(REVIEW_STATUSES)}, not {status!r}")
        reviewer = entry.get("reviewer") or ""
        if not isinstance(reviewer, str):
            raise ManifestError(f"{where}.reviewer: expected text")
        entries[key] = Recording(key=key, ogg=audio_dir / f"{key}.ogg", mp3=audio_dir / f"{key}.mp3",
                                 seconds=float(seconds), speaker=entry["speaker"], source_hash=entry["source_hash"],
                                 original=entry["original"], note=note, status=status, reviewer=reviewer.strip(),
                                 **dates)
    return entries


def _write_manifest(path: Path, entries: dict[str, Recording]) -> None:
    recordings = {}
    for key in sorted(entries):
        r = entries[key]
        entry: dict[str, Any] = {"speaker": r.speaker, "consent_date": r.consent_date, "seconds": r.seconds,
                                 "source_hash": r.source_hash, "imported_on": r.imported_on, "original": r.original}
        if r.note:
            entry["note"] = r.note
        if r.reviewer or r.rejected:  # as imported, neither is written: older manifests stay as they were
            entry["status"] = r.status
            entry["reviewer"] = r.reviewer
        recordings[key] = entry
    header = ("# Written by the recordings import (bot/languages/recordings.py); each recording is played\n"
              "# only while the Vietnamese text it speaks has this source_hash.\n")
    body = yaml.safe_dump({"format": MANIFEST_FORMAT, "recordings": recordings}, allow_unicode=True,
                          sort_keys=False, width=1000)
    write_atomically(path, (header + body).encode("utf-8"))


