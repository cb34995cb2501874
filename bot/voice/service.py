"""The voice pipeline as the channels use it: built once per server from settings, async, one
voice job at a time in a worker thread so the event loop keeps answering typed messages.

A missing speech model is not fatal: `understand` raises ModelMissing (the user is asked to type,
the log names the download command) and every text channel keeps working.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import lru_cache

from bot.kb.shared import knowledge_base
from bot.settings import Settings, load_settings
from voice.encode import Format
from voice.errors import ModelMissing, VoiceError
from voice.pipeline import Spoken, Understood, VoicePipeline

logger = logging.getLogger(__name__)


class VoiceService:
    def __init__(self, pipeline: VoicePipeline) -> None:
        self.pipeline = pipeline
        self._model_warned = False

    async def understand(self, data: bytes) -> Understood:
        try:
            understood = await asyncio.to_thread(self.pipeline.understand, data)
        except ModelMissing as exc:
            if not self._model_warned:  # once, not on every voice message
                logger.error("Voice messages cannot be transcribed: %s", exc)
                self._model_warned = True
            raise
        except VoiceError as exc:
            logger.info("voice message not understood (%s): %s", exc.stage, exc)
            raise
        stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in understood.timings.stages.items())
        logger.info("voice in: %.1f s of audio, %s", understood.duration_s, stages)
        return understood

    async def speak(self, texts: str | Sequence[str], fmt: Format) -> Spoken | None:
        """None when no voice is available right now: the answer still goes out as text."""
        if not texts:
            return None
        try:
            spoken = await asyncio.to_thread(self.pipeline.speak, texts, fmt)
        except VoiceError as exc:
            logger.warning("answer not spoken (%s): %s", exc.stage, exc)
            return None
        stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in spoken.timings.stages.items())
        logger.info("voice out (%s, %s): %s", spoken.source, fmt.value, stages)
        return spoken


def build_voice_service(settings: Settings | None = None) -> VoiceService:
    from bot.voice.hints import hint_phrases
    from bot.voice.speaker import build_speaker
    from voice.stt.select import load_engine

    settings = settings or load_settings()
    pipeline = VoicePipeline(load_engine, build_speaker(settings), hint_phrases(knowledge_base()))
    return VoiceService(pipeline)


@lru_cache(maxsize=1)
def voice_service() -> VoiceService:
    """One per process: the speech model is loaded once and shared by every channel."""
    return build_voice_service()


def optional_voice_service() -> VoiceService | None:
    """For channels: voice when it can be set up, None (text only, one log line) when not."""
    try:
        return voice_service()
    except Exception as exc:  # a broken voice setup must never take a text channel down
        logger.error("Voice is off: %s: %s", type(exc).__name__, exc)
        return None
