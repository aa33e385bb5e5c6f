"""Consuming contract events: validate, dispatch to the service, dead-letter what cannot be done.

nameko acks a message even when its handler raises, which would silently drop failures. This
entrypoint decides per message instead: a poison message (not a valid envelope, unknown type or
major version, unknown tenant) and a handler bug are published to the service's dead-letter queue
with the reason, then acked. A transient outage (database unreachable) is retried: the message
goes back to the tail of its queue carrying its attempt count (``x-khuyenhoc-attempt``), after a
pause that doubles each time (1 s up to 30 s); after ``MAX_ATTEMPTS`` (30, about 13 minutes) it
is dead-lettered with the last error, so a message that keeps failing cannot circle forever.
Replayed from the dead-letter queue once the cause is fixed, it starts counting again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import amqp.exceptions
from kombu import Connection
from kombu.exceptions import KombuError
from nameko.constants import PERSISTENT
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer

from khuyenhoc.config import tenants
from khuyenhoc.contracts import ContractError, validate_event
from khuyenhoc.envelope import Envelope, EventType
from khuyenhoc.metrics import DEAD_LETTERS, EVENTS_CONSUMED
from khuyenhoc.retry import RetryLater
from khuyenhoc.storage import StoreUnavailable as ConnectionFailure
from khuyenhoc.tenancy import UnknownTenant, require_tenant
from khuyenhoc.topology import (
    DEAD_LETTER_EXCHANGE,
    dead_letter_queue,
    is_subscribed,
)

log = logging.getLogger(__name__)

PROCESSED = "processed"
DUPLICATE = "duplicate"
DEAD_LETTERED = "dead_lettered"
REQUEUED = "requeued"

BROKER_ERRORS: tuple[type[BaseException], ...] = (OSError, amqp.exceptions.AMQPError, KombuError)
"""What talking to a broker that went away raises."""

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionFailure, RetryLater)
REQUEUE_DELAY_SECONDS = 1.0  # the first pause; then doubled, up to BACKOFF_CAP_SECONDS
BACKOFF_CAP_SECONDS = 30.0
MAX_ATTEMPTS = 30
ATTEMPT_HEADER = "x-khuyenhoc-attempt"


@dataclass(frozen=True)
class RetryPolicy:
    """How a transient failure is retried (config ``REDELIVERY``: ``MAX_ATTEMPTS``,
    ``BACKOFF_SECONDS``, ``BACKOFF_CAP_SECONDS``)."""

    max_attempts: int = MAX_ATTEMPTS
    backoff: float = REQUEUE_DELAY_SECONDS
    cap: float = BACKOFF_CAP_SECONDS

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RetryPolicy:
        found = config.get("REDELIVERY") or {}
        return cls(
            max_attempts=max(1, int(found.get("MAX_ATTEMPTS", MAX_ATTEMPTS))),
            backoff=float(found.get("BACKOFF_SECONDS", REQUEUE_DELAY_SECONDS)),
            cap=float(found.get("BACKOFF_CAP_SECONDS", BACKOFF_CAP_SECONDS)),
        )

    def pause(self, attempt: int) -> float:
        """Seconds to wait before the ``attempt``-th retry (1-based)."""
        return float(min(self.cap, self.backoff * 2 ** min(max(attempt - 1, 0), 20)))


def attempts_of(message: Any) -> int:
    """How many times the message failed transiently before this delivery."""
    try:
        return max(0, int((message.headers or {}).get(ATTEMPT_HEADER, 0)))
    except (TypeError, ValueError):
        return 0


class PoisonMessage(ValueError):
    """The message can never be processed as it is; retrying would not help. ``kind`` is the
    reason's category, a metric label (the text itself is kept with the dead letter)."""

    def __init__(self, message: str, kind: str = "invalid_contract") -> None:
        super().__init__(message)
        self.kind = kind


