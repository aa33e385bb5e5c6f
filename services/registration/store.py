"""MongoDB adapters of registration: the directory of units, subjects and enrolments."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from khuyenhoc.outbox import ensure_outbox_index, outbox_update, with_outbox
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.domain import ENROLLED, WITHDRAWN_STATUS
from services.registration.hierarchy import pick_version, reference_day, unit_id, valid_at

UNITS = "units"
SUBJECTS = "subjects"
ENROLMENTS = "enrolments"
SEQUENCES = "sequences"
BRANCH_NAMES = "branch_names"
MEMBERS = "members"
MEMBERSHIPS = "memberships"
MAX_DEPTH = 4
OUTBOX_COLLECTIONS = (ENROLMENTS, MEMBERSHIPS)


def prepare(db: Database) -> None:
    """Indexes start with the tenant; the public directory is also found by its national code."""
    db[UNITS].create_index([("code", ASCENDING)], name="code")
    db[UNITS].create_index([("tenant", ASCENDING), ("code", ASCENDING)], name="versions")
    db[UNITS].create_index(
        [("tenant", ASCENDING), ("parent_code", ASCENDING), ("scheme", ASCENDING)],
        name="children",
    )
    db[UNITS].create_index([("tenant", ASCENDING), ("level", ASCENDING)], name="by_level")
    db[SUBJECTS].create_index([("tenant", ASCENDING), ("unit_code", ASCENDING)], name="by_unit")
    db[ENROLMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    ensure_outbox_index(db[ENROLMENTS])
    for depth in range(MAX_DEPTH):
        db[ENROLMENTS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"listing_{depth}",
        )
    ensure_outbox_index(db[MEMBERSHIPS])
    db[MEMBERSHIPS].create_index(
        [("tenant", ASCENDING), ("branch_code", ASCENDING), ("year", ASCENDING)], name="by_branch"
    )
    for depth in range(MAX_DEPTH):
        db[MEMBERS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"rollup_{depth}",
        )


class Directory:
    """Organisation units; every lookup but the public one by code is inside one tenant."""

    def __init__(self, db: Database) -> None:
        self.units = db[UNITS]

    def version(self, tenant: str, scheme: str, code: str) -> dict[str, Any] | None:
        return self.by_id(unit_id(tenant, scheme, code))

    def by_id(self, unit_id_: str) -> dict[str, Any] | None:
        return self.units.find_one({"_id": unit_id_})

    def get(self, tenant: str, code: str, at: date | None = None) -> dict[str, Any] | None:
        """The unit ``code`` of ``tenant`` as it was at ``at`` (default today)."""
        return pick_version(self.units.find({"tenant": tenant, "code": code}), at or date.today())

    def find_by_code(self, code: str, at: date | None = None) -> dict[str, Any] | None:
        return pick_version(self.units.find({"code": code}), at or date.today())

    def children(self, unit: dict[str, Any], at: date | None = None) -> list[dict[str, Any]]:
        """The units under ``unit`` that existed on ``at`` (default: while ``unit`` existed)."""
        day = at or reference_day(unit, date.today())
        found = self.units.find(
            {"tenant": unit["tenant"], "parent_code": unit["code"], "scheme": unit["scheme"]}
        )
        return sorted((c for c in found if valid_at(c, day)), key=lambda child: child["code"])

    def search(
        self,
        *,
        tenant: str | None = None,
        level: str | None = None,
        parent: dict[str, Any] | None = None,
        text: str | None = None,
        at: date | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Units by level, parent and name; the name matches with or without diacritics."""
        query: dict[str, Any] = {}
        if parent is not None:
            query.update(
                tenant=parent["tenant"], parent_code=parent["code"], scheme=parent["scheme"]
            )
        elif tenant:
            query["tenant"] = tenant
        if level:
            query["level"] = level
        if text and search_key(text):
            query["name_key"] = {"$regex": re.escape(search_key(text))}
        day = at or date.today()
        if parent is not None and at is None:
            day = reference_day(parent, day)
        found = (u for u in self.units.find(query) if valid_at(u, day))
        return sorted(found, key=lambda unit: (unit["depth"], unit["code"]))[:limit]

    def at_level(self, tenant: str, level: str) -> list[dict[str, Any]]:
        """Every version of every unit of a level, whatever its validity."""
        return list(self.units.find({"tenant": tenant, "level": level}))

    def upsert(self, units: list[dict[str, Any]]) -> int:
        """Idempotent load: each unit is written by its ``_id``; returns how many were new."""
        if not units:
            return 0
        result = self.units.bulk_write(
            [UpdateOne({"_id": u["_id"]}, {"$set": u}, upsert=True) for u in units], ordered=False
        )
        return result.upserted_count

    def update(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields on units by ``_id`` (links of a reorganisation)."""
        if changes:
            self.units.bulk_write(
                [UpdateOne({"_id": _id}, {"$set": fields}) for _id, fields in changes.items()],
                ordered=False,
            )


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

    def reenrol(self, enrolment_id: str, event: dict[str, Any], now: datetime) -> bool:
        """Enrol a withdrawn enrolment again, with its event; False if it was enrolled."""
        update = outbox_update(event)
        update["$set"].update(status=ENROLLED, reenrolled_at=now)
        result = self.enrolments.update_one(
            {"_id": enrolment_id, "status": WITHDRAWN_STATUS}, update
        )
        return result.modified_count == 1

    def withdraw(
        self, enrolment_id: str, event: dict[str, Any], reason: str, now: datetime
    ) -> bool:
        """Withdraw with the event in the same write; False if it was not enrolled any more."""
        update = outbox_update(event)
        update["$set"].update(status=WITHDRAWN_STATUS, withdrawn_at=now, withdraw_reason=reason)
        result = self.enrolments.update_one({"_id": enrolment_id, "status": ENROLLED}, update)
        return result.modified_count == 1

    def list_enrolments(
        self,
        path: UnitPath,
        year: int,
        title: str | None,
        status: str | None,
        search: str | None,
        after: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {
            "tenant": path.tenant,
            "year": year,
            f"path_{path.depth}": path.code,
        }
        if title:
            query["title"] = title
        if status:
            query["status"] = status
        if search and search_key(search):
            query["name_key"] = {"$regex": re.escape(search_key(search))}
        if after:
            query["_id"] = {"$gt": after}
        found = self.enrolments.find(query, {"outbox": 0}).sort("_id", ASCENDING).limit(limit)
        return list(found)

    def get_enrolment(self, enrolment_id: str) -> dict[str, Any] | None:
        return self.enrolments.find_one({"_id": enrolment_id}, {"outbox": 0})


class Branches:
    """Branch numbering, the one-open-branch-per-name rule, and member counts per year."""

    def __init__(self, db: Database) -> None:
        self.units = db[UNITS]
        self.sequences = db[SEQUENCES]
        self.names = db[BRANCH_NAMES]
        self.members = db[MEMBERS]
        self.memberships = db[MEMBERSHIPS]

    def next_number(self, tenant: str, commune_code: str) -> int:
        counter = self.sequences.find_one_and_update(
            {"_id": f"branch:{tenant}:{commune_code}"},
            {"$inc": {"n": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(counter["n"])

    def claim_name(self, claim_id: str, code: str) -> str:
        """The code holding the name: ``code`` if the claim is new, else the earlier holder."""
        try:
            self.names.insert_one({"_id": claim_id, "code": code})
        except DuplicateKeyError:
            return self.names.find_one({"_id": claim_id})["code"]
        return code

    def release_name(self, claim_id: str) -> None:
        self.names.delete_one({"_id": claim_id})

    def add(self, unit: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit["_id"]}, {"$setOnInsert": unit}, upsert=True)

    def change(self, unit_id_: str, fields: dict[str, Any]) -> None:
        self.units.update_one({"_id": unit_id_}, {"$set": fields})

    def set_members(self, document: dict[str, Any]) -> None:
        self.members.update_one({"_id": document["_id"]}, {"$set": document}, upsert=True)

    def member_count(self, path: UnitPath, year: int) -> int:
        """Members of every branch at or below the unit: one read per branch, not per member.
        A branch counts the larger of its declared total and its members registered by name."""
        found = self.members.find(
            {"tenant": path.tenant, "year": year, f"path_{path.depth}": path.code},
            {"count": 1, "registered": 1},
        )
        return sum(
            max(int(doc.get("count") or 0), int(doc.get("registered") or 0)) for doc in found
        )

    def add_membership(
        self, membership: dict[str, Any], event: dict[str, Any], members_doc: dict[str, Any]
    ) -> bool:
        """Record a member's year in a branch with its event, and count it once; False when
        that membership existed (and had been counted)."""
        try:
            self.memberships.insert_one(with_outbox(membership, event))
        except DuplicateKeyError:
            existing = self.memberships.find_one({"_id": membership["_id"]}, {"counted": 1})
            if existing and existing.get("counted"):
                return False
        marker = f"applied.{membership['_id']}"
        identity = {k: v for k, v in members_doc.items() if k not in ("_id", "count")}
        with suppress(DuplicateKeyError):  # the marker is there: counted before a crash
            self.members.update_one(
                {"_id": members_doc["_id"], marker: {"$exists": False}},
                {"$inc": {"registered": 1}, "$set": {marker: 1}, "$setOnInsert": identity},
                upsert=True,
            )
        self.memberships.update_one({"_id": membership["_id"]}, {"$set": {"counted": 1}})
        self.members.update_one({"_id": members_doc["_id"]}, {"$unset": {marker: ""}})
        return True

    def under(self, path: UnitPath) -> list[dict[str, Any]]:
        found = self.units.find({"tenant": path.tenant, "level": "branch"})
        return [unit for unit in found if unit.get(f"path_{path.depth}") == path.code]
