"""GraphQL types of the report (``report(unitCode, fromYear, toYear)``) and of the progress
against the programme targets (``OrgUnit.progress(year)``). They read the dict
:func:`gateway.reports.compose.build_report` answers (snake_case keys; graphene names them in
camelCase). This module knows nothing of the directory's types (the directory imports it).
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import require_scope
from gateway.enums import BranchKind, UnitLevel
from gateway.fund.money import Money
from gateway.loader import loader_of
from gateway.reports.sources import Sources
from gateway.vocabulary import Title
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import TITLES


class ProgressTarget(graphene.ObjectType):
    """A programme target (QĐ 281, 387, 677/QĐ-TTg) as it applies to the unit and year."""

    code = graphene.String(required=True, description='e.g. "QD387.FAMILY.2025"')
    decision = graphene.String(required=True, description='"Quyết định 387/QĐ-TTg ngày 25/3/2022"')
    issuer = graphene.String(description="Who issued it (cơ quan ban hành)")
    programme = graphene.String(
        description="The programme that sets it (chương trình), e.g. QĐ 387/QĐ-TTg"
    )
    label = graphene.String(required=True, description="What the share is of, in Vietnamese")
    share = graphene.Float(
        required=True,
        description="The share to reach (0..1): the province's own where it set one, the "
        "mountain-area share where the unit is in one",
    )
    national_share = graphene.Float(description="The national share (before a province's own)")
    mountain_share = graphene.Float(description="The decision's mountain-area share, if any")
    mountain = graphene.Boolean(
        required=True, description="The mountain-area share applies to this unit"
    )
    milestone_year = graphene.Int(
        required=True, description="The year the share is to be reached (năm mốc)"
    )
    source = graphene.String(description="Where the share comes from (an address)")
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Where the figures come from (nguồn số liệu), in Vietnamese",
    )
    provisional = graphene.Boolean(
        required=True,
        description="Rests on a provisional criteria set or unofficial figures (tạm thời)",
    )
    provisional_reason = graphene.String(
        description="Why the target or its numerator is provisional"
    )
    overridden_by_province = graphene.Boolean(
        required=True, description="The province set its own share (setProvinceTarget)"
    )


class ProgressRow(graphene.ObjectType):
    """A target with the unit's numerator and denominator for the year: share and met are null
    where a number is unknown (``missing`` says why); shares are of ALL households, clans,
    hamlets, units, adults — not of those registered."""

    target = graphene.Field(
        ProgressTarget,
        required=True,
        description="The programme target (chỉ tiêu) measured against",
    )
    numerator = graphene.Int(description="Null: the platform does not record it")
    numerator_name = graphene.String(
        required=True, description="What is counted (tử số), in Vietnamese"
    )
    denominator = graphene.Int(description="Null: not entered for the unit and year")
    denominator_name = graphene.String(
        required=True, description="The name of the figure the share is computed over (mẫu số)"
    )
    share = graphene.Float(description="numerator / denominator")
    met = graphene.Boolean(description="share ≥ target share; null when share is unknown")
    missing = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Which number is unknown and why (Vietnamese)",
        resolver=lambda row, info: row.get("missing") or [],
    )


def resolve_progress(unit: dict[str, Any], info: Any, year: int) -> list[dict[str, Any]]:
    """``OrgUnit.progress(year)``: scoped like ``stats``; the unit's figure paths (its
    predecessors' before it existed), its denominators for the year, then scoring's rows."""
    require_scope(info, UnitPath.parse(unit["path"]))
    sources = Sources(info.context.rpc, loader_of(info))
    paths = sources.figure_paths(unit, year)
    denominators = sources.denominators(unit["tenant"], paths, year)
    return sources.progress(unit["tenant"], paths, year, denominators)


def progress_field() -> graphene.List:
    """The field the directory's ``OrgUnit`` adds (no import of the directory here)."""
    return graphene.List(
        graphene.NonNull(ProgressRow),
        required=True,
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        resolver=resolve_progress,
        description="Progress against the programme targets that apply to the year "
        "(QĐ 281/QĐ-TTg for 2016–2020; QĐ 387 and 677/QĐ-TTg from 2021): numerator, "
        "denominator, share, met",
    )