class DeadLetters:
    """Parks messages in ``dlq.<service>`` with headers saying where they came from and why.

    The body is kept byte for byte (even when it is not JSON), so a replay after a fix sends
    exactly what the producer sent.
    """

    def __init__(self, config: dict[str, Any], service: str) -> None:
        self.amqp_uri = config["AMQP_URI"]
        self.service = service
        self.queue = dead_letter_queue(service)

    def park(self, message: Any, queue: str, reason: str) -> None:
        info = message.delivery_info
        headers = {
            "x-death-reason": reason[:2000],
            "x-service": self.service,
            "x-original-queue": queue,
            "x-original-exchange": info.get("exchange", ""),
            "x-original-routing-key": info.get("routing_key", ""),
            "x-failed-at": datetime.now(UTC).isoformat(),
        }
        body, encoding = message.body, message.content_encoding or "binary"
        if isinstance(body, str):  # py-amqp decoded it (a text content encoding)
            body, encoding = body.encode("utf-8"), "utf-8"
        with Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as connection:
            connection.Producer().publish(
                body,
                exchange=DEAD_LETTER_EXCHANGE,
                routing_key=self.service,
                declare=[self.queue],
                content_type=message.content_type or "application/octet-stream",
                content_encoding=encoding,
                headers=headers,
                delivery_mode=PERSISTENT,
                mandatory=True,
            )

    def retry(self, messages: list[tuple[Any, int]], queue: str) -> None:
        """Put ``(message, attempt)`` back at the tail of ``queue`` (the default exchange routes
        by queue name: only this consumer sees it again), confirmed; the caller then acks."""
        with Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as connection:
            producer = connection.Producer()
            for message, attempt in messages:
                body, encoding = message.body, message.content_encoding or "binary"
                if isinstance(body, str):
                    body, encoding = body.encode("utf-8"), "utf-8"
                producer.publish(
                    body,
                    exchange="",
                    routing_key=queue,
                    content_type=message.content_type or "application/octet-stream",
                    content_encoding=encoding,
                    headers={**(message.headers or {}), ATTEMPT_HEADER: attempt},
                    delivery_mode=PERSISTENT,
                    mandatory=True,
                    retry=False,
                    **_kept_properties(message),
                )


class RobustQueueConsumer(QueueConsumer):
    """nameko's queue consumer, except that acknowledging on a connection the broker dropped
    is logged instead of raised: raised in a worker, it kills the whole container (the process
    exits on a broker restart). The broker already took the message back and delivers it
    again; consumers are idempotent."""

    def ack_message(self, message: Any) -> None:
        try:
            super().ack_message(message)
        except BROKER_ERRORS as exc:
            log.warning("could not ack a message (%r); the broker redelivers it", exc)

    def requeue_message(self, message: Any) -> None:
        try:
            super().requeue_message(message)
        except BROKER_ERRORS as exc:
            log.warning("could not requeue a message (%r); the broker redelivers it", exc)


def _kept_properties(message: Any) -> dict[str, Any]:
    properties = message.properties or {}
    return {key: properties[key] for key in ("message_id", "correlation_id") if key in properties}


class DeadLetteringQueueConsumer(RobustQueueConsumer):
    """The robust queue consumer, except that a body that cannot be decoded (not JSON, an
    unknown content type) is dead-lettered; kombu's default logs it and acks it away."""

    def on_decode_error(self, message: Any, exc: Exception) -> None:
        reason = f"undecodable body: {exc!r}"
        service = self.container.service_name
        try:
            DeadLetters(self.container.config, service).park(
                message, self._queue_of(message), reason
            )
        except Exception:  # broker trouble: leave the message to be redelivered
            log.exception("could not dead-letter an undecodable message")
            self.requeue_message(message)
            return
        log.warning("dead-lettered an undecodable message: %s", reason)
        self.ack_message(message)
        routing_key = str(message.delivery_info.get("routing_key", ""))
        EVENTS_CONSUMED.labels(service, routing_key, "unknown", DEAD_LETTERED).inc()
        DEAD_LETTERS.labels(service, "undecodable").inc()

    def _queue_of(self, message: Any) -> str:
        """The queue the message came from, found by its consumer tag."""
        tag = message.delivery_info.get("consumer_tag")
        for consumer in self._consumers.values():
            for queue, active_tag in consumer._active_tags.items():
                if active_tag == tag:
                    return queue
        return ""


def accept_event(body: Any, kind: EventType, known_tenants: frozenset[str]) -> Envelope:
    """The envelope in ``body``, or :class:`PoisonMessage` saying why there is none."""
    if not isinstance(body, dict):
        raise PoisonMessage("the message body is not a JSON object", "not_an_object")
    if body.get("type") != kind.type:
        raise PoisonMessage(
            f"unsupported event type {body.get('type')!r}; expected {kind.type}",
            "unsupported_type",
        )
    try:
        validate_event(body)
        require_tenant(body["tenant"], known_tenants)
    except ContractError as exc:
        raise PoisonMessage(str(exc), "invalid_contract") from exc
    except UnknownTenant as exc:
        raise PoisonMessage(str(exc), "unknown_tenant") from exc
    return Envelope.from_dict(body)


