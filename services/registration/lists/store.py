"""Import jobs in MongoDB: a province's jobs, their files (in 1 MiB chunks, so any MongoDB can
hold them) and their errors; and the queue the import workers take jobs from, across
provinces."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import BulkWriteError

from khuyenhoc.storage import DuplicateKey, TenantDatabase, get_file, put_file

IMPORT_JOBS = "import_jobs"
IMPORT_FILES = "import_files"
IMPORT_ERRORS = "import_errors"
MAX_ATTEMPTS = 3  # an import that crashed its worker this often is marked FAILED


class ImportJobs:
    """One province's import jobs, their files and errors."""

    def __init__(self, db: TenantDatabase) -> None:
        self.jobs = db[IMPORT_JOBS]
        self.files = db[IMPORT_FILES]
        self.problems = db[IMPORT_ERRORS]

    def get(self, job_id: str) -> dict[str, Any] | None:
        return self.jobs.find_one({"_id": job_id})

    def create(self, job: dict[str, Any], content: bytes) -> dict[str, Any]:
        chunks = put_file(self.files, job["_id"], content)
        job = {**job, "chunks": chunks, "size": len(content)}
        try:
            self.jobs.insert_one(job)
        except DuplicateKey:
            return self.get(job["_id"]) or job
        return job

    def content(self, job_id: str) -> bytes:
        job = self.get(job_id)
        if job is None:
            raise LookupError(f"no import job {job_id}")
        return get_file(self.files, job_id, job["chunks"])

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


class AllTenantsImportQueue:
    """Where import workers take their next job from, whichever the province: one worker pool
    serves every province, so claiming is the one step that looks across tenants. It only
    claims (status and lease); the work is then done through the job's province's
    :class:`ImportJobs`."""

    def __init__(self, db: Database) -> None:
        self.jobs = db[IMPORT_JOBS]

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
                return self.jobs.find_one({"_id": job["_id"]})
        return None
