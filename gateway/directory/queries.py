"""Queries of the directory (public): a unit by its code, units by level, parent or name."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.directory.types import OrgUnit
from gateway.loader import loader_of
from gateway.pagination import connection, page_arguments, window_page
from gateway.wire import iso_date

SEARCH_MOST = 500  # registration.search_units answers at most this many units

OrgUnitConnection = connection(OrgUnit, "OrgUnit", "administrative units (đơn vị hành chính)")


def resolve_org_unit(
    root: Any, info: Any, code: str, tenant: str | None = None, at: date | None = None
) -> dict[str, Any] | None:
    return info.context.rpc.registration.get_unit(code, tenant, iso_date(at))


def resolve_org_units(
    root: Any,
    info: Any,
    level: str | None = None,
    parent: str | None = None,
    search: str | None = None,
    tenant: str | None = None,
    at: date | None = None,
    first: int = 50,
    after: str | None = None,
) -> dict[str, Any]:
    """A page of the units the directory finds, by level then code, among its first
    ``SEARCH_MOST`` (registration's cap): the cursor is a position in that answer."""
    day = iso_date(at)

    def fetch(limit: int) -> list[dict[str, Any]]:
        return info.context.rpc.registration.search_units(tenant, level, parent, search, day, limit)

    page = window_page(
        "orgUnits",
        f"{tenant}|{level}|{parent}|{search}|{day}",
        first,
        after,
        fetch,
        lambda unit: unit.get("_id"),
        SEARCH_MOST,
    )
    loader_of(info).adopt(page["nodes"])
    return page


QUERIES = {
    "org_unit": graphene.Field(
        OrgUnit,
        code=graphene.String(
            required=True,
            description="The unit's code (mã đơn vị): 2-digit province, 3-digit district, "
            "5-digit commune, or a branch/hamlet code",
        ),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        at=graphene.Date(description="The unit as it was on this day (default today)"),
        resolver=resolve_org_unit,
        description="One administrative unit (đơn vị hành chính) by its code; public",
    ),
    "org_units": graphene.Field(
        graphene.NonNull(OrgUnitConnection),
        level=graphene.String(
            description="Only units of this level (cấp): province, district, commune, branch, "
            "hamlet"
        ),
        parent=graphene.String(description="Parent unit code"),
        search=graphene.String(description="Name, with or without diacritics"),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        at=graphene.Date(description="The units as they were on this day (default today)"),
        **page_arguments("units (đơn vị)"),
        resolver=resolve_org_units,
        description="Administrative units (đơn vị hành chính) by level, parent or name, by "
        "level then code; public. Pages reach the first 500 matches: narrow a longer search "
        "with level, parent or search",
    ),
}
