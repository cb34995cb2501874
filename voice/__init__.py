"""Voice for people who would rather speak and listen than read.

Explicit stages, each timed and each with its own typed error (`errors.py`):
decode (ffmpeg → 16 kHz mono PCM) → speech-to-text (`stt/`: Vosk or Whisper) → the engine (through
the channel, like typed text) → text-to-speech (`tts/`: cache, gTTS, espeak-ng offline) → encode
for the channel (`encode.py`: OGG/Opus for Telegram, M4A/MP3 for Zalo, MP3 for browsers).
"""