class ContractEventHandler(EventHandler):
    """``@consumes(EVENT)``: a reliable, validated, dead-lettering nameko event handler.

    The decorated method receives an :class:`Envelope` and may return ``DUPLICATE`` to record
    that the event had already been applied.
    """

    queue_consumer = DeadLetteringQueueConsumer()

    def __init__(self, kind: EventType, **kwargs: Any) -> None:
        super().__init__(
            kind.service,
            kind.name,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=False,
            **kwargs,
        )
        self.kind = kind

    def setup(self) -> None:
        service = self.container.service_name
        if not is_subscribed(self.kind, service, self.method_name):
            raise RuntimeError(
                f"{service}.{self.method_name} consumes {self.kind.type} but is not listed in "
                "khuyenhoc.topology.SUBSCRIPTIONS, so publishers would not declare its queue"
            )
        self.known_tenants = tenants(self.container.config)
        self.dead_letters = DeadLetters(self.container.config, service)
        self.retry_policy = RetryPolicy.from_config(self.container.config)
        super().setup()

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            envelope = accept_event(body, self.kind, self.known_tenants)
        except PoisonMessage as exc:
            self._dead_letter(message, str(exc), tenant=_tenant_of(body), kind=exc.kind)
            return
        handle_result = partial(self._handle_result, message, body, envelope)
        try:
            self.container.spawn_worker(
                self,
                (envelope,),
                {},
                context_data=self.unpack_message_headers(message),
                handle_result=handle_result,
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _handle_result(
        self,
        message: Any,
        body: Any,
        envelope: Envelope,
        worker_ctx: Any,
        result: Any = None,
        exc_info: Any = None,
    ) -> tuple[Any, Any]:
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            self._count(envelope.tenant, DUPLICATE if result == DUPLICATE else PROCESSED)
        elif isinstance(exc_info[1], TRANSIENT_ERRORS):
            self._retry_later([(message, envelope.tenant)], _error_of(exc_info))
        else:
            reason = f"{exc_info[0].__name__}: {exc_info[1]}"
            self._dead_letter(message, reason, tenant=envelope.tenant, kind="handler_error")
        return result, exc_info

    def _retry_later(self, items: list[tuple[Any, str]], error: str) -> None:
        """Transient failure of ``(message, tenant)`` items: pause (don't spin while the
        database is away), then back to the queue's tail counted, or to the dead letters once
        they failed ``max_attempts`` times."""
        policy = self.retry_policy
        counted = [(message, tenant, attempts_of(message) + 1) for message, tenant in items]
        retried = [item for item in counted if item[2] < policy.max_attempts]
        for message, tenant, attempt in counted:
            if attempt >= policy.max_attempts:
                reason = f"gave up after {attempt} attempts; last error: {error}"
                self._dead_letter(message, reason, tenant=tenant, kind="delivery_limit")
        if not retried:
            return
        time.sleep(policy.pause(max(attempt for _, _, attempt in retried)))
        try:
            self.dead_letters.retry([(m, attempt) for m, _, attempt in retried], self.queue.name)
        except Exception:  # broker trouble: plain requeue, the broker keeps it
            log.warning("could not put messages back counted; requeueing them", exc_info=True)
            for message, tenant, _ in retried:
                self.queue_consumer.requeue_message(message)
                self._count(tenant, REQUEUED)
            return
        for message, tenant, _ in retried:
            self.queue_consumer.ack_message(message)
            self._count(tenant, REQUEUED)

    def _dead_letter(self, message: Any, reason: str, tenant: str, kind: str) -> None:
        try:
            self.dead_letters.park(message, self.queue.name, reason)
        except Exception:  # broker trouble: keep the message rather than lose it
            log.exception("could not dead-letter a message; requeueing it")
            self.queue_consumer.requeue_message(message)
            return
        log.warning("dead-lettered a %s message: %s", self.kind.name, reason)
        self.queue_consumer.ack_message(message)
        self._count(tenant, DEAD_LETTERED)
        DEAD_LETTERS.labels(self.container.service_name, kind).inc()

    def _count(self, tenant: str, outcome: str) -> None:
        EVENTS_CONSUMED.labels(self.container.service_name, self.kind.name, tenant, outcome).inc()


def _error_of(exc_info: Any) -> str:
    return f"{exc_info[0].__name__}: {exc_info[1]}"


def _tenant_of(body: Any) -> str:
    tenant = body.get("tenant") if isinstance(body, dict) else None
    return tenant if isinstance(tenant, str) and len(tenant) == 2 else "unknown"


consumes = ContractEventHandler.decorator
