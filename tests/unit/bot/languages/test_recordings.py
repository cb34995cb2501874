"""Importing and looking up recorded answers (bot/languages/recordings.py), with the real ffmpeg.

The audio is tones, noise and silence from ffmpeg's generators: no voice and no minority-language text
goes into the repository. The speaker names are placeholders."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.languages.recordings import (
    MAX_BYTES,
    MAX_PEAK_DBFS,
    TARGET_VOICE_DBFS,
    ConsentError,
    ManifestError,
    Recordings,
    RecordingsError,
    import_recordings,
    measure,
    review_recording,
)
from voice.decode import decode

TODAY = date(2026, 12, 7)
SPEAKER = "Người thu âm (mẫu)"
CONSENT = f'speaker: "{SPEAKER}"\nconsent: true\nconsent_date: 2026-12-01\nnote: "phiếu đồng ý có chữ ký (mẫu)"\n'
KEYS = ("khai_sinh.overview", "khai_sinh.documents", "khai_sinh.fee", "khai_sinh.time", "khai_sinh.where",
        "khai_sinh.steps", "ket_hon.overview", "ket_hon.documents", "phrase.greet", "phrase.thanks")
# A normal tone: ffmpeg's sine is at 1/8 of full scale (peak -18 dBFS, RMS -21), a voice's level.
TONE = "sine=frequency=440:duration={seconds}"

# name in the module's folder -> (lavfi source, ffmpeg output options)
SOURCES = {
    "tone2.m4a": (TONE.format(seconds=2), ["-c:a", "aac", "-metadata", "title=private tag"]),
    "tone3.ogg": (TONE.format(seconds=3), ["-c:a", "libopus"]),
    "silence.ogg": ("anullsrc=r=48000:cl=mono", ["-t", "2", "-c:a", "libopus"]),
    "room.wav": ("anoisesrc=amplitude=0.003:duration=2", []),  # white noise, -55 dBFS RMS
    "faint.mp3": (TONE.format(seconds=2), ["-af", "volume=-19dB", "-c:a", "libmp3lame"]),  # peak -37, RMS -40
    # a knock (10 ms at -6 dBFS) on faint room noise (-60 dBFS RMS at 16 kHz): a loud peak, no voice
    "knock.wav": ("aevalsrc=0.5*sin(2*PI*1000*t)*lt(t\\,0.01)+0.006*(random(0)-0.5):d=2", []),
    "quiet.wav": (TONE.format(seconds=2), ["-af", "volume=-12dB"]),  # peak -30, RMS -33: quiet, usable
    "loud.wav": (TONE.format(seconds=2), ["-af", "volume=15dB"]),  # peak -3, RMS -6
    "short.ogg": (TONE.format(seconds=0.2), ["-c:a", "libopus"]),
    "long.wav": ("sine=frequency=200:sample_rate=8000:duration=130", []),  # 2 MB, cheap to make and decode
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for name, (spec, options) in SOURCES.items():
        ffmpeg("-f", "lavfi", "-i", spec, *options, str(folder / name))
    return folder


def hashes(version: str = "1"):
    return lambda key: f"{key}#{version}" if key in KEYS else None


def folder_with(tmp_path: Path, sources: Path, files: dict[str, str], consent: str | None = CONSENT) -> Path:
    """A folder to import: {target name: source name in the module's folder}, and a consent.yml."""
    folder = tmp_path / "incoming"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for target, source in files.items():
        shutil.copy(sources / source, folder / target)
    if consent is not None:
        (folder / "consent.yml").write_text(consent, encoding="utf-8")
    return folder


def seconds_of(path: Path) -> float:
    return float(probe(path)["format"]["duration"])


def test_a_recording_is_stored_in_each_format_a_channel_plays(sources: Path, tmp_path: Path) -> None:
    incoming = folder_with(tmp_path, sources, {"khai_sinh.documents.m4a": "tone2.m4a"})
    language = tmp_path / "lang"
    report = import_recordings(incoming, language, hashes(), today=TODAY)
    assert report.ok and [i.key for i in report.imported] == ["khai_sinh.documents"], str(report)

    ogg, mp3 = language / "audio" / "khai_sinh.documents.ogg", language / "audio" / "khai_sinh.documents.mp3"
    info = probe(ogg)
    assert info["format"]["format_name"] == "ogg"
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == ("opus", 1, "48000")
    assert seconds_of(ogg) == pytest.approx(2, abs=0.15)
    assert ogg.stat().st_size < 2 * 34_000 / 8 + 2_000  # ~32 kbps: a voice note, not a music file
    info = probe(mp3)
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["channels"], stream["bit_rate"]) == ("mp3", 1, "64000")
    assert seconds_of(mp3) == pytest.approx(2, abs=0.15)
    for path in (ogg, mp3):  # the phone's tags are not passed on to the public
        assert "private tag" not in json.dumps(probe(path)), path

    recordings = Recordings.load(language)
    assert recordings.keys() == ["khai_sinh.documents"]
    recording = recordings.fresh("khai_sinh.documents", "khai_sinh.documents#1")
    assert recording is not None
    assert (recording.ogg, recording.mp3, recording.speaker) == (ogg, mp3, SPEAKER)
    assert recording.seconds == pytest.approx(2, abs=0.1)
    assert (recording.consent_date, recording.imported_on) == (date(2026, 12, 1), TODAY)
    assert recording.original == "khai_sinh.documents.m4a" and "mẫu" in recording.note


