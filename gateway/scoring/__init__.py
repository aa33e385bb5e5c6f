"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals and decisions."""

from gateway.scoring import list_review
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

MUTATIONS = {**MUTATIONS, **list_review.MUTATIONS}
QUERIES = {**QUERIES, **list_review.QUERIES}

__all__ = ["MUTATIONS", "QUERIES"]
