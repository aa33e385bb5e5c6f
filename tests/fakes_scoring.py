"""In-memory stores of scoring for the service layer's unit tests: the same surface as
``services/scoring/store.py`` (see ``services/scoring/ports.py``), one tenant per store, no
server. A change is written and counted at once (the exactly-once protocol is the MongoDB
store's business, tested against the server)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import TITLES
from services.scoring.domain import (
    MEMBERS_RECOGNISED,
    AssessmentRecord,
    Change,
    DecisionDocument,
    Proposal,
    members_counter_id,
    proposal_id,
)
from services.scoring.domain.list_review import ListReview
from services.scoring.ports import Decide
from services.scoring.set_versions import ActiveSets, StoredSet


class FakeAssessments:
    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.records: dict[str, AssessmentRecord] = {}
        self.counters: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []  # what the outbox would publish, in order
        self.batches: list[int] = []  # the size of each commit_many

    def commit(self, assessment_id: str, change_id: str, decide: Decide) -> AssessmentRecord | None:
        change = decide(self.records.get(assessment_id))
        if change is None:
            return None
        self.records[assessment_id] = replace(change.after, pending={})
        for counter_id, (increments, identity) in change.counts.items():
            counter = self.counters.setdefault(counter_id, dict(identity))
            for name, step in increments.items():
                counter[name] = counter.get(name, 0) + step
        if change.event:
            self.events.append(change.event)
        return self.records[assessment_id]

    def commit_many(
        self,
        items: Sequence[tuple[str, str, Decide]],
        known: Mapping[str, AssessmentRecord] | None = None,
    ) -> list[AssessmentRecord | None]:
        """Each change as :meth:`commit` writes it; every ``decide`` runs before any write
        (as the MongoDB store decides a batch on one read), so one raising writes nothing."""
        self.batches.append(len(items))
        changes = [(i, decide(self.records.get(i))) for i, _, decide in items]
        return [
            self.commit(i, change.change_id, lambda _, c=change: c) if change else None
            for i, change in changes
        ]

    def get(self, assessment_id: str) -> AssessmentRecord | None:
        return self.records.get(assessment_id)

    def unit_counters(self, path: UnitPath, year: int) -> list[Mapping[str, Any]]:
        return [
            c
            for c in self.counters.values()
            if c.get("tenant") == path.tenant == self.tenant
            and c.get("year") == year
            and c.get(f"path_{path.depth}") == path.code
        ]

    def members_recognised(self, unit_subject_id: str, year: int) -> int:
        found = self.counters.get(members_counter_id(self.tenant, unit_subject_id, year)) or {}
        return int(found.get(MEMBERS_RECOGNISED) or 0)

    def of_subject(self, subject_id: str) -> list[AssessmentRecord]:
        found = [r for r in self.records.values() if r.subject_id == subject_id]
        return sorted(found, key=lambda a: (a.year, a.title))

    def under_unit(
        self, unit_code: str, title: str, year: int, light: bool = False
    ) -> list[AssessmentRecord]:
        found = self.records.values()
        return sorted(
            (r for r in found if (r.unit_code, r.title, r.year) == (unit_code, title, year)),
            key=lambda a: a.id,
        )

    def many(self, assessment_ids: list[str]) -> list[AssessmentRecord]:
        return [self.records[i] for i in assessment_ids if i in self.records]

    def of_subjects(self, subject_ids: list[str]) -> list[AssessmentRecord]:
        wanted = set(subject_ids)
        return [r for r in self.records.values() if r.subject_id in wanted]

    def open_many(self, changes: list[Change]) -> list[AssessmentRecord]:
        opened = []
        for change in changes:
            if change.after.id not in self.records:
                opened.append(self.commit(change.after.id, change.change_id, lambda _, c=change: c))
        return [r for r in opened if r is not None]

    def by_ids(self, assessment_ids: list[str], light: bool = False) -> dict[str, AssessmentRecord]:
        return {i: self.records[i] for i in assessment_ids if i in self.records}


class FakeProposals:
    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.proposals: dict[str, Proposal] = {}

    def save(self, proposal: Proposal) -> Proposal:
        if proposal.tenant != self.tenant:
            raise PermissionError(f"a proposal of tenant {proposal.tenant}")
        self.proposals[proposal.id] = proposal
        return proposal

    def get(self, wanted: str) -> Proposal | None:
        return self.proposals.get(wanted)

    def of_unit(self, unit_code: str, year: int) -> dict[str, Proposal]:
        ids = {proposal_id(self.tenant, unit_code, title, year) for title in TITLES}
        return {p.title: p for p in self.proposals.values() if p.id in ids}


class FakeEvidenceFiles:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, evidence_id: str, content: bytes) -> int:
        self.files.setdefault(evidence_id, content)
        return 1

    def get(self, evidence_id: str, chunks: int) -> bytes | None:
        return self.files.get(evidence_id)


class FakeDecisions:
    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.documents: dict[str, DecisionDocument] = {}
        self.writes = 0

    def save(self, decision: DecisionDocument) -> DecisionDocument:
        if decision.tenant != self.tenant:
            raise PermissionError(f"a decision of tenant {decision.tenant}")
        self.documents[decision.id] = decision
        self.writes += 1
        return decision

    def get(self, decision_id: str) -> DecisionDocument | None:
        return self.documents.get(decision_id)

    def many(self, decision_ids: list[str]) -> list[DecisionDocument]:
        return [self.documents[i] for i in decision_ids if i in self.documents]


class FakeCertificateLookups:
    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.lookups: dict[str, dict[str, Any]] = {}

    def ensure(self, lookups: list[dict[str, Any]]) -> int:
        new = [doc for doc in lookups if doc["_id"] not in self.lookups]
        for doc in new:
            self.lookups[doc["_id"]] = {**doc, "tenant": self.tenant}
        return len(new)

    def get(self, lookup_id: str) -> dict[str, Any] | None:
        return self.lookups.get(lookup_id)


class FakeCriteriaSets:
    """One tenant's stored criteria-set versions and activations, in memory."""

    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.records: dict[tuple[str, int], StoredSet] = {}
        self.current = ActiveSets()
        self.reads = 0  # how often the stamp was read

    def versions(self, set_id: str, most: int) -> list[int]:
        return sorted(v for (s, v) in self.records if s == set_id and v <= most)

    def add(self, record: StoredSet) -> bool:
        key = (record.set_id, record.version)
        if key in self.records:
            return False
        self.records[key] = record
        return True

    def get(self, set_id: str, version: int) -> StoredSet | None:
        return self.records.get((set_id, version))

    def get_many(self, keys: list[tuple[str, int]]) -> list[StoredSet]:
        return [self.records[k] for k in keys if k in self.records]

    def all(self) -> list[StoredSet]:
        return list(self.records.values())

    def active(self) -> ActiveSets:
        self.reads += 1
        return self.current

    def swap_active(self, expected_stamp: str, active: ActiveSets) -> bool:
        if self.current.stamp != expected_stamp:
            return False
        self.current = active
        return True

    def mark_activated(self, record: StoredSet) -> None:
        self.records[(record.set_id, record.version)] = record


