"""Check action-server answers with a validator built once, each event against its own type.

Found with py-spy under 10 concurrent conversations: 60 % of the Rasa server's CPU went to
`jsonschema.validate` re-checking the constant action-response schema itself against the
meta-schema on every custom-action call, then trying every event against all 23 event types.
Same verdicts and errors as the full schema (tests/unit/bot/rasa_ext/test_action_validation.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.core.actions.action:RemoteAction._validate_action_result"


@patch("action_validation", "validator built once; each event checked against its own type", "replaces", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    from bot.rasa_ext.action_validation import ActionResponseValidator

    @lru_cache(maxsize=1)
    def validator() -> ActionResponseValidator:
        return ActionResponseValidator(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = validator().error(result)
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (  # Rasa's own wording
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    return {Target.parse(TARGET): _validate_action_result}
