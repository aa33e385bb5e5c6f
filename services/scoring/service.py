"""Scoring's use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import FieldError, InvalidInput
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import Assessment, NotScorable, scored_event, title_totals
from services.scoring.engine import AssessmentError, assess
from services.scoring.schemas import MESSAGES

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.store import Assessments


def apply_enrolment_event(assessments: Assessments, event: Envelope, name: str) -> bool:
    """``registered`` opens (or reopens) the enrolment's assessment, ``withdrawn`` closes it;
    False when the event changed nothing (a redelivery or an out-of-date event)."""
    return assessments.apply(
        Assessment.opened_by(event), event.id, name, event.time, datetime.now(UTC)
    )


def unit_stats(assessments: Assessments, path: UnitPath, year: int) -> dict[str, dict[str, int]]:
    return title_totals(assessments.unit_counters(path, year))


def score(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    tenant: str,
    enrolment_id: str,
    stage: str,
    answers: dict[str, Any],
    figures: dict[str, float],
    group: str | None = None,
    minutes: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Judge a self-assessment (tự đánh giá) or a review (bình xét) against the set in force,
    keep it with its explanation, and announce the verdict. The review's verdict counts."""
    now = now or datetime.now(UTC)
    current = assessments.get(enrolment_id)
    if current is None or current["tenant"] != tenant or current["status"] != "REGISTERED":
        raise InvalidInput([MESSAGES.error("enrolmentId", "enrolment_not_found")])
    criteria = select(sets, current["title"], current["year"], group=group)
    if criteria is None:
        raise InvalidInput([MESSAGES.error("group", "no_criteria_set")])
    try:
        verdict = asdict(assess(criteria, answers, figures))
    except AssessmentError as exc:
        raise InvalidInput(
            [FieldError("answers", "invalid_answer", f"{MESSAGES['invalid_answer']} {exc}")]
        ) from exc
    record = {
        "set_id": criteria.id,
        "answers": answers,
        "figures": figures,
        "group": group,
        "verdict": verdict,
        "at": now.isoformat(),
        "by": by,
    }
    if stage == "review":
        record["minutes"] = minutes
    try:
        return assessments.score(
            tenant, enrolment_id, stage, record, scored_event(current, stage, verdict, now)
        )
    except NotScorable as exc:
        raise InvalidInput([MESSAGES.error("enrolmentId", "enrolment_not_found")]) from exc


def criteria_summary(criteria: CriteriaSet) -> dict[str, Any]:
    """What a client shows before scoring: the set's identity, provisional status, indicators."""
    return {
        "id": criteria.id,
        "title": criteria.title,
        "issuer": criteria.issuer,
        "decision": criteria.decision.number,
        "provisional": criteria.provisional,
        "sources": list(criteria.sources),
        "group": criteria.group,
        "level": criteria.level,
        "validFrom": criteria.valid_from,
        "validTo": criteria.valid_to,
        "totalPoints": criteria.total_points,
        "passMark": criteria.pass_mark,
        "indicators": [
            {
                "id": i.id,
                "name": i.name,
                "kind": i.kind,
                "maxPoints": i.max_points,
                "minPoints": i.min_points,
                "level": i.level,
                "provisional": i.provisional,
            }
            for i in criteria.indicators()
        ],
    }


def sets_in_force(sets: Sequence[CriteriaSet], title: str, year: int) -> list[CriteriaSet]:
    return [s for s in sets if s.title == title and s.in_force(year)]
