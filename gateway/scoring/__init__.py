"""Scoring: criteria sets, self-assessments, reviews, evidence, proposals, decisions and
certificates."""

from gateway.scoring import certificates, criteria_admin
from gateway.scoring.mutations import MUTATIONS
from gateway.scoring.queries import QUERIES

QUERIES = {**QUERIES, **criteria_admin.QUERIES, **certificates.QUERIES}
MUTATIONS = {**MUTATIONS, **criteria_admin.MUTATIONS}

__all__ = ["MUTATIONS", "QUERIES"]
