"""Text-to-speech: a cache, gTTS (natural voice, needs the internet) and espeak-ng (offline)."""
