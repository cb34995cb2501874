"""Hand an action the tracker itself when Rasa's defensive copy would be identical.

Before every action, stock Rasa copies the tracker (replaying the whole conversation: 6.7 % of the
server's CPU at 20 turns, growing with every turn) so that the policy's extra events can be dropped
if the action rejects. With no such events (`action_listen` after every answer, session starts) and
an action that is not a form's loop, the copy equals the tracker. `action_answer` still gets a
copy: its prediction carries Rasa's DefinePrevUserUtteredFeaturization event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.core.processor:MessageProcessor._run_action"


@patch("tracker_handover", "no tracker replay before actions whose copy would be identical", "wraps", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    from rasa.core.actions.loops import LoopAction

    target = Target.parse(TARGET)
    original = originals[target]

    async def _run_action(self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any,
                          prediction: Any) -> bool:
        if prediction.events or isinstance(action, LoopAction):
            return await original(self, action, tracker, output_channel, nlg, prediction)
        tracker.copy = lambda: tracker  # this call only: the instance attribute hides the method
        try:
            return await original(self, action, tracker, output_channel, nlg, prediction)
        finally:
            del tracker.copy

    return {target: _run_action}
