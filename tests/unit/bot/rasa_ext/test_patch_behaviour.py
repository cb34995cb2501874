"""The Rasa patches give the same results as the code they replace, and can be undone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from jsonschema import ValidationError

from bot.rasa_ext import patches
from bot.rasa_ext.patches.http_sessions import IDLE_CONNECTION_SECONDS, close_shared_session


def test_cached_validator_accepts_good_and_rejects_bad_responses() -> None:
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer", None)
    good = {"events": [{"event": "slot", "name": "procedure", "value": "khai_sinh"}],
            "responses": [{"text": "xin chào"}]}
    with patches.applied("action_validation"):
        assert action._validate_action_result(good)
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result({"events": "not a list"})


def test_graph_run_without_dask_matches_dask(trained_model: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels import UserMessage
    from rasa.engine.runner.dask import DaskGraphRunner

    original = DaskGraphRunner.run
    agent = Agent.load(str(trained_model))
    texts = ["lm khai sinh cần j z ad", "mất bao lâu", "cho tôi gặp cán bộ", '/ask_fee{"procedure":"bhyt"}']

    async def parse_all() -> list[dict]:
        return [await agent.processor.parse_message(UserMessage(text)) for text in texts]

    expected = asyncio.run(parse_all())
    with patches.applied("graph_runner"):
        assert DaskGraphRunner.run is not original
        assert asyncio.run(parse_all()) == expected
    assert DaskGraphRunner.run is original


def test_action_call_carries_only_the_current_turn(root: Path) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    domain = Domain.load(str(root / "domain.yml"))
    tracker = DialogueStateTracker("u", domain.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("làm căn cước", {"name": "ask_overview"}),
                  ActionExecuted("action_answer"), SlotSet("procedure", "can_cuoc"),
                  ActionExecuted("action_listen"), UserUttered("mất bao lâu", {"name": "ask_time"})):
        tracker.update(event)
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)
    stock = RemoteAction("action_answer", endpoint)._action_call_format(tracker, domain)
    with patches.applied("current_turn"):
        call = RemoteAction("action_answer", endpoint)._action_call_format(tracker, domain)
    assert len(stock["tracker"]["events"]) == 6
    assert {k: v for k, v in call["tracker"].items() if k != "events"} == \
        {k: v for k, v in stock["tracker"].items() if k != "events"}  # all but the events as stock Rasa sends
    assert [e["event"] for e in call["tracker"]["events"]] == ["user"]
    assert call["tracker"]["latest_message"]["text"] == "mất bao lâu"
    assert call["tracker"]["slots"]["procedure"] == "can_cuoc"
    assert "domain" not in call


def test_domain_emptiness_is_cached_per_domain_and_still_right(root) -> None:
    from rasa.shared.core.domain import Domain

    with patches.applied("domain_emptiness"):
        loaded = Domain.load(str(root / "domain.yml"))
        assert not loaded.is_empty() and not loaded.is_empty()
        assert "_caunoi_is_empty" in vars(loaded)
        assert Domain.empty().is_empty()


def test_actions_get_the_tracker_itself_unless_the_copy_could_differ(trained_model: Path) -> None:
    from rasa.core.actions.action import Action
    from rasa.core.agent import Agent
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import (
        ActionExecuted,
        DefinePrevUserUtteredFeaturization,
        SlotSet,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    seen: list[DialogueStateTracker] = []

    class Recorder(Action):
        def name(self) -> str:
            return "action_answer"

        async def run(self, output_channel, nlg, tracker, domain):  # noqa: ANN001, ANN201
            seen.append(tracker)
            return [SlotSet("procedure", "bhyt")]

    processor = Agent.load(str(trained_model)).processor
    original = MessageProcessor._run_action

    def run(prediction_events: list) -> DialogueStateTracker:
        tracker = DialogueStateTracker("u", processor.domain.slots)
        for event in (ActionExecuted("action_listen"), UserUttered("bhyt", {"name": "ask_fee"})):
            tracker.update(event)
        prediction = PolicyPrediction([1.0], "policy", events=prediction_events)
        asyncio.run(processor._run_action(Recorder(), tracker, CollectingOutputChannel(),
                                          processor.nlg, prediction))
        return tracker

    try:
        cases = ([], [SlotSet("status_step", "code")], [DefinePrevUserUtteredFeaturization(True)])
        expected = [run(list(events)) for events in cases]
        stock_seen = list(seen)
        seen.clear()
        with patches.applied("tracker_handover"):
            got = [run(list(events)) for events in cases]
    finally:
        assert MessageProcessor._run_action is original
    assert [t.events for t in got] == [t.events for t in expected]
    assert stock_seen[0] is not expected[0]  # stock Rasa handed over a copy
    assert seen[0] is got[0]  # no policy events: the tracker itself
    assert seen[1] is not got[1] and seen[1].get_slot("status_step") == "code"  # policy events: a copy
    assert seen[2] is not got[2]  # Rasa's featurization marker is a policy event too: a copy
    assert "copy" not in vars(got[0]) and got[0].copy() is not got[0]  # the method is back


def test_action_connections_are_reused_but_dropped_before_the_server_drops_them() -> None:
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig
    from sanic.config import DEFAULT_CONFIG

    # The action server is Sanic with its default keep-alive: ours must give up an idle connection first.
    assert IDLE_CONNECTION_SECONDS < DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"]
    original = EndpointConfig.session

    async def scenario() -> list[int]:
        ports: list[int] = []

        async def webhook(request: web.Request) -> web.Response:
            ports.append(request.transport.get_extra_info("peername")[1])  # the client's side of the connection
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app, keepalive_timeout=75)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            for pause in (0, 0.2, IDLE_CONNECTION_SECONDS + 1.5):
                await asyncio.sleep(pause)
                assert await endpoint.request(json={"next_action": "action_answer"}) == {"events": [], "responses": []}
        finally:
            await close_shared_session(endpoint)
            await runner.cleanup()
        return ports

    with patches.applied("http_sessions"):
        ports = asyncio.run(scenario())
    assert EndpointConfig.session is original
    assert ports[0] == ports[1]  # kept alive between calls
    assert ports[2] != ports[1]  # idle longer than our limit: a fresh connection, not the stale one
