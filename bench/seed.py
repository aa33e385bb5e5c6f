"""Load many households straight into a running platform's stores, for read benchmarks.

The documents are the ones the chain writes: registration's subjects and enrolments (shaped as
``Registrations.add_many`` writes them, WITHOUT the outbox event, so nothing is relayed) and
scoring's assessments, opened and counted through scoring's own ``Assessments.open_many`` (it
counts each change exactly once), also without events. So ``orgUnit.stats`` shows exactly what
was seeded. Households are spread unevenly over the province's communes; a share of them is
self-assessed, reviewed, found eligible and recognised, so every figure is non-trivial.

    .venv/bin/python -m bench.seed [--households 100000] [--threads 2] [--batch 2000]

run alone, it starts a private platform, seeds, verifies the figures and stops it. The read
benchmark (``bench.reads``) calls :func:`seed` on its own platform.
"""

from __future__ import annotations

import argparse
import math
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import MongoClient
from pymongo.errors import BulkWriteError, PyMongoError

from bench.common import Client, running_platform
from khuyenhoc.config import database_name, load_config
from khuyenhoc.storage import DUPLICATE_KEY, TenantCollection, TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES
from services.registration.enrolment.domain import Enrolment, Subject, enrolment_links, household
from services.registration.enrolment.store import ENROLMENTS, SUBJECTS
from services.scoring.domain import AssessmentRecord, Change
from services.scoring.domain.assessment import Assessment
from services.scoring.domain.figures import deltas
from services.scoring.store import Assessments

YEAR = 2024
TENANT = "20"
SET_ID = "bench-family"
# Shares of households by the furthest stage they reached (the rest only registered).
STAGES: tuple[tuple[str, float], ...] = (
    ("recognised", 0.20),  # self-assessed, reviewed eligible, recognised by decision
    ("eligible", 0.10),  # reviewed eligible, not (yet) decided
    ("reviewed", 0.10),  # reviewed, criteria not met
    ("assessed", 0.20),  # self-assessed only
)
FAMILY_NAMES = ("Nguyễn", "Hoàng", "Nông", "Lương", "Vi", "Lý", "Hà", "Triệu", "Lành", "Chu")
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Xuân")
GIVEN_NAMES = ("An", "Bình", "Cường", "Dũng", "Hoa", "Hải", "Lan", "Mai", "Sơn", "Thảo", "Tú")
HAMLETS = ("Nà Lẹng", "Bản Chắt", "Khòn Pát", "Pác Luống", "Nà Pàn", "Còn Quan", "Tà Lài")


@dataclass(frozen=True)
class Commune:
    code: str
    path: UnitPath


def commune_weights(count: int, seed: int = 20) -> list[float]:
    """Uneven commune sizes (log-normal, as real communes are: a few large towns, many small
    mountain communes), summing to 1."""
    rng = random.Random(seed)
    raw = [math.exp(rng.gauss(0.0, 0.7)) for _ in range(count)]
    total = sum(raw)
    return [w / total for w in raw]


def stage_of(draw: float) -> str:
    """The furthest stage a household reached for a uniform ``draw`` in [0, 1)."""
    upto = 0.0
    for stage, share in STAGES:
        upto += share
        if draw < upto:
            return stage
    return "registered"


def head_name(index: int) -> str:
    return (
        f"{FAMILY_NAMES[index % len(FAMILY_NAMES)]} "
        f"{MIDDLE_NAMES[(index // 10) % len(MIDDLE_NAMES)]} "
        f"{GIVEN_NAMES[(index // 80) % len(GIVEN_NAMES)]}"
    )


def make_household(index: int, commune: Commune) -> Subject:
    """Household number ``index`` (unique over the whole seed: its house number)."""
    hamlet = HAMLETS[index % len(HAMLETS)]
    return household(
        TENANT,
        commune.code,
        head_name(index),
        f"Số {index}, thôn {hamlet}",
        phone=f"09{index % 100_000_000:08d}",
        size=2 + index % 5,
        learners=1 + index % 3,
    )


def _verdict(status: str, level: int | None) -> dict[str, Any]:
    return {"status": status, "level": level, "set_id": SET_ID, "reasons": [], "missing": []}


def stage_records(stage: str, index: int, now: datetime) -> dict[str, Any]:
    """The stored stage records of a household that reached ``stage``."""
    at = now.isoformat()
    level = 1 + index % 2
    records: dict[str, Any] = {}
    if stage == "registered":
        return records
    met = stage in ("eligible", "recognised")
    records["self_assessment"] = {
        "set_id": SET_ID,
        "verdict": _verdict("recognised" if met else "not_recognised", level if met else None),
        "at": at,
        "by": "bench",
    }
    if stage == "assessed":
        return records
    records["review"] = {
        "set_id": SET_ID,
        "verdict": _verdict("recognised" if met else "not_recognised", level if met else None),
        "meeting_date": f"{YEAR}-11-20",
        "at": at,
        "by": "bench",
    }
    if stage == "recognised":
        records["recognition"] = {
            "decision_number": f"{index % 900 + 100}/QĐ-UBND",
            "decision_date": f"{YEAR}-12-15",
            "signer": "Chủ tịch UBND xã",
            "level": level,
            "set_id": SET_ID,
            "valid_until": None,
            "at": at,
            "by": "bench",
        }
    return records


