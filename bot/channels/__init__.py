"""Messaging channels: each translates between one platform and the Rasa engine, nothing more.

Dialogue logic stays in the engine; a channel turns platform updates into `UserMessage`s and renders
the reply contract (text, buttons, checklist) as the platform allows.
"""
