"""Dialogue decisions and answer rendering, independent of Rasa and of any channel."""
