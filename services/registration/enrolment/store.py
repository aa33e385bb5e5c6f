"""Subjects and enrolments in MongoDB, for one province; an enrolment is stored together with
its ``registered`` / ``withdrawn`` event (the outbox)."""

from __future__ import annotations

import re
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
)
from services.registration.enrolment.records import EnrolmentRecord, SubjectRecord

SUBJECTS = "subjects"
ENROLMENTS = "enrolments"
DUPLICATE_KEY = 11000


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
        self, enrolment_id: str, event: dict[str, Any], links: dict[str, Any], now: datetime
    ) -> bool:
        """Enrol a withdrawn enrolment again, with its event; False if it was enrolled."""
        update = outbox_update(event)
        update["$set"].update(status=ENROLLED, links=links, reenrolled_at=now.isoformat())
        result = self.enrolments.update_one(
            {"_id": enrolment_id, "status": WITHDRAWN_STATUS}, update
        )
        return bool(result.modified_count == 1)

    def withdraw(
        self, enrolment_id: str, event: dict[str, Any], reason: str, now: datetime
    ) -> bool:
        """Withdraw with the event in the same write; False if it was not enrolled any more."""
        update = outbox_update(event)
        update["$set"].update(
            status=WITHDRAWN_STATUS, withdrawn_at=now.isoformat(), withdraw_reason=reason
        )
        result = self.enrolments.update_one({"_id": enrolment_id, "status": ENROLLED}, update)
        return bool(result.modified_count == 1)

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
        return [EnrolmentRecord.from_document(doc) for doc in found]

    def add_many(
        self, subjects: list[Subject], year: int, path: UnitPath, now: datetime
    ) -> tuple[int, int]:
        """Register a batch (an import): (enrolments created, already there). Written in bulk;
        withdrawn enrolments in the batch are enrolled again."""
        if not subjects:
            return 0, 0
        self.subjects.update_each(
            [
                ({"_id": s.subject_id}, {"$setOnInsert": s.as_document(path, now)}, True)
                for s in subjects
            ]
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
            taken_ids = {
                documents[w["index"]]["_id"]
                for w in exc.details["writeErrors"]
                if w["code"] == DUPLICATE_KEY
            }
            if len(taken_ids) != len(exc.details["writeErrors"]):
                raise
        reenrolled = sum(
            self.reenrol(doc["_id"], enrolment.registered_event(now), doc["links"], now)
            for doc, enrolment in zip(documents, enrolments, strict=True)
            if doc["_id"] in taken_ids
        )
        return len(documents) - len(taken_ids) + reenrolled, len(taken_ids) - reenrolled

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
