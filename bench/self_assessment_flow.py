"""Benchmark of households' self-assessments on a private copy of the platform: the same forms
entered one mutation per household (``submitSelfAssessment``) and as one list
(``submitSelfAssessments``, default 2,000 rows). For each: wall time, and CPU milliseconds per
household over the platform's processes (the services, the gateway and nx-27017; the shared
RabbitMQ broker is not counted) from /proc, including the consumers' work on the ``scored``
events until the platform is idle again. Prints figures; asserts nothing.

    .venv/bin/python -m bench.self_assessment_flow [--rows 2000] [--singles 200]
"""

from __future__ import annotations

import argparse
import base64
import os
import time
from pathlib import Path

from bench.common import running_platform
from bench.commune_file import household_list
from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from ops.platform import Platform

START = """mutation($input: StartImportInput!) { startImport(input: $input) { id total } }"""
JOB = """query($id: String!) { importJob(id: $id) { status done created failed } }"""
FAMILY = """{ orgUnit(code: "06184") { stats(year: 2024) { title(title: FAMILY) {
  registered assessed } } } }"""
SINGLE = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  selfAssessment { verdict { status } } } }"""
LIST = """mutation($input: SelfAssessmentsInput!) { submitSelfAssessments(input: $input) {
  written unchanged refused } }"""
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
ANSWERS = [{"indicator": k, "points": v} for k, v in GOOD.items()]
TICK = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            found.setdefault(ppid, []).append(int(entry.name))
    return found


def platform_cpu(platform: Platform) -> dict[str, float]:
    """CPU seconds (user + system) so far of each process the platform started, its children
    included (nx-27017's server runs under its launcher)."""
    tree = _children()
    used = {}
    for pid_file in platform.run_dir.glob("*.pid"):
        if pid_file.name.endswith(".internal.pid"):
            continue
        try:
            todo = [int(pid_file.read_text().strip())]
        except (OSError, ValueError):
            continue
        seconds = 0.0
        while todo:
            pid = todo.pop()
            todo += tree.get(pid, [])
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
            except OSError:
                continue
            seconds += (int(fields[11]) + int(fields[12])) / TICK
        used[pid_file.stem] = seconds
    return used


def settle(platform: Platform, quiet_for: float = 2.0, step: float = 0.5) -> None:
    """Wait until the platform's processes stop using CPU (the consumers have caught up)."""
    last, calm = sum(platform_cpu(platform).values()), 0.0
    while calm < quiet_for:
        time.sleep(step)
        now = sum(platform_cpu(platform).values())
        calm = calm + step if now - last < 0.1 * step else 0.0
        last = now


def measured(platform: Platform, label: str, count: int, work) -> None:
    settle(platform)
    before, began = platform_cpu(platform), time.perf_counter()
    work()
    wall = time.perf_counter() - began
    settle(platform)
    after = platform_cpu(platform)
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    total = sum(spent.values())
    parts = ", ".join(f"{n} {1000 * s / count:.1f}" for n, s in sorted(spent.items()) if s > 0)
    print(
        f"{label}: {count} households, request(s) {wall:.1f}s wall; "
        f"platform CPU {1000 * total / count:.2f} ms/household ({parts})"
    )


def run(rows: int, singles: int) -> None:
    content, _ = household_list(rows + singles)
    with running_platform() as (platform, graphql):
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
        while (state := graphql(JOB, {"id": job["id"]})["importJob"])["status"] != "DONE":
            time.sleep(1)
        while graphql(FAMILY)["orgUnit"]["stats"]["title"]["registered"] < state["created"]:
            time.sleep(1)
        db = service_database(load_config(env=platform.settings()), "scoring")
        ids = sorted(
            d["_id"] for d in db.assessments.find({"tenant": "20", "title": "FAMILY"}, {"_id": 1})
        )
        print(f"{len(ids)} households registered in the commune")
        one_by_one, listed = ids[:singles], ids[singles : singles + rows]

        def single() -> None:
            for enrolment_id in one_by_one:
                graphql(SINGLE, {"input": {"enrolmentId": enrolment_id, "answers": ANSWERS}})

        def as_list() -> None:
            given = {
                "unitCode": "06184",
                "title": "FAMILY",
                "year": 2024,
                "rows": [{"enrolmentId": e, "answers": ANSWERS} for e in listed],
            }
            done = graphql(LIST, {"input": given})["submitSelfAssessments"]
            assert done["written"] == len(listed), done

        measured(platform, "submitSelfAssessment, one per household", len(one_by_one), single)
        measured(
            platform, f"submitSelfAssessments, one list of {len(listed)}", len(listed), as_list
        )
        figures = graphql(FAMILY)["orgUnit"]["stats"]["title"]
        print(f"figures: {figures}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--singles", type=int, default=200)
    args = parser.parse_args()
    run(args.rows, args.singles)
