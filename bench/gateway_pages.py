"""The gateway's read pages on a private platform: the province page (province → districts →
communes, one title's figures) and a 50-row page of the household list, with N enrolments
seeded straight into the stores (no events). Prints p50/p95 and RPC calls per request (the
``X-Debug-Rpc-Calls`` answer, when the gateway gives it); asserts nothing.

    .venv/bin/python -m bench.gateway_pages [--sizes 20000,100000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from bench.common import Client, percentile, running_platform
from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES, Title
from services.registration.enrolment.domain import Enrolment, SubjectKind

YEAR = 2024
AT = "2025-06-01"  # the 2024 hierarchy: province / district / commune
PROVINCE_PAGE = """query($at: Date!) { orgUnit(code: "20", at: $at) {
  stats(year: 2024) { title(title: FAMILY) { registered recognised } }
  children { code stats(year: 2024) { title(title: FAMILY) { registered recognised } }
    children { code stats(year: 2024) { title(title: FAMILY) { registered recognised } } } } } }"""
LIST_PAGE = """query($code: String!, $at: Date!, $after: String) {
  orgUnit(code: $code, at: $at) { subjects(year: 2024, first: 50, after: $after) {
    nodes { enrolmentId name status } pageInfo { hasNextPage endCursor } } } }"""


def post(client: Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {client.token}",
        "X-Debug-Rpc-Calls": "1",
    }
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(client.url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=300) as response:
        answer: dict[str, Any] = json.loads(response.read())
    if answer.get("errors"):
        raise RuntimeError(answer["errors"])
    return answer


def communes(config: dict[str, Any]) -> list[str]:
    units = service_database(config, "registration")["units"]
    found = units.find({"tenant": "20", "level": "commune", "scheme": "2024"}, {"path": 1})
    return sorted(doc["path"] for doc in found)


def seed(config: dict[str, Any], paths: list[str], start: int, count: int) -> float:
    """``count`` more household enrolments spread unevenly over the communes, and the
    scoring counters they make (registered; every third recognised)."""
    began = time.perf_counter()
    now = datetime.now(UTC)
    enrolments = service_database(config, "registration")["enrolments"]
    counters = service_database(config, "scoring")["counters"]
    batch: list[dict[str, Any]] = []
    per_unit: dict[str, list[int]] = {}
    for number in range(start, start + count):
        path = UnitPath.parse(paths[(number * number) % len(paths)])  # uneven spread
        enrolment = Enrolment(
            f"hh-bench-{number:07d}", SubjectKind.HOUSEHOLD, Title.FAMILY, YEAR, path
        )
        batch.append(enrolment.as_document(now, f"Hộ gia đình số {number}"))
        moved = per_unit.setdefault(str(path), [0, 0])
        moved[0] += 1
        moved[1] += number % 3 == 0
        if len(batch) == 2000:
            enrolments.insert_many(batch, ordered=False)
            batch = []
    if batch:
        enrolments.insert_many(batch, ordered=False)
    for text, (registered, recognised) in per_unit.items():
        path = UnitPath.parse(text)
        identity = {
            "tenant": "20",
            "unit_code": path.code,
            "unitpath": text,
            **path.depth_fields(),
            "year": YEAR,
            "title": "FAMILY",
        }
        counters.update_one(
            {"_id": f"20|{path.code}|{YEAR}|FAMILY"},
            {
                "$inc": {"registered": registered, "recognised": recognised},
                "$setOnInsert": {
                    **identity,
                    **{f: 0 for f in FIGURES if f not in ("registered", "recognised")},
                },
            },
            upsert=True,
        )
    return time.perf_counter() - began


def measure(name: str, clients: int, rounds: int, ask: Any) -> None:
    latencies: list[float] = []
    calls: list[int] = []

    def one(_: int) -> None:
        began = time.perf_counter()
        answer = ask()
        latencies.append((time.perf_counter() - began) * 1000)
        calls.append(int(((answer.get("extensions") or {}).get("rpcCalls") or {}).get("total", -1)))

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(rounds * clients)))
    print(
        f"  {name:<34} clients={clients:<3} n={len(latencies):<4} "
        f"p50={percentile(latencies, 0.5):8.1f} ms  p95={percentile(latencies, 0.95):8.1f} ms  "
        f"rpc/request={max(calls) if calls else '?'}"
    )


def run(sizes: list[int], rounds: int) -> None:
    with running_platform() as (platform, client):
        config = client.config
        paths = communes(config)
        print(f"{len(paths)} communes of the 2024 hierarchy")
        seeded = 0
        commune = UnitPath.parse(paths[0]).code
        for size in sizes:
            took = seed(config, paths, seeded, size - seeded)
            print(f"seeded {size - seeded} enrolments in {took:.1f}s (total {size})")
            seeded = size
            post(client, PROVINCE_PAGE, {"at": AT})  # warm up (indexes, caches)
            deep = None
            for _ in range(5):
                page = post(client, LIST_PAGE, {"code": "20", "at": AT, "after": deep})
                info = page["data"]["orgUnit"]["subjects"]["pageInfo"]
                deep = info["endCursor"] if info["hasNextPage"] else None
            print(f"{size} enrolments:")
            for clients in (1, 10):
                measure(
                    "province page",
                    clients,
                    rounds,
                    lambda: post(client, PROVINCE_PAGE, {"at": AT}),
                )
            for clients in (1, 10):
                measure(
                    "household list, province, page 1",
                    clients,
                    rounds,
                    lambda: post(client, LIST_PAGE, {"code": "20", "at": AT, "after": None}),
                )
            measure(
                "household list, province, page 6",
                1,
                rounds,
                lambda deep=deep: post(client, LIST_PAGE, {"code": "20", "at": AT, "after": deep}),
            )
            measure(
                "household list, one commune",
                1,
                rounds,
                lambda: post(client, LIST_PAGE, {"code": commune, "at": AT, "after": None}),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    run([int(s) for s in args.sizes.split(",")], args.rounds)


if __name__ == "__main__":
    main()
