"""Remember whether a loaded domain is empty.

`Domain.is_empty` builds an empty Domain and serialises both, on every message (2.4 % of the
server's CPU). A loaded domain does not change, so Rasa's answer is kept on the domain object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.shared.core.domain:Domain.is_empty"


@patch("domain_emptiness", "Domain.is_empty answered once per domain object", "wraps", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    target = Target.parse(TARGET)
    original = originals[target]

    def is_empty(self: Any) -> bool:
        known = self.__dict__.get("_caunoi_is_empty")
        if known is None:
            known = self.__dict__["_caunoi_is_empty"] = original(self)
        return known

    return {target: is_empty}
