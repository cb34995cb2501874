"""Typed voice errors. Each carries a short Vietnamese message fit to show the person who sent the
audio (`user_message`) and a technical one for the log (`str(error)`)."""

from __future__ import annotations


class VoiceError(Exception):
    stage = "voice"
    user_message = "Mình chưa nghe được. Bạn gõ chữ giúp mình nhé."


class AudioTooLarge(VoiceError):
    stage = "decode"
    user_message = "Tệp âm thanh lớn quá. Bạn nói ngắn lại, dưới 1 phút, rồi gửi lại nhé."


class AudioTooLong(VoiceError):
    stage = "decode"
    user_message = "Đoạn ghi âm dài quá. Bạn hỏi ngắn gọn, dưới 1 phút, rồi gửi lại nhé."


class AudioUnreadable(VoiceError):
    """Corrupt, empty, silent or not audio at all."""

    stage = "decode"
    user_message = "Mình không mở được đoạn ghi âm này. Bạn ghi âm lại rồi gửi nhé, hoặc gõ chữ."


class NothingHeard(VoiceError):
    stage = "stt"
    user_message = "Mình không nghe rõ. Bạn nói to, chậm hơn một chút rồi gửi lại nhé, hoặc gõ chữ."


class ModelMissing(VoiceError):
    """No speech model on this machine: text keeps working; the log names the download command."""

    stage = "stt"
    user_message = "Máy chưa có phần nghe tiếng nói. Bạn gõ chữ giúp mình nhé."


class SpeechUnavailable(VoiceError):
    """No way to turn text into speech right now (gTTS unreachable and no offline voice)."""

    stage = "tts"
    user_message = ""  # the answer still goes out as text; nothing to apologise for
