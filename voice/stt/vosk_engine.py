"""Vosk (Kaldi) speech-to-text: small, fast on 2 cores, fully offline.

Phrase hints. A Vosk grammar (a JSON list of phrases) restricts recognition to those phrases, so it
must not be used for the free transcription: people say far more than procedure names. Instead, when
the free transcript contains no hint phrase, a second pass over the same audio runs with the hints as
a grammar (cheap: ~0.03 s against ~1 s for the free pass on a 2 s clip) to spot a procedure name the
free pass garbled, e.g. heard "làm giấy khai xinh" → adds "làm giấy khai sinh". Grammar-pass
confidences are known to be unreliable (Vosk gives conf 1.0 to wrong words when the speech is outside
the grammar: alphacep/vosk-api#741, #1339; measured here on the Korean model, which has no "[unk]",
"오늘 날씨가 좋습니다" came out "어머니 김치 김치 감사합니다" with conf 0.97 and 1.0). So a spotted phrase is
appended only when its words are confident AND the free transcript already has at least half of its
words (ignoring tones): the second pass corrects what was heard, it never invents a topic.
Only models with a lookahead graph (HCLr.fst + Gr.fst, the small ones) accept a grammar; with a
static HCLG graph (the large model) hints are ignored.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice.audio import SAMPLE_RATE, Pcm
from voice.errors import ModelMissing
from voice.models import check_vosk_model
from voice.stt.base import Transcript

CHUNK_BYTES = 8000  # 0.25 s of audio per AcceptWaveform call
MIN_CONF = 0.9  # every word of a spotted phrase
MIN_OVERLAP = 0.5  # share of a spotted phrase's words the free transcript must already have
MAX_SPOTTED = 2


def fold(word: str) -> str:
    """Lower case without tone marks: 'Sính' → 'sinh' (free-pass tone errors still count as heard)."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(list(words[i:i + n]) == list(phrase) for i in range(len(words) - n + 1))


class VoskEngine:
    name = "vosk"

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        missing = check_vosk_model(self.model_dir)
        if missing:  # checked first: vosk on a broken folder may abort the process from C++
            raise ModelMissing(f"{self.model_dir} is not a usable Vosk model (missing: {', '.join(missing)})")
        import vosk

        vosk.SetLogLevel(-1)
        self._vosk = vosk
        self.model = vosk.Model(str(self.model_dir))  # raises Exception("Failed to create a model")
        graph = self.model_dir / "graph"
        self.accepts_grammar = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
        self.has_unk = self.model.vosk_model_find_word("[unk]") >= 0
        self._known: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._known_lock = threading.Lock()

    def transcribe(self, audio: Pcm, hints: Sequence[str] = ()) -> Transcript:
        words = self._decode(audio, grammar=None)
        text = " ".join(w for w, _ in words)
        spotted = self._spot(audio, [w for w, _ in words], hints)
        return Transcript(" ".join([text, *spotted]).strip(), self.name)

    def _decode(self, audio: Pcm, grammar: str | None) -> list[tuple[str, float]]:
        """(word, confidence) in order. A recognizer per call: the Model is shared and thread-safe,
        a recognizer is not."""
        args: tuple[Any, ...] = (self.model, SAMPLE_RATE) if grammar is None else (self.model, SAMPLE_RATE, grammar)
        recognizer = self._vosk.KaldiRecognizer(*args)
        recognizer.SetWords(True)
        results = []
        data = audio.data
        for start in range(0, len(data), CHUNK_BYTES):
            if recognizer.AcceptWaveform(data[start:start + CHUNK_BYTES]):
                results.append(recognizer.Result())  # an endpoint (pause): this part is final
        results.append(recognizer.FinalResult())
        words = []
        for result in results:
            parsed = json.loads(result)
            detail = parsed.get("result")
            if detail:
                words += [(w["word"], float(w.get("conf", 1.0))) for w in detail]
            else:  # no word detail (nothing heard, or an older Vosk): the text alone
                words += [(w, 1.0) for w in parsed.get("text", "").split()]
        return [(w, c) for w, c in words if w != "[unk]"]

    def known_phrases(self, hints: Sequence[str]) -> tuple[str, ...]:
        """Hints whose every word the model knows (lower-cased). Vosk would drop unknown words from a
        grammar with a warning, leaving fragments of phrases."""
        key = tuple(hints)
        with self._known_lock:
            if key not in self._known:
                phrases = dict.fromkeys(" ".join(h.lower().split()) for h in hints)
                self._known[key] = tuple(
                    p for p in phrases if p and all(self.model.vosk_model_find_word(w) >= 0 for w in p.split())
                )
                if len(self._known) > 8:  # hints are one fixed list in practice; stay bounded anyway
                    self._known.pop(next(iter(self._known)))
            return self._known[key]

    def _spot(self, audio: Pcm, heard: list[str], hints: Sequence[str]) -> list[str]:
        if not heard or not hints or not self.accepts_grammar:
            return []
        phrases = self.known_phrases(hints)
        if not phrases or any(_contains(heard, p.split()) for p in phrases):
            return []  # nothing to look for, or the free pass already has a procedure name
        grammar = json.dumps([*phrases, "[unk]"] if self.has_unk else list(phrases), ensure_ascii=False)
        words = self._decode(audio, grammar)
        heard_folded = {fold(w) for w in heard}
        spotted: list[str] = []
        for phrase in sorted(phrases, key=lambda p: -len(p.split())):  # longest first
            target = phrase.split()
            for i in range(len(words) - len(target) + 1):
                window = words[i:i + len(target)]
                if [w for w, _ in window] != target or min(c for _, c in window) < MIN_CONF:
                    continue
                overlap = sum(fold(w) in heard_folded for w in target) / len(target)
                if overlap >= MIN_OVERLAP and not any(phrase in s for s in spotted):
                    spotted.append(phrase)
                break
        return spotted[:MAX_SPOTTED]
