"""The events scoring announces about an assessment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from khuyenhoc.envelope import EventType, new_event
from khuyenhoc.events import RECOGNISED, REVOKED, SCORED
from khuyenhoc.tenancy import UnitPath
from services.scoring.domain.assessment import (
    AssessmentRecord,
)


def recognised_event(
    assessment: AssessmentRecord, recognition: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """``recognised``: the decision that recognises the subject, with its validity."""
    return _assessment_event(
        RECOGNISED,
        assessment,
        now,
        {
            "level": recognition["level"],
            "decisionNumber": recognition["decision_number"],
            "decisionDate": recognition["decision_date"],
            "signer": recognition["signer"],
            "validUntil": recognition["valid_until"],
            "setId": recognition["set_id"],
            # since 1.2: whether the verdict rests on a provisional criteria set, and why
            **(
                {
                    "provisional": bool(recognition["provisional"]),
                    "provisionalReason": recognition.get("provisional_reason"),
                }
                if "provisional" in recognition
                else {}
            ),
        },
    )


def revoked_event(
    assessment: AssessmentRecord, recognition: Mapping[str, Any], reason: str, now: datetime
) -> dict[str, Any]:
    """``revoked``: a recognition withdrawn by the authority, with the reason."""
    return _assessment_event(
        REVOKED,
        assessment,
        now,
        {"decisionNumber": recognition["decision_number"], "reason": reason},
    )


def scored_event(
    assessment: AssessmentRecord, stage: str, verdict: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """``scored``: the verdict of a self-assessment or review, with the set it was judged by."""
    return _assessment_event(
        SCORED,
        assessment,
        now,
        {
            "stage": stage,
            "setId": verdict["set_id"],
            "provisional": verdict["provisional"],
            "provisionalReason": verdict.get("provisional_reason"),
            "status": verdict["status"],
            "level": verdict["level"],
            "total": verdict["total"],
        },
    )


def _assessment_event(
    kind: EventType, assessment: AssessmentRecord, now: datetime, details: dict[str, Any]
) -> dict[str, Any]:
    """An event about an assessment: who and what it is about, then the event's own data."""
    return new_event(
        kind,
        subject=f"assessment/{assessment.id}",
        unit_path=UnitPath.parse(assessment.unitpath),
        time=now,
        data={
            "enrolmentId": assessment.id,
            "subjectId": assessment.subject_id,
            "subjectKind": assessment.subject_kind,
            "title": assessment.title,
            "year": assessment.year,
            "unitCode": assessment.unit_code,
            **details,
        },
    )
