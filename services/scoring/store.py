"""MongoDB adapters of scoring: assessments, per-unit counters, proposals, evidence files.

Every store is built for one tenant (``Store(TenantDatabase(db, tenant))``): it cannot read or
write another province's documents. Only the sweep (:class:`AllTenantsPendingChanges`) looks
across tenants, and it settles what it finds through a store of the document's own tenant.

Counting exactly once without multi-document transactions: a change (decided by the domain, see
``domain.Change``) is written to the assessment first, guarded by its ``version`` so concurrent
changes retry, recording the counter change it owes as ``pending.<change id>``; the unit's
counter is then changed together with a marker ``applied.<change id>`` in the same atomic update
(``khuyenhoc.storage.increment_once``), so a retry after a crash cannot count twice; finally both
the pending entry and the marker are removed. A redelivered event finds its pending entry (and
finishes the job) or is found to do nothing by the domain; a change whose process died before
counting it is finished by the sweep. Only in-flight markers live on a counter.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from khuyenhoc.outbox import ensure_outbox_index, outbox_update, with_outbox
from khuyenhoc.storage import (
    DUPLICATE_KEY,
    TenantDatabase,
    forget_change,
    get_file,
    increment_once,
    migrate_once,
    put_file,
)
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES, TITLES
from services.scoring.domain import (
    MEMBERS_RECOGNISED,
    Assessment,
    AssessmentRecord,
    Change,
    ConcurrentChange,
    DecisionDocument,
    Proposal,
    members_counter_id,
    proposal_id,
)
from services.scoring.domain.list_review import CONTENT_CHUNK, RECORDED, ListReview
from services.scoring.ports import Decide
from services.scoring.set_versions import Activation, ActiveSets, StoredSet

ASSESSMENTS = "assessments"
PROPOSALS = "proposals"
EVIDENCE_FILES = "evidence_files"
COUNTERS = "counters"
DECISIONS = "decisions"
LIST_REVIEWS = "list_reviews"
LIST_REVIEW_INDEX = "list_review_index"
LIST_REVIEW_ROWS = "list_review_rows"
LIST_REVIEWS_UNFINISHED = "list_reviews_unfinished"
LIST_REVIEW_REPORTS = "list_review_reports"
LIST_REVIEW_LEASE = 60.0  # seconds a writer holds an applying document (a budget is far less)
MAX_DEPTH = 4  # province / district / commune / branch
ATTEMPTS = 10
OUTBOX_COLLECTIONS = (ASSESSMENTS,)
PENDING_COUNT = "pending_count"  # changes committed and not yet counted: what the sweep finds
SETTLE_GRACE = 120.0  # seconds; far longer than a request or a message takes
HIDDEN = {"outbox": 0}
CRITERIA_SETS = "criteria_sets"
# What ``of_subjects`` and a light ``by_ids`` read of an assessment.
SUBJECT_FIELDS = dict.fromkeys(
    ("tenant", "subject_id", "subject_kind", "title", "year", "unit_code", "unitpath", "status"),
    1,
) | {"recognition": 1, "version": 1, "unit_level": 1, "member_of": 1, "pending": 1}

# What a light ``under_unit`` reads: a proposal's subjects (eligible, not yet recognised) and
# their reviews (the verdicts' levels and provisional basis); nx-27017 projects whole
# top-level fields only, so the review stage is read whole, the self-assessment not.
PROPOSABLE_FIELDS = SUBJECT_FIELDS | {"review": 1}

MANY_PER_READ = 500
# Markers set or unset by one counter update: nx-27017 silently ignores a ``$unset`` of 127
# fields or more (its SQLite json_remove takes at most 127 arguments), and refuses a filter of
# 1,000 ``$exists`` guards ("Expression tree is too large").
MARKERS_PER_UPDATE = 100
# Fields scoring's hot finds filter assessments by, each with its own index (see ``prepare``).
HOT_FIELDS = ("subject_id", "unit_code")


def prepare(db: Database) -> None:
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("unit_code", ASCENDING), ("year", ASCENDING)], name="by_unit_year"
    )
    ensure_outbox_index(db[ASSESSMENTS])
    migrate_once(
        db, "2026-11-evidence-per-tenant", lambda db: AllTenantsLegacyEvidenceChunks(db).adopt()
    )
    db[ASSESSMENTS].create_index(
        [("tenant", ASCENDING), ("subject_id", ASCENDING)], name="by_subject"
    )
    db[ASSESSMENTS].create_index([(PENDING_COUNT, ASCENDING)], name="pending_count")
    # nx-27017 (SQLite) often matches a compound index on its first field only (``tenant``)
    # and then scans the tenant: the hot finds get single-field indexes it does use (pinned
    # by tests/integration/test_scoring_store_bulk.py with ``explain``).
    for name in HOT_FIELDS:
        db[ASSESSMENTS].create_index([(name, ASCENDING)], name=name)
    for depth in range(MAX_DEPTH):
        db[COUNTERS].create_index(
            [("tenant", ASCENDING), ("year", ASCENDING), (f"path_{depth}", ASCENDING)],
            name=f"rollup_{depth}",
        )


class Assessments:
    """One tenant's assessments and the counters their changes move."""

    def __init__(self, db: TenantDatabase) -> None:
        self.assessments = db[ASSESSMENTS]
        self.counters = db[COUNTERS]

    def commit(self, assessment_id: str, change_id: str, decide: Decide) -> AssessmentRecord | None:
        """Write the change ``decide`` makes of the assessment as it stands, then count it;
        None when it decides nothing changes. A change already committed (a crash interrupted
        it) is finished instead; a concurrent write makes it read and decide again."""
        for _ in range(ATTEMPTS):
            current = self._read(assessment_id)
            if current is not None and change_id in current.pending:
                self._settle(current.assessment, change_id, current.pending[change_id])
                return current
            change = decide(current)
            if change is None:
                return None
            if self._write(current, change):
                self._settle(change.after.assessment, change.change_id, change.moved)
                return change.after
        raise ConcurrentChange(f"assessment {assessment_id} kept changing")

    def commit_many(
        self,
        items: Sequence[tuple[str, str, Decide]],
        known: Mapping[str, AssessmentRecord] | None = None,
    ) -> list[AssessmentRecord | None]:
        """:meth:`commit` for many ``(assessment id, change id, decide)`` at once (a list
        review's rows, a decision's subjects), each counted exactly once as :meth:`commit`
        counts one, in a few round trips for the whole batch instead of five or more per
        change: the assessments in one ``_id`` ``$in`` read, every change written by one
        ``bulk_write`` of version-guarded updates by ``_id`` (its event in the same write),
        each counter moved by one update carrying every change's marker, the pending entries
        dropped by one ``bulk_write`` by ``_id``, then the markers. A change that lost its
        write (the assessment moved meanwhile) goes through :meth:`commit` on its own. A crash
        in between leaves pending changes that the sweep finishes change by change. Answers
        in the order asked: the assessment as written, or None when ``decide`` changed
        nothing. ``decide`` raising stops the batch before anything of it is written.
        ``known``: the assessments as the caller has just read them (a list review's, a
        decision's), so they are not read again; one that moved since only loses its write
        and goes through :meth:`commit`."""
        answers: list[AssessmentRecord | None] = [None] * len(items)
        wanted = list(dict.fromkeys(i for i, _, _ in items))
        current = {i: known[i] for i in wanted if known and i in known}
        fresh = self.by_ids([i for i in wanted if i not in current])
        current.update(fresh)
        finish: list[tuple[int, AssessmentRecord]] = []  # committed before: count them
        alone: list[int] = []  # opening an assessment, or twice in the batch: one by one
        written: list[tuple[int, AssessmentRecord, Change]] = []
        seen: set[str] = set()
        for n, (assessment_id, change_id, decide) in enumerate(items):
            there = current.get(assessment_id)
            if there is not None and change_id in there.pending:
                if assessment_id in fresh:
                    finish.append((n, there))
                else:  # a caller's older read may show it pending still: commit reads anew
                    alone.append(n)
                continue
            if there is None or assessment_id in seen:
                alone.append(n)
                continue
            seen.add(assessment_id)
            change = decide(there)
            if change is not None:
                written.append((n, there, change))
        for n, there in finish:
            change_id = items[n][1]
            self._settle(there.assessment, change_id, there.pending[change_id])
            answers[n] = there
        won, lost = self._write_many(written)
        self._settle_many([change for _, _, change in won])
        for n, _, change in won:
            answers[n] = change.after
        for n in sorted([n for n, _, _ in lost] + alone):
            answers[n] = self.commit(*items[n])
        return answers

    def _write_many(
        self, written: list[tuple[int, AssessmentRecord, Change]]
    ) -> tuple[
        list[tuple[int, AssessmentRecord, Change]], list[tuple[int, AssessmentRecord, Change]]
    ]:
        """Write the changes, each guarded by the version it was decided on: (won, lost). All
        are in one round trip; only when some lost are they read again to tell which (a
        change whose entry is pending is written)."""
        if not written:
            return [], []
        at = time.time()
        updates = []
        for _, there, change in written:
            update = outbox_update(change.event) if change.event else {"$set": {}}
            key, when = f"pending.{change.change_id}", f"pending_at.{change.change_id}"
            update["$set"].update({**change.fields, key: change.moved, when: at})
            update.setdefault("$inc", {}).update({"version": 1, PENDING_COUNT: 1})
            updates.append(({"_id": there.id, "version": there.version}, update, False))
        done = self.assessments.update_each(updates)
        if done is not None and done.modified_count == len(written):
            return written, []
        again = self.by_ids([there.id for _, there, _ in written], light=True)
        won: list[tuple[int, AssessmentRecord, Change]] = []
        lost: list[tuple[int, AssessmentRecord, Change]] = []
        for entry in written:
            _, there, change = entry
            after = again.get(there.id)
            wrote = after is not None and change.change_id in after.pending
            (won if wrote else lost).append(entry)
        return won, lost

    def _settle_many(self, changes: list[Change]) -> None:
        """Count written changes together (one guarded update per counter with every
        change's marker), drop their pending entries (one bulk write by ``_id``), then the
        counters' markers (one bulk write)."""
        if not changes:
            return
        identities: dict[str, dict[str, Any]] = {}
        per_counter: dict[str, list[tuple[str, dict[str, int]]]] = {}
        for change in changes:
            for counter_id, (steps, who) in change.counts.items():
                identities.setdefault(counter_id, who)
                per_counter.setdefault(counter_id, []).append(
                    (f"applied.{change.change_id}", steps)
                )
        for counter_id, moves in per_counter.items():
            self._count_together(counter_id, moves, identities[counter_id])
        self.assessments.update_each(
            [
                (
                    {"_id": c.after.id, f"pending.{c.change_id}": {"$exists": True}},
                    {
                        "$unset": {f"pending.{c.change_id}": "", f"pending_at.{c.change_id}": ""},
                        "$inc": {PENDING_COUNT: -1},
                    },
                    False,
                )
                for c in changes
            ]
        )
        self._forget_markers(per_counter)

    def _read(self, assessment_id: str) -> AssessmentRecord | None:
        found = self.assessments.find_one({"_id": assessment_id}, HIDDEN)
        return AssessmentRecord.from_document(found) if found else None

    def _write(self, current: AssessmentRecord | None, change: Change) -> bool:
        """Write a change if nobody else did since ``current`` was read (its ``version``),
        recording the figures it owes as ``pending.<change id>``."""
        key, at = f"pending.{change.change_id}", f"pending_at.{change.change_id}"
        if current is None:
            if change.document is None:
                raise ValueError(f"change {change.change_id} does not open an assessment")
            document = {
                **change.document,
                "version": 1,
                "pending": {change.change_id: change.moved},
                "pending_at": {change.change_id: time.time()},
                PENDING_COUNT: 1,
            }
            try:
                self.assessments.insert_one(
                    with_outbox(document, change.event) if change.event else document
                )
            except DuplicateKeyError:
                return False  # another delivery got there first: look again
            return True
        update = outbox_update(change.event) if change.event else {"$set": {}}
        update["$set"].update({**change.fields, key: change.moved, at: time.time()})
        update.setdefault("$inc", {}).update({"version": 1, PENDING_COUNT: 1})
        result = self.assessments.update_one(
            {"_id": current.id, "version": current.version}, update
        )
        return bool(result.modified_count == 1)

    def _settle(self, assessment: Assessment, change_id: str, moved: dict[str, int]) -> None:
        """Count a committed change on every counter it moves (the unit's; a member citizen's
        learning unit), then drop it from the assessment and the counters' markers."""
        counts = assessment.counts_moved(moved)
        counters = self.counters
        for counter_id, (increments, identity) in counts.items():
            increment_once(counters, counter_id, change_id, increments, identity)
        self.assessments.update_one(
            {"_id": assessment.id, f"pending.{change_id}": {"$exists": True}},
            {
                "$unset": {f"pending.{change_id}": "", f"pending_at.{change_id}": ""},
                "$inc": {PENDING_COUNT: -1},
            },
        )
        for counter_id in counts:
            forget_change(counters, counter_id, change_id)

    def settle(self, doc: dict[str, Any], cutoff: float) -> int:
        """Finish the changes of one assessment committed before ``cutoff`` (epoch seconds)
        and never counted; returns how many."""
        assessment = AssessmentRecord.from_document(doc).assessment
        finished = 0
        for change_id, moved in (doc.get("pending") or {}).items():
            if (doc.get("pending_at") or {}).get(change_id, 0) < cutoff:
                self._settle(assessment, change_id, moved)
                finished += 1
        return finished

    def get(self, assessment_id: str) -> AssessmentRecord | None:
        return self._read(assessment_id)

    def unit_counters(self, path: UnitPath, year: int) -> list[Mapping[str, Any]]:
        """Every counter at or below the unit: one indexed read per unit, not per record."""
        return list(
            self.counters.find(
                {"year": year, f"path_{path.depth}": path.code},
                {"title": 1, **dict.fromkeys(FIGURES, 1)},
            )
        )

    def members_recognised(self, unit_subject_id: str, year: int) -> int:
        """How many of a learning unit's members hold "Công dân học tập" for the year: one
        counter read (see ``Assessment.counts_moved``)."""
        counter_id = members_counter_id(self.counters.tenant, unit_subject_id, year)
        found = self.counters.find_one({"_id": counter_id})
        return int((found or {}).get(MEMBERS_RECOGNISED) or 0)

    def of_subject(self, subject_id: str) -> list[AssessmentRecord]:
        found = self.assessments.find({"subject_id": subject_id}, HIDDEN)
        records = [AssessmentRecord.from_document(doc) for doc in found]
        return sorted(records, key=lambda a: (a.year, a.title))

    def under_unit(
        self, unit_code: str, title: str, year: int, light: bool = False
    ) -> list[AssessmentRecord]:
        """The unit's own assessments of a title and year (its proposal list is drawn from them).
        ``light``: who and what, the recognition and the review's verdict only
        (``PROPOSABLE_FIELDS``: what a proposal reads; nx-27017 and the decoding cost by the
        size of the documents)."""
        projection = PROPOSABLE_FIELDS if light else HIDDEN
        found = self.assessments.find({"unit_code": unit_code, "year": year}, projection)
        records = [AssessmentRecord.from_document(doc) for doc in found if doc["title"] == title]
        return sorted(records, key=lambda a: a.id)

    def many(self, assessment_ids: list[str]) -> list[AssessmentRecord]:
        """Assessments by id in one round trip (``_id`` ``$in``, filtered to the tenant by
        ``TenantCollection``), without the self-assessment and evidence (certificates read the
        recognition and the review it rests on)."""
        if not assessment_ids:
            return []
        light = {"outbox": 0, "self_assessment": 0, "evidence": 0}
        found = self.assessments.find({"_id": {"$in": list(assessment_ids)}}, light)
        return [AssessmentRecord.from_document(doc) for doc in found]

    def by_ids(self, assessment_ids: list[str], light: bool = False) -> dict[str, AssessmentRecord]:
        """Several assessments by id, a few hundred per read (a list review's rows). ``light``:
        who and what, the recognition and the changes pending only (``SUBJECT_FIELDS``: no
        stage records; nx-27017's reads cost by the size of the documents)."""
        found: dict[str, AssessmentRecord] = {}
        projection = SUBJECT_FIELDS if light else HIDDEN
        for start in range(0, len(assessment_ids), MANY_PER_READ):
            wanted = assessment_ids[start : start + MANY_PER_READ]
            for doc in self.assessments.find({"_id": {"$in": wanted}}, projection):
                found[doc["_id"]] = AssessmentRecord.from_document(doc)
        return found

    def open_many(self, changes: list[Change]) -> list[AssessmentRecord]:
        """Open many new assessments at once (a history import's), each counted exactly once as
        :meth:`commit` counts one, in a few round trips instead of five per assessment: the
        documents with their pending changes in one insert, each counter's increments with
        every change's marker in one update (:meth:`_count_together`), the pending entries in
        one update (:meth:`_settled_together`), then the markers. One
        already there (opened by another request) is left alone and not returned. A crash in
        between leaves pending changes that the sweep finishes change by change, as for
        :meth:`commit`."""
        if not changes:
            return []
        at = time.time()
        documents = []
        for change in changes:
            if change.document is None:
                raise ValueError(f"change {change.change_id} does not open an assessment")
            document = {
                **change.document,
                "version": 1,
                "pending": {change.change_id: change.moved},
                "pending_at": {change.change_id: at},
                PENDING_COUNT: 1,
            }
            documents.append(with_outbox(document, change.event) if change.event else document)
        try:
            self.assessments.insert_many(documents, ordered=False)
            written = list(changes)
        except BulkWriteError as exc:
            taken = _duplicates(exc)
            written = [c for i, c in enumerate(changes) if i not in taken]
        identities = {cid: who for c in written for cid, (_, who) in c.counts.items()}
        try:  # every counter exists, so the guarded increments below need no upsert
            self.counters.update_each(
                [({"_id": cid}, {"$setOnInsert": who}, True) for cid, who in identities.items()]
            )
        except BulkWriteError as exc:
            _duplicates(exc)  # created meanwhile by another writer: there all the same
        per_counter: dict[str, list[tuple[str, dict[str, int]]]] = {}
        for c in written:
            for counter_id, (steps, _) in c.counts.items():
                per_counter.setdefault(counter_id, []).append((f"applied.{c.change_id}", steps))
        for counter_id, moves in per_counter.items():
            self._count_together(counter_id, moves)
        self._settled_together(written)
        self._forget_markers(per_counter)
        return [c.after for c in written]

    def _forget_markers(self, per_counter: Mapping[str, list[tuple[str, dict[str, int]]]]) -> None:
        """Drop settled changes' markers from their counters: one bulk write, a hundred
        markers per update (``MARKERS_PER_UPDATE``)."""
        updates = []
        for counter_id, moves in per_counter.items():
            markers = [marker for marker, _ in moves]
            for start in range(0, len(markers), MARKERS_PER_UPDATE):
                unset = dict.fromkeys(markers[start : start + MARKERS_PER_UPDATE], "")
                updates.append(({"_id": counter_id}, {"$unset": unset}, False))
        self.counters.update_each(updates)

    def _settled_together(self, written: list[Change]) -> None:
        """Drop the pending entries of freshly opened assessments: one update of them all
        while none has changed since (``version`` 1, only this change pending), else each
        on its own, guarded by its entry."""
        ids = [c.after.id for c in written]
        done = self.assessments.update_many(
            {"_id": {"$in": ids}, "version": 1, PENDING_COUNT: 1},
            {"$set": {"pending": {}, "pending_at": {}, PENDING_COUNT: 0}},
        )
        if done.modified_count == len(ids):
            return
        self.assessments.update_each(
            [
                (
                    {"_id": c.after.id, f"pending.{c.change_id}": {"$exists": True}},
                    {
                        "$unset": {f"pending.{c.change_id}": "", f"pending_at.{c.change_id}": ""},
                        "$inc": {PENDING_COUNT: -1},
                    },
                    False,
                )
                for c in written
            ]
        )

    def _count_together(
        self,
        counter_id: str,
        moves: list[tuple[str, dict[str, int]]],
        identity: dict[str, Any] | None = None,
    ) -> None:
        """Many changes' increments on one counter in one atomic update, with all their
        markers, if none of them is there yet (the usual case: nobody else settles a change
        this young); otherwise each change on its own, guarded by its marker. With
        ``identity``, a counter not there yet is created (as :func:`increment_once` does: a
        marker already there makes the upsert collide)."""
        if len(moves) > MARKERS_PER_UPDATE:
            for start in range(0, len(moves), MARKERS_PER_UPDATE):
                chunk = moves[start : start + MARKERS_PER_UPDATE]
                self._count_together(counter_id, chunk, identity)
            return
        total: dict[str, int] = {}
        for _, steps in moves:
            for name, step in steps.items():
                total[name] = total.get(name, 0) + step
        guard: dict[str, Any] = {"_id": counter_id}
        guard.update({marker: {"$exists": False} for marker, _ in moves})
        marks = {marker: 1 for marker, _ in moves}
        update: dict[str, Any] = {"$inc": total, "$set": marks}
        if identity is not None:
            update["$setOnInsert"] = identity
        try:
            done = self.counters.update_one(guard, update, upsert=identity is not None)
        except DuplicateKeyError:
            done = None  # a marker is there already: a settler got to some of them
        if done is not None and (done.modified_count == 1 or done.upserted_id is not None):
            return
        if identity is not None:
            for marker, steps in moves:
                change_id = marker.removeprefix("applied.")
                increment_once(self.counters, counter_id, change_id, steps, identity)
            return
        self.counters.update_each(
            [
                (
                    {"_id": counter_id, marker: {"$exists": False}},
                    {"$inc": steps, "$set": {marker: 1}},
                    False,
                )
                for marker, steps in moves
            ]
        )

    def of_subjects(self, subject_ids: list[str]) -> list[AssessmentRecord]:
        """The assessments of many subjects (a decision's, a history import's, the dependents
        of a batch of recognitions): who, what and the recognition only (no self-assessment,
        review or evidence: reading whole documents costs twice as long on nx-27017). One
        indexed find per subject: nx-27017 scans the whole collection for a ``$in`` on any
        field but ``_id`` (1,000 subjects: 420 ms at 20,000 documents, growing with them),
        while an equality on the indexed ``subject_id`` stays ~2 ms whatever the size."""
        records: list[AssessmentRecord] = []
        for subject_id in dict.fromkeys(subject_ids):
            found = self.assessments.find({"subject_id": subject_id}, SUBJECT_FIELDS)
            records += [AssessmentRecord.from_document(doc) for doc in found]
        return records


