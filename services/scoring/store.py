"""MongoDB adapters of scoring: assessments and per-unit counters.

Counting exactly once without multi-document transactions: an event changes the assessment
first (guarded by the last event applied, so concurrent changes retry), recording the counter
change it owes as ``pending.<event id>``; the unit's counter is then changed together with a
marker ``applied.<event id>`` in the same atomic update, so a retry after a crash cannot count
twice; finally both the pending entry and the marker are removed. A redelivered event finds its
pending entry (and finishes the job) or finds itself older than the last event (and does
nothing); a change made by a request whose process died before counting it is finished by the
sweep (``settle_stale``). Only in-flight markers live on a counter, so counters stay small.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.outbox import ensure_outbox_index, outbox_update
from khuyenhoc.storage import forget_change, get_file, increment_once, put_file
from khuyenhoc.tenancy import UnitPath
from services.scoring.domain import (
    FIGURES,
    MEMBERS_RECOGNISED,
    Assessment,
    AssessmentStatus,
    ConcurrentChange,
    NotScorable,
    StaleRead,
    deltas,
    members_counter_id,
    transition,
)

ASSESSMENTS = "assessments"
PROPOSALS = "proposals"
EVIDENCE_FILES = "evidence_files"
TITLES = ("FAMILY", "CLAN", "COMMUNITY", "COMMUNE_COMMUNITY", "UNIT", "CITIZEN")
COUNTERS = "counters"
MAX_DEPTH = 4  # province / district / commune / branch
ATTEMPTS = 10
REGISTERED = AssessmentStatus.REGISTERED.value
OUTBOX_COLLECTIONS = (ASSESSMENTS,)
PENDING_COUNT = "pending_count"  # changes committed and not yet counted: what the sweep finds
SETTLE_GRACE = 120.0  # seconds; far longer than a request or a message takes


def prepare(db: Database) -> None:
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    ensure_outbox_index(db[ASSESSMENTS])
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("subject_id", ASCENDING)], name="by_subject"
    )
    db[ASSESSMENTS].create_index([(PENDING_COUNT, ASCENDING)], name="pending_count")
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"rollup_{depth}",
        )


class Assessments:
    def __init__(self, db: Database) -> None:
        self.assessments = db[ASSESSMENTS]
        self.counters = db[COUNTERS]

    def apply(
        self,
        assessment: Assessment,
        event_id: str,
        event_name: str,
        event_time: str,
        now: datetime,
    ) -> bool:
        """Apply an enrolment event; False when it changed nothing (duplicate or stale)."""
        for _ in range(ATTEMPTS):
            current = self.assessments.find_one({"_id": assessment.id})
            pending = (current or {}).get("pending") or {}
            if event_id in pending:  # a crash interrupted this very event: finish it
                self._settle(Assessment.from_document(current), event_id, pending[event_id])
                return True
            change = transition(
                (current or {}).get("status"),
                (current or {}).get("last_event_time"),
                event_name,
                event_time,
            )
            if change is None:
                return False
            state = {
                "status": change.status.value,
                "last_event": event_id,
                "last_event_time": event_time,
                "updated_at": now.isoformat(),
            }
            if change.status is AssessmentStatus.REGISTERED:
                state.update(assessment.links())
            moved = deltas(current, {**(current or {}), **state})
            if current is None:
                created = self._insert(assessment, event_id, now, state, moved)
            else:
                created = self._commit(current, event_id, {"$set": state}, moved)
            if created:  # settled as it now stands (a withdrawal carries no membership)
                after = {**(current or assessment.as_document(event_id, now)), **state}
                self._settle(Assessment.from_document(after), event_id, moved)
                return True
        raise ConcurrentChange(f"assessment {assessment.id} kept changing")

    def record_stage(
        self,
        tenant: str,
        assessment_id: str,
        stage: str,
        record: dict[str, Any],
        event: dict[str, Any] | None,
        read_version: int | None = None,
    ) -> dict[str, Any]:
        """Keep a stage of the assessment (self-assessment, review, recognition; a later record
        of a stage replaces the earlier) with the event announcing it, in the same write; the
        unit's figures follow. With ``read_version``, a record computed from that version is
        refused (:class:`StaleRead`) once the assessment has moved on."""
        for _ in range(ATTEMPTS):
            current = self.assessments.find_one({"_id": assessment_id})
            if not current or current["tenant"] != tenant or current["status"] != REGISTERED:
                raise NotScorable(assessment_id)
            if read_version is not None and current.get("version", 1) != read_version:
                raise StaleRead(assessment_id)
            moved = deltas(current, {**current, stage: record})
            change_id = event["id"] if event else str(uuid.uuid4())
            update = outbox_update(event) if event else {"$set": {}}
            update["$set"][stage] = record
            if self._commit(current, change_id, update, moved):
                self._settle(Assessment.from_document(current), change_id, moved)
                return {**current, stage: record}
        raise ConcurrentChange(f"assessment {assessment_id} kept changing")

    def _insert(
        self,
        assessment: Assessment,
        change_id: str,
        now: datetime,
        state: dict[str, Any],
        moved: dict[str, int],
    ) -> bool:
        document = {
            **assessment.as_document(change_id, now),
            **state,
            "version": 1,
            "pending": {change_id: moved},
            "pending_at": {change_id: time.time()},
            PENDING_COUNT: 1,
        }
        try:
            self.assessments.insert_one(document)
        except DuplicateKeyError:
            return False  # another delivery got there first: look again
        return True

    def _commit(
        self,
        current: dict[str, Any],
        change_id: str,
        update: dict[str, Any],
        moved: dict[str, int],
    ) -> bool:
        """Write a change if nobody else did since ``current`` was read (its ``version``),
        recording the figures it owes as ``pending.<change id>``."""
        update.setdefault("$set", {})[f"pending.{change_id}"] = moved
        update["$set"][f"pending_at.{change_id}"] = time.time()
        update.setdefault("$inc", {})["version"] = 1
        update["$inc"][PENDING_COUNT] = 1
        result = self.assessments.update_one(
            {"_id": current["_id"], "version": current.get("version", 1)}, update
        )
        return result.modified_count == 1

    def _settle(self, assessment: Assessment, change_id: str, moved: dict[str, int]) -> None:
        """Count a committed change on every counter it moves (the unit's; a member citizen's
        learning unit), then drop it from the assessment and the counters' markers."""
        counts = assessment.counts_moved(moved)
        for counter_id, (increments, identity) in counts.items():
            increment_once(self.counters, counter_id, change_id, increments, identity)
        self.assessments.update_one(
            {"_id": assessment.id, f"pending.{change_id}": {"$exists": True}},
            {
                "$unset": {f"pending.{change_id}": "", f"pending_at.{change_id}": ""},
                "$inc": {PENDING_COUNT: -1},
            },
        )
        for counter_id in counts:
            forget_change(self.counters, counter_id, change_id)

    def settle_stale(self, older_than: float = SETTLE_GRACE) -> int:
        """Finish changes committed but never counted (the process died in between): only
        those older than any request or message lives, so the settler that committed a change
        is never overtaken (two settlers of one change could count it twice). Returns how many
        were finished."""
        finished = 0
        cutoff = time.time() - older_than
        for doc in self.assessments.find({PENDING_COUNT: {"$gt": 0}}, {"outbox": 0}):
            assessment = Assessment.from_document(doc)
            for change_id, moved in (doc.get("pending") or {}).items():
                if (doc.get("pending_at") or {}).get(change_id, 0) < cutoff:
                    self._settle(assessment, change_id, moved)
                    finished += 1
        return finished

    def get(self, assessment_id: str) -> dict[str, Any] | None:
        return self.assessments.find_one({"_id": assessment_id}, {"outbox": 0})

    def unit_counters(self, path: UnitPath, year: int) -> Iterable[dict[str, Any]]:
        """Every counter at or below the unit: one indexed read per unit, not per record."""
        return self.counters.find(
            {"tenant": path.tenant, "year": year, f"path_{path.depth}": path.code},
            {"title": 1, **dict.fromkeys(FIGURES, 1)},
        )

    def members_recognised(self, tenant: str, unit_subject_id: str, year: int) -> int:
        """How many of a learning unit's members hold "Công dân học tập" for the year: one
        counter read (see ``Assessment.counts_moved``)."""
        found = self.counters.find_one({"_id": members_counter_id(tenant, unit_subject_id, year)})
        return int((found or {}).get(MEMBERS_RECOGNISED) or 0)

    def of_subject(self, tenant: str, subject_id: str) -> list[dict[str, Any]]:
        found = self.assessments.find({"tenant": tenant, "subject_id": subject_id}, {"outbox": 0})
        return sorted(found, key=lambda a: (a["year"], a["title"]))

    def under_unit(self, tenant: str, unit_code: str, title: str, year: int) -> list[dict]:
        """The unit's own assessments of a title and year (its proposal list is drawn from them)."""
        found = self.assessments.find(
            {"tenant": tenant, "unit_code": unit_code, "year": year}, {"outbox": 0}
        )
        return sorted((a for a in found if a["title"] == title), key=lambda a: a["_id"])


