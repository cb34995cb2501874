"""Sending replies to a Zalo user: split at Zalo's 2,000 UTF-16 units, buttons on the last part, at most
5 buttons a message (the rest follow in short extra messages).

A reply in a language a commune's team translated may carry the team's recording of it (`custom.audio`,
bot/dialogue/language.py). Zalo has no audio message (audio_links.py says why), so with a public address
(ZALO_PUBLIC_URL) a text message with a link to the MP3 follows the reply's text; without one, nothing.

The client already retries network errors and refreshes tokens; what still fails here is logged and the
rest of that turn's replies are dropped: once Zalo refuses one message (the user left the 7-day window,
a quota, no tokens), the next parts would be refused too, and half an answer reads worse than none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace

from bot.channels.card_files.channel import load_card
from bot.channels.recording_files.channel import RECORDING_PATH, recording_file
from bot.channels.replies import Button, Outgoing
from bot.channels.text import split_text
from bot.channels.zalo.audio_links import LISTEN
from bot.channels.zalo.client import (
    MAX_BUTTON_PAYLOAD,
    MAX_BUTTONS,
    MAX_TEXT_LENGTH,
    ZaloAPIError,
    ZaloAuthError,
    ZaloClient,
    ZaloError,
    text_length,
)
from bot.channels.zalo.tokens import TokenStoreError

logger = logging.getLogger(__name__)

MORE_BUTTONS = "Hoặc chọn:"  # the text of a follow-up message carrying buttons 6, 7, ...
BUTTONS_ONLY = "Mời bạn chọn:"  # Zalo needs text in every message; the engine may send buttons alone

# Zalo errors about the recipient, not about us: nothing to fix, only to note.
#   -230: the user has not interacted with the OA in the last 7 days (consultation window closed)
#   -213: the user does not follow the OA / has blocked it
UNREACHABLE_CODES = frozenset({-230, -213})


def anonymous(user_id: str) -> str:
    """A stable tag for logs: lets an operator follow one conversation without the user id in clear."""
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:10]


def messages_for(reply: Outgoing) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """One reply → the (text, buttons) of each Zalo message it takes, in sending order."""
    buttons = [(b.title, b.payload) for b in reply.buttons if _sendable(b)]
    parts = split_text(reply.text, MAX_TEXT_LENGTH, text_length) or [BUTTONS_ONLY if buttons else ""]
    first, rest = buttons[:MAX_BUTTONS], buttons[MAX_BUTTONS:]
    for index, part in enumerate(parts):
        if part:
            yield part, (first if index == len(parts) - 1 else [])
    while rest:
        yield MORE_BUTTONS, rest[:MAX_BUTTONS]
        rest = rest[MAX_BUTTONS:]


def _sendable(button: Button) -> bool:
    # A longer payload cannot be shortened without changing its meaning; the title is shortened by the client.
    if not button.title.strip() or not button.payload or text_length(button.payload) > MAX_BUTTON_PAYLOAD:
        logger.warning("Zalo: dropping a button Zalo would refuse (empty title or payload over %d)",
                       MAX_BUTTON_PAYLOAD)
        return False
    return True


async def recording_link(reply: Outgoing, public_url: str) -> str | None:
    """The public address of the MP3 recording a reply carries, when it is one of ours and its file is
    there (no link that leads nowhere); None otherwise, and always without a public address."""
    audio = reply.custom.get("audio")
    path = audio.get("mp3") if isinstance(audio, dict) and public_url else None
    match = RECORDING_PATH.fullmatch(path) if isinstance(path, str) else None
    if match is None:
        return None
    if await asyncio.to_thread(recording_file, *match.groups()) is None:
        logger.info("Zalo: recording %s not found; the answer went as text only", path)
        return None
    return public_url.rstrip("/") + path


PROMPT = "🔊 {name}: {url}"  # a language's recorded "which language?", under the choice


class ZaloSender:
    def __init__(self, client: ZaloClient, *, auth_problem_reported: bool = False, public_url: str = "") -> None:
        self.client = client
        self.public_url = public_url  # where people reach this server: links to recordings start with it
        # One ERROR per token outage, not one per message (the channel may have reported it at start).
        self._auth_reported = auth_problem_reported

    async def send(self, user_id: str, replies: list[Outgoing]) -> bool:
        """Send every reply in order; False when Zalo refused or could not be reached (already logged)."""
        for reply in replies:
            reply = await self._with_prompts(reply)
            for text, buttons in messages_for(reply):
                if not await self._send_one(user_id, text, buttons):
                    return False
            if reply.image and not await self._send_image(user_id, reply.image):
                return False
            link = await recording_link(reply, self.public_url)
            if link is not None and not await self._send_one(user_id, LISTEN.format(url=link), []):
                return False
        return True

    async def _with_prompts(self, reply: Outgoing) -> Outgoing:
        """The language choice with each language's recorded "which language?" as a link under its text,
        before the buttons (one message: the buttons stay last)."""
        lines = []
        for prompt in reply.custom.get("prompts") or ():
            link = await recording_link(Outgoing("", custom={"audio": prompt}), self.public_url)
            if link is not None:
                lines.append(PROMPT.format(name=prompt.get("name") or prompt.get("language"), url=link))
        return replace(reply, text="\n".join([reply.text, *lines])) if lines else reply

    async def _send_one(self, user_id: str, text: str, buttons: list[tuple[str, str]]) -> bool:
        return await self._deliver(user_id, lambda: self.client.send_text(user_id, text, buttons or None))

    async def _send_image(self, user_id: str, url: str) -> bool:
        """A checklist card as a picture: uploaded, then sent (other addresses are not ours to send)."""
        card = await load_card(url)
        if card is None:
            return True
        body, filename = card

        async def upload_and_send() -> None:
            await self.client.send_image(user_id, await self.client.upload_image(body, filename))

        return await self._deliver(user_id, upload_and_send)

    async def _deliver(self, user_id: str, send: Callable[[], Awaitable[object]]) -> bool:
        try:
            await send()
        except ValueError as exc:  # something Zalo would refuse (e.g. a picture over 1 MB): skip it
            logger.error("Zalo message to user %s not sent: %s", anonymous(user_id), exc)
            return True
        except ZaloAPIError as exc:
            if exc.code in UNREACHABLE_CODES:
                logger.warning("Zalo cannot deliver to user %s (error %s: %s); answer dropped",
                               anonymous(user_id), exc.code, exc.message)
            else:
                logger.error("Zalo refused a message to user %s: %s; rest of the answer dropped",
                             anonymous(user_id), exc)
            return False
        except (ZaloAuthError, TokenStoreError) as exc:
            # Needs an operator (new refresh token); until then every send fails the same way.
            log = logger.debug if self._auth_reported else logger.error
            log("Zalo answer not sent: %s", exc)
            self._auth_reported = True
            return False
        except ZaloError as exc:  # unreachable after the client's own retries
            logger.error("Zalo answer to user %s not sent: %s", anonymous(user_id), exc)
            return False
        self._auth_reported = False
        return True
