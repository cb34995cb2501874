"""Tells subscribers when their application changes stage, through the engine.

An import (`caunoi status import`, another process) or the update API writes stage history; this
loop, in the Rasa server, polls the store for changes that subscribers have not been told about and
triggers the `status_changed` intent in each subscriber's conversation, so the notice is worded by
the same action as every other answer and sent by the subscriber's channel. The store's
notifications table is claimed before sending: a change is never announced twice, even with two
servers polling the same database (a failed send is marked, not retried).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel

from bot.dialogue.intents import Intent

logger = logging.getLogger(__name__)

INTENT = Intent.STATUS_CHANGED.value
DEFAULT_INTERVAL_S = 10.0


def poll_interval() -> float:
    try:
        return max(0.2, float(os.environ.get("CAUNOI_NOTIFY_INTERVAL", DEFAULT_INTERVAL_S)))
    except ValueError:
        return DEFAULT_INTERVAL_S


class StatusNotifier:
    def __init__(self, store: Any, agent: Any, channels: Mapping[str, InputChannel],
                 interval: float = DEFAULT_INTERVAL_S) -> None:
        self.store = store
        self.agent = agent
        self.channels = dict(channels)
        self.interval = interval

    async def run_once(self) -> int:
        """Send every pending notice this server's channels can deliver; returns how many were sent."""
        pending = await asyncio.to_thread(self.store.pending_notifications)
        sent = 0
        for notice in pending:
            channel = self.channels.get(notice.channel)
            if channel is None:  # e.g. Zalo switched off here: another server (or a later start) sends it
                continue
            claimed = await asyncio.to_thread(
                self.store.claim_notification, notice.history_id, notice.channel, notice.recipient)
            if not claimed:
                continue
            try:
                await self._trigger(channel, notice)
                sent += 1
            except Exception:
                logger.exception("status notice for a %s conversation could not be sent", notice.channel)
                await asyncio.to_thread(
                    self.store.mark_notification_failed, notice.history_id, notice.channel, notice.recipient)
        return sent

    async def _trigger(self, channel: InputChannel, notice: Any) -> None:
        output = channel.get_output_channel()
        entities = [{"entity": "application_code", "value": notice.code}, {"entity": "stage", "value": notice.stage}]
        if notice.note:
            entities.append({"entity": "note", "value": notice.note})
        # The same lock as a user's message: a notice never interleaves with a turn in progress.
        async with self.agent.lock_store.lock(notice.recipient):
            tracker = await self.agent.processor.fetch_tracker_and_update_session(notice.recipient, output)
            await self.agent.trigger_intent(INTENT, entities, output, tracker)

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked or unreachable database: try again next round
                logger.exception("status notices: polling failed")
            await asyncio.sleep(self.interval)


async def start(app: Any, _loop: Any) -> None:
    """Sanic listener (after_server_start): poll when a channel that can receive notices is on."""
    from bot.dialogue.status import NOTIFY_CHANNELS
    from bot.status.store import open_status_store

    channels = {c.name(): c for c in getattr(app.ctx, "input_channels", None) or []
                if c.name() in NOTIFY_CHANNELS}
    if not channels:
        return
    try:
        store = await asyncio.to_thread(open_status_store)
    except Exception:
        logger.exception("status notices are off: the status store cannot be opened")
        return
    notifier = StatusNotifier(store, app.ctx.agent, channels, poll_interval())
    app.ctx.status_notifier_task = asyncio.create_task(notifier.run())
    logger.info("status notices on for %s", ", ".join(sorted(channels)))


async def stop(app: Any, _loop: Any) -> None:
    """Sanic listener (before_server_stop)."""
    task = getattr(app.ctx, "status_notifier_task", None)
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
