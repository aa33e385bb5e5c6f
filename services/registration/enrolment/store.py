"""Subjects and enrolments in MongoDB, for one province; an enrolment is stored together with
its ``registered`` / ``withdrawn`` event (the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import BulkWriteError

from khuyenhoc.outbox import outbox_update, with_outbox
from khuyenhoc.storage import DuplicateKey, TenantDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import search_key
from services.registration.enrolment.domain import (
    ENROLLED,
    WITHDRAWN_STATUS,
    Enrolment,
    Subject,
    enrolment_links,
    enrolment_place,
    list_cursor,
    list_keys,
)
from services.registration.enrolment.records import EnrolmentRecord, SubjectRecord

SUBJECTS = "subjects"
ENROLMENTS = "enrolments"
DUPLICATE_KEY = 11000
SEARCH_BATCH = 500  # list keys read per batch by a name search
SEARCH_SCAN = 20_000  # enrolments a name search reads per page at most


def _segments(prefix: str, title: str | None, status: str | None) -> list[tuple[str, str]]:
    """The key ranges (low, high) a page reads, in key order: one, or one per status when
    only the title is given. A range holds the keys starting with ``low`` (``high``: the
    same with its last ``|`` raised to ``}``)."""
    if status:
        lows = [f"{prefix}{status}|{title}|" if title else f"{prefix}{status}|"]
    elif title:
        lows = [f"{prefix}{s}|{title}|" for s in (ENROLLED, WITHDRAWN_STATUS)]
    else:
        lows = [prefix]
    return [(low, low[:-1] + "}") for low in lows]


def _lower(low: str, high: str, start: str | None) -> dict[str, str] | None:
    """The lower bound of a range read after ``start`` (None: the range lies before it)."""
    if start is None or start < low:
        return {"$gte": low}
    if start >= high:
        return None
    return {"$gt": start}


class Registrations:
    """Subjects and enrolments of one province."""

    def __init__(self, db: TenantDatabase) -> None:
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
        except DuplicateKey:
            return False
        return True

    def reenrol(
        self,
        enrolment_id: str,
        event: dict[str, Any],
        links: dict[str, Any],
        now: datetime,
        document: dict[str, Any] | None = None,
    ) -> bool:
        """Enrol a withdrawn enrolment again, with its event; False if it was enrolled.
        ``document``: the enrolment as built (its unit, year, title), else it is read."""
        keys = self._keys(enrolment_id, ENROLLED, document)
        if keys is None:
            return False
        update = outbox_update(event)
        update["$set"].update(status=ENROLLED, links=links, reenrolled_at=now.isoformat(), **keys)
        result = self.enrolments.update_one(
            {"_id": enrolment_id, "status": WITHDRAWN_STATUS}, update
        )
        return bool(result.modified_count == 1)

    def withdraw(
        self, enrolment_id: str, event: dict[str, Any], reason: str, now: datetime
    ) -> bool:
        """Withdraw with the event in the same write; False if it was not enrolled any more."""
        keys = self._keys(enrolment_id, WITHDRAWN_STATUS)
        if keys is None:
            return False
        update = outbox_update(event)
        update["$set"].update(
            status=WITHDRAWN_STATUS, withdrawn_at=now.isoformat(), withdraw_reason=reason, **keys
        )
        result = self.enrolments.update_one({"_id": enrolment_id, "status": ENROLLED}, update)
        return bool(result.modified_count == 1)

    def _keys(
        self, enrolment_id: str, status: str, document: dict[str, Any] | None = None
    ) -> dict[str, str] | None:
        """The list keys of an enrolment once its status is ``status`` (None: no such one)."""
        found = document or self.enrolments.find_one(
            {"_id": enrolment_id}, {"unitpath": 1, "year": 1, "title": 1}
        )
        if found is None:
            return None
        return list_keys(found["unitpath"], found["year"], status, found["title"], enrolment_id)

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
        """A page of the unit's list (see :meth:`list_page`) without its cursor."""
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
        """Up to ``limit`` enrolments at or below the unit, ordered by status, title and id,
        after the cursor ``after``; and the cursor of the next page (None at the end). A
        range on the unit's list key (``lk_<depth>``, see ``domain.list_keys``): O(page). A
        name search reads the keys in batches and stops after ``SEARCH_SCAN`` enrolments,
        answering what it found and a cursor to go on from (a bounded scan, not O(page))."""
        field = f"lk_{path.depth}"
        prefix = f"{path.tenant}|{path.code}|{year}|"
        ranges = _segments(prefix, title, status)
        start = prefix + after if after else None
        needle = search_key(search) if search else ""
        if needle:
            return self._search_page(field, prefix, ranges, start, needle, limit)
        found: list[dict[str, Any]] = []
        for low, high in ranges:
            bound = _lower(low, high, start)
            if bound is None:
                continue
            docs = (
                self.enrolments.find({field: {**bound, "$lt": high}}, {"outbox": 0})
                .sort(field, ASCENDING)
                .limit(limit + 1 - len(found))
            )
            found.extend(docs)
            if len(found) > limit:
                break
        items = [EnrolmentRecord.from_document(doc) for doc in found[:limit]]
        more = len(found) > limit
        return items, list_cursor(items[-1].status, items[-1].title, items[-1].id) if more else None

    def _search_page(
        self,
        field: str,
        prefix: str,
        ranges: list[tuple[str, str]],
        start: str | None,
        needle: str,
        limit: int,
    ) -> tuple[list[EnrolmentRecord], str | None]:
        matched: list[str] = []  # list keys of matching enrolments, in order
        scanned, last = 0, None
        for low, high in ranges:
            position = start
            while len(matched) <= limit and scanned < SEARCH_SCAN:
                bound = _lower(low, high, position)
                if bound is None:
                    break
                batch = list(
                    self.enrolments.find({field: {**bound, "$lt": high}}, {field: 1, "name_key": 1})
                    .sort(field, ASCENDING)
                    .limit(SEARCH_BATCH)
                )
                for doc in batch:
                    scanned, last = scanned + 1, doc[field]
                    if needle in str(doc.get("name_key") or ""):
                        matched.append(doc[field])
                        if len(matched) > limit:
                            break
                if len(batch) < SEARCH_BATCH:
                    break
                position = last
            if len(matched) > limit or scanned >= SEARCH_SCAN:
                break
        page = matched[:limit]
        ids = [key.rsplit("|", 1)[1] for key in page]
        docs = {
            doc["_id"]: doc for doc in self.enrolments.find({"_id": {"$in": ids}}, {"outbox": 0})
        }
        items = [EnrolmentRecord.from_document(docs[i]) for i in ids if i in docs]
        if len(matched) > limit:
            return items, page[-1][len(prefix) :]
        if scanned >= SEARCH_SCAN and last is not None:
            return items, last[len(prefix) :]  # stopped by the bound: go on from there
        return items, None

    def add_many(
        self, subjects: list[Subject], year: int, path: UnitPath, now: datetime
    ) -> tuple[int, int]:
        """Register a batch (an import): (enrolments created, already there). Written in bulk;
        withdrawn enrolments in the batch are enrolled again."""
        if not subjects:
            return 0, 0
        self._add_subjects([s.as_document(path, now) for s in subjects])
        enrolments = []
        for s in subjects:
            place, received_by = enrolment_place(s, path)
            enrolments.append(
                Enrolment(
                    s.subject_id, s.kind, s.title, year, place, enrolment_links(s), received_by
                )
            )
        documents = [
            with_outbox(e.as_document(now, s.name), e.registered_event(now))
            for e, s in zip(enrolments, subjects, strict=True)
        ]
        try:
            self.enrolments.insert_many(documents, ordered=False)
            return len(documents), 0
        except BulkWriteError as exc:
            taken_ids = {
                documents[w["index"]]["_id"]
                for w in exc.details["writeErrors"]
                if w["code"] == DUPLICATE_KEY
            }
            if len(taken_ids) != len(exc.details["writeErrors"]):
                raise
        reenrolled = sum(
            self.reenrol(doc["_id"], enrolment.registered_event(now), doc["links"], now, doc)
            for doc, enrolment in zip(documents, enrolments, strict=True)
            if doc["_id"] in taken_ids
        )
        return len(documents) - len(taken_ids) + reenrolled, len(taken_ids) - reenrolled

    def _add_subjects(self, documents: list[dict[str, Any]]) -> None:
        """Insert the subjects not stored yet; a stored one is left as it is (like an upsert
        with ``$setOnInsert``, but a plain insert costs nx-27017 less than a failed update and
        an insert: the usual import brings new subjects)."""
        try:
            self.subjects.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            if any(w["code"] != DUPLICATE_KEY for w in exc.details["writeErrors"]):
                raise

    def subject_details(self, subject_ids: list[str]) -> dict[str, dict[str, Any]]:
        found = self.subjects.find({"_id": {"$in": subject_ids}}, {"address": 1, "name": 1})
        return {doc["_id"]: doc for doc in found}

    def enrolments_named(self, enrolment_ids: list[str]) -> list[EnrolmentRecord]:
        """The tenant's enrolments among ``enrolment_ids`` (lists, postings, certificates)."""
        found = self.enrolments.find({"_id": {"$in": enrolment_ids}}, {"outbox": 0})
        return [EnrolmentRecord.from_document(doc) for doc in found]

    def subjects_named(self, subject_ids: list[str]) -> list[SubjectRecord]:
        found = self.subjects.find({"_id": {"$in": subject_ids}})
        return [SubjectRecord.from_document(doc) for doc in found]

    def get_enrolment(self, enrolment_id: str) -> EnrolmentRecord | None:
        found = self.enrolments.find_one({"_id": enrolment_id}, {"outbox": 0})
        return None if found is None else EnrolmentRecord.from_document(found)

    def get_subject(self, subject_id: str) -> SubjectRecord | None:
        found = self.subjects.find_one({"_id": subject_id})
        return None if found is None else SubjectRecord.from_document(found)

    def enrolment_document(self, enrolment_id: str) -> dict[str, Any] | None:
        """The stored enrolment (without its outbox), for a registration's own page."""
        return self.enrolments.find_one({"_id": enrolment_id}, {"outbox": 0})

    def subject_document(self, subject_id: str) -> dict[str, Any] | None:
        """The stored subject with every detail it was registered with."""
        return self.subjects.find_one({"_id": subject_id})

    def correct_subject(self, subject_id: str, fields: dict[str, Any], now: datetime) -> None:
        """Set corrected details of a subject (never its identity or name)."""
        self.subjects.update_one(
            {"_id": subject_id}, {"$set": {**fields, "corrected_at": now.isoformat()}}
        )
