"""Consuming contract events in batches: ``@consumes_batch(EVENT, size=200, wait=0.05)``.

The decorated method receives a list of :class:`Envelope` (distinct event ids, in delivery
order) and may return ``{event id: DUPLICATE}`` for those it found already applied. The batch
is filled from up to ``prefetch`` unacknowledged messages (``2 × size`` by default, so the next
batch fills while one is written) and handed over when ``size`` are there or ``wait`` seconds
after its first message. Every guarantee of :class:`~khuyenhoc.messaging.ContractEventHandler`
holds message by message:

- a poison message (invalid envelope, unknown type, major version or tenant) is dead-lettered
  on its own and never reaches the batch;
- the messages are acked only after the method returned (its writes committed), each counted
  in ``EVENTS_CONSUMED``; the same event twice in a batch reaches the method once and the
  second copy is counted as a duplicate;
- a transient error (database away, ``RetryLater``) requeues the whole batch after the same
  delay as one message;
- any other error is taken for a bug in one of the events: the batch is handled again one
  event per call, so only the message that fails on its own is dead-lettered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import eventlet
from nameko.exceptions import ContainerBeingKilled

from khuyenhoc.envelope import Envelope, EventType
from khuyenhoc.messaging import (
    DUPLICATE,
    PROCESSED,
    TRANSIENT_ERRORS,
    ContractEventHandler,
    DeadLetteringQueueConsumer,
    PoisonMessage,
    _tenant_of,
    accept_event,
)

log = logging.getLogger(__name__)

DEFAULT_SIZE = 200
DEFAULT_WAIT = 0.05  # seconds a partial batch waits for more messages


@dataclass(frozen=True)
class Delivered:
    """One accepted message of a batch."""

    message: Any
    envelope: Envelope


def distinct(batch: Sequence[Delivered]) -> list[Envelope]:
    """The batch's envelopes, each event id once, in delivery order (a producer may publish
    an event twice; the method sees it once)."""
    seen: dict[str, Envelope] = {}
    for item in batch:
        seen.setdefault(item.envelope.id, item.envelope)
    return list(seen.values())


def outcomes(batch: Sequence[Delivered], result: Any) -> list[str]:
    """Each message's outcome once the method returned ``result`` (a mapping of event id to
    outcome, or anything else for "all processed"): a later copy of an event already in the
    batch is a duplicate."""
    told = result if isinstance(result, Mapping) else {}
    seen: set[str] = set()
    found = []
    for item in batch:
        event_id = item.envelope.id
        if event_id in seen:
            found.append(DUPLICATE)
            continue
        seen.add(event_id)
        found.append(DUPLICATE if told.get(event_id) == DUPLICATE else PROCESSED)
    return found


class BatchQueueConsumer(DeadLetteringQueueConsumer):
    """The dead-lettering queue consumer on a connection of its own whose prefetch lets a batch
    fill: the largest ``prefetch`` of its batch handlers (nameko's is ``max_workers``)."""

    @property
    def prefetch_count(self) -> int:
        wanted = [getattr(p, "prefetch", 0) for p in self._providers]
        return max([self.container.max_workers, *wanted])


class BatchEventHandler(ContractEventHandler):
    """``@consumes_batch(EVENT)``: :class:`ContractEventHandler` handing over lists."""

    queue_consumer = BatchQueueConsumer()

    def __init__(
        self,
        kind: EventType,
        size: int = DEFAULT_SIZE,
        wait: float = DEFAULT_WAIT,
        prefetch: int | None = None,
        **kwargs: Any,
    ) -> None:
        if size < 1:
            raise ValueError("a batch holds at least one message")
        super().__init__(kind, **kwargs)
        self.size = size
        self.wait = wait
        self.prefetch = max(prefetch or 2 * size, size)
        self._filling: list[Delivered] = []
        self._timer_running = False

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            envelope = accept_event(body, self.kind, self.known_tenants)
        except PoisonMessage as exc:
            self._dead_letter(message, str(exc), tenant=_tenant_of(body), kind=exc.kind)
            return
        self._filling.append(Delivered(message, envelope))
        if len(self._filling) >= self.size:
            self._hand_over()
        elif not self._timer_running:
            self._timer_running = True
            self.container.spawn_managed_thread(self._hand_over_later, identifier="batch-wait")

    def stop(self) -> None:
        super().stop()  # no more messages come in; what is filling is handled, not dropped
        self._hand_over()

    def _hand_over_later(self) -> None:
        try:
            eventlet.sleep(self.wait)
        finally:
            self._timer_running = False
        self._hand_over()

    def _hand_over(self) -> None:
        batch, self._filling = self._filling, []
        if batch:
            self._spawn(batch, fallback=len(batch) > 1)

    def _spawn(self, batch: list[Delivered], fallback: bool) -> None:
        handle_result = partial(self._handle_batch_result, batch, fallback)
        try:
            self.container.spawn_worker(
                self,
                (distinct(batch),),
                {},
                context_data=self.unpack_message_headers(batch[0].message),
                handle_result=handle_result,
            )
        except ContainerBeingKilled:
            for item in batch:
                self.queue_consumer.requeue_message(item.message)

    def _handle_batch_result(
        self,
        batch: list[Delivered],
        fallback: bool,
        worker_ctx: Any,
        result: Any = None,
        exc_info: Any = None,
    ) -> tuple[Any, Any]:
        log.debug("%s: a batch of %d handled", self.kind.name, len(batch))
        if exc_info is None:
            for item, outcome in zip(batch, outcomes(batch, result), strict=True):
                self.queue_consumer.ack_message(item.message)
                self._count(item.envelope.tenant, outcome)
        elif isinstance(exc_info[1], TRANSIENT_ERRORS):
            error = f"{exc_info[0].__name__}: {exc_info[1]}"
            self._retry_later([(item.message, item.envelope.tenant) for item in batch], error)
        elif fallback:
            log.warning(
                "a batch of %d %s events failed (%s: %s); handling them one by one",
                len(batch),
                self.kind.name,
                exc_info[0].__name__,
                exc_info[1],
            )
            # not from this worker: it holds a pool slot the single calls may need
            self.container.spawn_managed_thread(
                partial(self._one_by_one, batch), identifier="batch-fallback"
            )
        else:
            reason = f"{exc_info[0].__name__}: {exc_info[1]}"
            for item in batch:
                self._dead_letter(
                    item.message, reason, tenant=item.envelope.tenant, kind="handler_error"
                )
        return result, exc_info

    def _one_by_one(self, batch: list[Delivered]) -> None:
        for item in batch:
            self._spawn([item], fallback=False)


consumes_batch = BatchEventHandler.decorator
