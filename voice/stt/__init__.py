"""Speech-to-text engines behind one small interface (`base.SpeechToText`)."""
