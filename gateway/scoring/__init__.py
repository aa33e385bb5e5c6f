"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals and decisions."""

from gateway.scoring import history
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

MUTATIONS = {**MUTATIONS, **history.MUTATIONS}
QUERIES = {**QUERIES, **history.QUERIES}

__all__ = ["MUTATIONS", "QUERIES"]
