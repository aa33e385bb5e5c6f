"""In-memory stores of registration, for fast tests of its use cases (no server). Each fake
is built for one province over a shared :class:`World`, like the real stores over one
database: it sees and changes only its province's documents. Events written with a change
are kept in ``world.outbox``."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.directory.hierarchy import pick_version, unit_id
from services.registration.enrolment.domain import (
    ENROLLED,
    WITHDRAWN_STATUS,
    Enrolment,
    Subject,
    enrolment_links,
    list_cursor,
)
from services.registration.enrolment.records import EnrolmentRecord, SubjectRecord

Doc = dict[str, Any]


@dataclass
class World:
    """Every collection of registration's database, as dictionaries by ``_id``."""

    units: dict[str, Doc] = field(default_factory=dict)
    subjects: dict[str, Doc] = field(default_factory=dict)
    enrolments: dict[str, Doc] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    names: dict[str, Doc] = field(default_factory=dict)
    members: dict[str, Doc] = field(default_factory=dict)
    memberships: dict[str, Doc] = field(default_factory=dict)
    jobs: dict[str, Doc] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    outbox: list[Doc] = field(default_factory=list)

    def stores(self, tenant: str) -> tuple[FakeDirectory, FakeRegistrations, FakeBranches]:
        return (
            FakeDirectory(self, tenant),
            FakeRegistrations(self, tenant),
            FakeBranches(self, tenant),
        )


class _Own:
    def __init__(self, world: World, tenant: str) -> None:
        self.world = world
        self.tenant = tenant

    def _own(self, docs: dict[str, Doc], doc_id: str) -> Doc | None:
        doc = docs.get(doc_id)
        return copy.deepcopy(doc) if doc is not None and doc.get("tenant") == self.tenant else None


class FakeDirectory(_Own):
    def version(self, scheme: str, code: str) -> Doc | None:
        return self.by_id(unit_id(self.tenant, scheme, code))

    def by_id(self, unit_id_: str) -> Doc | None:
        return self._own(self.world.units, unit_id_)

    def get(self, code: str, at: date | None = None) -> Doc | None:
        versions = [
            copy.deepcopy(u)
            for u in self.world.units.values()
            if u["tenant"] == self.tenant and u["code"] == code
        ]
        return pick_version(versions, at or date.today())

    def at_level(self, level: str) -> list[Doc]:
        return [
            copy.deepcopy(u)
            for u in self.world.units.values()
            if u["tenant"] == self.tenant and u["level"] == level
        ]

    def upsert(self, units: list[Doc]) -> int:
        new = 0
        for unit in units:
            assert unit.get("tenant", self.tenant) == self.tenant
            new += unit["_id"] not in self.world.units
            self.world.units.setdefault(unit["_id"], {}).update({**unit, "tenant": self.tenant})
        return new

    def update(self, changes: dict[str, dict[str, Any]]) -> None:
        for unit_id_, fields in changes.items():
            if self.by_id(unit_id_) is not None:
                self.world.units[unit_id_].update(fields)


