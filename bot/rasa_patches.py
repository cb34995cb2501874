"""Targeted speed fixes for Rasa 3.6 (pinned), applied by our launcher before the server starts.

Each was found with py-spy under 10 concurrent conversations:
- 60 % of the Rasa server's CPU went to `jsonschema.validate` re-checking the (constant)
  action-response *schema itself* against the meta-schema on every custom-action call: the
  validator is now built once.
- Every message runs two small graphs (NLU, policies) through dask's generic scheduler, rebuilding
  the minimal schema and a dask task graph each time: a plain depth-first run over a cached
  minimal schema gives the same results in the same order without that overhead.
- Every custom-action call serialised the conversation's whole history (and the action server
  parsed it again): our actions read only the latest message and the slots, so the call now carries
  the events of the current turn (from the latest user message on). The domain is left out by
  `enable_selective_domain` in the endpoints file.
- Every call to the action server opened a new aiohttp session and TCP connection: endpoint
  requests now reuse one keep-alive session per endpoint and event loop.

One correctness fix for replicas (found by tests/test_scale_out.py, intermittently):
- Rasa's RedisLockStore changes a conversation's ticket lock by get → modify → set, so two replicas
  taking a ticket at the same instant could both be "first" and answer one user's messages at once
  (one turn's events were then lost). Issuing, expiring and returning tickets now run under a short
  Redis mutex per conversation (redis-py's atomic `Lock`).

One robustness fix (found by tests/test_webhook_junk.py), not a speed one:
- Rasa's stock REST channel answered 500 to a JSON body that is not an object (`[1]`, `"x"`),
  crashed on a non-text message, and sent empty or megabyte messages to the engine. Its webhook now
  checks the body first and answers 400/413 with a short JSON error (Vietnamese, then English).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)


def speed_up_action_validation() -> None:
    """Rasa builds a jsonschema validator for its constant action-response schema on every
    action call, then tries every event against all event types: built once here, and each
    event checked against its own type (bot/action_validation.py)."""
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    from bot.action_validation import ActionResponseValidator

    @lru_cache(maxsize=1)
    def validator() -> ActionResponseValidator:
        return ActionResponseValidator(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = validator().error(result)
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def run_graphs_without_dask() -> None:
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

    DaskGraphRunner.run = run


def send_only_the_current_turn_to_actions() -> None:
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        events = list(tracker.events)
        start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in events[start:]]
        result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                  "version": rasa.__version__}
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
            self.name()
        ):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = _action_call_format


# Seconds a pooled connection to the action server may sit idle before we drop it. The action
# server (Sanic) closes idle connections after 5 s; aiohttp's default keeps them 15 s, so a request
# could be written into a connection the server was closing ("Can not write request body"): seen
# under load as an answer with no message. Dropping ours first removes that race.
IDLE_CONNECTION_SECONDS = 2.0


def keep_alive_session(endpoint: Any) -> Any:
    """Rasa's session for `endpoint` (headers, timeout), on a connector that drops idle connections
    before the server does."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    return aiohttp.ClientSession(
        headers=endpoint.headers, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
    )


