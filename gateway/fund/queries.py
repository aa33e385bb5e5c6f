"""Queries of the fund: a unit's fund (private), the public statement and the honour roll.

Reading a fund (donors' contacts, beneficiaries' names) needs a token whose subtree holds the
unit. The public statement and the honour roll need no token and show no contact data,
anonymous donors unnamed and minors by initials.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.access import authenticated, visible
from gateway.fund.types import ConsolidatedStatement, Fund, HonourLine, PublicStatement
from gateway.pagination import MAX_FIRST, check_first
from gateway.wire import answer, iso_date, wire_unit


def resolve_fund(root: Any, info: Any, unit_code: str, tenant: str | None = None) -> Any:
    caller = authenticated(info)
    found = info.context.rpc.registration.get_unit(unit_code, tenant or caller.tenant)
    unit = visible(info, found, "path")
    if unit is None:
        return None
    return info.context.rpc.fund.fund(unit["tenant"], wire_unit(unit))


def resolve_public_statement(
    root: Any, info: Any, unit_code: str, start: date, end: date, tenant: str | None = None
) -> Any:
    """Public: no token needed. The unit as it stood at the period's end (its name of then)."""
    unit = info.context.rpc.registration.get_unit(unit_code, tenant, iso_date(end))
    if unit is None:
        return None
    return answer(
        info.context.rpc.fund.public_statement(
            unit["tenant"], wire_unit(unit), iso_date(start), iso_date(end)
        )
    )


def resolve_honour_roll(
    root: Any, info: Any, unit_code: str, year: int, first: int = 10, tenant: str | None = None
) -> Any:
    """Tôn vinh (public): the largest donors of the unit and below in a year. A short top-N
    list, not a connection: ``first`` is checked like a page's (1 to 100), with no next page
    (the whole roll is the honour roll file)."""
    check_first(first)
    unit = info.context.rpc.registration.get_unit(unit_code, tenant)
    if unit is None:
        return []
    return info.context.rpc.fund.honour_roll(unit["tenant"], unit["code"], year, first)


def resolve_consolidated_statement(
    root: Any, info: Any, unit_code: str, start: date, end: date, tenant: str | None = None
) -> Any:
    """Public, like the public statement: the commune's fund and its branches' (the directory's
    branches of the unit as it stood at the period's end), dues kept apart."""
    rpc = info.context.rpc
    unit = rpc.registration.get_unit(unit_code, tenant, iso_date(end))
    if unit is None:
        return None
    branches = [u for u in rpc.registration.children(unit["_id"]) if u.get("level") == "branch"]
    return answer(
        rpc.fund.consolidated_statement(
            unit["tenant"],
            wire_unit(unit),
            [wire_unit(b) for b in branches],
            iso_date(start),
            iso_date(end),
        )
    )


QUERIES: dict[str, Any] = {
    "fund": graphene.Field(
        Fund,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        resolver=resolve_fund,
        description="A unit's fund (needs a token whose subtree holds the unit)",
    ),
    "public_fund_statement": graphene.Field(
        PublicStatement,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        start=graphene.Date(required=True, name="from", description="First day, included"),
        end=graphene.Date(required=True, name="to", description="Last day, included"),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        resolver=resolve_public_statement,
        description="Công khai quỹ (public, no login)",
    ),
    "honour_roll": graphene.List(
        graphene.NonNull(HonourLine),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        year=graphene.Int(required=True, description="Calendar year (năm)"),
        first=graphene.Int(
            default_value=10,
            description=f"At most this many donors (số nhà hảo tâm), 1 to {MAX_FIRST}; outside "
            "that range the query is refused",
        ),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        resolver=resolve_honour_roll,
        description="Tôn vinh nhà hảo tâm (public): top donors of the unit and below",
    ),
    "consolidated_fund_statement": graphene.Field(
        ConsolidatedStatement,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        start=graphene.Date(required=True, name="from", description="First day, included"),
        end=graphene.Date(required=True, name="to", description="Last day, included"),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        resolver=resolve_consolidated_statement,
        description="Báo cáo tổng hợp quỹ of a commune with its branches (public, no login)",
    ),
}
