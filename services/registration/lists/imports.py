"""Bulk import of a commune's list (.xlsx / .csv) as a resumable job.

A job is identified by its commune, kind, year and the file's content, so sending the same file
again finds the same job; every row is registered like a single registration (the same rules,
the same de-duplication), so importing a list twice creates nothing new either. Rows are
processed in batches; progress (rows done / estimated total) is saved after each batch, so a
worker that dies is replaced by another that resumes where it stopped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import SheetRow, SpreadsheetError
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment.domain import IMPORTABLE_KINDS, Subject, registration_years
from services.registration.enrolment.service import registration_unit
from services.registration.errors import Refused
from services.registration.lists.columns import header_of
from services.registration.lists.reading import MAX_FILE_BYTES, read_rows
from services.registration.lists.templates import import_errors
from services.registration.messages import MESSAGES

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.directory.store import DirectoryStore
    from services.registration.enrolment.store import Registrations
    from services.registration.lists.store import ImportJobs

RowReader = Callable[[dict[str, Any]], Subject]
"""Reads one row's values (keyed by the list's field names) as a subject of the job's kind,
commune and year, or raises ``InvalidInput`` naming those fields: the edge's validation, the
same as a single registration's, passed in so that this use case never imports the edge."""

PENDING, RUNNING, DONE, FAILED = "PENDING", "RUNNING", "DONE", "FAILED"
# A province's caps on one list (TENANT_SETTINGS[t].limits.upload_bytes / import_rows): a
# commune's list is a few thousand rows; a file past either is refused before any row is read.
IMPORT_BYTES = 10 * 1024 * 1024
IMPORT_ROWS = 20_000
BATCH = 500
LEASE = timedelta(minutes=2)


def job_id(tenant: str, commune: str, kind: str, year: int, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    key = hashlib.sha256(f"{tenant}|{commune}|{kind}|{year}|{digest}".encode()).hexdigest()
    return f"imp-{key[:24]}"


def start(
    directory: DirectoryStore,
    jobs: ImportJobs,
    commune_code: str,
    kind: str,
    year: int,
    file_name: str,
    content: bytes,
    now: datetime | None = None,
    max_bytes: int = IMPORT_BYTES,
    max_rows: int = IMPORT_ROWS,
) -> tuple[dict[str, Any], bool]:
    """Accept a file for import; the same file for the same commune, kind and year returns the
    job that already has it. The header and the caps (bytes, rows) are checked now, so a wrong
    or oversized file fails at once and nothing is imported."""
    now = now or datetime.now(UTC)
    tenant = directory.tenant
    if kind not in {k.value for k in IMPORTABLE_KINDS}:
        raise Refused("kind", "import_kind")
    if year not in registration_years(date.today()):
        raise Refused("year", "year_range")
    if len(content) > min(max_bytes, MAX_FILE_BYTES):
        most = min(max_bytes, MAX_FILE_BYTES)
        text = MESSAGES["import_too_large"].format(most=_megabytes(most))
        raise Refused("file", "import_too_large", text=text)
    path = registration_unit(directory, commune_code, "commune", year, "commune_code")
    try:
        total, rows = read_rows(content, file_name, kind)
        try:
            if total is None or total > max_rows:  # an upper bound: count the rows themselves
                total = sum(1 for _ in zip(range(max_rows + 1), rows, strict=False))
        finally:
            rows.close()
    except SpreadsheetError as exc:  # the reader's own message, with its details filled in
        raise Refused("file", exc.key, text=str(exc)) from exc
    if total > max_rows:
        text = MESSAGES["import_too_many_rows"].format(most=f"{max_rows:,}".replace(",", "."))
        raise Refused("file", "import_too_many_rows", text=text)
    identity = job_id(tenant, commune_code, kind, year, content)
    existing = jobs.get(identity)
    if existing is not None:
        return existing, False
    job = {
        "_id": identity,
        "tenant": tenant,
        "commune_code": commune_code,
        "unitpath": str(path),
        "kind": kind,
        "year": year,
        "file_name": file_name,
        "status": PENDING,
        "total": total,
        "done": 0,
        "created": 0,
        "duplicates": 0,
        "failed": 0,
        "next_row": 0,
        "created_at": now,
        "lease_until": None,
    }
    return jobs.create(job, content), True


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):g} MB".replace(".", ",")


@dataclass(frozen=True)
class Outcome:
    created: int
    duplicates: int
    errors: list[tuple[int, str, str]]  # (row, column header, reason)


def run(
    directory: DirectoryStore,
    registrations: Registrations,
    jobs: ImportJobs,
    read_row: RowReader,
    job: dict[str, Any],
    batch: int = BATCH,
    after_batch: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Process a claimed job to the end, a batch at a time, resuming after ``next_row``; the
    stores are the job's province's."""
    content = jobs.content(job["_id"])
    _, rows = read_rows(content, job["file_name"], job["kind"])
    try:
        pending = _skip(rows, job["next_row"])
        while True:
            chunk = [row for _, row in zip(range(batch), pending, strict=False)]
            if not chunk:
                break
            outcome = _register_rows(directory, registrations, read_row, job, rows.headers, chunk)
            job = jobs.progress(
                job, chunk[-1].number, len(chunk), outcome, datetime.now(UTC), LEASE
            )
            if after_batch:
                after_batch()
    finally:
        rows.close()
    return jobs.finish(job, DONE)


def _skip(rows: Iterator[SheetRow], after_row: int) -> Iterator[SheetRow]:
    return (row for row in rows if row.number > after_row)


def _register_rows(
    directory: DirectoryStore,
    registrations: Registrations,
    read_row: RowReader,
    job: dict[str, Any],
    headers: dict[str, str],
    rows: list[SheetRow],
) -> Outcome:
    errors: list[tuple[int, str, str]] = []
    accepted, numbers = [], []
    for row in rows:
        if row.problems:
            errors += [(row.number, header, reason) for header, reason in row.problems]
            continue
        try:
            accepted.append(read_row({k: v for k, v in row.values.items() if v is not None}))
            numbers.append(row.number)
        except InvalidInput as exc:
            errors += [
                (row.number, _column(job["kind"], headers, e.field), e.message) for e in exc.errors
            ]
    try:
        path = registration_unit(
            directory, job["commune_code"], "commune", job["year"], "commune_code"
        )
    except Refused as refused:  # the commune ended after the file was accepted: every row says so
        reason = str(refused.params.get("text") or MESSAGES[refused.key])
        column = _column(job["kind"], headers, "commune_code")
        return Outcome(0, 0, errors + [(number, column, reason) for number in numbers])
    created, duplicates = registrations.add_many(accepted, job["year"], path, datetime.now(UTC))
    return Outcome(created, duplicates, errors)


def _column(kind: str, headers: dict[str, str], field: str) -> str:
    """The column the officer knows: as written in the file, else the template's header."""
    top = field.split(".")[0]
    if top in headers:
        return headers[top]
    try:
        return header_of(kind, top)
    except KeyError:
        return top


def report(jobs: ImportJobs, job: dict[str, Any]) -> bytes:
    """The job's error report (.xlsx): row, column, reason."""
    return import_errors(job["kind"], jobs.errors(job["_id"]))