@dataclass
class Batch:
    """One bulk write's documents: subjects, enrolments (no outbox) and assessment openings."""

    subjects: list[dict[str, Any]] = field(default_factory=list)
    enrolments: list[dict[str, Any]] = field(default_factory=list)
    openings: list[Change] = field(default_factory=list)
    # expected figures per commune code: what scoring must count for them
    figures: dict[str, dict[str, int]] = field(default_factory=dict)


def opening(enrolment: Enrolment, records: dict[str, Any], now: datetime) -> Change:
    """The change that opens the enrolment's assessment, as scoring's ``registered`` handler
    would (``enrolment_change``), with the later stages already in it; no event."""
    event_id = f"bench-{enrolment.id}"
    assessment = Assessment(
        id=enrolment.id,
        subject_id=enrolment.subject_id,
        subject_kind=enrolment.subject_kind.value,
        title=enrolment.title.value,
        year=enrolment.year,
        unit_path=enrolment.unit_path,
    )
    document = {
        **assessment.as_document(event_id, now),
        "last_event": event_id,
        "last_event_time": now.isoformat(),
        "updated_at": now.isoformat(),
        **records,
    }
    after = AssessmentRecord.from_document(document)
    return Change(event_id, after, {}, deltas(None, after), document=document)


def build_batch(start: int, count: int, commune: Commune, now: datetime) -> Batch:
    """Households ``start`` .. ``start + count - 1`` of one commune (as a commune's list
    arrives): deterministic for the same arguments."""
    rng = random.Random(start * 7919 + count)
    batch = Batch()
    figures = batch.figures.setdefault(commune.code, dict.fromkeys(FIGURES, 0))
    for index in range(start, start + count):
        subject = make_household(index, commune)
        batch.subjects.append(subject.as_document(commune.path, now))
        enrolment = Enrolment(
            subject.subject_id,
            subject.kind,
            subject.title,
            YEAR,
            commune.path,
            enrolment_links(subject),
        )
        batch.enrolments.append(enrolment.as_document(now, subject.name))
        change = opening(enrolment, stage_records(stage_of(rng.random()), index, now), now)
        batch.openings.append(change)
        for name, step in change.moved.items():
            figures[name] += step
    return batch


def allocate(households: int, weights: Sequence[float]) -> list[int]:
    """``households`` shared out by ``weights`` (largest remainders): sums exactly."""
    shares = [households * w for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: households - sum(counts)]:
        counts[i] += 1
    return counts


def plan(start: int, total: int, weights: Sequence[float], size: int) -> list[tuple[int, int, int]]:
    """(first household index, count, commune position) of every batch that seeds households
    ``start`` .. ``total - 1``: each commune's share in contiguous batches of at most ``size``."""
    batches = []
    first = start
    for place, count in enumerate(allocate(total - start, weights)):
        for offset in range(0, count, size):
            n = min(size, count - offset)
            batches.append((first, n, place))
            first += n
    return batches


@dataclass
class Seeded:
    households: int
    seconds: float
    figures: dict[str, dict[str, int]]  # per commune code

    def province(self) -> dict[str, int]:
        totals = dict.fromkeys(FIGURES, 0)
        for counts in self.figures.values():
            for name in FIGURES:
                totals[name] += counts[name]
        return totals


ATTEMPTS = 3
# At most this many households per open_many: it guards a counter's update with one condition
# per change, and nx-27017 (SQLite) refuses an expression deeper than 1,000.
MOST_PER_BATCH = 900
# Changes per open_many call: it drops every change's marker from a counter in one $unset, and
# nx-27017 silently ignores a $unset of 127 fields or more (modified 0, no error), which would
# leave a marker per household on the commune's counter (20 KB counters at 100,000 households,
# read by every figure). 100 stays under it.
OPEN_AT_ONCE = 100


def _insert_new(collection: TenantCollection, documents: list[dict[str, Any]]) -> None:
    """Insert the documents not there yet (a batch tried again finds some there)."""
    try:
        collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors") or []):
            raise


