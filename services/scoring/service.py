"""Scoring's use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from services.scoring.domain import Assessment, title_totals

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
