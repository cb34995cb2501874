"""Send the action server only the current turn's events, not the whole conversation.

Every custom-action call serialised the conversation's whole history (and the action server parsed
it again); our actions read only the latest message and the slots. Rasa's own `_action_call_format`
still builds the call: it is handed a view of the tracker whose `current_state` carries the events
from the latest user message on. The domain is left out by `enable_selective_domain` (endpoints).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.core.actions.action:RemoteAction._action_call_format"


class CurrentTurnView:
    """The tracker, except that its state lists only the events of the current turn."""

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(self, _verbosity: Any = None) -> dict[str, Any]:
        from rasa.shared.core.events import UserUttered
        from rasa.shared.core.trackers import EventVerbosity

        events = list(self._tracker.events)
        start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
        state = self._tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in events[start:]]
        return state


@patch("current_turn", "action calls carry the current turn's events only", "wraps", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    target = Target.parse(TARGET)
    original = originals[target]

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        return original(self, CurrentTurnView(tracker), domain)

    return {target: _action_call_format}