def test_each_bad_file_is_refused_with_its_reason_and_the_others_go_on(sources: Path, tmp_path: Path) -> None:
    incoming = folder_with(tmp_path, sources, {
        "khai_sinh.overview.ogg": "silence.ogg",
        "khai_sinh.documents.wav": "room.wav",
        "khai_sinh.fee.mp3": "faint.mp3",
        "ket_hon.overview.wav": "knock.wav",
        "khai_sinh.time.ogg": "short.ogg",
        "khai_sinh.where.wav": "long.wav",
        "khai_sinh.lam_sao.m4a": "tone2.m4a",  # no such topic
        "phrase.greet.m4a": "tone2.m4a",  # the one good file
        "ket_hon.documents.wav": "quiet.wav",  # quiet but a voice's level: accepted
    })
    (incoming / "khai_sinh.steps.ogg").write_text("not audio at all, only a renamed text file\n" * 50)
    (incoming / "notes.txt").write_text("what was recorded when")
    language = tmp_path / "lang"
    report = import_recordings(incoming, language, hashes(), today=TODAY)

    reasons = {r.file: r.reason for r in report.refused}
    assert sorted(reasons) == ["ket_hon.overview.wav", "khai_sinh.documents.wav", "khai_sinh.fee.mp3",
                               "khai_sinh.lam_sao.m4a", "khai_sinh.overview.ogg", "khai_sinh.steps.ogg",
                               "khai_sinh.time.ogg", "khai_sinh.where.wav"], str(report)
    for name in ("khai_sinh.overview.ogg", "khai_sinh.documents.wav", "khai_sinh.fee.mp3", "ket_hon.overview.wav"):
        assert reasons[name].startswith("silent"), (name, reasons[name])
    assert reasons["khai_sinh.time.ogg"].startswith("too short")
    assert reasons["khai_sinh.where.wav"].startswith("too long")
    assert reasons["khai_sinh.steps.ogg"].startswith("does not decode")
    assert reasons["khai_sinh.lam_sao.m4a"] == ("unknown key: khai_sinh.lam_sao "
                                                "(expected <procedure>.<topic> or phrase.<name>)")
    assert [r.file for r in report.ignored] == ["notes.txt"]
    assert not report.ok

    assert sorted(i.key for i in report.imported) == ["ket_hon.documents", "phrase.greet"]
    assert Recordings.load(language).keys() == ["ket_hon.documents", "phrase.greet"]
    assert sorted(p.name for p in (language / "audio").iterdir()) == [
        "ket_hon.documents.mp3", "ket_hon.documents.ogg", "phrase.greet.mp3", "phrase.greet.ogg", "recordings.yml"]


