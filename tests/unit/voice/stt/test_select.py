"""Choosing the speech engine: environment, models cache, and messages that say how to fix things.
Model folders here are fakes with the right file names (loading is stubbed), except one real load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from voice import models
from voice.errors import ModelMissing
from voice.stt import select
from voice.stt.select import load_engine

SHARED_WHISPER = ROOT.parent / "shared" / "models" / "faster-whisper-base"


@dataclass
class Loaded:
    name: str
    folder: Path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("CAUNOI_STT_ENGINE", "CAUNOI_VOSK_MODEL", "CAUNOI_WHISPER_MODEL", "CAUNOI_MODELS_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CAUNOI_MODELS_DIR", str(tmp_path / "cache"))


@pytest.fixture
def stub_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(select, "_load", lambda engine, folder: Loaded(engine, folder))


def fake_vosk(folder: Path) -> Path:
    for name in ("am/final.mdl", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"x")
    return folder


def fake_whisper(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in models.WHISPER_FILES:
        (folder / name).write_bytes(b"x")
    return folder


def cache() -> Path:
    return models.models_dir()


def test_models_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache() == (tmp_path / "cache").resolve()
    monkeypatch.delenv("CAUNOI_MODELS_DIR")
    monkeypatch.setenv("CAUNOI_HOME", str(tmp_path))
    assert cache() == tmp_path.resolve() / "models" / "voice"


def test_no_model_names_the_download_command() -> None:
    with pytest.raises(ModelMissing) as error:
        load_engine()
    message = str(error.value)
    assert "caunoi voice download vosk-small" in message
    assert "CAUNOI_VOSK_MODEL" in message and "CAUNOI_WHISPER_MODEL" in message
    assert str(cache()) in message
    assert error.value.user_message  # what the person who spoke is told: type instead


def test_whisper_asked_for_but_missing() -> None:
    with pytest.raises(ModelMissing, match="caunoi voice download whisper-base"):
        load_engine("whisper")


@pytest.mark.usefixtures("stub_load")
def test_vosk_is_the_default_when_present() -> None:
    fake_whisper(cache() / "faster-whisper-base")
    small = fake_vosk(cache() / "vosk-model-small-vn-0.4")
    assert load_engine() == Loaded("vosk", small)
    large = fake_vosk(cache() / "vosk-model-vn-0.4")
    assert load_engine() == Loaded("vosk", large)  # downloaded on purpose: preferred


@pytest.mark.usefixtures("stub_load")
def test_whisper_when_it_is_the_only_model() -> None:
    folder = fake_whisper(cache() / "faster-whisper-base")
    assert load_engine() == Loaded("whisper", folder)


@pytest.mark.usefixtures("stub_load")
def test_environment_chooses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_vosk(cache() / "vosk-model-small-vn-0.4")
    whisper = fake_whisper(cache() / "faster-whisper-base")
    monkeypatch.setenv("CAUNOI_STT_ENGINE", "Whisper")
    assert load_engine() == Loaded("whisper", whisper)
    assert load_engine("vosk").name == "vosk"  # an explicit name beats the environment
    elsewhere = fake_vosk(tmp_path / "my-vosk")
    monkeypatch.setenv("CAUNOI_VOSK_MODEL", str(elsewhere))
    monkeypatch.delenv("CAUNOI_STT_ENGINE")
    assert load_engine() == Loaded("vosk", elsewhere)


def test_unknown_engine_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAUNOI_STT_ENGINE", "google")
    with pytest.raises(ModelMissing, match="'google'"):
        load_engine()


def test_configured_folder_that_is_not_a_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "vosk-model-small-vn-0.4"
    (folder / "conf").mkdir(parents=True)
    (folder / "conf" / "mfcc.conf").write_text("--use-energy=false\n")
    monkeypatch.setenv("CAUNOI_VOSK_MODEL", str(folder))
    with pytest.raises(ModelMissing) as error:
        load_engine()
    assert str(folder) in str(error.value)
    assert "am/final.mdl" in str(error.value) and "graph/HCLG.fst" in str(error.value)


def test_broken_folder_in_the_cache_is_named() -> None:
    folder = cache() / "faster-whisper-base"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelMissing) as error:
        load_engine()
    message = str(error.value)
    assert str(folder) in message and "tokenizer.json" in message and "config.json" in message
    assert "model.bin" not in message.split("missing:")[1]


@pytest.mark.usefixtures("stub_load")
def test_broken_folder_does_not_hide_a_working_model() -> None:
    (cache() / "vosk-model-small-vn-0.4").mkdir(parents=True)  # e.g. emptied by hand
    whisper = fake_whisper(cache() / "faster-whisper-base")
    assert load_engine() == Loaded("whisper", whisper)


def test_files_with_the_right_names_but_bad_contents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper")
    folder = fake_whisper(tmp_path / "fake-whisper")
    monkeypatch.setenv("CAUNOI_WHISPER_MODEL", str(folder))
    with pytest.raises(ModelMissing, match="could not load"):
        load_engine()


def test_real_whisper_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (SHARED_WHISPER / "model.bin").is_file():
        pytest.skip(f"needs the shared Whisper model in {SHARED_WHISPER}")
    pytest.importorskip("faster_whisper")
    monkeypatch.setenv("CAUNOI_WHISPER_MODEL", str(SHARED_WHISPER))
    engine = load_engine()
    assert engine.name == "whisper"


# --- hints ---------------------------------------------------------------------------------