def _duplicates(exc: BulkWriteError) -> set[int]:
    """The positions of a bulk write that found their document there already; any other
    error is raised again."""
    errors = exc.details.get("writeErrors") or []
    if any(e.get("code") != DUPLICATE_KEY for e in errors):
        raise exc
    return {int(e["index"]) for e in errors}


class AllTenantsPendingChanges:
    """The sweep's view, across every tenant by design: it finds assessments holding changes
    committed but never counted (their process died in between) and hands each to a store of
    its own tenant to finish. It reads nothing else and writes nothing itself."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def settle_stale(self, older_than: float = SETTLE_GRACE) -> int:
        """Finish only changes older than any request or message lives, so the settler that
        committed a change is never overtaken (two settlers of one change could count it
        twice). Returns how many were finished."""
        cutoff = time.time() - older_than
        finished = 0
        # Light first: during a wave thousands of fresh changes are pending for a moment, and
        # reading each whole every tick cost a quarter of scoring's CPU; only stale ones are read.
        pending = self.db[ASSESSMENTS].find(
            {PENDING_COUNT: {"$gt": 0}}, {"pending": 1, "pending_at": 1, "tenant": 1}
        )
        stale = [doc["_id"] for doc in pending if _has_stale_change(doc, cutoff)]
        for start in range(0, len(stale), MANY_PER_READ):
            chunk = stale[start : start + MANY_PER_READ]
            for doc in self.db[ASSESSMENTS].find({"_id": {"$in": chunk}}, HIDDEN):
                tenant_store = Assessments(TenantDatabase(self.db, doc["tenant"]))
                finished += tenant_store.settle(doc, cutoff)
        return finished


def _has_stale_change(doc: Mapping[str, Any], cutoff: float) -> bool:
    """Whether a change pending in ``doc`` was committed before ``cutoff`` (one without its
    time, written before times were kept, counts as stale — as :meth:`Assessments.settle` does)."""
    times = doc.get("pending_at") or {}
    return any(times.get(change_id, 0) < cutoff for change_id in doc.get("pending") or {})


class Proposals:
    """One tenant's proposal lists (danh sách đề nghị công nhận) per unit, title and year."""

    def __init__(self, db: TenantDatabase) -> None:
        self.proposals = db[PROPOSALS]

    def save(self, proposal: Proposal) -> Proposal:
        self.proposals.update_one(
            {"_id": proposal.id}, {"$set": proposal.as_document()}, upsert=True
        )
        return proposal

    def get(self, proposal_id: str) -> Proposal | None:
        found = self.proposals.find_one({"_id": proposal_id})
        return Proposal.from_document(found) if found else None

    def of_unit(self, unit_code: str, year: int) -> dict[str, Proposal]:
        """The unit's proposals of a year by title (ids are deterministic: one read each)."""
        tenant = self.proposals.tenant
        ids = [proposal_id(tenant, unit_code, title, year) for title in TITLES]
        found = self.proposals.find({"_id": {"$in": ids}})
        return {p.title: p for p in map(Proposal.from_document, found)}