class YearName(graphene.ObjectType):
    """A unit's name in one year (tên đơn vị theo năm), for units renamed or merged."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    name = graphene.String(required=True, description="The unit's name that year (tên đơn vị)")


class ReportUnit(graphene.ObjectType):
    """The unit a report is about (đơn vị báo cáo)."""

    code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    name = graphene.String(required=True, description="The unit's name (tên đơn vị)")
    level = graphene.Field(UnitLevel, description="Level (cấp)")
    path = graphene.String(
        required=True,
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    tenant = graphene.String(
        required=True, description="Province code (mã tỉnh), 2 digits; default the caller's"
    )
    scheme = graphene.String(
        description="The administrative map the report is drawn on (e.g. 2024)"
    )
    names = graphene.List(
        graphene.NonNull(YearName),
        required=True,
        description="The unit's name on each year's day (its predecessors' before the reform)",
        resolver=lambda unit, info: [
            {"year": year, "name": name} for year, name in sorted(unit["names"].items())
        ],
    )


class BranchCount(graphene.ObjectType):
    """The number of branches of one kind (số chi hội theo loại)."""

    kind = graphene.Field(BranchKind, required=True, description="Kind of branch (loại chi hội)")
    kind_name = graphene.String(
        required=True, description="The kind's Vietnamese name (tên loại chi hội)"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")


class ReportTitleRow(graphene.ObjectType):
    """A title's figures for a year, with its rates against registrations and against the
    denominator (all households, clans, hamlets, units, adults of the unit)."""

    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    title_name = graphene.String(
        required=True, description="The title's Vietnamese name (tên danh hiệu)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    registered = graphene.Int(required=True, description="Number registered (số đăng ký)")
    recognised = graphene.Int(
        required=True, description="Number recognised by a decision (số được công nhận)"
    )
    recognised_level_1 = graphene.Int(required=True, description="Recognised at level 1 (mức độ 1)")
    recognised_level_2 = graphene.Int(required=True, description="Recognised at level 2 (mức độ 2)")
    rate_of_registered = graphene.Float(
        description="Recognised / registered (tỷ lệ so với số đăng ký); null with none registered"
    )
    denominator = graphene.Int(
        description="What the programme share is of (households for FAMILY, clans, hamlets, "
        "units, adults for CITIZEN); null when not entered"
    )
    denominator_name = graphene.String(
        description="The name of the figure the share is computed over (mẫu số)"
    )
    rate_of_denominator = graphene.Float(
        description="Recognised / denominator (tỷ lệ so với tổng số): the programme's rate"
    )


class CommunityRating(graphene.ObjectType):
    """The commune community's rating (Cộng đồng học tập cấp xã) in a year."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    level = graphene.Int(description="TT 44/2014: 1 Trung bình, 2 Khá, 3 Tốt; TT 25/2023: 1, 2")
    label = graphene.String(description="Khá, Tốt, ... as the set in force names the level")
    source = graphene.String(description="Where it comes from (nguồn), in Vietnamese")


class AwardYear(graphene.ObjectType):
    """Student awards (khen thưởng học sinh) paid in one year."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )


class Awards(graphene.ObjectType):
    """Student awards: scholarships, prizes, university entrants (not other spending)."""

    count = graphene.Int(required=True, description="Number (số lượng)")
    amount = graphene.Field(
        Money, required=True, description="Amount in đồng (số tiền), a decimal string"
    )
    by_year = graphene.List(
        graphene.NonNull(AwardYear), required=True, description="Year by year (theo năm)"
    )


class FundYear(graphene.ObjectType):
    """One year of a unit's fund in a report."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    donations_total = graphene.Field(
        Money, required=True, description="Donations received, in đồng (tổng ủng hộ)"
    )
    disbursed_total = graphene.Field(
        Money, required=True, description="Paid out to beneficiaries, in đồng (tổng đã chi)"
    )
    balance = graphene.Field(Money, required=True, description="At the year's end")


