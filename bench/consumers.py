"""How fast a service consumes ``registered``: N events published straight to registration's
exchange (confirmed) while the service is down, then the service started alone (in this
process, on a private nx-27017 and RabbitMQ virtual host) and timed until every one is done:
scoring, until each is counted in the province's figures; notification (``--service
notification``), until each is on the partner stream (a queue bound to ``20.registered``).

Prints events per second and CPU milliseconds per event of the service (this process, the
publishing excluded) and of the database server. Asserts nothing about speed.

    .venv/bin/python bench/consumers.py --events 20000 [--service notification] [--spread]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/consumers.py   # another version
"""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from kombu import Connection, Queue  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402

from khuyenhoc.outbox import EventPublisher  # noqa: E402
from khuyenhoc.storage import service_database  # noqa: E402
from ops.devbroker import private_vhost  # noqa: E402
from services.notification.entrypoint import NotificationService  # noqa: E402
from services.notification.partners import PARTNER_EXCHANGE  # noqa: E402
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title  # noqa: E402
from services.scoring.entrypoint import ScoringService  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = [f"20/{183 + d}/{6184 + d * 40 + c:05d}" for d in range(10) for c in range(20)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def registered(n: int, spread: bool) -> list[dict[str, Any]]:
    """``n`` households' registrations: commune after commune as their lists are imported, or
    (``spread``) each next one in another commune."""
    from khuyenhoc.tenancy import UnitPath

    now = datetime.now(UTC)
    per_commune = max(1, -(-n // len(COMMUNES)))
    return [
        Enrolment(
            f"bench-hh-{i}",
            SubjectKind.HOUSEHOLD,
            Title.FAMILY,
            2024,
            UnitPath.parse(COMMUNES[i % len(COMMUNES) if spread else i // per_commune]),
        ).registered_event(now)
        for i in range(n)
    ]


def counted(config: dict[str, Any]) -> int:
    """Households counted as registered in the province (the communes' counters)."""
    db = service_database(config, "scoring")
    found = db.counters.find({"tenant": "20", "year": 2024, "path_0": "20"}, {"registered": 1})
    return sum(int(doc.get("registered") or 0) for doc in found)


PARTNER_TAP = Queue(
    "bench-partner-tap", exchange=PARTNER_EXCHANGE, routing_key="20.registered", durable=False
)


def on_partner_stream(config: dict[str, Any]) -> int:
    with Connection(config["AMQP_URI"]) as connection:
        declared = PARTNER_TAP(connection.default_channel).queue_declare(passive=True)
        return int(declared.message_count)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--spread", action="store_true", help="each event in another commune")
    parser.add_argument("--service", choices=("scoring", "notification"), default="scoring")
    args = parser.parse_args()
    if os.environ.get("BENCH_DEBUG"):
        import logging

        logging.basicConfig(level=logging.WARNING, format="%(relativeCreated)d %(message)s")
        logging.getLogger("khuyenhoc.batching").setLevel(logging.DEBUG)

    data = tempfile.mkdtemp(prefix="bench-consumers-nx-")
    port = free_port()
    nx = subprocess.Popen(
        [str(ROOT / ".venv-nx/bin/nx-27017"), "--data-dir", data, "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-file", f"{data}/nx.log", "--pid-file", f"{data}/nx.pid"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        with private_vhost("amqp://guest:guest@127.0.0.1:5672/", "bench-consumers") as amqp:
            config = {
                "AMQP_URI": amqp,
                "MONGO_URI": f"mongodb://127.0.0.1:{port}",
                "DB_PREFIX": "bench_",
                "KHUYENHOC_TENANTS": "20",
                "ID_HASH_KEY": "bench-id-hash-key-0123456789abcdef",
                "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
                "AUTO_DELETE_EVENT_EXCHANGES": False,
                "serializer": "json",
            }
            for _ in range(300):
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.1)
            with Connection(amqp) as connection:
                PARTNER_TAP(connection.default_channel).declare()
            events = registered(args.events, args.spread)
            publisher = EventPublisher(config, "registration")
            started = time.monotonic()
            for start in range(0, len(events), 1000):
                chunk = events[start : start + 1000]
                assert len(publisher.publish_many(chunk)) == len(chunk)
            published = time.monotonic() - started

            scoring = args.service == "scoring"
            done = counted if scoring else on_partner_stream
            service = ScoringService if scoring else NotificationService
            container = ServiceContainer(service, config)
            cpu0, nx0, t0 = time.process_time(), cpu_seconds(nx.pid), time.monotonic()
            container.start()
            deadline = t0 + args.timeout
            while done(config) < args.events and time.monotonic() < deadline:
                time.sleep(0.5)
            wall = time.monotonic() - t0
            cpu, nx_cpu = time.process_time() - cpu0, cpu_seconds(nx.pid) - nx0
            total = done(config)
            container.stop()
            print(
                json.dumps(
                    {
                        "service": args.service,
                        "events": args.events,
                        "spread": args.spread,
                        "counted": total,
                        "publish_seconds": round(published, 2),
                        "consume_seconds": round(wall, 2),
                        "events_per_second": round(total / wall, 1),
                        "service_cpu_ms_per_event": round(1000 * cpu / max(total, 1), 3),
                        "nx_cpu_ms_per_event": round(1000 * nx_cpu / max(total, 1), 3),
                    }
                )
            )
    finally:
        nx.terminate()
        nx.wait(10)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