def reuse_http_sessions() -> None:
    """One keep-alive session per endpoint (Rasa opened a new one, and a new connection, per call)."""
    import aiohttp
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    original = EndpointConfig.request

    async def request(
        self: EndpointConfig, method: str = "post", subpath: str | None = None,
        content_type: str | None = "application/json", compress: bool = False, **kwargs: Any,
    ) -> Any:
        if self.cafile or self.basic_auth:  # rare set-ups keep Rasa's own path
            return await original(self, method, subpath, content_type, compress, **kwargs)
        loop = asyncio.get_running_loop()
        cached = self.__dict__.get("_caunoi_session")
        if cached is None or cached[0] is not loop or cached[1].closed:
            cached = (loop, keep_alive_session(self))
            self.__dict__["_caunoi_session"] = cached
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", {}))
        headers.update(self.headers or {})
        async with cached[1].request(
            method, concat_url(self.url, subpath), headers=headers, params=self.combine_parameters(kwargs),
            compress=compress, **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except aiohttp.ContentTypeError:
                return None

    EndpointConfig.request = request


def cache_domain_emptiness() -> None:
    """`Domain.is_empty` builds an empty Domain and serialises both, on every message (2.4 % of the
    server's CPU). A loaded domain does not change, so the answer is kept per domain object."""
    from rasa.shared.core.domain import Domain

    original = Domain.is_empty

    def is_empty(self: Domain) -> bool:
        known = self.__dict__.get("_caunoi_is_empty")
        if known is None:
            known = self.__dict__["_caunoi_is_empty"] = original(self)
        return known

    Domain.is_empty = is_empty


REST_MAX_BODY_BYTES = 64 * 1024  # a 2,000-character message, \u-escaped, with metadata to spare
REST_MAX_SENDER_CHARS = 256


class RestRequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_rest_body(body: bytes) -> tuple[str | None, str, dict[str, Any] | None, str | None]:
    """(sender, message, metadata, input_channel) of a REST webhook body, or RestRequestError saying why not."""
    import json

    from bot.channels.inbox import MAX_TEXT_CHARS

    if len(body) > REST_MAX_BODY_BYTES:
        raise RestRequestError(413, f"Tin nhắn quá dài. / Request body over {REST_MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise RestRequestError(400, "Nội dung không phải JSON. / Body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise RestRequestError(
            400, 'Cần một đối tượng JSON. / Body must be a JSON object: {"sender": "...", "message": "..."}.')
    sender = data.get("sender")
    if sender is not None:
        if isinstance(sender, bool) or not isinstance(sender, (str, int)):
            raise RestRequestError(400, "Mã người gửi không hợp lệ. / 'sender' must be a string.")
        sender = str(sender)
        if not sender.strip() or len(sender) > REST_MAX_SENDER_CHARS:
            raise RestRequestError(
                400, f"Mã người gửi không hợp lệ. / 'sender' must be 1 to {REST_MAX_SENDER_CHARS} characters.")
    message = data.get("message")
    if not isinstance(message, str):
        problem = "is missing" if message is None else "must be a string"
        raise RestRequestError(400, f"Thiếu nội dung tin nhắn. / 'message' {problem}.")
    if not message.strip():
        raise RestRequestError(400, "Tin nhắn trống. / 'message' is empty.")
    if len(message) > MAX_TEXT_CHARS:
        raise RestRequestError(413, f"Tin nhắn quá dài. / 'message' is over {MAX_TEXT_CHARS} characters.")
    try:
        message.encode("utf-8")  # JSON can smuggle lone surrogates that break every later encode
    except UnicodeEncodeError:
        raise RestRequestError(400, "Tin nhắn có ký tự lỗi. / 'message' is not valid Unicode.") from None
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise RestRequestError(400, "'metadata' must be a JSON object.")
    channel = data.get("input_channel")
    if channel is not None and not isinstance(channel, str):
        raise RestRequestError(400, "'input_channel' must be a string.")
    return sender, message, metadata, channel or None


def check_rest_requests() -> None:
    """Rasa's REST webhook read `request.json.get(...)` unchecked: a JSON list or number was an
    AttributeError (500), a non-text message crashed the engine's NLU, an empty or 5 MB message went
    to the engine. The same endpoints (GET / and POST /webhook, `?stream=true` too) now check the
    body first; the length limit is the other channels' (bot.channels.inbox.MAX_TEXT_CHARS)."""
    import rasa.utils.endpoints
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.channels.rest import RestInput
    from sanic import Blueprint, response

    def blueprint(self: RestInput, on_new_message: Any) -> Blueprint:
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", type(self).__module__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Any) -> Any:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Any) -> Any:
            try:
                sender, text, metadata, channel = check_rest_body(request.body or b"")
            except RestRequestError as exc:
                return response.json({"error": exc.message}, status=exc.status)
            channel = channel or self.name()
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(self.stream_response(on_new_message, text, sender, channel, metadata),
                                       content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
            except asyncio.CancelledError:
                logger.error("REST message timed out")
            except Exception:
                logger.exception("REST message could not be handled")
            return response.json(collector.messages)

        return bp

    RestInput.blueprint = blueprint


def atomic_redis_tickets() -> None:
    from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

    def mutex(store: RedisLockStore, conversation_id: str) -> Any:
        # Held for a few Redis round trips; the timeout frees it if this process dies holding it.
        return store.red.lock(f"{store.key_prefix}{conversation_id}:mutex", timeout=10, blocking_timeout=10)

    original_cleanup, original_update = RedisLockStore.cleanup, RedisLockStore.update_lock

    def issue_ticket(self: RedisLockStore, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with mutex(self, conversation_id):
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
                return ticket
        except Exception as exc:  # as Rasa's own issue_ticket reports it
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def cleanup(self: RedisLockStore, conversation_id: str, ticket_number: int) -> None:
        with mutex(self, conversation_id):
            original_cleanup(self, conversation_id, ticket_number)

    def update_lock(self: RedisLockStore, conversation_id: str) -> None:
        with mutex(self, conversation_id):
            original_update(self, conversation_id)

    RedisLockStore.issue_ticket = issue_ticket
    RedisLockStore.cleanup = cleanup
    RedisLockStore.update_lock = update_lock


def run_actions_without_replaying_the_tracker() -> None:
    """Before every action, stock Rasa copies the tracker (replaying the whole conversation: 6.7 %
    of the server's CPU at 20 turns, growing with every turn) so that the policy's extra events
    can be dropped if the action rejects. With no such events (`action_listen` after every
    answer, session starts) and an action that only reads the tracker (every action but a
    form's), the copy equals the tracker: hand over the tracker. `action_answer` still gets a copy:
    its prediction carries Rasa's DefinePrevUserUtteredFeaturization event."""
    from rasa.core.actions.loops import LoopAction
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._run_action

    async def _run_action(self: MessageProcessor, action: Any, tracker: Any, output_channel: Any, nlg: Any,
                          prediction: Any) -> bool:
        if prediction.events or isinstance(action, LoopAction):
            return await original(self, action, tracker, output_channel, nlg, prediction)
        tracker.copy = lambda: tracker  # this call only: the instance attribute hides the method
        try:
            return await original(self, action, tracker, output_channel, nlg, prediction)
        finally:
            del tracker.copy

    MessageProcessor._run_action = _run_action


def apply() -> None:
    run_actions_without_replaying_the_tracker()
    atomic_redis_tickets()
    check_rest_requests()
    cache_domain_emptiness()
    speed_up_action_validation()
    run_graphs_without_dask()
    send_only_the_current_turn_to_actions()
    reuse_http_sessions()
