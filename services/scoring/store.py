"""MongoDB adapters of scoring: assessments and per-unit counters.

Counting exactly once without multi-document transactions: an event changes the assessment
first (guarded by the last event applied, so concurrent changes retry), recording the counter
change it owes as ``pending.<event id>``; the unit's counter is then changed together with a
marker ``applied.<event id>`` in the same atomic update, so a retry after a crash cannot count
twice; finally both the pending entry and the marker are removed. A redelivered event finds its
pending entry (and finishes the job) or finds itself older than the last event (and does
nothing). Only in-flight markers live on a counter, so counters stay small.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.tenancy import UnitPath
from services.scoring.domain import Assessment, Transition, transition

ASSESSMENTS = "assessments"
COUNTERS = "counters"
MAX_DEPTH = 4  # province / district / commune / branch
ATTEMPTS = 10


def prepare(db: Database) -> None:
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"rollup_{depth}",
        )


class ConcurrentChange(RuntimeError):
    """The assessment kept changing under us; the message will be retried."""


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
                self._settle(assessment, event_id, int(pending[event_id]))
                return True
            change = transition(
                (current or {}).get("status"),
                (current or {}).get("last_event_time"),
                event_name,
                event_time,
            )
            if change is None:
                return False
            if self._record(assessment, current, change, event_id, event_time, now):
                self._settle(assessment, event_id, change.registered_delta)
                return True
        raise ConcurrentChange(f"assessment {assessment.id} kept changing")

    def _record(
        self,
        assessment: Assessment,
        current: dict[str, Any] | None,
        change: Transition,
        event_id: str,
        event_time: str,
        now: datetime,
    ) -> bool:
        state = {
            "status": change.status.value,
            "last_event": event_id,
            "last_event_time": event_time,
            "updated_at": now.isoformat(),
        }
        if current is None:
            document = {
                **assessment.as_document(event_id, now),
                **state,
                "pending": {event_id: change.registered_delta},
            }
            try:
                self.assessments.insert_one(document)
            except DuplicateKeyError:
                return False  # another delivery got there first: look again
            return True
        result = self.assessments.update_one(
            {"_id": assessment.id, "last_event": current.get("last_event")},
            {"$set": {**state, f"pending.{event_id}": change.registered_delta}},
        )
        return result.modified_count == 1

    def _settle(self, assessment: Assessment, event_id: str, delta: int) -> None:
        marker = f"applied.{event_id}"
        if delta:
            # A duplicate key means the marker is there: counted before a crash, not again.
            with suppress(DuplicateKeyError):
                self.counters.update_one(
                    {"_id": assessment.counter_id, marker: {"$exists": False}},
                    {
                        "$inc": {"registered": delta},
                        "$set": {marker: 1},
                        "$setOnInsert": assessment.counter_identity(),
                    },
                    upsert=True,
                )
        self.assessments.update_one({"_id": assessment.id}, {"$unset": {f"pending.{event_id}": ""}})
        if delta:
            self.counters.update_one({"_id": assessment.counter_id}, {"$unset": {marker: ""}})

    def get(self, assessment_id: str) -> dict[str, Any] | None:
        return self.assessments.find_one({"_id": assessment_id})

    def unit_counters(self, path: UnitPath, year: int) -> Iterable[dict[str, Any]]:
        """Every counter at or below the unit: one indexed read per unit, not per record."""
        return self.counters.find(
            {"tenant": path.tenant, "year": year, f"path_{path.depth}": path.code},
            {"title": 1, "registered": 1},
        )
