"""Rasa SDK actions (loaded by the action server with `--actions bot.actions`). They only convert
between Rasa's tracker and the dialogue (bot/dialogue/handle.py)."""
