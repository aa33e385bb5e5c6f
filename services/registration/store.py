"""MongoDB adapters of registration: the directory of units, subjects and enrolments."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.outbox import ensure_outbox_index, with_outbox

UNITS = "units"
SUBJECTS = "subjects"
ENROLMENTS = "enrolments"
OUTBOX_COLLECTIONS = (ENROLMENTS,)


def prepare(db: Database) -> None:
    """Indexes start with the tenant; the public directory is also found by its national code."""
    db[UNITS].create_index([("code", ASCENDING)], name="code")
    db[UNITS].create_index([("tenant", ASCENDING), ("parent_code", ASCENDING)], name="children")
    db[SUBJECTS].create_index([("tenant", ASCENDING), ("unit_code", ASCENDING)], name="by_unit")
    db[ENROLMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    ensure_outbox_index(db[ENROLMENTS])


def unit_id(tenant: str, code: str) -> str:
    return f"{tenant}:{code}"


class Directory:
    """Organisation units; every lookup but the public one by code is inside one tenant."""

    def __init__(self, db: Database) -> None:
        self.units = db[UNITS]

    def get(self, tenant: str, code: str) -> dict[str, Any] | None:
        return self.units.find_one({"_id": unit_id(tenant, code)})

    def find_by_code(self, code: str) -> dict[str, Any] | None:
        return self.units.find_one({"code": code})

    def children(self, tenant: str, code: str) -> list[dict[str, Any]]:
        found = self.units.find({"tenant": tenant, "parent_code": code})
        return sorted(found, key=lambda unit: unit["code"])

    def upsert(self, units: list[dict[str, Any]]) -> int:
        """Idempotent load: each unit is written by its ``_id``; returns how many were new."""
        if not units:
            return 0
        result = self.units.bulk_write(
            [UpdateOne({"_id": u["_id"]}, {"$set": u}, upsert=True) for u in units], ordered=False
        )
        return result.upserted_count


class Registrations:
    """Subjects and enrolments; an enrolment is stored together with its ``registered`` event."""

    def __init__(self, db: Database) -> None:
        self.subjects = db[SUBJECTS]
        self.enrolments = db[ENROLMENTS]

    def add_subject(self, subject: dict[str, Any]) -> bool:
        """Insert unless the same subject exists already; True when it is new."""
        result = self.subjects.update_one(
            {"_id": subject["_id"]}, {"$setOnInsert": subject}, upsert=True
        )
        return result.upserted_id is not None

    def add_enrolment(self, enrolment: dict[str, Any], event: dict[str, Any]) -> bool:
        """Insert the enrolment with its event in the outbox; False if it was there already."""
        try:
            self.enrolments.insert_one(with_outbox(enrolment, event))
        except DuplicateKeyError:
            return False
        return True

    def get_enrolment(self, enrolment_id: str) -> dict[str, Any] | None:
        return self.enrolments.find_one({"_id": enrolment_id}, {"outbox": 0})
