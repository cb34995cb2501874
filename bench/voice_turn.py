"""A spoken turn end to end: 5 s of recorded speech in → first byte of the spoken answer out.

Through the kiosk API of a real `caunoi run` (Whisper base from ../shared, espeak-ng voice, the
answer's audio made after the text): POST /webhooks/kiosk/voice with WebM/Opus as a browser
records it, then GET the answer's audio_url until its first byte. The first turn speaks a new
answer (cache miss); repeats of the question find the answer's audio in the cache (as after
`caunoi voice prerender`).

Run: `.venv/bin/python bench/voice_turn.py [--turns 5]`
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import start_assistant  # noqa: E402

SHARED = ROOT.parent / "shared"
CLIP = SHARED / "audio" / "vi_clips" / "vieneu_04.wav"


def five_seconds_of_webm(folder: Path) -> bytes:
    target = folder / "turn.webm"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(CLIP), "-af", "apad",
                    "-t", "5", "-c:a", "libopus", "-b:a", "32k", str(target)], check=True)
    return target.read_bytes()


def multipart(fields: dict[str, str], audio: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="turn.webm"\r\n'
                 f"Content-Type: audio/webm\r\n\r\n".encode() + audio + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def one_turn(base: str, audio: bytes) -> dict[str, float | str]:
    body, content_type = multipart({"sender": str(uuid.uuid4())}, audio)
    start = time.perf_counter()
    request = urllib.request.Request(f"{base}/voice", data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    text_done = time.perf_counter()
    with urllib.request.urlopen(f"{base}/{answer['audio_url']}", timeout=60) as response:
        response.read(1)
        first_byte = time.perf_counter()
    return {"transcript": answer.get("transcript", ""), "text_s": text_done - start, "first_audio_byte_s":
            first_byte - start}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()
    if not CLIP.exists():
        sys.exit("needs ../shared (speech clips and the Whisper model)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        audio = five_seconds_of_webm(folder)
        env = {"CAUNOI_STT_ENGINE": "whisper", "CAUNOI_WHISPER_MODEL": str(SHARED / "models" / "faster-whisper-base"),
               "CAUNOI_TTS": "espeak", "CAUNOI_SPEECH_CACHE": str(folder / "speech")}
        data = folder / "data"
        data.mkdir()
        running = start_assistant(data, env)
        try:
            base = f"http://127.0.0.1:{running.port}/webhooks/kiosk"
            one_turn(base, audio)  # the server's first voice turn loads the model: not a user's turn
            shutil.rmtree(folder / "speech", ignore_errors=True)  # so the next answer is spoken anew
            turns = [one_turn(base, audio) for _ in range(args.turns + 1)]
        finally:
            running.stop()
    miss, hits = turns[0], turns[1:]
    result = {
        "audio_in_s": 5.0, "stt": "whisper-base int8, beam 5", "tts": "espeak-ng (offline voice)",
        "transcript": miss["transcript"],
        "cache_miss": {k: round(v, 3) for k, v in miss.items() if k != "transcript"},
        "cache_hit_median": {k: round(statistics.median(t[k] for t in hits), 3)
                             for k in ("text_s", "first_audio_byte_s")},
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
