"""MongoDB adapters of scoring: assessments and per-unit counters.

Counting exactly once without multi-document transactions: the assessment is inserted first
(its ``_id`` is the enrolment, so a redelivered or re-sent event finds it), then the unit's
counter is incremented together with a marker ``applied.<assessment>`` in the same atomic update,
so a retry after a crash cannot count twice; the assessment is then marked done and the marker
removed. Only in-flight markers live on a counter, so counters stay small.
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
from services.scoring.domain import Assessment

ASSESSMENTS = "assessments"
COUNTERS = "counters"
MAX_DEPTH = 4  # province / district / commune / branch
PENDING, DONE = "pending", "done"


def prepare(db: Database) -> None:
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"rollup_{depth}",
        )


class Assessments:
    def __init__(self, db: Database) -> None:
        self.assessments = db[ASSESSMENTS]
        self.counters = db[COUNTERS]

    def open(self, assessment: Assessment, event_id: str, now: datetime) -> bool:
        """Open the assessment and count it; False when it had been opened and counted before."""
        document = {**assessment.as_document(event_id, now), "rollup": PENDING}
        try:
            self.assessments.insert_one(document)
        except DuplicateKeyError:
            existing = self.assessments.find_one({"_id": assessment.id}, {"rollup": 1})
            if existing and existing.get("rollup") == DONE:
                return False
        self._count(assessment)
        self.assessments.update_one({"_id": assessment.id}, {"$set": {"rollup": DONE}})
        self.counters.update_one(
            {"_id": assessment.counter_id}, {"$unset": {f"applied.{assessment.id}": ""}}
        )
        return True

    def _count(self, assessment: Assessment) -> None:
        marker = f"applied.{assessment.id}"
        # A duplicate key means the marker is there: counted before a crash, not again.
        with suppress(DuplicateKeyError):
            self.counters.update_one(
                {"_id": assessment.counter_id, marker: {"$exists": False}},
                {
                    "$inc": {"registered": 1},
                    "$set": {marker: 1},
                    "$setOnInsert": assessment.counter_identity(),
                },
                upsert=True,
            )

    def get(self, assessment_id: str) -> dict[str, Any] | None:
        return self.assessments.find_one({"_id": assessment_id})

    def unit_counters(self, path: UnitPath, year: int) -> Iterable[dict[str, Any]]:
        """Every counter at or below the unit: one indexed read per unit, not per record."""
        return self.counters.find(
            {"tenant": path.tenant, "year": year, f"path_{path.depth}": path.code},
            {"title": 1, "registered": 1},
        )
