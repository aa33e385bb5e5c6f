"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals, decisions and
certificates; past years' recognitions (history); the list review (biên bản bình xét);
self-assessments entered as a list."""

from typing import Any

from gateway.scoring import (
    certificates,
    criteria_admin,
    decision_sheets,
    decisions,
    history,
    history_sheet,
    list_review,
    postings,
    proposals,
    queries,
    review_registrations,
    self_assessments,
)
from gateway.scoring.mutations import MUTATIONS

QUERIES: dict[str, Any] = {**queries.QUERIES, **decisions.QUERIES, **postings.QUERIES}
MUTATIONS = {**MUTATIONS, **decision_sheets.MUTATIONS}

QUERIES = {**QUERIES, **criteria_admin.QUERIES, **certificates.QUERIES, **history.QUERIES}
MUTATIONS = {
    **MUTATIONS,
    **criteria_admin.MUTATIONS,
    **history.MUTATIONS,
    **history_sheet.MUTATIONS,
}
MUTATIONS = {**MUTATIONS, **list_review.MUTATIONS}
QUERIES = {**QUERIES, **list_review.QUERIES}
MUTATIONS = {**MUTATIONS, **self_assessments.MUTATIONS}
QUERIES = {**QUERIES, **review_registrations.QUERIES}
QUERIES = {**QUERIES, **proposals.QUERIES}

__all__ = ["MUTATIONS", "QUERIES"]
