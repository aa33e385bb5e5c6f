"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals, decisions and
certificates."""

from gateway.scoring import certificates
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES as _QUERIES

QUERIES = {**_QUERIES, **certificates.QUERIES}

__all__ = ["MUTATIONS", "QUERIES"]
