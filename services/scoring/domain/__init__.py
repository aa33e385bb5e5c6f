"""Scoring's rules, pure (no I/O, no clock, no text for people): what an enrolment event or a
recorded stage does to an assessment (``changes``), the figures it moves (``figures``),
recognitions, title history and deadlines (``recognition``), the events announced
(``events``); ``assessment`` holds the records they work on. Import from here."""

from services.scoring.domain.assessment import (
    MEMBERS_RECOGNISED,
    STAGES,
    TITLE_LEVEL,
    Assessment,
    AssessmentRecord,
    AssessmentStatus,
    ConcurrentChange,
    CounterMove,
    NotScorable,
    Refused,
    StaleRead,
    Transition,
    members_counter_id,
    transition,
)
from services.scoring.domain.changes import Change, enrolment_change, stage_change
from services.scoring.domain.events import recognised_event, revoked_event, scored_event
from services.scoring.domain.figures import (
    contributions,
    deltas,
    holds_title,
    is_eligible,
    title_totals,
)
from services.scoring.domain.recognition import (
    DEFAULT_AUTHORITIES,
    DEFAULT_DEADLINES,
    Proposal,
    deadlines,
    default_authorities,
    proposal_id,
    standing_in_the_way,
    title_history,
    valid_until,
)

__all__ = [
    "DEFAULT_AUTHORITIES",
    "DEFAULT_DEADLINES",
    "MEMBERS_RECOGNISED",
    "STAGES",
    "TITLE_LEVEL",
    "Assessment",
    "AssessmentRecord",
    "AssessmentStatus",
    "Change",
    "ConcurrentChange",
    "CounterMove",
    "NotScorable",
    "Proposal",
    "Refused",
    "StaleRead",
    "Transition",
    "contributions",
    "deadlines",
    "default_authorities",
    "deltas",
    "enrolment_change",
    "holds_title",
    "is_eligible",
    "members_counter_id",
    "proposal_id",
    "recognised_event",
    "revoked_event",
    "scored_event",
    "stage_change",
    "standing_in_the_way",
    "title_history",
    "title_totals",
    "transition",
    "valid_until",
]