class EvidenceFiles:
    """One tenant's evidence contents, once per digest, in chunks any MongoDB can hold. A
    chunk's id starts with the tenant, so two provinces holding the same file each hold
    their own copy (a chunk id never collides with another tenant's)."""

    def __init__(self, db: TenantDatabase) -> None:
        self.files = db[EVIDENCE_FILES]

    def _file_id(self, evidence_id: str) -> str:
        return f"{self.files.tenant}:{evidence_id}"

    def put(self, evidence_id: str, content: bytes) -> int:
        return put_file(self.files, self._file_id(evidence_id), content)

    def get(self, evidence_id: str, chunks: int) -> bytes | None:
        """The file's content; None when this tenant holds no such file."""
        try:
            return get_file(self.files, self._file_id(evidence_id), chunks)
        except KeyError:
            return None


class AllTenantsLegacyEvidenceChunks:
    """A one-off across tenants by nature: evidence chunks written before chunks were kept per
    tenant (``ev-<digest>:<n>``, no tenant) are copied to every tenant whose assessments name
    that evidence, then removed; chunks nobody names are left alone. Run by ``prepare``
    until it has once finished (``migrate_once``); again, it finds nothing to do."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def adopt(self) -> int:
        """Returns how many chunk copies were made."""
        if self.db[EVIDENCE_FILES].find_one({"tenant": {"$exists": False}}, {"_id": 1}) is None:
            return 0  # nothing from before: no need to read the assessments
        owners: dict[str, set[str]] = {}
        named = self.db[ASSESSMENTS].find(
            {"evidence": {"$exists": True}}, {"tenant": 1, "evidence": 1}
        )
        for doc in named:
            for evidence_id in doc.get("evidence") or {}:
                owners.setdefault(evidence_id, set()).add(doc["tenant"])
        copied = 0
        for chunk in self.db[EVIDENCE_FILES].find({"tenant": {"$exists": False}}):
            tenants = sorted(owners.get(chunk["_id"].rsplit(":", 1)[0], ()))
            for tenant in tenants:
                files = TenantDatabase(self.db, tenant)[EVIDENCE_FILES]
                with suppress(DuplicateKeyError):
                    files.insert_one({"_id": f"{tenant}:{chunk['_id']}", "data": chunk["data"]})
                copied += 1
            if tenants:
                self.db[EVIDENCE_FILES].delete_one({"_id": chunk["_id"]})
        return copied


class Decisions:
    """One tenant's decision documents (quyết định công nhận), ``<tenant>:<proposal id>[:n]``."""

    def __init__(self, db: TenantDatabase) -> None:
        self.decisions = db[DECISIONS]

    def save(self, decision: DecisionDocument) -> DecisionDocument:
        self.decisions.update_one(
            {"_id": decision.id}, {"$set": decision.as_document()}, upsert=True
        )
        return decision

    def get(self, decision_id: str) -> DecisionDocument | None:
        found = self.decisions.find_one({"_id": decision_id})
        return DecisionDocument.from_document(found) if found else None

    def many(self, decision_ids: list[str]) -> list[DecisionDocument]:
        """By id (the tenant's only), in the order asked."""
        found = {d["_id"]: d for d in self.decisions.find({"_id": {"$in": list(decision_ids)}})}
        return [DecisionDocument.from_document(found[i]) for i in decision_ids if i in found]


