"""Run the NLU and policy graphs depth-first instead of through dask's generic scheduler.

Every message runs two small graphs; dask rebuilt the minimal schema and a task graph each time.
A plain depth-first run over a cached minimal schema gives the same results in the same order
(tests/unit/bot/rasa_ext/test_patch_behaviour.py compares them on the trained model). This replaces upstream's
`run` (it cannot wrap it: avoiding dask is the point), so its fingerprint guards it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rasa_ext.patches.patch import Target, patch

TARGET = "rasa.engine.runner.dask:DaskGraphRunner.run"


@patch("graph_runner", "graphs run depth-first over a cached minimal schema, without dask", "replaces", TARGET)
def PATCH(originals: Mapping[Target, Any]) -> dict[Target, Any]:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(
        self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        schemas = self.__dict__.setdefault("_minimal_schemas", {})
        if run_targets not in schemas:
            schemas[run_targets] = self._graph_schema.minimal_graph_schema(list(run_targets))
        nodes = schemas[run_targets].nodes
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in nodes:
                raise GraphRunError(f"Input value '{value}' clashes with a node name.")
            results[name] = (name, value)

        def compute(name: str) -> Any:
            if name not in results:
                needed = [compute(need) for need in nodes[name].needs.values()]
                results[name] = self._instantiated_nodes[name](*needed)
            return results[name]

        return dict(compute(target) for target in run_targets)

    return {Target.parse(TARGET): run}
