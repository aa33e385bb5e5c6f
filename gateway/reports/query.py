"""The report of a unit over some years (``report``) and a province's own programme targets
(``setProvinceTarget``). Reading a report needs an officer whose subtree covers the unit (not
the public, not a partner); setting a target, the province's admin."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REPORT_READERS, authenticated, forbidden, readable_unit
from gateway.messages import message
from gateway.mutations import Write, mutation
from gateway.reports.compose import ReportYearsError, build_report, check_years
from gateway.reports.types import Report
from gateway.wire import field_error
from khuyenhoc.auth import Role
from khuyenhoc.tenancy import UnitPath

# Officers who read reports in their subtree (every role but a partner).


def resolve_report(
    root: Any,
    info: Any,
    unit_code: str,
    from_year: int,
    to_year: int,
    tenant: str | None = None,
) -> dict[str, Any]:
    caller = authenticated(info)
    tenant = tenant or caller.tenant
    if tenant != caller.tenant:
        raise forbidden()
    try:
        check_years(from_year, to_year)
    except ReportYearsError:
        raise field_error("toYear", "report_years", message("report_years")) from None
    unit = info.context.rpc.registration.get_unit(unit_code, tenant)
    readable_unit(info, unit, REPORT_READERS)
    return build_report(info.context.rpc, unit, from_year, to_year)


class ProvinceTargetInput(graphene.InputObjectType):
    """A province's own share for a programme target (chỉ tiêu của tỉnh)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(
        required=True, description='A national target\'s code, e.g. "QD387.FAMILY.2025"'
    )
    share = graphene.Float(required=True, description="0..1, not below the national share")
    mountain_share = graphene.Float(description="For the province's mountain areas")
    from_year = graphene.Int(required=True, description="First year, included (từ năm)")
    to_year = graphene.Int(required=True, description="Last year, included (đến năm)")
    source = graphene.String(required=True, description="The province's text that sets it")


class ProvinceTarget(graphene.ObjectType):
    """A province's own share for a programme target (chỉ tiêu của tỉnh)."""

    code = graphene.String(
        required=True, description="The national target's code, e.g. QD387.FAMILY.2025"
    )
    share = graphene.Float(required=True, description="The province's share (tỉ lệ), 0..1")
    mountain_share = graphene.Float(
        description="Share for the province's mountain areas (vùng miền núi), 0..1"
    )
    from_year = graphene.Int(required=True, description="First year, included (từ năm)")
    to_year = graphene.Int(required=True, description="Last year, included (đến năm)")
    source = graphene.String(
        required=True, description="Where it comes from (nguồn), in Vietnamese"
    )


def _province_admin(write: Write) -> None:
    """The admin of the province whose target it is (as for its criteria sets)."""
    caller = write.caller
    if caller.role != Role.PROVINCE_ADMIN or not caller.covers(UnitPath.parse(write.tenant)):
        raise forbidden()


SetProvinceTarget = mutation(
    "SetProvinceTarget",
    ProvinceTarget,
    lambda write: write.rpc.scoring.set_province_target(
        {**write.payload(), "by": write.caller.subject}
    ),
    check=_province_admin,
    input=ProvinceTargetInput,
    answer="target",
    doc="A province's own share for a programme target (not below the national one).",
)

QUERIES: dict[str, Any] = {
    "report": graphene.Field(
        Report,
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        from_year=graphene.Int(required=True, description="First year, included (từ năm)"),
        to_year=graphene.Int(required=True, description="Last year, included (đến năm)"),
        tenant=graphene.String(
            description="Province code (mã tỉnh), 2 digits; default the caller's"
        ),
        resolver=resolve_report,
        description="The unit's report over 1–10 years (the five-year review): branches, "
        "members, titles with rates against registrations and against all households, clans, "
        "hamlets, units, adults, the commune community's rating, student awards, the fund, "
        "progress against the programme targets, the level below",
    ),
}
MUTATIONS: dict[str, Any] = {"set_province_target": SetProvinceTarget.Field()}
