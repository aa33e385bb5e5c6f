"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals and decisions."""

from gateway.scoring import criteria_admin
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

QUERIES = {**QUERIES, **criteria_admin.QUERIES}
MUTATIONS = {**MUTATIONS, **criteria_admin.MUTATIONS}

__all__ = ["MUTATIONS", "QUERIES"]