def test_a_file_too_large_is_refused_before_decoding(sources: Path, tmp_path: Path) -> None:
    incoming = folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a"})
    with (incoming / "phrase.thanks.wav").open("wb") as out:
        out.truncate(MAX_BYTES + 1)  # junk: decoding it would say "does not decode"
    report = import_recordings(incoming, tmp_path / "lang", hashes(), today=TODAY)
    assert [(r.file, r.reason.split(":")[0]) for r in report.refused] == [("phrase.thanks.wav", "too large")]
    assert [i.key for i in report.imported] == ["phrase.greet"]


def test_two_files_for_one_key_are_both_refused(sources: Path, tmp_path: Path) -> None:
    incoming = folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a", "phrase.greet.ogg": "tone3.ogg"})
    report = import_recordings(incoming, tmp_path / "lang", hashes(), today=TODAY)
    assert sorted(r.file for r in report.refused) == ["phrase.greet.m4a", "phrase.greet.ogg"]
    assert "several files" in report.refused[0].reason and not report.imported


@pytest.mark.parametrize(("consent", "named"), [
    (None, "consent.yml: missing"),
    (CONSENT.replace("consent: true", "consent: false"), "consent: must be true"),
    (CONSENT.replace("consent: true\n", ""), "consent: missing"),
    (CONSENT.replace("consent: true", 'consent: "có"'), "consent: expected true or false"),
    (CONSENT.replace(f'speaker: "{SPEAKER}"', 'speaker: ""'), "speaker: expected the speaker's full name"),
    (CONSENT.replace(f'speaker: "{SPEAKER}"\n', ""), "speaker: missing"),
    (CONSENT.replace("2026-12-01", "01/12/2026"), "consent_date: expected a date"),
    (CONSENT.replace("2026-12-01", "2027-12-01"), "consent_date: 2027-12-01 is after today"),
    (CONSENT + "consnet: true\n", "consnet: unknown field"),
    (CONSENT + "files:\n  phrase.thanks.ogg: {speaker: X}\n", "files: phrase.thanks.ogg: no such file"),
    (CONSENT + "files:\n  phrase.greet.m4a: {consent_date: soon}\n", "files.phrase.greet.m4a.consent_date"),
    ("speaker: [unclosed\n", "not valid YAML"),
    ("- a list\n", "expected fields speaker"),
])
def test_without_valid_consent_nothing_is_imported(sources: Path, tmp_path: Path, consent: str | None,
                                                    named: str) -> None:
    incoming = folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a"}, consent=consent)
    with pytest.raises(ConsentError) as caught:
        import_recordings(incoming, tmp_path / "lang", hashes(), today=TODAY)
    assert str(incoming / "consent.yml") in str(caught.value)
    assert named in str(caught.value)
    assert not (tmp_path / "lang").exists()


def test_a_file_can_name_its_own_speaker_or_withhold_consent(sources: Path, tmp_path: Path) -> None:
    consent = CONSENT + ("files:\n"
                         "  phrase.greet.m4a: {speaker: Người thu âm thứ hai (mẫu), consent_date: 2026-11-20}\n"
                         "  phrase.thanks: {consent: false}\n")  # by key as well as by file name
    incoming = folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a", "phrase.thanks.ogg": "tone3.ogg",
                                               "khai_sinh.fee.ogg": "tone3.ogg"}, consent=consent)
    report = import_recordings(incoming, tmp_path / "lang", hashes(), today=TODAY)
    assert [r.file for r in report.refused] == ["phrase.thanks.ogg"] and "consent" in report.refused[0].reason
    recordings = Recordings.load(tmp_path / "lang")
    assert recordings.keys() == ["khai_sinh.fee", "phrase.greet"]
    greet, fee = recordings.get("phrase.greet"), recordings.get("khai_sinh.fee")
    assert (greet.speaker, greet.consent_date) == ("Người thu âm thứ hai (mẫu)", date(2026, 11, 20))
    assert (fee.speaker, fee.consent_date) == (SPEAKER, date(2026, 12, 1))


