"""A partner system's consumer of the Khuyến học event stream (runnable example).

    pip install kombu
    PARTNER_AMQP_URI=amqp://partner-20-portal:<password>@broker.example.vn:5672/<vhost> \\
    PARTNER_QUEUE=partner.20.portal.events PARTNER_BINDINGS="20.recognised 20.registered" \\
        python examples/partner_consumer.py

It declares the partner's own durable queue, binds it to the topic exchange
``khuyenhoc.partners`` for the routing keys it wants (``<tenant>.<event>``; ``20.#`` for all of
province 20), and prints each CloudEvent. Delivery is at-least-once: the consumer keeps the ids
it has handled and skips a repeat, and acknowledges only after handling, so nothing is lost if
it stops half-way. See docs/partners.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from kombu import Connection, Exchange, Queue

EXCHANGE = Exchange("khuyenhoc.partners", type="topic", durable=True, no_declare=True)


def handle(event: dict[str, Any]) -> None:
    """Replace with the partner's own work (store it, update a portal, ...)."""
    data = event["data"]
    print(
        f"{event['time']}  {event['type']}  tỉnh {event['tenant']}  {event['unitpath']}  "
        f"{data.get('title', '')} {data.get('year', '')}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("PARTNER_AMQP_URI"))
    parser.add_argument("--queue", default=os.environ.get("PARTNER_QUEUE"))
    parser.add_argument(
        "--bind", nargs="*", default=os.environ.get("PARTNER_BINDINGS", "").split() or None
    )
    parser.add_argument("--max-messages", type=int, default=0, help="stop after N (0: never)")
    parser.add_argument("--idle-timeout", type=float, default=0, help="stop after N s without")
    args = parser.parse_args(argv)
    if not (args.uri and args.queue and args.bind):
        parser.error("--uri, --queue and --bind (or PARTNER_* variables) are required")
    queue = Queue(args.queue, durable=True, auto_delete=False)  # bound below, key by key
    seen: set[str] = set()  # a real partner keeps these in its database
    handled = 0
    with Connection(args.uri) as connection:
        channel = connection.channel()
        bound = queue(channel)
        bound.declare()
        for key in args.bind:
            bound.bind_to(exchange=EXCHANGE.name, routing_key=key)

        def on_message(message: Any) -> None:  # the raw message: structured CloudEvent JSON
            nonlocal handled
            event = json.loads(message.body)
            if event["id"] not in seen:
                handle(event)
                seen.add(event["id"])
            message.ack()
            handled += 1

        with connection.Consumer(bound, on_message=on_message):
            while not args.max_messages or handled < args.max_messages:
                try:
                    connection.drain_events(timeout=args.idle_timeout or None)
                except TimeoutError:
                    break
    return 0


if __name__ == "__main__":
    sys.exit(main())
