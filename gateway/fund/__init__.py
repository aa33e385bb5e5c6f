"""The fund (Quỹ Khuyến học): its queries and mutations."""

from gateway.fund.mutations import MUTATIONS
from gateway.fund.queries import QUERIES

__all__ = ["MUTATIONS", "QUERIES"]
