"""The raw floor: what the machine needs for the wave's messages and writes with nothing else.

The same number of messages through the same broker (plain kombu: persistent messages
published with publisher confirms, one at a time, into a queue of our own in a vhost of our
own; consumed by another connection and acked one by one) and the same number of document
writes to the same MongoDB-compatible server (plain pymongo, a database of our own: one insert
and one update by ``_id`` per household). Its CPU is this process's own plus the database
server's and the broker's deltas (the broker is shared: other traffic counts too).

    .venv/bin/python -m bench.floor --households 2000 --messages 10000 --mongo-uri mongodb://...

bench/wave.py runs it in the same run, on the platform's own nx-27017 and broker.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from kombu import Connection, Exchange, Producer, Queue
from pymongo import MongoClient

from bench import processes
from ops.devbroker import private_vhost

BASE_AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def base_uri(amqp_uri: str) -> str:
    """The broker's URI without its vhost: "amqp://u:p@h:5672/vh" → "amqp://u:p@h:5672/"."""
    scheme, rest = amqp_uri.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/"


def _messages(uri: str, count: int) -> None:
    exchange = Exchange("bench.floor", type="direct", durable=True)
    queue = Queue("bench.floor", exchange=exchange, routing_key="floor", durable=True)
    received = threading.Event()
    got = [0]

    def consume() -> None:
        with Connection(uri) as connection:

            def on_message(body: Any, message: Any) -> None:
                message.ack()
                got[0] += 1
                if got[0] >= count:
                    received.set()

            with connection.Consumer(queue, callbacks=[on_message], prefetch_count=200):
                while not received.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except TimeoutError:
                        continue

    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue(channel).declare()
        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        producer = Producer(channel, exchange=exchange, routing_key="floor", serializer="json")
        for n in range(count):
            body = {"type": "bench.floor", "data": {"n": n, "note": "x" * 200}}
            producer.publish(body, delivery_mode=2, mandatory=True)
        received.wait(600)
        consumer.join(5)


def _writes(mongo_uri: str, households: int) -> None:
    name = f"bench_floor_{uuid.uuid4().hex[:8]}"
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri)
    try:
        collection = client[name]["households"]
        for n in range(households):
            key = f"20-FAMILY-2024-hh-{n:012d}"
            collection.insert_one(
                {"_id": key, "tenant": "20", "name": "Nông Văn Bình", "n": n, "status": "new"}
            )
            collection.update_one({"_id": key}, {"$set": {"status": "recognised", "v": 2}})
    finally:
        client.drop_database(name)
        client.close()


def run(
    households: int,
    messages: int,
    amqp_uri: str,
    mongo_uri: str,
    pids: Mapping[str, int],
) -> dict[str, Any]:
    """The floor's figures: wall, CPU (this process + ``pids``' deltas) per household."""
    with private_vhost(base_uri(amqp_uri), "khuyenhoc-floor") as uri:
        before = processes.sample(pids)
        own = processes.self_cpu()
        t0 = time.perf_counter()
        sender = threading.Thread(target=_messages, args=(uri, messages))
        sender.start()
        _writes(mongo_uri, households)
        sender.join()
        wall = time.perf_counter() - t0
        own_cpu = processes.self_cpu() - own
        deltas = processes.cpu_delta(before, processes.sample(pids))
    by_process = {"floor client (kombu + pymongo)": own_cpu, **deltas}
    total = sum(by_process.values())
    figures = {
        "households": households,
        "messages": messages,
        "writes": 2 * households,
        "wall_s": round(wall, 2),
        "cpu_s": {k: round(v, 3) for k, v in by_process.items()},
        "cpu_ms_per_household": round(1000 * total / max(1, households), 3),
        "cpu_ms_per_household_by_process": {
            k: round(1000 * v / max(1, households), 3) for k, v in by_process.items()
        },
    }
    print(
        f"raw floor: {messages} messages + {2 * households} writes in {wall:.1f}s, "
        f"{figures['cpu_ms_per_household']:.2f} ms CPU per household "
        + ", ".join(f"{k} {v:.2f}s" for k, v in by_process.items())
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--amqp-uri", default=BASE_AMQP)
    parser.add_argument("--mongo-uri", required=True)
    arguments = parser.parse_args(argv)
    broker = processes.broker_pid()
    run(
        arguments.households,
        arguments.messages,
        arguments.amqp_uri,
        arguments.mongo_uri,
        {"broker (beam.smp, shared)": broker} if broker else {},
    )


if __name__ == "__main__":
    main()
