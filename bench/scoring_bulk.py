"""Benchmark of scoring's list paperwork driven through its service layer in-process, against a
MongoDB-compatible server (nx-27017 by default): a list review of N rows (default 2,000), the
decision recognising those N subjects (titles lasting three years, so earlier titles are read),
and the dependents of the N ``recognised`` events judged again (the consumer's work). For each:
wall ms per row, database round trips per row (a pymongo CommandListener), client CPU ms per
row, and the server's CPU ms per row when its pid is given. The collection also holds
``--background`` other assessments of the province (what a scan pays for). Prints figures;
asserts nothing. Runs against whichever ``services`` package is first on the path, so the same
script measures a checkout before a change (``PYTHONPATH=<that checkout>``).

    .venv/bin/python -m bench.scoring_bulk --mongo mongodb://127.0.0.1:27017 [--server-pid PID]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pymongo import MongoClient, monitoring

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import list_review, service, store
from services.scoring.criteria_sets import load_file
from services.scoring.domain.list_review import ListReviewRequest, ReviewRow

CRITERIA = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria" / "20"
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
COMMUNE = UnitPath.parse("20/183/06184")
REVIEWED = datetime(2024, 12, 10, tzinfo=UTC)
DECIDED = datetime(2025, 1, 20, tzinfo=UTC)


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def server_cpu(pid: int | None) -> float:
    """Seconds of CPU the server process has used (user + system), 0 without a pid."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def measured(
    name: str, rows: int, commands: Commands, pid: int | None, out: list[dict[str, Any]]
) -> Iterator[None]:
    start = (time.perf_counter(), time.process_time(), server_cpu(pid), commands.count)
    yield
    wall = time.perf_counter() - start[0]
    figures = {
        "stage": name,
        "rows": rows,
        "wall ms/row": 1000 * wall / rows,
        "round trips/row": (commands.count - start[3]) / rows,
        "client CPU ms/row": 1000 * (time.process_time() - start[1]) / rows,
        "server CPU ms/row": 1000 * (server_cpu(pid) - start[2]) / rows,
        "total s": wall,
    }
    out.append(figures)
    print(
        f"{name:<28} {figures['wall ms/row']:8.2f} {figures['round trips/row']:8.2f} "
        f"{figures['client CPU ms/row']:8.2f} {figures['server CPU ms/row']:8.2f} {wall:8.1f}",
        flush=True,
    )


def background(db: Any, count: int) -> None:
    """Other assessments of the province (other communes): documents a scan reads too."""
    for start in range(0, count, 1000):
        db.assessments.insert_many(
            [
                {
                    "_id": f"20-FAMILY-2024-bg-{n}",
                    "tenant": "20",
                    "subject_id": f"bg-{n}",
                    "subject_kind": "household",
                    "title": "FAMILY",
                    "year": 2024,
                    "unit_code": f"9{n % 150:04d}",
                    "unitpath": f"20/183/9{n % 150:04d}",
                    "status": "REGISTERED",
                    "version": 1,
                    "pending": {},
                    "pending_count": 0,
                }
                for n in range(start, min(count, start + 1000))
            ]
        )


def run(mongo: str, rows: int, extra: int, pid: int | None, refresh_batch: int) -> None:
    commands = Commands()
    client: MongoClient = MongoClient(mongo, event_listeners=[commands], tz_aware=True)
    db = client[f"bench_scoring_{uuid.uuid4().hex[:8]}"]
    try:
        store.prepare(db)
        background(db, extra)
        tenant = TenantDatabase(db, "20")
        assessments = store.Assessments(tenant)
        sets = [replace(s, validity_years=3) for s in load_file(CRITERIA / "family-adapted.yaml")]
        print(f"{rows} rows, {extra} other assessments, server pid {pid or '-'}")
        print(f"{'stage':<28} {'wall ms':>8} {'trips':>8} {'cli CPU':>8} {'srv CPU':>8} {'s':>8}")
        out: list[dict[str, Any]] = []
        ids = []
        with measured("registered (commit)", rows, commands, pid, out):
            for n in range(rows):
                enrolment = Enrolment(f"hh-{n}", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE)
                event = Envelope.from_dict(
                    enrolment.registered_event(datetime(2024, 1, 2, tzinfo=UTC))
                )
                service.apply_enrolment_event(assessments, event, "registered")
                ids.append(event.data["enrolmentId"])
        request = ListReviewRequest(
            tenant="20",
            unit_code=COMMUNE.code,
            unit_path=str(COMMUNE),
            title="FAMILY",
            year=2024,
            document_id="BB-bench",
            meeting_date=date(2024, 12, 5),
            minutes="Hội nghị bình xét.",
            rows=tuple(ReviewRow(e, answers=GOOD) for e in ids),
        )
        reviews, files = store.ListReviews(tenant), store.EvidenceFiles(tenant)
        with measured("list review", rows, commands, pid, out):
            list_review.record_list_review(assessments, files, reviews, sets, request, REVIEWED)
        proposals, decisions = store.Proposals(tenant), store.Decisions(tenant)
        unit = {"code": COMMUNE.code, "path": str(COMMUNE)}
        proposal = service.propose(
            assessments, proposals, "20", unit, "FAMILY", 2024, 10, DECIDED, date(2025, 1, 2)
        )
        with measured("decision", rows, commands, pid, out):
            decided = service.decide(
                assessments, proposals, sets, proposal.id, "1/QĐ", date(2025, 1, 15), "Chủ tịch",
                now=DECIDED, decisions=decisions,
            )  # fmt: skip
        assert len(decided.recognised) == rows, decided.reasons[:3]
        many: Callable[..., list[str]] | None = getattr(service, "refresh_dependents_many", None)
        with measured("dependents, one by one", rows, commands, pid, out):
            for enrolment_id in ids:
                service.refresh_dependents(assessments, sets, enrolment_id, DECIDED)
        if many is not None:
            with measured(f"dependents, batches of {refresh_batch}", rows, commands, pid, out):
                for start in range(0, rows, refresh_batch):
                    many(assessments, sets, ids[start : start + refresh_batch], DECIDED)
        figures = service.unit_stats(assessments, COMMUNE, 2024)["FAMILY"]
        exact = (figures["registered"], figures["reviewed"], figures["recognised"]) == (rows,) * 3
        print(f"figures exact: {exact} {figures}")
    finally:
        client.drop_database(db.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mongo", default="mongodb://127.0.0.1:27017")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--background", type=int, default=8000)
    parser.add_argument("--server-pid", type=int, default=None)
    parser.add_argument("--refresh-batch", type=int, default=100)
    args = parser.parse_args()
    run(args.mongo, args.rows, args.background, args.server_pid, args.refresh_batch)


if __name__ == "__main__":
    main()
