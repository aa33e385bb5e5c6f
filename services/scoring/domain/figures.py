"""What an assessment adds to its unit's figures, and how a change moves them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from khuyenhoc.vocabulary import FIGURES
from services.scoring.domain.assessment import (
    AssessmentRecord,
    AssessmentStatus,
)


def contributions(state: AssessmentRecord | None) -> dict[str, int]:
    """What one assessment adds to its unit's figures. A withdrawn enrolment adds nothing;
    "eligible" follows the review's verdict, the one that counts."""
    if not state or state.status != AssessmentStatus.REGISTERED:
        return dict.fromkeys(FIGURES, 0)
    review = state.review or {}
    recognition = state.recognition or {}
    held = holds_title(state)
    return {
        "registered": 1,
        "assessed": int(bool(state.self_assessment)),
        "reviewed": int(bool(review)),
        "eligible": int(is_eligible(state)),
        "recognised": int(held),
        "recognised_level_1": int(held and recognition.get("level") == 1),
        "recognised_level_2": int(held and recognition.get("level") == 2),
        "recognised_level_3": int(held and recognition.get("level") == 3),
    }


def holds_title(state: AssessmentRecord) -> bool:
    """Recognised by decision, not revoked, and still enrolled."""
    recognition = state.recognition or {}
    return (
        state.status == AssessmentStatus.REGISTERED
        and bool(recognition)
        and not recognition.get("revoked")
    )


def is_eligible(state: AssessmentRecord) -> bool:
    """Reviewed, and the review found the criteria met: what a proposal may list."""
    verdict = (state.review or {}).get("verdict") or {}
    return state.status == AssessmentStatus.REGISTERED and verdict.get("status") == "recognised"


def deltas(before: AssessmentRecord | None, after: AssessmentRecord) -> dict[str, int]:
    """How a change of one assessment moves its unit's figures (only the figures that move)."""
    old, new = contributions(before), contributions(after)
    return {name: new[name] - old[name] for name in FIGURES if new[name] != old[name]}


def title_totals(counters: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Sum unit counters into figures per title: a roll-up costs one read per unit."""
    totals: dict[str, dict[str, int]] = {}
    for counter in counters:
        figures = totals.setdefault(counter["title"], dict.fromkeys(FIGURES, 0))
        for name in FIGURES:
            figures[name] += int(counter.get(name) or 0)
    return totals
