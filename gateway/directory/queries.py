"""Queries of the directory (public): a unit by its code, units by level, parent or name."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.directory.types import OrgUnit
from gateway.enums import UnitLevel
from gateway.loader import loader_of
from gateway.wire import enum_value, iso_date


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
) -> list[dict[str, Any]]:
    found = info.context.rpc.registration.search_units(
        tenant, enum_value(level), parent, search, iso_date(at), first
    )
    return loader_of(info).adopt(found)


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
    "org_units": graphene.List(
        graphene.NonNull(OrgUnit),
        required=True,
        level=graphene.Argument(
            UnitLevel,
            description="Only units of this level (cấp)",
        ),
        parent=graphene.String(description="Parent unit code"),
        search=graphene.String(description="Name, with or without diacritics"),
        tenant=graphene.String(description="Province code (mã tỉnh), default the caller's"),
        at=graphene.Date(description="The units as they were on this day (default today)"),
        first=graphene.Int(default_value=50, description="At most this many units"),
        resolver=resolve_org_units,
        description="Administrative units (đơn vị hành chính) by level, parent or name; public",
    ),
}