class Seeder:
    """Writes batches into a platform's registration and scoring databases."""

    def __init__(self, config: dict[str, Any], communes: Sequence[Commune]) -> None:
        client: MongoClient = MongoClient(config["MONGO_URI"], tz_aware=True)
        registration = TenantDatabase(client[database_name(config, "registration")], TENANT)
        scoring = TenantDatabase(client[database_name(config, "scoring")], TENANT)
        self.subjects = registration[SUBJECTS]
        self.enrolments = registration[ENROLMENTS]
        self.assessments = Assessments(scoring)
        self.communes = list(communes)
        self.weights = commune_weights(len(self.communes))
        self.figures: dict[str, dict[str, int]] = {}
        self.done = 0
        self._lock = threading.Lock()

    def write(self, first: int, count: int, place: int, now: datetime) -> None:
        """One batch, tried again after a failure (every write in it is idempotent: a
        document already there is kept, an assessment already opened is not counted again)."""
        batch = build_batch(first, count, self.communes[place], now)
        opened = 0
        for attempt in range(1, ATTEMPTS + 1):
            try:
                _insert_new(self.subjects, batch.subjects)
                _insert_new(self.enrolments, batch.enrolments)
                for at in range(0, len(batch.openings), OPEN_AT_ONCE):
                    chunk = batch.openings[at : at + OPEN_AT_ONCE]
                    opened += len(self.assessments.open_many(chunk))
                break
            except PyMongoError as exc:
                if attempt == ATTEMPTS:
                    raise
                print(f"  batch at {first}: {exc!r}; again", flush=True)
                time.sleep(attempt)
        if opened != count:
            raise RuntimeError(f"batch at {first}: {opened} of {count} assessments opened")
        with self._lock:
            for code, counts in batch.figures.items():
                total = self.figures.setdefault(code, dict.fromkeys(FIGURES, 0))
                for name in FIGURES:
                    total[name] += counts[name]
            self.done += count

    def seed(self, total: int, start: int = 0, batch: int = 500, threads: int = 2) -> Seeded:
        """Households ``start`` .. ``total - 1`` (so a second call with the first's total as
        ``start`` seeds more). Prints progress and rate."""
        batch = min(batch, MOST_PER_BATCH)
        now = datetime.now(UTC)
        began = time.perf_counter()
        before = self.done
        last = began
        with ThreadPoolExecutor(threads) as pool:
            futures = [
                pool.submit(self.write, first, count, place, now)
                for first, count, place in plan(start, total, self.weights, batch)
            ]
            for future in futures:
                try:
                    future.result()
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)  # fail now, not at the end
                    raise
                if time.perf_counter() - last > 10:
                    last = time.perf_counter()
                    rate = (self.done - before) / (last - began)
                    print(f"  seeded {self.done:,} households ({rate:,.0f}/s)", flush=True)
        spent = time.perf_counter() - began
        seeded = self.done - before
        print(
            f"seeded {seeded:,} households ({start:,} → {total:,}) in {spent:.1f}s: "
            f"{seeded / spent:,.0f} households/s ({3 * seeded / spent:,.0f} documents/s)",
            flush=True,
        )
        return Seeded(self.done, spent, {k: dict(v) for k, v in self.figures.items()})


COMMUNES = """query { orgUnit(code: "20") { children { children { code path level } } } }"""
STATS = """query($code: String!, $year: Int!) { orgUnit(code: $code) { stats(year: $year) {
  title(title: FAMILY) { registered assessed reviewed eligible recognised recognisedLevel1
  recognisedLevel2 recognisedLevel3 } } } }"""
CAMEL = {f"recognised_level_{n}": f"recognisedLevel{n}" for n in (1, 2, 3)}


def communes_of(client: Client) -> list[Commune]:
    """The province's communes (under its districts), by the public directory."""
    found = client(COMMUNES)["orgUnit"]
    return [
        Commune(c["code"], UnitPath.parse(c["path"]))
        for district in found["children"]
        for c in district["children"]
    ]


def check_figures(client: Client, seeded: Seeded, sample: int = 3) -> list[str]:
    """Differences between what was seeded and ``orgUnit.stats`` (province and a few of the
    largest communes); empty when every figure is exact."""
    wrong = []
    wanted = [("20", seeded.province())]
    largest = sorted(seeded.figures.items(), key=lambda kv: -kv[1]["registered"])[:sample]
    wanted += largest
    for code, expected in wanted:
        got = client(STATS, {"code": code, "year": YEAR})["orgUnit"]["stats"]["title"]
        for name in FIGURES:
            if got[CAMEL.get(name, name)] != expected[name]:
                wrong.append(f"{code} {name}: {got[CAMEL.get(name, name)]} != {expected[name]}")
    return wrong


def seeder_for(platform_settings: dict[str, str], client: Client) -> Seeder:
    return Seeder(load_config(env=platform_settings), communes_of(client))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with running_platform() as (platform, admin):
        seeder = seeder_for(platform.settings(), admin)
        print(f"{len(seeder.communes)} communes of province {TENANT}")
        seeded = seeder.seed(args.households, batch=args.batch, threads=args.threads)
        wrong = check_figures(admin, seeded)
        print("figures exact" if not wrong else "WRONG FIGURES:\n  " + "\n  ".join(wrong))
        print(f"province figures: {seeded.province()}")


if __name__ == "__main__":
    main()
