"""MongoDB adapters of registration: the directory of units, subjects and enrolments."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.outbox import ensure_outbox_index, outbox_update, with_outbox
from khuyenhoc.storage import forget_change, get_file, increment_once, put_file
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.directory.hierarchy import pick_version, reference_day, unit_id, valid_at
from services.registration.enrolment.domain import (
    ENROLLED,
    WITHDRAWN_STATUS,
    Enrolment,
    Subject,
    enrolment_links,
)

UNITS = "units"
SUBJECTS = "subjects"
ENROLMENTS = "enrolments"
SEQUENCES = "sequences"
BRANCH_NAMES = "branch_names"
MEMBERS = "members"
MEMBERSHIPS = "memberships"
IMPORT_JOBS = "import_jobs"
IMPORT_FILES = "import_files"
IMPORT_ERRORS = "import_errors"
DUPLICATE_KEY = 11000
MAX_ATTEMPTS = 3  # an import that crashed its worker this often is marked FAILED
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
    db[IMPORT_JOBS].create_index([("status", ASCENDING)], name="by_status")
    db[IMPORT_ERRORS].create_index([("job", ASCENDING), ("row", ASCENDING)], name="by_job")
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

    def reenrol(
        self, enrolment_id: str, event: dict[str, Any], links: dict[str, Any], now: datetime
    ) -> bool:
        """Enrol a withdrawn enrolment again, with its event; False if it was enrolled."""
        update = outbox_update(event)
        update["$set"].update(status=ENROLLED, links=links, reenrolled_at=now.isoformat())
        result = self.enrolments.update_one(
            {"_id": enrolment_id, "status": WITHDRAWN_STATUS}, update
        )
        return result.modified_count == 1

    def withdraw(
        self, enrolment_id: str, event: dict[str, Any], reason: str, now: datetime
    ) -> bool:
        """Withdraw with the event in the same write; False if it was not enrolled any more."""
        update = outbox_update(event)
        update["$set"].update(
            status=WITHDRAWN_STATUS, withdrawn_at=now.isoformat(), withdraw_reason=reason
        )
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

    def add_many(
        self, subjects: list[Subject], year: int, path: UnitPath, now: datetime
    ) -> tuple[int, int]:
        """Register a batch (an import): (enrolments created, already there). Written in bulk;
        withdrawn enrolments in the batch are enrolled again."""
        if not subjects:
            return 0, 0
        self.subjects.bulk_write(
            [
                UpdateOne(
                    {"_id": s.subject_id}, {"$setOnInsert": s.as_document(path, now)}, upsert=True
                )
                for s in subjects
            ],
            ordered=False,
        )
        enrolments = [
            Enrolment(s.subject_id, s.kind, s.title, year, path, enrolment_links(s))
            for s in subjects
        ]
        documents = [
            with_outbox(e.as_document(now, s.name), e.registered_event(now))
            for e, s in zip(enrolments, subjects, strict=True)
        ]
        try:
            self.enrolments.insert_many(documents, ordered=False)
            return len(documents), 0
        except BulkWriteError as exc:
            taken = [
                documents[w["index"]]
                for w in exc.details["writeErrors"]
                if w["code"] == DUPLICATE_KEY
            ]
            if len(taken) != len(exc.details["writeErrors"]):
                raise
        reenrolled = sum(
            self.reenrol(doc["_id"], enrolment.registered_event(now), doc["links"], now)
            for doc, enrolment in zip(documents, enrolments, strict=True)
            if doc in taken
        )
        return len(documents) - len(taken) + reenrolled, len(taken) - reenrolled

    def subject_details(self, subject_ids: list[str]) -> dict[str, dict[str, Any]]:
        found = self.subjects.find({"_id": {"$in": subject_ids}}, {"address": 1, "name": 1})
        return {doc["_id"]: doc for doc in found}

    def get_enrolment(self, enrolment_id: str) -> dict[str, Any] | None:
        return self.enrolments.find_one({"_id": enrolment_id}, {"outbox": 0})

    def get_subject(self, subject_id: str) -> dict[str, Any] | None:
        return self.subjects.find_one({"_id": subject_id})


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
        identity = {k: v for k, v in members_doc.items() if k not in ("_id", "count")}
        increment_once(
            self.members, members_doc["_id"], membership["_id"], {"registered": 1}, identity
        )
        self.memberships.update_one({"_id": membership["_id"]}, {"$set": {"counted": 1}})
        forget_change(self.members, members_doc["_id"], membership["_id"])
        return True

    def under(self, path: UnitPath) -> list[dict[str, Any]]:
        found = self.units.find({"tenant": path.tenant, "level": "branch"})
        return [unit for unit in found if unit.get(f"path_{path.depth}") == path.code]


class ImportJobs:
    """Import jobs, their files (in 1 MiB chunks, so any MongoDB can hold them) and errors."""

    def __init__(self, db: Database) -> None:
        self.jobs = db[IMPORT_JOBS]
        self.files = db[IMPORT_FILES]
        self.problems = db[IMPORT_ERRORS]

    def get(self, job_id: str) -> dict[str, Any] | None:
        return self.jobs.find_one({"_id": job_id})

    def create(self, job: dict[str, Any], content: bytes) -> dict[str, Any]:
        job = {**job, "chunks": put_file(self.files, job["_id"], content), "size": len(content)}
        try:
            self.jobs.insert_one(job)
        except DuplicateKeyError:
            return self.get(job["_id"])
        return job

    def content(self, job_id: str) -> bytes:
        return get_file(self.files, job_id, self.get(job_id)["chunks"])

    def claim(self, now: datetime, lease: timedelta) -> dict[str, Any] | None:
        """A job to work on: waiting, or abandoned by a worker whose lease ran out."""
        for job in self.jobs.find({"status": {"$in": ["PENDING", "RUNNING"]}}).limit(20):
            lease_until = job.get("lease_until")
            # Leases are epoch seconds: nx-27017 turns datetimes set by an update into text.
            if job["status"] == "RUNNING" and lease_until and lease_until > now.timestamp():
                continue
            guard = {"_id": job["_id"], "status": job["status"], "lease_until": lease_until}
            if job.get("attempts", 0) >= MAX_ATTEMPTS:  # it failed every time: stop trying
                self.jobs.update_one(guard, {"$set": {"status": "FAILED", "lease_until": None}})
                continue
            claimed = self.jobs.update_one(
                guard,
                {
                    "$set": {
                        "status": "RUNNING",
                        "lease_until": (now + lease).timestamp(),
                        "started_at": job.get("started_at") or now.isoformat(),
                    },
                    "$inc": {"attempts": 1},
                },
            )
            if claimed.modified_count == 1:
                return self.get(job["_id"])
        return None

    def progress(
        self,
        job: dict[str, Any],
        last_row: int,
        rows: int,
        outcome: Any,
        now: datetime,
        lease: timedelta,
    ) -> dict[str, Any]:
        if outcome.errors:
            documents = [
                {
                    "_id": f"{job['_id']}:{row}:{n}",
                    "job": job["_id"],
                    "row": row,
                    "column": column,
                    "reason": reason,
                }
                for n, (row, column, reason) in enumerate(outcome.errors)
            ]
            with suppress(BulkWriteError):  # a resumed batch writes its errors again
                self.problems.insert_many(documents, ordered=False)
        failed = len({row for row, _, _ in outcome.errors})
        totals = {
            "next_row": last_row,
            "done": job["done"] + rows,
            "created": job["created"] + outcome.created,
            "duplicates": job["duplicates"] + outcome.duplicates,
            "failed": job["failed"] + failed,
            "lease_until": (now + lease).timestamp(),
        }
        self.jobs.update_one({"_id": job["_id"]}, {"$set": totals})
        return {**job, **totals}

    def finish(self, job: dict[str, Any], status: str) -> dict[str, Any]:
        done = {
            "status": status,
            "finished_at": datetime.now(UTC).isoformat(),
            "lease_until": None,
        }
        if status == "DONE":
            done["total"] = job["done"]
        self.jobs.update_one({"_id": job["_id"]}, {"$set": done})
        return {**job, **done}

    def errors(self, job_id: str) -> list[tuple[int, str, str]]:
        found = self.problems.find({"job": job_id})
        return sorted((d["row"], d["column"], d["reason"]) for d in found)
