"""Rasa code that Cầu Nối depends on beyond Rasa's public API, with a fingerprint of each as in the
pinned Rasa (bot/rasa_ext/patches PINNED_RASA).

A Rasa upgrade that changes any of it fails `tests/unit/bot/rasa_ext/test_upstream.py` with the list of
our modules to re-check. After re-checking them: `python -m bot.rasa_ext.upstream` prints the new
table to paste below.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

from bot.rasa_ext.patches.patch import Target

# Our module → the upstream functions it replaces, wraps, overrides or calls although they are private.
NON_PATCH_USERS: dict[str, tuple[str, ...]] = {
    "bot.rasa_ext.sentence_features": (  # overrides two private methods
        "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer:CountVectorsFeaturizer._create_features",
        "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X",
    ),
    "bot.rasa_ext.tracker_store": (  # subclass: its engine and session set-up, save's steps
        "rasa.core.tracker_store:SQLTrackerStore.__init__",
        "rasa.core.tracker_store:SQLTrackerStore.retrieve",
        "rasa.core.tracker_store:SQLTrackerStore.save",
        "rasa.core.tracker_store:SQLTrackerStore._additional_events",
    ),
    "bot.rasa_ext.policies": (  # a Policy that answers from the rules table
        "rasa.core.policies.policy:Policy.__init__",
        "rasa.core.policies.policy:Policy._prediction",
    ),
    "bot.channels.rest.channel": (  # RestInput with its own blueprint, same routes; streams with Rasa's
        "rasa.core.channels.rest:RestInput.blueprint",
        "rasa.core.channels.rest:RestInput.stream_response",
    ),
}

FINGERPRINTS: dict[str, str] = {
    "rasa.core.actions.action:RemoteAction._action_call_format":
        "428795b944f22edb",
    "rasa.core.actions.action:RemoteAction._validate_action_result":
        "f8cdb4be68123961",
    "rasa.core.channels.rest:RestInput.blueprint":
        "886a9338e4c2505a",
    "rasa.core.channels.rest:RestInput.stream_response":
        "1fe0bdd810046ffe",
    "rasa.core.lock_store:RedisLockStore.cleanup":
        "f2ba1745c8153f92",
    "rasa.core.lock_store:RedisLockStore.issue_ticket":
        "4dfdfb5e62c1dda9",
    "rasa.core.lock_store:RedisLockStore.update_lock":
        "d56816a13451e7a5",
    "rasa.core.policies.policy:Policy.__init__":
        "29d66132c5aeab2e",
    "rasa.core.policies.policy:Policy._prediction":
        "3e1fc2406a558615",
    "rasa.core.processor:MessageProcessor._run_action":
        "6d383d0179ef1187",
    "rasa.core.tracker_store:SQLTrackerStore.__init__":
        "64e704d159dfa35b",
    "rasa.core.tracker_store:SQLTrackerStore._additional_events":
        "d22f99eb863acb07",
    "rasa.core.tracker_store:SQLTrackerStore.retrieve":
        "0d99846daced97d3",
    "rasa.core.tracker_store:SQLTrackerStore.save":
        "57165e46eab3de08",
    "rasa.engine.runner.dask:DaskGraphRunner.run":
        "45f0f52f574f3aa9",
    "rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X":
        "6f50b5eef8a879c4",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer:CountVectorsFeaturizer._create_features":
        "d841f50f6649704a",
    "rasa.shared.core.domain:Domain.is_empty":
        "884be90ef485f1d2",
    "rasa.utils.endpoints:EndpointConfig.session":
        "e55aa13d9d4fb4bc",
}


def users() -> dict[str, tuple[str, ...]]:
    """Every user of upstream code: each patch (by module) and the modules above."""
    from bot.rasa_ext import patches

    found = {f"bot.rasa_ext.patches.{p.name}": tuple(str(t) for t in p.targets) for p in patches.PATCHES.values()}
    found.update(NON_PATCH_USERS)
    return found


def fingerprint(function: Any) -> str:
    source = inspect.getsource(inspect.unwrap(function))
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def current() -> dict[str, str]:
    """Fingerprints of the upstream code as Rasa ships it, even while our patches are applied."""
    from bot.rasa_ext import patches

    upstream = patches.originals()
    specs = {spec for specs in users().values() for spec in specs}
    return {spec: fingerprint(upstream.get(Target.parse(spec)) or Target.parse(spec).resolve()) for spec in specs}


def changed() -> dict[str, list[str]]:
    """Our module → the upstream functions under it whose source differs from the recorded one."""
    now = current()
    result: dict[str, list[str]] = {}
    for user, specs in users().items():
        moved = [s for s in specs if FINGERPRINTS.get(s) != now[s]]
        if moved:
            result[user] = moved
    return result


if __name__ == "__main__":
    from bot.runtime.environment import apply_quiet_env, hide_jax

    apply_quiet_env()
    hide_jax()
    print("FINGERPRINTS: dict[str, str] = {")
    for spec, value in sorted(current().items()):
        print(f'    "{spec}":\n        "{value}",')
    print("}")
