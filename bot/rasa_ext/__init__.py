"""Everything in Cầu Nối that depends on Rasa's internals, in one place.

Rasa is pinned (pyproject.toml); an upgrade starts here. `upstream.py` lists every upstream function
this package replaces, wraps, overrides or calls though it is private, with a fingerprint of its
source: a Rasa upgrade that changes one fails `tests/unit/bot/rasa_ext/test_upstream.py` with the list of
modules to re-check.

- `patches/`: run-time fixes to Rasa classes (one module each, with its reason), applied by the
  Rasa server launcher (`bot.runtime.rasa_server`) through `patches.apply()`.
- `policies.py`: the single-turn rule policy (config.yml).
- `sentence_features.py`: the NLU featurizer and classifier subclasses (config.yml).
- `tracker_store.py`: the SQL tracker store with a conversation cache (endpoints).
- `action_validation.py`: the action-response checker the validation patch uses.
"""
