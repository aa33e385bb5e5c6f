"""Scoring's event consumers' use cases, a batch of one tenant's events at a time.

``registered`` opens most assessments for the first time (an import's rows): those are opened
together through ``Assessments.open_many`` (commit's exactly-once protocol in a few round trips
for the whole batch); the rest (a redelivery, a re-enrolment, an assessment opened meanwhile by
another delivery) goes through :func:`service.apply_enrolment_event` one event at a time, in
delivery order. ``recognised``/``revoked``/``withdrawn`` refresh what depends on the enrolments,
each enrolment once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from services.scoring import service
from services.scoring.domain import Assessment, Change, enrolment_change

if TYPE_CHECKING:
    from khuyenhoc.envelope import Envelope
    from services.scoring.criteria_sets import CriteriaSet
    from services.scoring.ports import Assessments

REGISTERED = "registered"


def apply_enrolment_events(
    assessments: Assessments, events: Sequence[Envelope], name: str, now: datetime | None = None
) -> dict[str, bool]:
    """Apply a batch of one tenant's ``registered``/``withdrawn`` events; for each event id,
    whether it changed anything (False: a redelivery or an out-of-date event)."""
    now = now or datetime.now(UTC)
    opened = [Assessment.opened_by(event) for event in events]
    changed: dict[str, bool] = {}
    fresh: dict[str, tuple[int, Change]] = {}  # assessment id -> (position, its opening)
    if name == REGISTERED:
        held = assessments.by_ids(sorted({a.id for a in opened}))
        for position, (event, assessment) in enumerate(zip(events, opened, strict=True)):
            if assessment.id in held or assessment.id in fresh:
                continue
            change = enrolment_change(None, assessment, event.id, name, event.time, now)
            if change is not None and change.document is not None:
                fresh[assessment.id] = (position, change)
    written = {record.id for record in assessments.open_many([c for _, c in fresh.values()])}
    opened_at = {position for aid, (position, _) in fresh.items() if aid in written}
    for position, event in enumerate(events):
        if position in opened_at:
            changed[event.id] = True
        else:  # one by one, in order: what open_many did not (or could not) open
            changed[event.id] = service.apply_enrolment_event(assessments, event, name)
    return changed


def refresh_dependents(
    assessments: Assessments, sets: Sequence[CriteriaSet], enrolment_ids: Sequence[str]
) -> dict[str, bool]:
    """Judge again what depends on the enrolments (see :func:`service.refresh_dependents_many`),
    each dependent once for the whole batch. For each enrolment id, whether anything was
    rewritten (for the batch as a whole, since it is judged together)."""
    distinct = list(dict.fromkeys(enrolment_ids))
    rewritten = bool(service.refresh_dependents_many(assessments, sets, distinct))
    return dict.fromkeys(distinct, rewritten)
