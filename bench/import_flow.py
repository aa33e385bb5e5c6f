"""Benchmark of a bulk import on a private copy of the platform: a realistic household list of
N rows (default 100,000) through `startImport`, until every row is processed and every
registration is counted at the province. Prints rows per second and each process's peak memory
(VmHWM). Asserts nothing.

    .venv/bin/python -m bench.import_flow [--rows 100000]
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.commune_file import household_list
from gateway.commands import create_token
from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from khuyenhoc.devbroker import private_vhost
from khuyenhoc.platform import SERVICES, Platform

START = """mutation($input: StartImportInput!) { startImport(input: $input) { id total } }"""
JOB = """query($id: String!) { importJob(id: $id) { status done created failed } }"""
FAMILY = """{ orgUnit(code: "20") { stats(year: 2024) { title(title: FAMILY) { registered } } } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(url: str, token: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        answer = json.loads(response.read())
    if "errors" in answer:
        raise RuntimeError(answer["errors"])
    return answer["data"]


def peak_memory_mib(platform: Platform) -> dict[str, float]:
    """Peak resident memory (VmHWM) of each process the platform started."""
    peaks = {}
    for name in [p.name for p in SERVICES] + ["nx-27017"]:
        pid_file = platform.run_dir / f"{name}.pid"
        try:
            status = Path(f"/proc/{pid_file.read_text().strip()}/status").read_text()
        except OSError:
            continue
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        peaks[name] = int(line.split()[1]) / 1024
    return peaks


def run(rows: int, roll_up: bool) -> None:
    content, bad = household_list(rows, bad_every=100)
    print(f"file: {rows} rows ({bad} broken), {len(content) / 1e6:.1f} MB .xlsx")
    with private_vhost("amqp://guest:guest@127.0.0.1:5672/", "khuyenhoc-bench") as amqp:
        work = Path(tempfile.mkdtemp(prefix="khuyenhoc-bench-"))
        platform = Platform(
            run_dir=work / "run",
            data_dir=work / "data",
            base_port=free_port(),
            mongo_port=free_port(),
            env={"AMQP_URI": amqp},
        )
        platform.up(demo_province="20", quiet=True)
        try:
            config = load_config(env=platform.settings())
            token = create_token(config, "20", "20", Role.PROVINCE_ADMIN, "bench", hours=2)
            url = platform.url(platform.gateway, "/graphql")
            began = time.perf_counter()
            job = graphql(
                url,
                token,
                START,
                {
                    "input": {
                        "communeCode": "06184",
                        "kind": "HOUSEHOLD",
                        "year": 2024,
                        "fileName": "danh-sach.xlsx",
                        "content": base64.b64encode(content).decode("ascii"),
                    }
                },
            )["startImport"]
            accepted = time.perf_counter() - began
            while (state := graphql(url, token, JOB, {"id": job["id"]})["importJob"])[
                "status"
            ] != "DONE":
                time.sleep(1)
            imported = time.perf_counter() - began
            while roll_up and (
                graphql(url, token, FAMILY)["orgUnit"]["stats"]["title"]["registered"]
                < state["created"]
            ):
                time.sleep(1)
            counted = time.perf_counter() - began
            print(f"upload accepted (header checked, file stored): {accepted:.1f}s")
            print(
                f"import: {state['done']} rows in {imported:.1f}s = "
                f"{state['done'] / imported:.0f} rows/s ({state['created']} registered, "
                f"{state['failed']} rows in error)"
            )
            if roll_up:
                print(
                    f"counted at the province (events relayed and consumed): {counted:.1f}s = "
                    f"{state['created'] / counted:.0f} registrations/s end to end"
                )
            for name, peak in peak_memory_mib(platform).items():
                print(f"peak memory {name:<13} {peak:7.1f} MiB")
        finally:
            platform.down()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--no-roll-up",
        action="store_true",
        help="stop when the import is done, without waiting for the counts",
    )
    arguments = parser.parse_args()
    run(arguments.rows, roll_up=not arguments.no_roll_up)
