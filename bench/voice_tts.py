"""Text-to-speech latency as a person waiting for a spoken answer sees it (CachedSpeaker.speak):
a cache hit, a gTTS miss and the espeak-ng fallback, for a short and a long KB answer.

The gTTS miss goes to the Google Translate TTS stand-in on loopback (tests/support/standins/gtts_server.py)
through the real gTTS client: it measures our side only. Real Google adds, per part of at most 100
characters (sent one after another), a network round trip and its own synthesis time.

Run: `.venv/bin/python bench/voice_tts.py [--repeat 5] [--speech clip|espeak]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb.shared import knowledge_base  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.voice.prerender import answer_texts  # noqa: E402
from tests.support.standins.gtts_server import GoogleTranslateTTS, clip  # noqa: E402
from voice.decode import Limits, decode  # noqa: E402
from voice.tts.cache import SpeechCache  # noqa: E402
from voice.tts.espeak_voice import EspeakVoice  # noqa: E402
from voice.tts.gtts_voice import GttsVoice  # noqa: E402
from voice.tts.speakable import speakable  # noqa: E402
from voice.tts.speaker import CachedSpeaker  # noqa: E402

LIMITS = Limits(max_bytes=100 * 1024 * 1024, max_seconds=3600)  # measuring answers, not checking uploads


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """(median ms, max ms, last result)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def measure(google: GoogleTranslateTTS, text: str, repeat: int, work: Path) -> dict[str, object]:
    runs = iter(range(10**6))

    def fresh(primary_down: bool = False) -> CachedSpeaker:
        speaker = CachedSpeaker(SpeechCache(work / f"cache-{next(runs)}"), GttsVoice(url=google.url, timeout=5.0),
                                EspeakVoice())
        if primary_down:
            speaker._primary_down_until = float("inf")  # resting: what every answer after the first offline sees
        return speaker

    parts_before = len(google.texts())
    miss_ms, miss_max, speech = timed(lambda: fresh().speak(text), repeat)
    parts = (len(google.texts()) - parts_before) // repeat
    warm = fresh()
    warm.speak(text)
    hit_ms, hit_max, _ = timed(lambda: warm.speak(text), repeat * 4)
    espeak_ms, espeak_max, espoken = timed(lambda: fresh(primary_down=True).speak(text), repeat)
    google.go_offline()
    first_offline_ms, _, _ = timed(lambda: fresh().speak(text), 1)  # refused connection, then espeak-ng
    google.go_online()
    return {
        "chars": len(text), "speakable_chars": len(speakable(text)), "gtts_parts": parts,
        "cache_hit_ms": round(hit_ms, 2), "cache_hit_max_ms": round(hit_max, 2),
        "gtts_miss_ms": round(miss_ms, 1), "gtts_miss_max_ms": round(miss_max, 1),
        "espeak_ms": round(espeak_ms, 1), "espeak_max_ms": round(espeak_max, 1),
        "first_offline_answer_ms": round(first_offline_ms, 1),
        "gtts_audio_s": round(decode(speech.mp3, LIMITS).duration_s, 2),  # type: ignore[union-attr]
        "espeak_audio_s": round(decode(espoken.mp3, LIMITS).duration_s, 2),  # type: ignore[union-attr]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--speech", choices=["clip", "espeak"], default="clip",
                        help="stand-in audio: one cached clip (default) or espeak-ng per part (adds its CPU time)")
    args = parser.parse_args()
    logging.getLogger("voice").setLevel(logging.ERROR)  # the expected "gtts-vi failed" while offline

    texts = sorted((text for label, text in answer_texts(knowledge_base(), load_settings().commune)
                    if "/" in label), key=lambda t: len(speakable(t)))  # "procedure/topic": KB answers
    cases = {"short": texts[0], "long": texts[-1]}
    results: dict[str, object] = {}
    clip()  # the stand-in's audio, made once before timing anything
    with tempfile.TemporaryDirectory(prefix="caunoi-bench-tts-") as tmp, GoogleTranslateTTS(args.speech) as google:
        for label, text in cases.items():
            results[label] = measure(google, text, args.repeat, Path(tmp))

    rows = [("cache hit", "cache_hit_ms"), ("gTTS miss (stand-in, loopback)", "gtts_miss_ms"),
            ("espeak-ng fallback (gTTS resting)", "espeak_ms"),
            ("first answer offline (refused + espeak)", "first_offline_answer_ms")]
    short, long = results["short"], results["long"]
    assert isinstance(short, dict) and isinstance(long, dict)
    print(f"Text-to-speech latency, median of {args.repeat} ({args.repeat * 4} for hits); "
          f"{platform.processor() or platform.machine()}, stand-in audio: {args.speech}")
    print(f"short answer: {short['chars']} chars, {short['gtts_parts']} gTTS part(s); "
          f"long answer: {long['chars']} chars, {long['gtts_parts']} gTTS parts")
    print(f"{'case':42} {'short ms':>10} {'long ms':>10}")
    for name, key in rows:
        print(f"{name:42} {short[key]:>10} {long[key]:>10}")
    print(f"{'audio length, gTTS stand-in clip (s)':42} {short['gtts_audio_s']:>10} {long['gtts_audio_s']:>10}")
    print(f"{'audio length, espeak-ng (s)':42} {short['espeak_audio_s']:>10} {long['espeak_audio_s']:>10}")
    print("Real Google adds a network round trip and its synthesis per gTTS part (parts are sent one by one).")
    print(json.dumps({"bench": "voice_tts", "repeat": args.repeat, "stand_in_speech": args.speech, **results},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
