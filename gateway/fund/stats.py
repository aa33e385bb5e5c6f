"""The fund's figures of a unit, for the directory's ``stats(year).fund``: this module knows
nothing of the directory's types (the directory imports it, never the other way)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.fund.money import Money
from gateway.loader import loader_of


def _own(name: str) -> Any:
    return lambda root, info: int(root.get(f"own_{name}") or 0)


class OwnFundStats(graphene.ObjectType):
    """The unit's own fund alone (not its units below): the rest of a unit's figure is the sum
    of the units below it."""

    donations_total = graphene.Field(
        Money,
        required=True,
        resolver=_own("donations_total"),
        description="Donations received, in đồng (tổng ủng hộ)",
    )
    donations_count = graphene.Int(
        required=True,
        resolver=_own("donations_count"),
        description="Number of donations (số lượt ủng hộ)",
    )
    fees_total = graphene.Field(
        Money,
        required=True,
        resolver=_own("fees_total"),
        description="Membership fees received, in đồng (hội phí)",
    )
    disbursed_total = graphene.Field(
        Money,
        required=True,
        resolver=_own("disbursed_total"),
        description="Paid out to beneficiaries, in đồng (tổng đã chi)",
    )
    balance = graphene.Field(
        Money, required=True, resolver=_own("balance"), description="Balance in đồng (số dư)"
    )


class FundStats(graphene.ObjectType):
    """Fund figures of a unit and everything below it, summed over the years asked."""

    donations_total = graphene.Field(
        Money, required=True, description="Donations received, in đồng (tổng ủng hộ)"
    )
    donations_count = graphene.Int(
        required=True, description="Number of donations (số lượt ủng hộ)"
    )
    fees_total = graphene.Field(Money, required=True, description="Hội phí")
    disbursed_total = graphene.Field(
        Money, required=True, description="Paid out to beneficiaries, in đồng (tổng đã chi)"
    )
    awards_count = graphene.Int(required=True, description="Scholarships, awards, support paid")
    balance = graphene.Field(Money, required=True, description="At the end of the last year")
    student_awards_count = graphene.Int(
        required=True,
        description="Student awards: scholarships, awards, university prizes (not sponsorship, "
        "community learning or other spending)",
    )
    student_awards_total = graphene.Field(
        Money,
        required=True,
        description="Paid as student awards and scholarships, in đồng (khen thưởng học sinh)",
    )
    own = graphene.Field(
        OwnFundStats, required=True, description="The unit's own fund, without the units below"
    )

    @staticmethod
    def resolve_student_awards_count(root: dict[str, Any], info: Any) -> int:
        return int(root.get("student_awards_count") or 0)

    @staticmethod
    def resolve_student_awards_total(root: dict[str, Any], info: Any) -> int:
        return int(root.get("student_awards_total") or 0)

    @staticmethod
    def resolve_own(root: dict[str, Any], info: Any) -> dict[str, Any]:
        return root


def resolve_fund_stats(root: dict[str, Any], info: Any, from_year: int | None = None) -> Any:
    """``stats(year).fund(fromYear)``: O(units × years) — the unit counters of the paths that
    hold the unit's figures (its predecessors' before it existed); the siblings' paths
    (``batch``) are read in the same call."""
    first = from_year or root["year"]
    batch = root.get("batch") or root["paths"]
    return loader_of(info).fund(root["paths"], batch, first, root["year"])