def test_a_new_recording_replaces_the_old_and_a_refused_one_keeps_it(sources: Path, tmp_path: Path) -> None:
    language = tmp_path / "lang"
    import_recordings(folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a"}), language, hashes("1"),
                      today=date(2026, 12, 2))
    again = folder_with(tmp_path, sources, {"phrase.greet.ogg": "tone3.ogg"},
                        consent=CONSENT.replace(SPEAKER, "Người thu âm khác (mẫu)"))
    report = import_recordings(again, language, hashes("2"), today=TODAY)
    assert [(i.key, i.replaced) for i in report.imported] == [("phrase.greet", True)]
    recording = Recordings.load(language).get("phrase.greet")
    assert (recording.source_hash, recording.speaker, recording.original, recording.imported_on) == (
        "phrase.greet#2", "Người thu âm khác (mẫu)", "phrase.greet.ogg", TODAY)
    assert recording.seconds == pytest.approx(3, abs=0.1)
    assert seconds_of(recording.ogg) == pytest.approx(3, abs=0.15)
    assert seconds_of(recording.mp3) == pytest.approx(3, abs=0.15)

    manifest = (language / "audio" / "recordings.yml").read_bytes()
    stored = {p.name: p.read_bytes() for p in (language / "audio").iterdir()}
    failed = import_recordings(folder_with(tmp_path, sources, {"phrase.greet.ogg": "silence.ogg"}), language,
                               hashes("3"), today=TODAY)
    assert failed.refused and not failed.imported
    assert (language / "audio" / "recordings.yml").read_bytes() == manifest
    assert {p.name: p.read_bytes() for p in (language / "audio").iterdir()} == stored  # no temporary file left


def test_only_a_recording_of_the_current_text_is_played(sources: Path, tmp_path: Path) -> None:
    language = tmp_path / "lang"
    import_recordings(folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a",
                                                      "khai_sinh.fee.m4a": "tone2.m4a",
                                                      "khai_sinh.time.m4a": "tone2.m4a"}),
                      language, hashes("1"), today=TODAY)
    recordings = Recordings.load(language)
    assert recordings.fresh("phrase.greet", "phrase.greet#1") is not None
    assert recordings.fresh("phrase.greet", "phrase.greet#2") is None  # the Vietnamese answer was edited
    assert recordings.fresh("phrase.greet", None) is None
    assert recordings.fresh("phrase.thanks", "phrase.thanks#1") is None  # never recorded
    (language / "audio" / "khai_sinh.fee.mp3").unlink()
    assert recordings.fresh("khai_sinh.fee", "khai_sinh.fee#1") is None

    def now(key: str) -> str | None:
        return {"phrase.greet": "phrase.greet#2", "khai_sinh.fee": "khai_sinh.fee#1"}.get(key)

    assert [(s.key, s.reason) for s in recordings.stale(now)] == [
        ("khai_sinh.fee", "audio file missing"), ("khai_sinh.time", "unknown key"), ("phrase.greet", "text changed")]
    assert recordings.stale(hashes("1")) == [s for s in recordings.stale(now) if s.key == "khai_sinh.fee"]


def test_the_level_is_evened_out_without_clipping(sources: Path, tmp_path: Path) -> None:
    language = tmp_path / "lang"
    report = import_recordings(folder_with(tmp_path, sources, {"phrase.greet.wav": "quiet.wav",
                                                               "phrase.thanks.wav": "loud.wav"}),
                               language, hashes(), today=TODAY)
    assert sorted(i.gain_db for i in report.imported) == pytest.approx([-12, 15], abs=0.3), str(report)
    for key in ("phrase.greet", "phrase.thanks"):
        for suffix in (".ogg", ".mp3"):
            level = measure(decode((language / "audio" / f"{key}{suffix}").read_bytes()))
            assert level.voice_dbfs == pytest.approx(TARGET_VOICE_DBFS, abs=1.5), (key, suffix, level)
            assert level.peak_dbfs < MAX_PEAK_DBFS + 1, (key, suffix, level)


def write_manifest(language: Path, text: str) -> Path:
    path = language / "audio" / "recordings.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = ("format: 1\nrecordings:\n  phrase.greet:\n    speaker: X\n    consent_date: 2026-12-01\n"
              "    seconds: 2.0\n    source_hash: abc\n    imported_on: 2026-12-02\n    original: phrase.greet.ogg\n")