class Proposals:
    """Proposal lists (danh sách đề nghị công nhận) per unit, title and year."""

    def __init__(self, db: Database) -> None:
        self.proposals = db[PROPOSALS]

    def save(self, proposal: dict[str, Any]) -> dict[str, Any]:
        self.proposals.update_one({"_id": proposal["_id"]}, {"$set": proposal}, upsert=True)
        return proposal

    def get(self, proposal_id: str) -> dict[str, Any] | None:
        return self.proposals.find_one({"_id": proposal_id})

    def of_unit(self, tenant: str, unit_code: str, year: int) -> dict[str, dict[str, Any]]:
        """The unit's proposals of a year by title (ids are deterministic: one read each)."""
        ids = [f"{tenant}:{unit_code}:{title}:{year}" for title in TITLES]
        return {p["title"]: p for p in self.proposals.find({"_id": {"$in": ids}})}


class EvidenceFiles:
    """Evidence contents, once per digest, in chunks any MongoDB can hold."""

    def __init__(self, db: Database) -> None:
        self.files = db[EVIDENCE_FILES]

    def put(self, evidence_id: str, content: bytes) -> int:
        return put_file(self.files, evidence_id, content)

    def get(self, evidence_id: str, chunks: int) -> bytes:
        return get_file(self.files, evidence_id, chunks)