CERTIFICATE_LOOKUPS = "certificate_lookups"


class CertificateLookups:
    """One tenant's certificate lookup documents (``<tenant>:cert:<code>`` → enrolment), written
    once when certificates are first produced and read by ``_id`` by the public verification."""

    def __init__(self, db: TenantDatabase) -> None:
        self.lookups = db[CERTIFICATE_LOOKUPS]

    def ensure(self, lookups: list[dict[str, Any]]) -> int:
        """Write the lookups not yet written (one read of their ids, one insert); returns how
        many were new. Two producers racing write the same documents: a duplicate is fine."""
        if not lookups:
            return 0
        ids = [doc["_id"] for doc in lookups]
        found = self.lookups.find({"_id": {"$in": ids}}, {"enrolment_id": 1})
        known = {doc["_id"] for doc in found}
        missing = [doc for doc in lookups if doc["_id"] not in known]
        if missing:
            with suppress(BulkWriteError):
                self.lookups.insert_many(missing, ordered=False)
        return len(missing)

    def get(self, lookup_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.lookups.find_one({"_id": lookup_id})
        return found


class CriteriaSets:
    """One tenant's criteria-set versions (``<tenant>:<set id>:<version>``, the YAML as
    uploaded) and its activations with their stamp (``<tenant>:sets-stamp``): everything is
    read and written by ``_id``; only the listing reads the tenant's documents in full."""

    LIMIT = 2000

    def __init__(self, db: TenantDatabase) -> None:
        self.sets = db[CRITERIA_SETS]
        self.tenant = self.sets.tenant

    def _id(self, set_id: str, version: int) -> str:
        return f"{self.tenant}:{set_id}:{version}"

    @property
    def _stamp_id(self) -> str:
        return f"{self.tenant}:sets-stamp"

    def versions(self, set_id: str, most: int) -> list[int]:
        ids = [self._id(set_id, v) for v in range(1, most + 1)]
        found = self.sets.find({"_id": {"$in": ids}}, {"_id": 1, "version": 1})
        return sorted(int(doc["version"]) for doc in found)

    def add(self, record: StoredSet) -> bool:
        try:
            self.sets.insert_one({"_id": self._id(record.set_id, record.version), **asdict(record)})
        except DuplicateKeyError:
            return False
        return True

    def get(self, set_id: str, version: int) -> StoredSet | None:
        found = self.sets.find_one({"_id": self._id(set_id, version)})
        return _stored_set(found) if found else None

    def get_many(self, keys: list[tuple[str, int]]) -> list[StoredSet]:
        if not keys:
            return []
        found = self.sets.find({"_id": {"$in": [self._id(s, v) for s, v in keys]}})
        return [_stored_set(doc) for doc in found]

    def all(self) -> list[StoredSet]:
        found = self.sets.find({}, limit=self.LIMIT)
        return [_stored_set(doc) for doc in found if "set_id" in doc]

    def active(self) -> ActiveSets:
        found = self.sets.find_one({"_id": self._stamp_id})
        if not found:
            return ActiveSets()
        activations = tuple(
            Activation(a["set_id"], int(a["version"]), int(a["from_year"]))
            for a in found.get("active") or []
        )
        return ActiveSets(str(found["stamp"]), activations)

    def swap_active(self, expected_stamp: str, active: ActiveSets) -> bool:
        fields = {"stamp": active.stamp, "active": [asdict(a) for a in active.activations]}
        if not expected_stamp:
            try:
                self.sets.insert_one({"_id": self._stamp_id, **fields})
            except DuplicateKeyError:
                return False
            return True
        result = self.sets.update_one(
            {"_id": self._stamp_id, "stamp": expected_stamp}, {"$set": fields}
        )
        return bool(result.modified_count == 1)

    def mark_activated(self, record: StoredSet) -> None:
        self.sets.update_one(
            {"_id": self._id(record.set_id, record.version)},
            {"$set": {"activated_by": record.activated_by, "activated_at": record.activated_at}},
        )


def _stored_set(doc: Mapping[str, Any]) -> StoredSet:
    names = {f.name for f in dataclass_fields(StoredSet)}
    return StoredSet(**{k: v for k, v in doc.items() if k in names})


class ListReviews:
    """One tenant's list reviews (biên bản bình xét), each keyed by its deterministic id, and
    per unit and year a small index document (``<tenant>:<unit>:<year>``) naming them with a
    summary each, so listing a unit's documents is one read by ``_id`` (nx-27017 scans any
    other filter)."""

    def __init__(self, db: TenantDatabase) -> None:
        self.reviews = db[LIST_REVIEWS]
        self.index = db[LIST_REVIEW_INDEX]
        self.content_chunks = db[LIST_REVIEW_ROWS]
        self.unfinished = db[LIST_REVIEWS_UNFINISHED]
        self.reports = db[LIST_REVIEW_REPORTS]

    def get(self, review_id: str) -> ListReview | None:
        found = self.reviews.find_one({"_id": review_id})
        return ListReview.from_document(found) if found else None

    def save(self, review: ListReview) -> ListReview:
        self.reviews.replace_one({"_id": review.id}, review.as_document(), upsert=True)
        entry = hashlib.sha256(review.id.encode("utf-8")).hexdigest()[:24]
        self.index.update_one(
            {"_id": self._index_id(review.unit_code, review.year)},
            {"$set": {f"reviews.{entry}": review.summary()}},
            upsert=True,
        )
        self._mark(review)
        return review

    def of_unit(self, unit_code: str, year: int) -> list[dict[str, Any]]:
        found = self.index.find_one({"_id": self._index_id(unit_code, year)}) or {}
        summaries = list((found.get("reviews") or {}).values())
        return sorted(summaries, key=lambda s: (s["meeting_date"], s["id"]))

    def save_content(self, review_id: str, rows: list[dict[str, Any]]) -> None:
        """The rows as sent, in chunks (a document's content never changes: inserted once)."""
        for number, start in enumerate(range(0, len(rows), CONTENT_CHUNK)):
            with suppress(DuplicateKeyError):
                self.content_chunks.insert_one(
                    {"_id": f"{review_id}:{number}", "rows": rows[start : start + CONTENT_CHUNK]}
                )

    def content(self, review_id: str, rows: int) -> list[dict[str, Any]]:
        ids = [f"{review_id}:{n}" for n in range(-(-rows // CONTENT_CHUNK))]
        found = {doc["_id"]: doc["rows"] for doc in self.content_chunks.find({"_id": {"$in": ids}})}
        return [row for chunk_id in ids for row in found.get(chunk_id, [])]

    def release(self, review_id: str) -> None:
        """A request stopped applying: the timer may finish the document at once."""
        self.unfinished.update_one({"_id": review_id}, {"$set": {"lease_until": 0.0}})

    def save_report(self, report_id: str, unitpath: str, content: bytes) -> None:
        """An uploaded sheet's error report (.xlsx, a few KB), by its digest: written once."""
        with suppress(DuplicateKeyError):
            self.reports.insert_one(
                {
                    "_id": f"{self.reports.tenant}:{report_id}",
                    "unitpath": unitpath,
                    "content": content,
                }
            )

    def report(self, report_id: str) -> tuple[str, bytes] | None:
        found = self.reports.find_one({"_id": f"{self.reports.tenant}:{report_id}"})
        return (found["unitpath"], bytes(found["content"])) if found else None

    def _mark(self, review: ListReview) -> None:
        """An ``applying`` document is held by its writer for a lease, then (if it is still
        not ``recorded``) found by :class:`AllTenantsUnfinishedListReviews`."""
        if review.state == RECORDED:
            self.unfinished.delete_one({"_id": review.id})
            return
        with suppress(DuplicateKeyError):
            self.unfinished.insert_one(
                {"_id": review.id, "lease_until": time.time() + LIST_REVIEW_LEASE}
            )

    def _index_id(self, unit_code: str, year: int) -> str:
        return f"{self.index.tenant}:{unit_code}:{year}"


class AllTenantsUnfinishedListReviews:
    """Where the timer finds list reviews left ``applying`` (whichever the province): it only
    claims one (a lease by ``_id``); the work is done through the document's province's
    stores. Usually empty."""

    def __init__(self, db: Database) -> None:
        self.unfinished = db[LIST_REVIEWS_UNFINISHED]

    def claim(self, now: float, lease: float = LIST_REVIEW_LEASE) -> tuple[str, str] | None:
        """(tenant, document id) of a document nobody holds, now held until ``now + lease``."""
        for doc in self.unfinished.find({}).limit(20):
            held = doc.get("lease_until") or 0.0
            if held > now:
                continue
            claimed = self.unfinished.update_one(
                {"_id": doc["_id"], "lease_until": held}, {"$set": {"lease_until": now + lease}}
            )
            if claimed.modified_count == 1:
                return doc["tenant"], doc["_id"]
        return None
