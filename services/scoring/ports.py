"""What scoring's use cases need of storage: the MongoDB stores (``store.py``) and the
in-memory ones of the unit tests (``tests/fakes_scoring.py``) both provide it. Every store is
built for one tenant."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from khuyenhoc.tenancy import UnitPath
from services.scoring.domain import AssessmentRecord, Change, DecisionDocument, Proposal
from services.scoring.domain.list_review import ListReview
from services.scoring.set_versions import ActiveSets, StoredSet

Decide = Callable[[AssessmentRecord | None], Change | None]


class Assessments(Protocol):
    def commit(
        self, assessment_id: str, change_id: str, decide: Decide
    ) -> AssessmentRecord | None: ...

    def commit_many(
        self,
        items: Sequence[tuple[str, str, Decide]],
        known: Mapping[str, AssessmentRecord] | None = None,
    ) -> list[AssessmentRecord | None]: ...

    def get(self, assessment_id: str) -> AssessmentRecord | None: ...

    def unit_counters(self, path: UnitPath, year: int) -> list[Mapping[str, Any]]: ...

    def members_recognised(self, unit_subject_id: str, year: int) -> int: ...

    def of_subject(self, subject_id: str) -> list[AssessmentRecord]: ...

    def under_unit(
        self, unit_code: str, title: str, year: int, light: bool = False
    ) -> list[AssessmentRecord]: ...

    def by_ids(
        self, assessment_ids: list[str], light: bool = False
    ) -> dict[str, AssessmentRecord]: ...

    def of_subjects(self, subject_ids: list[str]) -> list[AssessmentRecord]: ...

    def open_many(self, changes: list[Change]) -> list[AssessmentRecord]: ...


class Proposals(Protocol):
    def save(self, proposal: Proposal) -> Proposal: ...

    def get(self, proposal_id: str) -> Proposal | None: ...

    def of_unit(self, unit_code: str, year: int) -> dict[str, Proposal]: ...


class EvidenceFiles(Protocol):
    def put(self, evidence_id: str, content: bytes) -> int: ...

    def get(self, evidence_id: str, chunks: int) -> bytes | None: ...


class Decisions(Protocol):
    """Decision documents (quyết định công nhận), by deterministic id."""

    def save(self, decision: DecisionDocument) -> DecisionDocument: ...

    def get(self, decision_id: str) -> DecisionDocument | None: ...

    def many(self, decision_ids: list[str]) -> list[DecisionDocument]: ...


class Recognitions(Protocol):
    """What certificates read of assessments (``Assessments`` provides it): one, or many by id
    in one round trip."""

    def get(self, assessment_id: str) -> AssessmentRecord | None: ...

    def many(self, assessment_ids: list[str]) -> list[AssessmentRecord]: ...


class CertificateLookups(Protocol):
    """Lookup documents ``<tenant>:cert:<code>`` → enrolment, read by ``_id`` only."""

    def ensure(self, lookups: list[dict[str, Any]]) -> int: ...

    def get(self, lookup_id: str) -> dict[str, Any] | None: ...


class CriteriaSetStore(Protocol):
    """A province's stored criteria-set versions and its activations (``set_registry``)."""

    def versions(self, set_id: str, most: int) -> list[int]: ...

    def add(self, record: StoredSet) -> bool: ...

    def get(self, set_id: str, version: int) -> StoredSet | None: ...

    def get_many(self, keys: list[tuple[str, int]]) -> list[StoredSet]: ...

    def all(self) -> list[StoredSet]: ...

    def active(self) -> ActiveSets: ...

    def swap_active(self, expected_stamp: str, active: ActiveSets) -> bool: ...

    def mark_activated(self, record: StoredSet) -> None: ...


class ListReviews(Protocol):
    """Biên bản bình xét: one document per unit, title, year and client document id."""

    def get(self, review_id: str) -> ListReview | None: ...

    def save(self, review: ListReview) -> ListReview: ...

    def of_unit(self, unit_code: str, year: int) -> list[dict[str, Any]]: ...

    def save_content(self, review_id: str, rows: list[dict[str, Any]]) -> None: ...

    def content(self, review_id: str, rows: int) -> list[dict[str, Any]]: ...

    def release(self, review_id: str) -> None: ...

    def save_report(self, report_id: str, unitpath: str, content: bytes) -> None: ...

    def report(self, report_id: str) -> tuple[str, bytes] | None: ...
