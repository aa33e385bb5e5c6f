"""Benchmark of a bulk import on a private copy of the platform: a realistic household list of
N rows (default 100,000) through `startImport`, until every row is processed and every
registration is counted at the province. Prints rows per second and each process's peak memory
(VmHWM). Asserts nothing.

    .venv/bin/python -m bench.import_flow [--rows 100000]
"""

from __future__ import annotations

import argparse
import base64
import time
from pathlib import Path

from bench.common import running_platform
from bench.commune_file import household_list
from ops.platform import SERVICES, Platform

START = """mutation($input: StartImportInput!) { startImport(input: $input) { id total } }"""
JOB = """query($id: String!) { importJob(id: $id) { status done created failed } }"""
FAMILY = """{ orgUnit(code: "20") { stats(year: 2024) { title(title: FAMILY) { registered } } } }"""


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
    with running_platform() as (platform, graphql):
        began = time.perf_counter()
        job = graphql(
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
        while (state := graphql(JOB, {"id": job["id"]})["importJob"])["status"] != "DONE":
            time.sleep(1)
        imported = time.perf_counter() - began
        while roll_up and (
            graphql(FAMILY)["orgUnit"]["stats"]["title"]["registered"] < state["created"]
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