class FakeRegistrations(_Own):
    def add_subject(self, subject: Doc) -> bool:
        if subject["_id"] in self.world.subjects:
            return False
        self.world.subjects[subject["_id"]] = {**subject, "tenant": self.tenant}
        return True

    def add_enrolment(self, enrolment: Doc, event: Doc) -> bool:
        if enrolment["_id"] in self.world.enrolments:
            return False
        self.world.enrolments[enrolment["_id"]] = {**enrolment, "tenant": self.tenant}
        self.world.outbox.append(event)
        return True

    def reenrol(
        self, enrolment_id: str, event: Doc, links: Doc, now: datetime, document: Doc | None = None
    ) -> bool:
        found = self._own(self.world.enrolments, enrolment_id)
        if found is None or found["status"] != WITHDRAWN_STATUS:
            return False
        self.world.enrolments[enrolment_id].update(status=ENROLLED, links=links)
        self.world.outbox.append(event)
        return True

    def withdraw(self, enrolment_id: str, event: Doc, reason: str, now: datetime) -> bool:
        found = self._own(self.world.enrolments, enrolment_id)
        if found is None or found["status"] != ENROLLED:
            return False
        self.world.enrolments[enrolment_id].update(status=WITHDRAWN_STATUS, withdraw_reason=reason)
        self.world.outbox.append(event)
        return True

    def list_enrolments(
        self,
        path: UnitPath,
        year: int,
        title: str | None,
        status: str | None,
        search: str | None,
        after: str | None,
        limit: int,
    ) -> list[EnrolmentRecord]:
        return self.list_page(path, year, title, status, search, after, limit)[0]

    def list_page(
        self,
        path: UnitPath,
        year: int,
        title: str | None,
        status: str | None,
        search: str | None,
        after: str | None,
        limit: int,
    ) -> tuple[list[EnrolmentRecord], str | None]:
        """The store's order (status, title, id) and cursor, over the in-memory documents."""

        def cursor(doc: dict) -> str:
            return list_cursor(doc["status"], doc["title"], doc["_id"])

        found = [
            doc
            for doc in self.world.enrolments.values()
            if doc["tenant"] == self.tenant == path.tenant
            and doc["year"] == year
            and doc.get(f"path_{path.depth}") == path.code
            and (not title or doc["title"] == title)
            and (not status or doc["status"] == status)
            and (not search or search_key(search) in doc["name_key"])
            and (not after or cursor(doc) > after)
        ]
        found.sort(key=cursor)
        items = [EnrolmentRecord.from_document(doc) for doc in found[:limit]]
        return items, cursor(found[limit - 1]) if len(found) > limit else None

    def add_many(
        self, subjects: list[Subject], year: int, path: UnitPath, now: datetime
    ) -> tuple[int, int]:
        created = duplicates = 0
        for subject in subjects:
            self.add_subject(subject.as_document(path, now))
            enrolment = Enrolment(
                subject.subject_id,
                subject.kind,
                subject.title,
                year,
                path,
                enrolment_links(subject),
            )
            event = enrolment.registered_event(now)
            document = enrolment.as_document(now, subject.name)
            if self.add_enrolment(document, event) or self.reenrol(
                enrolment.id, event, dict(enrolment.links), now
            ):
                created += 1
            else:
                duplicates += 1
        return created, duplicates

    def subject_details(self, subject_ids: list[str]) -> dict[str, Doc]:
        found = (self._own(self.world.subjects, i) for i in subject_ids)
        return {doc["_id"]: doc for doc in found if doc is not None}

    def enrolments_named(self, enrolment_ids: list[str]) -> list[EnrolmentRecord]:
        found = (self._own(self.world.enrolments, i) for i in enrolment_ids)
        return [EnrolmentRecord.from_document(doc) for doc in found if doc is not None]

    def subjects_named(self, subject_ids: list[str]) -> list[SubjectRecord]:
        found = (self._own(self.world.subjects, i) for i in subject_ids)
        return [SubjectRecord.from_document(doc) for doc in found if doc is not None]

    def get_enrolment(self, enrolment_id: str) -> EnrolmentRecord | None:
        found = self._own(self.world.enrolments, enrolment_id)
        return None if found is None else EnrolmentRecord.from_document(found)

    def get_subject(self, subject_id: str) -> SubjectRecord | None:
        found = self._own(self.world.subjects, subject_id)
        return None if found is None else SubjectRecord.from_document(found)

    def enrolment_document(self, enrolment_id: str) -> Doc | None:
        found = self._own(self.world.enrolments, enrolment_id)
        return None if found is None else {k: v for k, v in found.items() if k != "outbox"}

    def subject_document(self, subject_id: str) -> Doc | None:
        return self._own(self.world.subjects, subject_id)

    def correct_subject(self, subject_id: str, fields: Doc, now: datetime) -> None:
        if self._own(self.world.subjects, subject_id) is not None:
            stored = self.world.subjects[subject_id]
            stored.update(copy.deepcopy(fields), corrected_at=now.isoformat())


