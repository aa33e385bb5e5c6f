"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals and decisions."""

from typing import Any

from gateway.scoring import decisions, postings, queries
from gateway.scoring.mutations import MUTATIONS

QUERIES: dict[str, Any] = {**queries.QUERIES, **decisions.QUERIES, **postings.QUERIES}

__all__ = ["MUTATIONS", "QUERIES"]
