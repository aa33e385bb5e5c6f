"""The fund's figures of a unit, for the directory's ``stats(year).fund``: this module knows
nothing of the directory's types (the directory imports it, never the other way)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.fund.money import Money
from gateway.loader import loader_of


class FundStats(graphene.ObjectType):
    """Fund figures of a unit and everything below it, summed over the years asked."""

    donations_total = graphene.Field(Money, required=True)
    donations_count = graphene.Int(required=True)
    fees_total = graphene.Field(Money, required=True, description="Hội phí")
    disbursed_total = graphene.Field(Money, required=True)
    awards_count = graphene.Int(required=True, description="Scholarships, awards, support paid")
    balance = graphene.Field(Money, required=True, description="At the end of the last year")


def resolve_fund_stats(root: dict[str, Any], info: Any, from_year: int | None = None) -> Any:
    """``stats(year).fund(fromYear)``: O(units × years) — the unit counters of the paths that
    hold the unit's figures (its predecessors' before it existed); the siblings' paths
    (``batch``) are read in the same call."""
    first = from_year or root["year"]
    batch = root.get("batch") or root["paths"]
    return loader_of(info).fund(root["paths"], batch, first, root["year"])
