"""What an enrolment event or a recorded stage does to an assessment: a :class:`Change` that a
store writes as it is (the decision is the domain's, the writing the store's)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from services.scoring.domain.assessment import (
    Assessment,
    AssessmentRecord,
    AssessmentStatus,
    CounterMove,
    NotScorable,
    StaleRead,
    transition,
)
from services.scoring.domain.figures import deltas


@dataclass(frozen=True)
class Change:
    """What the domain decided a change does to one assessment; a store writes exactly this.

    ``fields`` are set on the stored assessment (``document`` instead when the change opens
    it); ``moved`` is what it owes the unit's figures, counted exactly once on the counters
    ``after.assessment.counts_moved(moved)`` names; ``event`` is announced in the same write."""

    change_id: str
    after: AssessmentRecord
    fields: dict[str, Any]
    moved: dict[str, int]
    document: dict[str, Any] | None = None
    event: dict[str, Any] | None = None

    @property
    def counts(self) -> dict[str, CounterMove]:
        return self.after.assessment.counts_moved(self.moved)


def enrolment_change(
    current: AssessmentRecord | None,
    opened: Assessment,
    event_id: str,
    event_name: str,
    event_time: str,
    now: datetime,
) -> Change | None:
    """What a ``registered`` / ``withdrawn`` event does to the enrolment's assessment: opens,
    reopens or closes it (a registration restates the membership links), or None when it does
    nothing (see :func:`transition`)."""
    moves = transition(
        current.status if current else None,
        current.last_event_time if current else None,
        event_name,
        event_time,
    )
    if moves is None:
        return None
    state: dict[str, Any] = {
        "status": moves.status.value,
        "last_event": event_id,
        "last_event_time": event_time,
        "updated_at": now.isoformat(),
    }
    if moves.status is AssessmentStatus.REGISTERED:
        state.update(opened.links())
    if current is None:
        document = {**opened.as_document(event_id, now), **state}
        after = AssessmentRecord.from_document(document)
        return Change(event_id, after, state, deltas(None, after), document=document)
    after = replace(current.updated(state), version=current.version + 1)
    return Change(event_id, after, state, deltas(current, after))


def stage_change(
    current: AssessmentRecord | None,
    assessment_id: str,
    stage: str,
    record: dict[str, Any],
    change_id: str,
    event: dict[str, Any] | None = None,
    read_version: int | None = None,
) -> Change:
    """Keep a stage of an enrolled assessment (a later record of a stage replaces the earlier),
    announced by ``event``. :class:`NotScorable` when there is no enrolled assessment; with
    ``read_version``, :class:`StaleRead` once the assessment moved past what the record was
    computed from."""
    if current is None or current.status != AssessmentStatus.REGISTERED:
        raise NotScorable(assessment_id)
    if read_version is not None and current.version != read_version:
        raise StaleRead(assessment_id)
    after = replace(current.updated({stage: record}), version=current.version + 1)
    return Change(change_id, after, {stage: record}, deltas(current, after), event=event)
