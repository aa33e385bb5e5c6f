"""The faults the chaos suite injects into a running platform, and the watch for crashes.

Every process is signalled by the pid this platform recorded for it (never by name); the broker
restarted is a private node (ops.devbroker.private_node), never the shared one.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import eventlet
from kombu import Connection, Exchange, Queue

from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from khuyenhoc.topology import dead_letter_queue, event_exchange
from ops.platform import SERVICES, Platform, _pid, _running, _stop

EMITTERS = ("registration", "scoring", "fund")  # the services whose exchanges carry events
POISON = "chaos-poison"


def process(name: str) -> Any:
    return next(p for p in SERVICES if p.name == name)


DYING = re.compile(r"killing <ServiceContainer[^\n]*> due to [^\n]*")


@dataclass
class Watch:
    """Service processes that died when the suite did not kill them: each is a crash, written
    down with the tail of its log, and started again so the run goes on. A container that
    logged its own death ("killing ... due to ...") counts too, even if its process lived on."""

    platform: Platform
    killing: set[str] = field(default_factory=set)  # services the suite is killing right now
    crashes: list[str] = field(default_factory=list)
    _thread: Any = None
    _offsets: dict[str, int] = field(default_factory=dict)

    def __enter__(self) -> Watch:
        for service in SERVICES:
            log = self.platform.logs / f"{service.name}.log"
            self._offsets[service.name] = log.stat().st_size if log.exists() else 0
        self._thread = eventlet.spawn(self._loop)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._thread.kill()
        self.sweep()
        died = {c.split(":", 1)[0] for c in self.crashes}
        for service in SERVICES:
            if service.name not in died:
                self.crashes += [
                    f"{service.name} logged: {line}" for line in self._dying(service.name)
                ]

    def _dying(self, name: str) -> list[str]:
        try:
            with (self.platform.logs / f"{name}.log").open("rb") as log:
                log.seek(self._offsets.get(name, 0))
                text = log.read().decode(errors="replace")
        except OSError:
            return []
        return [m.group(0)[:200] for m in DYING.finditer(text)]

    def _loop(self) -> None:
        while True:
            self.sweep()
            eventlet.sleep(0.5)

    def sweep(self) -> None:
        for service in SERVICES:
            if service.name in self.killing:
                continue
            if not _running(self.platform.run_dir / f"{service.name}.pid", service.target):
                self.crashes.append(f"{service.name}: {_last_lines(self.platform, service.name)}")
                self.killing.add(service.name)
                try:
                    restart(self.platform, service.name)
                finally:
                    self.killing.discard(service.name)


def _last_lines(platform: Platform, name: str, count: int = 5) -> str:
    try:
        lines = (platform.logs / f"{name}.log").read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(lines[-count:])[-600:]


def restart(platform: Platform, name: str) -> None:
    """Start the service again; a child between fork and exec still shows our command line,
    so wait for its own before the platform's health check (which would call it exited)."""
    service = process(name)
    platform._start(service)
    pid_file = platform.run_dir / f"{name}.pid"
    deadline = time.monotonic() + 10
    while not _running(pid_file, service.target) and time.monotonic() < deadline:
        eventlet.sleep(0.05)
    platform._wait_healthy(service)


def kill_service(platform: Platform, watch: Watch, name: str, down: float = 1.0) -> None:
    """kill -9 the service (its recorded pid), leave it down ``down`` seconds, start it again."""
    service = process(name)
    pid_file = platform.run_dir / f"{name}.pid"
    watch.killing.add(name)
    try:
        pid = _pid(pid_file)
        if pid is not None and _running(pid_file, service.target):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
        eventlet.sleep(down)
        restart(platform, name)
    finally:
        watch.killing.discard(name)


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
        except (OSError, IndexError):
            return
        if state == "Z":
            return
        eventlet.sleep(0.05)


def kill_database(platform: Platform, down: float = 3.0) -> None:
    """kill -9 the platform's own nx-27017 server, leave it down, start it on the same data."""
    pid_file = platform.run_dir / "nx-27017.pid"
    pid = _pid(pid_file)
    if pid is not None and _running(pid_file, "nx-27017"):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
    eventlet.sleep(down)
    platform._ensure_mongo()


def stop_database(platform: Platform) -> None:
    _stop(platform.run_dir / "nx-27017.pid", "nx-27017")


# -- events: capture, replay, poison -------------------------------------------------------


