"""Benchmark of notification delivery on a private copy of the platform: N households with a
phone are recognised at once (N ``recognised`` events published in one confirmed batch); the
notification service plans, looks up each contact over RPC and posts each SMS to a fake
SMS gateway on loopback. Prints figures; asserts nothing.

    .venv/bin/python -m bench.notification_flow [--households 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.common import free_port, percentile, running_platform
from khuyenhoc.envelope import new_event
from khuyenhoc.events import RECOGNISED
from khuyenhoc.outbox import EventPublisher
from khuyenhoc.tenancy import UnitPath

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""


def sms_gateway() -> tuple[ThreadingHTTPServer, dict[str, float]]:
    received: dict[str, float] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received[body["to"]] = time.perf_counter()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def recognised(enrolment_id: str, path: str) -> dict:
    return new_event(
        RECOGNISED,
        subject=f"assessment/{enrolment_id}",
        unit_path=UnitPath.parse(path),
        data={
            "enrolmentId": enrolment_id,
            "subjectId": enrolment_id.split("-", 3)[3],
            "subjectKind": "household",
            "title": "FAMILY",
            "year": 2024,
            "unitCode": path.rsplit("/", 1)[-1],
            "level": None,
            "decisionNumber": "45/QĐ-UBND",
            "decisionDate": "2025-01-20",
            "signer": "Chủ tịch UBND",
            "validUntil": None,
            "setId": "bench",
        },
    )


def run(households: int) -> None:
    server, received = sms_gateway()
    env = {
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_address[1]}/sms",
        "SMS_QUIET_HOURS": "off",
    }
    try:
        with running_platform(env=env) as (_, graphql):
            config = graphql.config
            events, phones = [], []
            for i in range(households):
                phone = f"09{i:08d}"
                payload = {
                    "communeCode": "06184",
                    "headName": f"Hộ gia đình số {i}",
                    "address": f"Thôn {i % 12}",
                    "year": 2024,
                    "phone": phone,
                }
                answer = graphql(REGISTER, {"input": payload})
                enrolment_id = answer["registerHousehold"]["enrolmentId"]
                events.append(recognised(enrolment_id, "20/183/06184"))
                phones.append("+84" + phone[1:])
            began = time.perf_counter()
            confirmed = EventPublisher(config, "scoring").publish_many(events)
            published = time.perf_counter()
            deadline = published + 600
            while len(received) < len(confirmed) and time.perf_counter() < deadline:
                time.sleep(0.05)
            done = time.perf_counter()
            latencies = [received[p] - began for p in phones if p in received]
            print(
                f"{len(confirmed)} recognised events published in {published - began:.2f}s; "
                f"{len(received)} SMS delivered in {done - began:.2f}s "
                f"({len(received) / (done - began):.0f} SMS/s end to end: consume, plan, "
                "contact RPC, render, HTTP POST)"
            )
            if latencies:
                print(
                    f"time from publish to SMS: p50 {statistics.median(latencies):.2f}s, "
                    f"p95 {percentile(latencies, 0.95):.2f}s"
                )
    finally:
        server.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    run(parser.parse_args().households)
