"""`caunoi voice …`: fetch speech models, transcribe a file, pre-render answers while online."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _download(args: argparse.Namespace) -> int:
    from voice import models

    try:
        path = models.download(args.model)
    except models.DownloadError as exc:
        if args.if_online:  # `make run` offline: one line, then start anyway
            print(f"note: speech model {args.model} not downloaded ({exc}); text channels work without it.",
                  file=sys.stderr)
            return 0
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.model}: {path}")
    return 0


def _transcribe(args: argparse.Namespace) -> int:
    from bot.kb.shared import knowledge_base
    from bot.voice.hints import hint_phrases
    from voice.errors import VoiceError
    from voice.pipeline import VoicePipeline
    from voice.stt.select import load_engine

    if args.engine:
        os.environ["CAUNOI_STT_ENGINE"] = args.engine
    data = Path(args.file).read_bytes()
    pipeline = VoicePipeline(load_engine, speaker=None, hints=hint_phrases(knowledge_base()))  # type: ignore[arg-type]
    try:
        understood = pipeline.understand(data)
    except VoiceError as exc:
        print(f"error ({exc.stage}): {exc}", file=sys.stderr)
        return 1
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in understood.timings.stages.items())
    print(f"{understood.transcript.engine}: {understood.duration_s:.1f} s of audio; {stages}", file=sys.stderr)
    print(understood.transcript.text)  # the last line: the transcript
    return 0


def _prerender(args: argparse.Namespace) -> int:
    from bot.kb.shared import knowledge_base
    from bot.settings import load_settings
    from bot.voice.prerender import prerender
    from bot.voice.speaker import build_speaker

    settings = load_settings()
    summary = prerender(build_speaker(settings), knowledge_base(), settings.commune,
                        progress=lambda done, total: print(f"\r{done}/{total}", end="", file=sys.stderr))
    print(file=sys.stderr)
    print(summary)
    return 0 if not getattr(summary, "failed", 0) else 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    voice = sub.add_parser("voice", help="speech models and spoken answers").add_subparsers(dest="voice", required=True)
    p = voice.add_parser("download", help="fetch a speech model into the models cache (CAUNOI_MODELS_DIR)")
    p.add_argument("model", nargs="?", default="vosk-small", choices=["vosk-small", "vosk", "whisper-base"])
    p.add_argument("--if-online", action="store_true", help="offline is not an error (used by make run)")
    p.set_defaults(func=_download)
    p = voice.add_parser("transcribe", help="print what a recording says (last line)")
    p.add_argument("file")
    p.add_argument("--engine", choices=["vosk", "whisper"], help="default: CAUNOI_STT_ENGINE, else Vosk if present")
    p.set_defaults(func=_transcribe)
    p = voice.add_parser("prerender", help="render every KB answer with the natural voice into the cache")
    p.set_defaults(func=_prerender)