class Capture:
    """A queue of the suite's own bound to every event exchange: a copy of each event the
    platform publishes, to send again later (twice, shuffled)."""

    def __init__(self, platform: Platform, name: str) -> None:
        self.uri = platform.settings()["AMQP_URI"]
        self.config = load_config(env=platform.settings())
        self.queue = Queue(f"chaos-capture-{name}", durable=True, auto_delete=False)
        self.seen: list[dict[str, Any]] = []

    def __enter__(self) -> Capture:
        with Connection(self.uri) as connection:
            channel = connection.channel()
            bound = self.queue(channel)
            bound.declare()
            for service in EMITTERS:
                exchange = event_exchange(service, self.config)(channel)
                exchange.declare()
                bound.bind_to(exchange=exchange, routing_key="#")
            channel.close()
        return self

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(Exception), Connection(self.uri) as connection:
            self.queue(connection.channel()).delete()

    def drain(self) -> list[dict[str, Any]]:
        """Every event captured so far (kept: a later replay sends them all again)."""
        with Connection(self.uri) as connection:
            channel = connection.channel()
            bound = self.queue(channel)
            while (message := bound.get(no_ack=True)) is not None:
                info = message.delivery_info
                self.seen.append(
                    {
                        "body": message.body,
                        "exchange": info["exchange"],
                        "routing_key": info["routing_key"],
                        "headers": dict(message.headers or {}),
                        "content_type": message.content_type,
                        "content_encoding": message.content_encoding,
                    }
                )
            channel.close()
        return list(self.seen)

    def replay(self, seed: int, copies: int = 2) -> int:
        """Every captured event ``copies`` more times, in a shuffled order (a ``recognised``
        before its ``registered``, a donation's copies apart): returns how many were sent."""
        events = self.drain() * copies
        random.Random(seed).shuffle(events)
        publish(self.uri, events)
        return len(events)


def publish(uri: str, messages: list[dict[str, Any]]) -> None:
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        for message in messages:
            producer.publish(
                message["body"],
                exchange=Exchange(message["exchange"], type="topic", passive=True),
                routing_key=message["routing_key"],
                headers=message["headers"],
                content_type=message.get("content_type") or "application/json",
                content_encoding=message.get("content_encoding") or "utf-8",
                delivery_mode=2,
                declare=[],
            )


def poison_messages(tag: str) -> list[tuple[str, str, bytes]]:
    """(exchange's service, routing key, body): not JSON, an envelope without data for an
    unknown province, an unknown major version; each marked so its dead letter is found."""
    bad_envelope = {
        "specversion": "1.0",
        "id": f"{POISON}-{tag}-2",
        "type": "vn.khuyenhoc.registration.registered.v1",
        "source": "/khuyenhoc/registration",
        "subject": "x",
        "time": "2024-10-02T00:00:00Z",
        "tenant": "99",
        "unitpath": "99",
    }
    future = {**bad_envelope, "id": f"{POISON}-{tag}-3", "tenant": "20", "data": {}}
    future["type"] = "vn.khuyenhoc.fund.donated.v9"
    return [
        ("registration", "registered", f"{POISON}-{tag}-1 not json {{".encode()),
        ("registration", "registered", json.dumps(bad_envelope).encode()),
        ("fund", "donated", json.dumps(future).encode()),
    ]


# each poison message is dead-lettered once by each service subscribed to its routing key
POISON_SUBSCRIBERS = {"registered": ("scoring", "notification"), "donated": ("notification",)}


def send_poison(platform: Platform, tag: str) -> dict[str, int]:
    """Publish the poison; returns the dead letters expected per service."""
    config = load_config(env=platform.settings())
    expected: dict[str, int] = {}
    messages = []
    for service, key, body in poison_messages(tag):
        exchange = event_exchange(service, config)
        messages.append(
            {"body": body, "exchange": exchange.name, "routing_key": key, "headers": {}}
        )
        for subscriber in POISON_SUBSCRIBERS[key]:
            expected[subscriber] = expected.get(subscriber, 0) + 1
    publish(platform.settings()["AMQP_URI"], messages)
    return expected


def dead_letters(platform: Platform, tag: str) -> dict[str, list[str]]:
    """The reasons of this tag's poison found in each dlq.<service> (left in the queue)."""
    found: dict[str, list[str]] = {}
    marker = f"{POISON}-{tag}-".encode()
    with Connection(platform.settings()["AMQP_URI"]) as connection:
        channel = connection.channel()
        for service in ("registration", "scoring", "fund", "notification"):
            queue = dead_letter_queue(service)(channel)
            queue.declare()
            held = []
            while (message := queue.get(no_ack=False)) is not None:
                held.append(message)
                body = message.body
                if marker in (body.encode() if isinstance(body, str) else body):
                    reason = str((message.headers or {}).get("x-death-reason", ""))
                    found.setdefault(service, []).append(reason)
            for message in held:
                message.requeue()
        channel.close()
    return found


# -- in flight -----------------------------------------------------------------------------


def events_in_flight(platform: Platform, enrolments: list[str], donations: list[str]) -> int:
    """Events of acknowledged requests not yet in the notification service's inbox: what a
    fault at this moment could lose (or deliver twice)."""
    config = load_config(env=platform.settings())
    try:
        inbox = service_database(config, "notification")["inbox"]
        seen = {
            str(
                (doc.get("data") or {}).get("enrolmentId")
                or (doc.get("data") or {}).get("donationId")
            )
            for doc in inbox.find({"type": {"$regex": r"\.(registered|donated)\.v"}})
        }
    except Exception:  # noqa: BLE001 - the database may be the fault; nothing is known then
        return len(enrolments) + len(donations)
    return sum(1 for key in [*enrolments, *donations] if key not in seen)
