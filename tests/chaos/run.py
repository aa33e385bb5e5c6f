"""``make chaos``: the long chaos suite, then its summary table.

Runs pytest on tests/chaos with CHAOS_LONG=1, each scenario appending its row to a report file,
prints fault | events in flight | lost | duplicated | crashes, and exits non-zero when a
scenario failed or any of those counts is not 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.chaos.scenarios import REPORT_ENV

COLUMNS = ("fault", "events in flight", "lost", "duplicated", "crashes", "retries", "seconds")


def table(rows: list[dict[str, object]]) -> str:
    cells = [
        [
            str(r["fault"]),
            *(
                str(r[k])
                for k in ("in_flight", "lost", "duplicated", "crashes", "retries", "seconds")
            ),
        ]
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [list(COLUMNS), *cells]) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(list(COLUMNS)), rule, *(line(c) for c in cells)])


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="khuyenhoc-chaos-") as work:
        report = Path(work) / "rows.jsonl"
        env = {**os.environ, "CHAOS_LONG": "1", REPORT_ENV: str(report)}
        command = [sys.executable, "-m", "pytest", "tests/chaos/test_long.py", "-q", *argv]
        done = subprocess.run(command, env=env, check=False)
        rows = [json.loads(x) for x in report.read_text().splitlines()] if report.exists() else []
    print("\nChaos summary (lost = expected - found, duplicated = found - expected, per item):")
    print(table(rows) if rows else "(no scenario ran)")
    for row in rows:
        if row["details"]:
            print(f"- {row['fault']}: " + "; ".join(row["details"][:8]))
    dirty = [r for r in rows if r["lost"] or r["duplicated"] or r["crashes"]]
    return 1 if done.returncode or dirty or not rows else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