@pytest.mark.parametrize(("text", "named"), [
    ("format: 1\nrecordings: [\n", "not valid YAML"),
    ("- 1\n", "expected fields format and recordings"),
    (GOOD_ENTRY.replace("format: 1", "format: 7"), "format: expected 1"),
    (GOOD_ENTRY.replace("    seconds: 2.0\n", ""), "recordings.phrase.greet.seconds: missing"),
    (GOOD_ENTRY.replace("seconds: 2.0", "seconds: hai"), "recordings.phrase.greet.seconds: expected a positive"),
    (GOOD_ENTRY.replace("source_hash: abc", "source_hash:"), "recordings.phrase.greet.source_hash: expected text"),
    (GOOD_ENTRY.replace("imported_on: 2026-12-02", "imported_on: hôm qua"), "phrase.greet.imported_on: expected"),
    (GOOD_ENTRY.replace("  phrase.greet:\n", "  phrase.greet: 3\n  other:\n"), "recordings.phrase.greet: expected"),
    (GOOD_ENTRY + "    status: maybe\n", "recordings.phrase.greet.status: expected approved or rejected"),
])
def test_a_broken_manifest_is_named_and_never_overwritten(sources: Path, tmp_path: Path, text: str,
                                                          named: str) -> None:
    language = tmp_path / "lang"
    path = write_manifest(language, text)
    with pytest.raises(ManifestError) as caught:
        Recordings.load(language)
    assert str(path) in str(caught.value) and named in str(caught.value)
    with pytest.raises(RecordingsError):
        import_recordings(folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a"}), language, hashes(),
                          today=TODAY)
    assert path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in path.parent.iterdir()) == ["recordings.yml"]


def test_a_language_without_recordings_has_none(tmp_path: Path) -> None:
    assert len(Recordings.load(tmp_path)) == 0
    recordings = Recordings.load(write_manifest(tmp_path / "lang", GOOD_ENTRY).parent.parent)
    assert recordings.keys() == ["phrase.greet"] and "phrase.greet" in recordings
    assert recordings.fresh("phrase.greet", "abc") is None  # listed, but its audio files are not there
    with pytest.raises(RecordingsError, match="no such folder"):
        import_recordings(tmp_path / "nowhere", tmp_path / "lang", hashes(), today=TODAY)


def test_a_rejected_recording_is_never_played_until_approved_or_recorded_again(sources: Path, tmp_path: Path) -> None:
    language = tmp_path / "lang"
    incoming = folder_with(tmp_path, sources, {"phrase.greet.m4a": "tone2.m4a", "phrase.thanks.m4a": "tone2.m4a"})
    import_recordings(incoming, language, hashes(), today=TODAY)
    manifest = language / "audio" / "recordings.yml"
    assert "status" not in manifest.read_text(encoding="utf-8")  # as imported: approved, the format unchanged

    rejected = review_recording(language, "phrase.greet", "rejected", "Cán bộ (mẫu)")
    assert rejected.rejected and rejected.reviewer == "Cán bộ (mẫu)"
    recordings = Recordings.load(language)
    assert recordings.fresh("phrase.greet", "phrase.greet#1") is None
    assert recordings.get("phrase.greet") is None  # the recordings channel serves what `get` gives
    assert recordings.stored("phrase.greet") == rejected and "phrase.greet" in recordings
    assert recordings.fresh("phrase.thanks", "phrase.thanks#1") is not None  # the others are untouched
    assert [(s.key, s.reason) for s in recordings.stale(hashes())] == [("phrase.greet", "rejected")]

    review_recording(language, "phrase.greet", "approved", "Cán bộ khác (mẫu)")
    assert Recordings.load(language).fresh("phrase.greet", "phrase.greet#1") is not None
    review_recording(language, "phrase.greet", "rejected", "Cán bộ (mẫu)")
    import_recordings(folder_with(tmp_path, sources, {"phrase.greet.ogg": "tone3.ogg"}), language, hashes(),
                      today=TODAY)  # a new recording, with consent, replaces the rejected one
    assert Recordings.load(language).fresh("phrase.greet", "phrase.greet#1").status == "approved"
    with pytest.raises(KeyError):
        review_recording(language, "phrase.help", "rejected", "Cán bộ (mẫu)")
