"""Registration's database as a whole: its indexes (every one starts with the tenant but the
public directory's by national code), the collections whose documents carry events (the
outbox), and the one-off stamping of documents written before they carried their tenant."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from khuyenhoc.outbox import ensure_outbox_index
from khuyenhoc.storage import DuplicateKey, migrate_once
from services.registration.association.store import (
    BRANCH_NAMES,
    MEMBERS,
    MEMBERSHIPS,
    SEQUENCES,
)
from services.registration.directory.store import UNITS
from services.registration.enrolment.domain import list_keys
from services.registration.enrolment.store import ENROLMENTS, SUBJECTS
from services.registration.lists.store import IMPORT_ERRORS, IMPORT_FILES, IMPORT_JOBS

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
    for depth in range(MAX_DEPTH):  # the household list's keys (enrolment.domain.list_keys)
        db[ENROLMENTS].create_index([(f"lk_{depth}", ASCENDING)], name=f"list_key_{depth}")
    migrate_once(db, "2026-11-enrolment-list-keys", add_list_keys)
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
    # nx-27017 uses single-field indexes (a compound one only by its first field, often the
    # tenant): a unit's children, the units of a level, an import's errors, branch figures
    db[UNITS].create_index([("parent_code", ASCENDING)], name="parent_code")
    db[UNITS].create_index([("level", ASCENDING)], name="level")
    for depth in range(MAX_DEPTH):
        db[MEMBERS].create_index([(f"path_{depth}", ASCENDING)], name=f"path_{depth}")
    migrate_once(db, "2026-11-tenant-field", stamp_tenants)


LIST_KEYS_BATCH = 1000


def add_list_keys(db: Database) -> int:
    """Give the household list's keys to enrolments written before they carried them (one
    pass, updates by ``_id`` in bulk). Idempotent; run once per database by ``prepare``.
    Returns how many enrolments it changed."""
    enrolments = db[ENROLMENTS]
    fields = {"unitpath": 1, "year": 1, "status": 1, "title": 1}
    changed, batch = 0, []
    for doc in enrolments.find({"lk_0": {"$exists": False}}, fields):
        if not all(doc.get(name) is not None for name in fields):
            continue
        keys = list_keys(doc["unitpath"], doc["year"], doc["status"], doc["title"], doc["_id"])
        batch.append(UpdateOne({"_id": doc["_id"]}, {"$set": keys}))
        if len(batch) >= LIST_KEYS_BATCH:
            changed += enrolments.bulk_write(batch, ordered=False).modified_count
            batch = []
    if batch:
        changed += enrolments.bulk_write(batch, ordered=False).modified_count
    return changed


def stamp_tenants(db: Database) -> None:
    """Give a tenant to the documents written before every document carried one (branch
    counters and name claims, import files and errors), so the tenant-bound stores find them.
    Idempotent; run once per database by ``prepare`` (``migrate_once``)."""
    _stamp(db[SEQUENCES], lambda doc: doc["_id"].split(":")[1])  # branch:<tenant>:<commune>
    _stamp(db[BRANCH_NAMES], lambda doc: doc["_id"].split(":")[0])  # <tenant>:<commune>:<name>
    jobs: dict[str, str | None] = {}

    def job_tenant(job_id: str) -> str | None:
        if job_id not in jobs:
            job = db[IMPORT_JOBS].find_one({"_id": job_id}, {"tenant": 1})
            jobs[job_id] = job.get("tenant") if job else None
        return jobs[job_id]

    _stamp(db[IMPORT_ERRORS], lambda doc: job_tenant(str(doc.get("job"))))
    _restamp_chunks(db[IMPORT_FILES], lambda chunk_id: job_tenant(chunk_id.rsplit(":", 1)[0]))


def _stamp(
    collection: Collection[dict[str, Any]], tenant_of: Callable[[dict[str, Any]], str | None]
) -> None:
    for doc in collection.find({"tenant": {"$exists": False}}):
        tenant = tenant_of(doc)
        if tenant:
            collection.update_one({"_id": doc["_id"]}, {"$set": {"tenant": tenant}})


SPARE = "#spare"


def _restamp_chunks(
    files: Collection[dict[str, Any]], tenant_of: Callable[[str], str | None]
) -> None:
    """File chunks get their tenant by being written again: nx-27017 loses a ``$set`` on some
    documents holding binary data and refuses ``replace_one``. A spare copy is kept under
    ``<id>#spare`` until the chunk is back, so a crash in between loses nothing: the next start
    puts back a chunk whose spare outlived it."""
    for spare in files.find({"spare_of": {"$exists": True}}):
        with suppress(DuplicateKey):
            files.insert_one({"_id": spare["spare_of"], "data": spare["data"]})
        files.delete_one({"_id": spare["_id"]})
    legacy = files.find({"tenant": {"$exists": False}, "spare_of": {"$exists": False}}, {"_id": 1})
    for chunk_id in [doc["_id"] for doc in legacy]:  # ids first: the loop writes the collection
        tenant = tenant_of(str(chunk_id))
        chunk = files.find_one({"_id": chunk_id}) if tenant else None
        if chunk is None:
            continue
        spare_id = f"{chunk['_id']}{SPARE}"
        with suppress(DuplicateKey):
            files.insert_one({"_id": spare_id, "spare_of": chunk["_id"], "data": chunk["data"]})
        files.delete_one({"_id": chunk["_id"]})
        files.insert_one({**chunk, "tenant": tenant})
        files.delete_one({"_id": spare_id})
