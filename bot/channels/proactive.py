"""The output channel for messages the engine sends on its own (reminders, status notices), through
Rasa's `get_output_channel`. The conversation id (`telegram:42`, `zalo:…`) says who gets it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.replies import Outgoing, from_engine

SendTo = Callable[[str, list[Outgoing]], Awaitable[Any]]  # (conversation id, replies)


class ProactiveOutput(OutputChannel):
    def __init__(self, channel: str, send_to: SendTo) -> None:
        self._channel = channel
        self._send_to = send_to

    def name(self) -> str:  # type: ignore[override]  (Rasa asks the instance; one class serves all channels)
        return self._channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        outgoing = from_engine(message)
        if outgoing is not None:
            await self._send_to(recipient_id, [outgoing])
