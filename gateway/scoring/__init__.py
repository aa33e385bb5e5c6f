"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals, decisions and
certificates; past years' recognitions (history)."""

from gateway.scoring import certificates, criteria_admin, history, history_sheet
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

QUERIES = {**QUERIES, **criteria_admin.QUERIES, **certificates.QUERIES, **history.QUERIES}
MUTATIONS = {
    **MUTATIONS,
    **criteria_admin.MUTATIONS,
    **history.MUTATIONS,
    **history_sheet.MUTATIONS,
}

__all__ = ["MUTATIONS", "QUERIES"]