class FakeListReviews:
    def __init__(self, tenant: str = "20") -> None:
        self.tenant = tenant
        self.reviews: dict[str, ListReview] = {}
        self.saved = 0  # writes, so a test sees that a retry wrote nothing
        self.contents: dict[str, list[dict[str, Any]]] = {}
        self.released: list[str] = []  # documents left for the timer to finish
        self.reports: dict[str, tuple[str, bytes]] = {}

    def get(self, review_id: str) -> ListReview | None:
        return self.reviews.get(review_id)

    def save(self, review: ListReview) -> ListReview:
        if review.tenant != self.tenant:
            raise PermissionError(f"a list review of tenant {review.tenant}")
        self.reviews[review.id] = review
        self.saved += 1
        return review

    def of_unit(self, unit_code: str, year: int) -> list[dict[str, Any]]:
        found = [r for r in self.reviews.values() if (r.unit_code, r.year) == (unit_code, year)]
        return [r.summary() for r in sorted(found, key=lambda r: (r.meeting_date, r.id))]

    def save_content(self, review_id: str, rows: list[dict[str, Any]]) -> None:
        self.contents.setdefault(review_id, [dict(row) for row in rows])

    def content(self, review_id: str, rows: int) -> list[dict[str, Any]]:
        return [dict(row) for row in self.contents.get(review_id, [])[:rows]]

    def release(self, review_id: str) -> None:
        self.released.append(review_id)

    def save_report(self, report_id: str, unitpath: str, content: bytes) -> None:
        self.reports.setdefault(report_id, (unitpath, content))

    def report(self, report_id: str) -> tuple[str, bytes] | None:
        return self.reports.get(report_id)
