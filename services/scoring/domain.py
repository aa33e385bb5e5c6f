"""Scoring rules. For now: an enrolment opens an assessment, and roll-up counters per unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath


class AssessmentStatus(StrEnum):
    REGISTERED = "REGISTERED"


@dataclass(frozen=True)
class Assessment:
    """One subject's assessment for one title and year; keyed by its enrolment."""

    id: str
    subject_id: str
    subject_kind: str
    title: str
    year: int
    unit_path: UnitPath
    status: AssessmentStatus = AssessmentStatus.REGISTERED

    @classmethod
    def opened_by(cls, event: Envelope) -> Assessment:
        data = event.data
        return cls(
            id=data["enrolmentId"],
            subject_id=data["subjectId"],
            subject_kind=data["subjectKind"],
            title=data["title"],
            year=data["year"],
            unit_path=event.unitpath,
        )

    @property
    def tenant(self) -> str:
        return self.unit_path.tenant

    @property
    def counter_id(self) -> str:
        """The counter of the assessment's own unit; higher levels sum their units' counters."""
        return f"{self.tenant}|{self.unit_path.code}|{self.year}|{self.title}"

    def as_document(self, opened_by_event: str, now: datetime) -> dict[str, Any]:
        return {
            "_id": self.id,
            "tenant": self.tenant,
            "subject_id": self.subject_id,
            "subject_kind": self.subject_kind,
            "title": self.title,
            "year": self.year,
            "unit_code": self.unit_path.code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "status": self.status.value,
            "opened_by_event": opened_by_event,
            "opened_at": now,
        }

    def counter_identity(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "unit_code": self.unit_path.code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "year": self.year,
            "title": self.title,
        }


def title_totals(counters: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Sum unit counters into figures per title: a roll-up costs one read per unit."""
    totals: dict[str, dict[str, int]] = {}
    for counter in counters:
        figures = totals.setdefault(counter["title"], {"registered": 0})
        figures["registered"] += int(counter.get("registered", 0))
    return totals
