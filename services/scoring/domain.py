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
    WITHDRAWN = "WITHDRAWN"


TARGET_STATUS = {"registered": AssessmentStatus.REGISTERED, "withdrawn": AssessmentStatus.WITHDRAWN}


@dataclass(frozen=True)
class Transition:
    status: AssessmentStatus
    registered_delta: int  # how the unit's "registered" figure changes


def transition(
    current: str | None, last_event_time: str | None, event_name: str, event_time: str
) -> Transition | None:
    """What an enrolment event does to an assessment, or None when it does nothing: a
    redelivered or out-of-date event (older than the last one applied), or no change of state.
    A withdrawal that overtakes its registration is recorded, so the late registration is
    recognised as older and ignored."""
    if last_event_time and _when(event_time) <= _when(last_event_time):
        return None
    target = TARGET_STATUS[event_name]
    if current == target:
        return None
    if target is AssessmentStatus.REGISTERED:
        return Transition(target, +1)
    return Transition(target, -1 if current == AssessmentStatus.REGISTERED else 0)


def _when(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


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

    def as_document(self, opened_by_event: str, now: datetime) -> dict[str, Any]:  # noqa: D102
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
