"""The idle cost of the platform: CPU seconds per second of every process of a private copy of
the platform (bench/common.py) while nothing is asked of it — what timers, outbox relays, sweeps
and the partner relay cost on their own. Prints per process ms of CPU per second of wall;
asserts nothing. ``.venv/bin/python -m bench.idle [--seconds 60] [--settle 20]``"""

from __future__ import annotations

import argparse
import time

from bench import processes
from bench.common import running_platform
from bench.wave import PROCESS_NAMES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window")
    parser.add_argument("--settle", type=float, default=20.0, help="wait after start-up")
    args = parser.parse_args()
    with running_platform() as (platform, _client):
        pids = processes.platform_pids(platform.run_dir, PROCESS_NAMES)
        print("pids:", " ".join(f"{name}={pid}" for name, pid in pids.items()), flush=True)
        time.sleep(args.settle)
        before = processes.sample(pids)
        t0 = time.perf_counter()
        time.sleep(args.seconds)
        wall = time.perf_counter() - t0
        spent = processes.cpu_delta(before, processes.sample(pids))
    print(f"idle over {wall:.0f}s (ms CPU per second of wall):")
    for name, cpu in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<14} {1000 * cpu / wall:7.1f}")
    print(f"  {'total':<14} {1000 * sum(spent.values()) / wall:7.1f}")


if __name__ == "__main__":
    main()