class FakeBranches(_Own):
    def next_number(self, commune_code: str) -> int:
        key = f"branch:{self.tenant}:{commune_code}"
        self.world.sequences[key] = self.world.sequences.get(key, 0) + 1
        return self.world.sequences[key]

    def claim_name(self, claim_id: str, code: str) -> str:
        holder = self.world.names.setdefault(claim_id, {"code": code, "tenant": self.tenant})
        return str(holder["code"])

    def release_name(self, claim_id: str) -> None:
        if self._own(self.world.names, claim_id) is not None:
            del self.world.names[claim_id]

    def add(self, unit: Doc) -> None:
        self.world.units.setdefault(unit["_id"], {**unit, "tenant": self.tenant})

    def change(self, unit_id_: str, fields: Doc) -> None:
        if self._own(self.world.units, unit_id_) is not None:
            self.world.units[unit_id_].update(fields)

    def set_members(self, document: Doc) -> None:
        self.world.members.setdefault(document["_id"], {}).update(document)

    def member_count(self, path: UnitPath, year: int) -> int:
        return sum(
            max(int(doc.get("count") or 0), int(doc.get("registered") or 0))
            for doc in self.world.members.values()
            if doc["tenant"] == self.tenant == path.tenant
            and doc["year"] == year
            and doc.get(f"path_{path.depth}") == path.code
        )

    def add_membership(self, membership: Doc, event: Doc, members_doc: Doc) -> bool:
        if membership["_id"] in self.world.memberships:
            return False
        self.world.memberships[membership["_id"]] = membership
        self.world.outbox.append(event)
        counter = self.world.members.setdefault(
            members_doc["_id"], {k: v for k, v in members_doc.items() if k != "count"}
        )
        counter["registered"] = int(counter.get("registered") or 0) + 1
        return True

    def branches_of(self, commune_code: str, scheme: str) -> list[Doc]:
        return [
            copy.deepcopy(u)
            for u in self.world.units.values()
            if u["tenant"] == self.tenant
            and u["level"] == "branch"
            and u.get("parent_code") == commune_code
            and u.get("scheme") == scheme
        ]

    def members_from(self, branch: Doc, year: int) -> list[Doc]:
        return [
            copy.deepcopy(doc)
            for doc in self.world.members.values()
            if doc["tenant"] == self.tenant
            and doc["branch_code"] == branch["code"]
            and doc["year"] >= year
        ]

    def forget_members(self, ids: list[str]) -> None:
        for _id in ids:
            if self._own(self.world.members, _id) is not None:
                del self.world.members[_id]

    def under(self, path: UnitPath) -> list[Doc]:
        return [
            copy.deepcopy(u)
            for u in self.world.units.values()
            if u["tenant"] == self.tenant == path.tenant
            and u["level"] == "branch"
            and u.get(f"path_{path.depth}") == path.code
        ]


class FakeImportJobs(_Own):
    def get(self, job_id: str) -> Doc | None:
        return self._own(self.world.jobs, job_id)

    def create(self, job: Doc, content: bytes) -> Doc:
        existing = self.get(job["_id"])
        if existing is not None:
            return existing
        self.world.jobs[job["_id"]] = {**job, "tenant": self.tenant}
        self.world.files[job["_id"]] = content
        return dict(job)

    def content(self, job_id: str) -> bytes:
        if self.get(job_id) is None:
            raise LookupError(job_id)
        return self.world.files[job_id]

    def progress(
        self, job: Doc, last_row: int, rows: int, outcome: Any, now: datetime, lease: timedelta
    ) -> Doc:
        self.world.errors.setdefault(job["_id"], []).extend(outcome.errors)
        totals = {
            "next_row": last_row,
            "done": job["done"] + rows,
            "created": job["created"] + outcome.created,
            "duplicates": job["duplicates"] + outcome.duplicates,
            "failed": job["failed"] + len({row for row, _, _ in outcome.errors}),
        }
        self.world.jobs[job["_id"]].update(totals)
        return {**job, **totals}

    def finish(self, job: Doc, status: str) -> Doc:
        done = {"status": status, "total": job["done"]} if status == "DONE" else {"status": status}
        self.world.jobs[job["_id"]].update(done)
        return {**job, **done}

    def errors(self, job_id: str) -> list[tuple[int, str, str]]:
        return sorted(self.world.errors.get(job_id, [])) if self.get(job_id) else []


class FakeHamlets(_Own):
    """``hamlets_store.Hamlets`` in memory: numbering, name claims and hamlet documents."""

    def next_number(self, commune_code: str) -> int:
        key = f"hamlet:{self.tenant}:{commune_code}"
        self.world.sequences[key] = self.world.sequences.get(key, 0) + 1
        return self.world.sequences[key]

    def claim_name(self, claim: str, code: str) -> str:
        holder = self.world.names.setdefault(claim, {"code": code, "tenant": self.tenant})
        return str(holder["code"])

    def release_name(self, claim: str, code: str | None = None) -> None:
        holder = self._own(self.world.names, claim)
        if holder is not None and (code is None or holder["code"] == code):
            del self.world.names[claim]

    def holder(self, claim: str) -> str | None:
        holder = self._own(self.world.names, claim)
        return str(holder["code"]) if holder else None

    def take_name(self, claim: str, code: str) -> None:
        self.world.names[claim] = {"code": code, "tenant": self.tenant}

    def add(self, unit: Doc) -> None:
        self.world.units.setdefault(unit["_id"], {**unit, "tenant": self.tenant})

    def change(self, unit_id_: str, fields: Doc) -> None:
        if self._own(self.world.units, unit_id_) is not None:
            self.world.units[unit_id_].update(fields)

    def hamlets_of(self, commune_code: str, scheme: str) -> list[Doc]:
        return [
            copy.deepcopy(u)
            for u in self.world.units.values()
            if u.get("tenant") == self.tenant
            and u.get("level") == "hamlet"
            and u.get("parent_code") == commune_code
            and u.get("scheme") == scheme
        ]
