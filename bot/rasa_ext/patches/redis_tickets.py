"""Take, return and expire Redis conversation tickets atomically (a correctness fix for replicas).

Rasa's RedisLockStore changes a conversation's ticket lock by get → modify → set, so two replicas
taking a ticket at the same instant could both be "first" and answer one user's messages at once
(one turn's events were then lost; found by the scale-out tests, intermittently). Rasa's own code
now runs under a short Redis mutex per conversation (redis-py's atomic `Lock`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

OWNER = "rasa.core.lock_store:RedisLockStore"
TARGETS = (f"{OWNER}.issue_ticket", f"{OWNER}.cleanup", f"{OWNER}.update_lock")
MUTEX_SECONDS = 10  # held for a few Redis round trips; frees itself if this process dies holding it


def mutex(store: Any, conversation_id: str) -> Any:
    return store.red.lock(f"{store.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS,
                          blocking_timeout=MUTEX_SECONDS)


@patch("redis_tickets", "ticket lock changes run under a per-conversation Redis mutex", "wraps", *TARGETS)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    from rasa.core.lock_store import LockError

    issue, cleanup, update = (Target.parse(t) for t in TARGETS)

    def issue_ticket(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> int:
        try:
            with mutex(self, conversation_id):
                return originals[issue](self, conversation_id, *args, **kwargs)
        except LockError:
            raise
        except Exception as exc:  # the mutex itself failed: reported as Rasa reports ticket errors
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def cleanup_locked(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> None:
        with mutex(self, conversation_id):
            originals[cleanup](self, conversation_id, *args, **kwargs)

    def update_locked(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> None:
        with mutex(self, conversation_id):
            originals[update](self, conversation_id, *args, **kwargs)

    return {issue: issue_ticket, cleanup: cleanup_locked, update: update_locked}
