"""Inspecting and replaying dead letters (``dlq.<service>``) after the cause is fixed.

A replayed message goes back, byte for byte, to the exchange and routing key it was first
published with; it leaves the dead-letter queue only once the broker has confirmed and routed
the republished copy, so a failed replay loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kombu import Connection

from khuyenhoc.topology import dead_letter_queue


@dataclass(frozen=True)
class DeadLetter:
    reason: str
    exchange: str
    routing_key: str
    failed_at: str
    body: bytes


def peek(amqp_uri: str, service: str, limit: int = 100) -> list[DeadLetter]:
    """The first ``limit`` dead letters, left in the queue."""
    found = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue = dead_letter_queue(service)(channel)
        queue.declare()
        messages = []
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            messages.append(message)
            found.append(_letter(message))
        for message in messages:
            message.requeue()
        channel.close()
    return found


def replay(amqp_uri: str, service: str, limit: int = 1000) -> tuple[int, int]:
    """Republish up to ``limit`` dead letters; returns (replayed, kept because not routed)."""
    replayed = kept = 0
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue = dead_letter_queue(service)(channel)
        queue.declare()
        producer = connection.Producer(channel)
        returned: list[Any] = []
        channel.events["basic_return"].add(lambda *args: returned.append(args))
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            letter = _letter(message)
            try:
                producer.publish(
                    letter.body,
                    exchange=letter.exchange,
                    routing_key=letter.routing_key,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    headers={"x-replayed-from": queue.name},
                    delivery_mode=2,
                    mandatory=True,
                    retry=False,
                )
            except Exception:  # not confirmed: it stays a dead letter
                returned.append("unconfirmed")
            if returned:  # not routed (its queue is gone) or not confirmed: keep it
                message.requeue()
                kept += 1
                break
            message.ack()
            replayed += 1
        channel.close()
    return replayed, kept


def _letter(message: Any) -> DeadLetter:
    headers = message.headers or {}
    return DeadLetter(
        reason=str(headers.get("x-death-reason", "")),
        exchange=str(headers.get("x-original-exchange", "")),
        routing_key=str(headers.get("x-original-routing-key", "")),
        failed_at=str(headers.get("x-failed-at", "")),
        body=message.body,
    )
