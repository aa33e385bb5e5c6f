"""Benchmark of the first flow, on a private copy of the platform (own ports, own nx-27017,
own RabbitMQ virtual host). Prints figures; asserts nothing.

    .venv/bin/python -m bench.registration_flow [--households 300]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.common import Client, percentile, running_platform

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId created } }"""
STATS = """query($code: String!) { orgUnit(code: $code) {
  stats(year: 2024) { title(title: FAMILY) { registered } } } }"""
COMMUNES = ("06184", "06187", "06190", "06193", "06196")  # five communes of Cao Lộc (183)


def registered(graphql: Client, code: str) -> int:
    return graphql(STATS, {"code": code})["orgUnit"]["stats"]["title"]["registered"]


def run(households: int) -> None:
    started = time.perf_counter()
    with running_platform() as (_, graphql):
        print(
            f"platform up (fresh nx-27017, 206 units loaded): {time.perf_counter() - started:.1f}s"
        )
        latencies = []
        began = time.perf_counter()
        for i in range(households):
            payload = {
                "communeCode": COMMUNES[i % len(COMMUNES)],
                "headName": f"Hộ gia đình số {i}",
                "address": f"Thôn {i % 12}",
                "year": 2024,
            }
            t0 = time.perf_counter()
            graphql(REGISTER, {"input": payload})
            latencies.append(time.perf_counter() - t0)
        sent = time.perf_counter() - began
        while registered(graphql, "20") < households:
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
                registered(graphql, code)
                times.append(time.perf_counter() - t0)
            print(
                f"stats query at {level:<8} ({code}): p50 {statistics.median(times) * 1000:.1f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    run(parser.parse_args().households)