class ReportFund(graphene.ObjectType):
    """The fund part of a report (quỹ khuyến học): totals and year by year."""

    donations_total = graphene.Field(
        Money, required=True, description="Donations received, in đồng (tổng ủng hộ)"
    )
    disbursed_total = graphene.Field(
        Money, required=True, description="Paid out to beneficiaries, in đồng (tổng đã chi)"
    )
    balance = graphene.Field(Money, required=True, description="At the end of the last year")
    by_year = graphene.List(
        graphene.NonNull(FundYear), required=True, description="Year by year (theo năm)"
    )


class ProgressYear(graphene.ObjectType):
    """One year of progress against the programme targets (tiến độ thực hiện chỉ tiêu)."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    rows = graphene.List(
        graphene.NonNull(ProgressRow),
        required=True,
        description="Progress against each target that year",
    )


class TitleCount(graphene.ObjectType):
    """A number of subjects holding one title."""

    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")


def _per_title(name: str) -> Any:
    return lambda child, info: [{"title": t, "count": child[name].get(t, 0)} for t in TITLES]


class ReportChild(graphene.ObjectType):
    """A unit of the level below, on the last year's map, with its figures of that year."""

    code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    name = graphene.String(required=True, description="The unit's name (tên đơn vị)")
    level = graphene.Field(UnitLevel, description="Level (cấp)")
    population = graphene.Int(description="Population (dân số)")
    households = graphene.Int(description="Number of households (số hộ gia đình)")
    members = graphene.Int(description="Number of members (số hội viên / thành viên)")
    registered = graphene.List(
        graphene.NonNull(TitleCount),
        required=True,
        resolver=_per_title("registered"),
        description="Registered per title (số đăng ký theo danh hiệu)",
    )
    recognised = graphene.List(
        graphene.NonNull(TitleCount),
        required=True,
        resolver=_per_title("recognised"),
        description="Recognised per title (số được công nhận theo danh hiệu)",
    )
    donations_total = graphene.Field(Money, required=True, description="Over the period")


class Report(graphene.ObjectType):
    """A unit's report over some years (the five-year review): every figure of the unit and
    below, on each year's map; unknown numbers are null, never 0."""

    unit = graphene.Field(
        ReportUnit, required=True, description="The unit reported on (đơn vị báo cáo)"
    )
    issuer = graphene.String(required=True, description="The association issuing the report")
    from_year = graphene.Int(required=True, description="First year, included (từ năm)")
    to_year = graphene.Int(required=True, description="Last year, included (đến năm)")
    generated_on = graphene.String(required=True, description="ISO date (Vietnam time)")
    population = graphene.Int(description="At toYear; null when not entered")
    households = graphene.Int(
        description="Households (hộ gia đình) at toYear; null when not entered"
    )
    members = graphene.Int(description="Association members (hội viên) at toYear")
    members_share_of_population = graphene.Float(description="members / population")
    branches = graphene.List(
        graphene.NonNull(BranchCount), required=True, description="Open at toYear, by kind"
    )
    branches_total = graphene.Int(
        required=True, description="Association branches (số chi hội) at toYear"
    )
    titles = graphene.List(
        graphene.NonNull(ReportTitleRow), required=True, description="Per year and title"
    )
    community_ratings = graphene.List(
        graphene.NonNull(CommunityRating),
        required=True,
        description="The commune community's rating (xếp loại cộng đồng học tập cấp xã) per year",
    )
    awards = graphene.Field(Awards, required=True, description="Awards (khen thưởng)")
    fund = graphene.Field(
        ReportFund, required=True, description="The fund (quỹ khuyến học) over the years"
    )
    progress = graphene.List(
        graphene.NonNull(ProgressRow), required=True, description="Against the targets of toYear"
    )
    progress_by_year = graphene.List(
        graphene.NonNull(ProgressYear),
        required=True,
        resolver=lambda report, info: [
            {"year": year, "rows": rows}
            for year, rows in sorted(report["progress_by_year"].items())
        ],
        description="Progress against the programme targets (tiến độ chỉ tiêu), year by year",
    )
    children = graphene.List(
        graphene.NonNull(ReportChild),
        required=True,
        description="The units directly below (đơn vị trực thuộc)",
    )
    notes = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="How to read the figures: where they come from, which rate is which, what "
        "is provisional or not entered (Vietnamese)",
    )
