"""RPC entrypoints that survive garbage and broker restarts, and RPC calls that never hang.

nameko's ``@rpc`` answers every request on ``reply_to``: a request without one (or without a
JSON content type, or whose body is not ``{"args": [...], "kwargs": {...}}``) makes the answer
itself raise, which kills the container, and the unacknowledged request kills it again after
the restart. ``@rpc`` here dead-letters such a request (``dlq.<service>``, with its reason) and
acks it; a request that can be answered is answered as before (an unknown method or a wrong
signature is the caller's error). An answer that cannot be sent because the broker is away is
logged, not raised: the broker hands the unacknowledged request out again once it is back.

``TimedRpcProxy(service, timeout=...)`` is nameko's ``RpcProxy`` whose reply waits at most
``timeout`` seconds, then raises :class:`RpcTimeout`: a service whose queue exists but which is
down does not hold the caller's worker forever.
"""

from __future__ import annotations

import logging
from typing import Any

import eventlet
from nameko.rpc import MethodProxy, ReplyListener, Rpc, RpcConsumer, RpcProxy, RpcReply
from nameko.rpc import ServiceProxy as NamekoServiceProxy

from khuyenhoc.messaging import (
    BROKER_ERRORS,
    DeadLetteringQueueConsumer,
    DeadLetters,
    RobustQueueConsumer,
)
from khuyenhoc.metrics import DEAD_LETTERS

log = logging.getLogger(__name__)

MAX_RPC_MESSAGE_BYTES = 16 * 1024 * 1024
"""Largest RPC request a service reads (config ``MAX_RPC_MESSAGE_BYTES``); bigger ones are
dead-lettered unread. Room for the gateway's largest upload, base64-encoded."""

DEFAULT_RPC_TIMEOUT = 30.0
"""Seconds a service waits for another service's answer (config ``RPC_TIMEOUT``)."""

JSON = "application/json"


class RpcTimeout(Exception):
    """The called service did not answer in time (it may still do the work later)."""


def rpc_refusal(body: Any, message: Any, max_bytes: int) -> tuple[str, str] | None:
    """Why a request cannot be answered — ``(metric kind, reason)`` — or None when it can."""
    if len(message.body or b"") > max_bytes:
        return "too_large", f"the request has {len(message.body)} bytes; at most {max_bytes}"
    properties = message.properties or {}
    if message.content_type != JSON:
        return "content_type", f"content type {message.content_type!r}, not {JSON}"
    reply_to = properties.get("reply_to")
    if not isinstance(reply_to, str) or not reply_to:
        return "no_reply_to", "the request has no reply_to"
    correlation_id = properties.get("correlation_id")
    if not isinstance(correlation_id, str) or not correlation_id:
        return "no_correlation_id", "the request has no correlation_id"
    if not isinstance(body, dict):
        return "not_an_object", "the body is not a JSON object"
    if not isinstance(body.get("args"), list) or not isinstance(body.get("kwargs"), dict):
        return "malformed", "the body is not {args: [...], kwargs: {...}}"
    return None


class GuardedRpcConsumer(RpcConsumer):
    """The service's ``rpc-<service>`` consumer: refuses what cannot be answered."""

    queue_consumer = DeadLetteringQueueConsumer()

    def setup(self) -> None:
        config = self.container.config
        self.max_bytes = int(config.get("MAX_RPC_MESSAGE_BYTES") or MAX_RPC_MESSAGE_BYTES)
        self.dead_letters = DeadLetters(config, self.container.service_name)
        super().setup()

    def handle_message(self, body: Any, message: Any) -> None:
        refusal = rpc_refusal(body, message, self.max_bytes)
        if refusal is None:
            super().handle_message(body, message)
            return
        kind, reason = refusal
        try:
            self.dead_letters.park(message, self.queue.name, f"rpc request refused: {reason}")
        except Exception:  # broker trouble: the request stays, to be refused again later
            log.exception("could not dead-letter a refused RPC request")
            self.queue_consumer.requeue_message(message)
            return
        log.warning("dead-lettered an RPC request: %s", reason)
        self.queue_consumer.ack_message(message)
        DEAD_LETTERS.labels(self.container.service_name, f"rpc_{kind}").inc()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            return super().handle_result(message, result, exc_info)
        except BROKER_ERRORS as exc:
            # not acked either: the broker redelivers the request once it is back
            log.warning("could not answer an RPC request (%r); it will be redelivered", exc)
            return result, exc_info


class GuardedRpc(Rpc):
    rpc_consumer = GuardedRpcConsumer()


rpc = GuardedRpc.decorator


class RobustReplyListener(ReplyListener):
    """nameko's reply listener on a queue consumer that outlives broker restarts."""

    queue_consumer = RobustQueueConsumer()


class TimedReply(RpcReply):
    resp_body: Any = None

    def __init__(self, reply_event: Any, timeout: float, target: str, listener: Any) -> None:
        super().__init__(reply_event)
        self.timeout = timeout
        self.target = target
        self.listener = listener

    def result(self) -> Any:
        if self.resp_body is None:
            try:
                with eventlet.Timeout(self.timeout):
                    self.resp_body = self.reply_event.wait()
            except eventlet.Timeout as exc:
                self._forget()
                raise RpcTimeout(f"{self.target} did not answer in {self.timeout:g}s") from exc
        return super().result()

    def _forget(self) -> None:
        """Drop the waiting reply event, so an answer that never comes leaks nothing."""
        pending = self.listener._reply_events
        for correlation_id, event in list(pending.items()):
            if event is self.reply_event:
                pending.pop(correlation_id, None)


class TimedMethodProxy(MethodProxy):
    def __init__(self, *args: Any, timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout

    def _call(self, *args: Any, **kwargs: Any) -> TimedReply:
        reply = super()._call(*args, **kwargs)
        target = f"{self.service_name}.{self.method_name}"
        return TimedReply(reply.reply_event, self.timeout, target, self.reply_listener)


class TimedServiceProxy(NamekoServiceProxy):
    def __init__(self, *args: Any, timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout

    def __getattr__(self, name: str) -> TimedMethodProxy:
        return TimedMethodProxy(
            self.worker_ctx,
            self.service_name,
            name,
            self.reply_listener,
            timeout=self.timeout,
            **self.options,
        )


class TimedRpcProxy(RpcProxy):
    """``RpcProxy`` whose calls give up after ``timeout`` seconds (default: config
    ``RPC_TIMEOUT``, else :data:`DEFAULT_RPC_TIMEOUT`) with :class:`RpcTimeout`."""

    rpc_reply_listener = RobustReplyListener()

    def __init__(self, target_service: str, timeout: float | None = None, **options: Any):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx: Any) -> TimedServiceProxy:
        timeout = self.timeout
        if timeout is None:
            timeout = float(self.container.config.get("RPC_TIMEOUT") or DEFAULT_RPC_TIMEOUT)
        return TimedServiceProxy(
            worker_ctx,
            self.target_service,
            self.rpc_reply_listener,
            timeout=timeout,
            **self.options,
        )
