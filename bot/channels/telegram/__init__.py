"""Telegram through python-telegram-bot: long polling by default, webhook optional.

`updates.py` turns updates into engine messages (one handler per update type), `sender.py` sends
replies with retries, `keyboard.py` renders buttons, `channel.py` plugs it all into Rasa.
"""
