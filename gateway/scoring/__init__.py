"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals and decisions."""

from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

__all__ = ["MUTATIONS", "QUERIES"]
