"""Benchmark of the first flow, on a private copy of the platform (own ports, own nx-27017,
own RabbitMQ virtual host). Prints figures; asserts nothing.

    .venv/bin/python -m bench.registration_flow [--households 300]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from khuyenhoc.devbroker import private_vhost
from khuyenhoc.platform import Platform

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId created } }"""
STATS = """query($code: String!) { orgUnit(code: $code) {
  stats(year: 2024) { title(title: FAMILY) { registered } } } }"""
COMMUNES = ("06184", "06187", "06190", "06193", "06196")  # five communes of Cao Lộc (183)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(url: str, query: str, variables: dict) -> dict:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def registered(url: str, code: str) -> int:
    return graphql(url, STATS, {"code": code})["data"]["orgUnit"]["stats"]["title"]["registered"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(households: int) -> None:
    with private_vhost("amqp://guest:guest@127.0.0.1:5672/", "khuyenhoc-bench") as amqp:
        work = Path(tempfile.mkdtemp(prefix="khuyenhoc-bench-"))
        base = free_port()
        platform = Platform(
            run_dir=work / "run",
            data_dir=work / "data",
            base_port=base,
            mongo_port=free_port(),
            env={"AMQP_URI": amqp},
        )
        started = time.perf_counter()
        platform.up(demo_province="20", quiet=True)
        print(
            f"platform up (fresh nx-27017, 206 units loaded): {time.perf_counter() - started:.1f}s"
        )
        url = platform.url(platform.gateway, "/graphql")
        try:
            latencies = []
            began = time.perf_counter()
            for i in range(households):
                payload = {
                    "tenant": "20",
                    "communeCode": COMMUNES[i % len(COMMUNES)],
                    "headName": f"Hộ gia đình số {i}",
                    "address": f"Thôn {i % 12}",
                    "year": 2024,
                }
                t0 = time.perf_counter()
                graphql(url, REGISTER, {"input": payload})
                latencies.append(time.perf_counter() - t0)
            sent = time.perf_counter() - began
            while registered(url, "20") < households:
                time.sleep(0.05)
            drained = time.perf_counter() - began
            print(
                f"registerHousehold via GraphQL, {households} sequential: "
                f"{households / sent:.0f}/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
                f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
            )
            print(
                f"all {households} counted at the province {drained - sent:.2f}s after the last "
                f"mutation ({households / drained:.0f} registrations/s end to end)"
            )
            for level, code in (("commune", "06184"), ("district", "183"), ("province", "20")):
                times = []
                for _ in range(30):
                    t0 = time.perf_counter()
                    registered(url, code)
                    times.append(time.perf_counter() - t0)
                print(
                    f"stats query at {level:<8} ({code}): "
                    f"p50 {statistics.median(times) * 1000:.1f} ms"
                )
        finally:
            platform.down()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    run(parser.parse_args().households)
