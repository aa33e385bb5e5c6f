"""GraphQL object types of the directory: units, their subjects and their figures.

The figures of a unit come from three services: registration (members, branches), scoring
(titles) and the fund (:mod:`gateway.fund.stats`, which knows nothing of this module).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.access import require_scope
from gateway.directory.denominators import denominators_field
from gateway.fund.stats import FundStats, resolve_fund_stats
from gateway.loader import loader_of
from gateway.pagination import connection, cursor_page, page_arguments
from gateway.reports.types import progress_field
from gateway.vocabulary import Title
from gateway.wire import enum_value, key, parse_date
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES


class TitleStats(graphene.ObjectType):
    """A title's figures (số liệu danh hiệu) at a unit for a year: registered, assessed, reviewed,
    eligible, recognised."""

    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    registered = graphene.Int(
        required=True, description="Enrolments (đăng ký) for the title and year"
    )
    assessed = graphene.Int(required=True, description="Self-assessed (tự đánh giá)")
    reviewed = graphene.Int(required=True, description="Reviewed (bình xét)")
    eligible = graphene.Int(required=True, description="Reviewed and meeting the criteria")
    recognised = graphene.Int(
        required=True, description="Recognised by decision (được công nhận), not revoked"
    )
    recognised_level_1 = graphene.Int(required=True, description="… at level 1 (mức độ 1)")
    recognised_level_2 = graphene.Int(required=True, description="… at level 2 (mức độ 2)")
    recognised_level_3 = graphene.Int(
        required=True, description="… at level 3 (TT 44/2014's rating Tốt, until 2023)"
    )
    recognition_rate = graphene.Float(description="Recognised / registered; null with none")
    provisional = graphene.Boolean(
        required=True,
        description="The figures rest on a provisional criteria set (one in force for the title "
        "and year in the province)",
    )
    provisional_reason = graphene.String(description="Why that set is provisional")

    @staticmethod
    def resolve_provisional(root: dict[str, Any], info: Any) -> bool:
        return bool(_sets_behind(root, info)["provisional"])

    @staticmethod
    def resolve_provisional_reason(root: dict[str, Any], info: Any) -> str | None:
        reason: str | None = _sets_behind(root, info).get("provisional_reason")
        return reason

    @staticmethod
    def resolve_recognition_rate(root: dict[str, Any], info: Any) -> float | None:
        return root["recognised"] / root["registered"] if root["registered"] else None


class Stats(graphene.ObjectType):
    """A unit's figures for a year: per learning title, association members and branches, and the
    fund."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    members = graphene.Int(required=True, description="Association members (hội viên)")
    branches = graphene.Int(required=True, description="Branches (chi hội) open in the year")
    title = graphene.Field(
        TitleStats,
        title=graphene.Argument(Title, required=True, description="The learning title"),
        required=True,
        description="The figures of one learning title (số liệu theo danh hiệu)",
    )
    fund = graphene.Field(
        FundStats,
        from_year=graphene.Int(description="Sum from this year up to the stats year"),
        required=True,
        resolver=resolve_fund_stats,
        description="Quỹ Khuyến học figures of the unit and below (balance at the year's end)",
    )

    @staticmethod
    def resolve_members(root: dict[str, Any], info: Any) -> int:
        return _association_figures(root, info)["members"]

    @staticmethod
    def resolve_branches(root: dict[str, Any], info: Any) -> int:
        return _association_figures(root, info)["branches"]

    @staticmethod
    def resolve_title(root: dict[str, Any], info: Any, title: Any) -> dict[str, Any]:
        name = str(enum_value(title))
        figures = root["figures"].get(name, {})
        counts = {f: figures.get(f, 0) for f in FIGURES}
        return {"title": name, **counts, "tenant": root.get("tenant"), "year": root["year"]}


class Subject(graphene.ObjectType):
    """A subject's enrolment for a title in a year."""

    enrolment_id = graphene.String(
        required=True, resolver=key("_id"), description="The registration's id (mã đăng ký)"
    )
    subject_id = graphene.String(
        required=True,
        description="The registered subject's id (đối tượng: household, clan, unit, citizen)",
    )
    kind = graphene.String(
        required=True, resolver=key("subject_kind"), description="Kind of subject (loại đối tượng)"
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    status = graphene.String(required=True, description="ENROLLED or WITHDRAWN")
    name = graphene.String(
        required=True,
        description="The subject's name (tên): head of household, clan, community, unit or citizen",
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    title_history = graphene.Field(
        lambda: TitleHistory,
        required=True,
        description="The years it held its title (lịch sử danh hiệu)",
    )

    @staticmethod
    def resolve_title_history(root: dict[str, Any], info: Any) -> dict[str, Any]:
        tenant = UnitPath.parse(root["unitpath"]).tenant
        return info.context.rpc.scoring.title_history(tenant, root["subject_id"])


class TitleYear(graphene.ObjectType):
    """One year of a subject's title history: its status and recognition decision."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    status = graphene.String(required=True, description="Status (trạng thái)")
    recognised = graphene.Boolean(
        required=True, description="Recognised by a decision (được công nhận)"
    )
    level = graphene.Int(
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings"
    )
    decision_number = graphene.String(
        description="The decision's number (số quyết định), e.g. 123/QĐ-UBND"
    )
    imported = graphene.Boolean(
        required=True,
        description="Recognised before the platform, imported from the commune's records",
        resolver=lambda root, info: bool(root.get("imported")),
    )


class TitleHistory(graphene.ObjectType):
    """The years a subject held a title (lịch sử danh hiệu), with consecutive years."""

    years = graphene.List(
        graphene.NonNull(TitleYear), required=True, description="Year by year (theo năm)"
    )
    consecutive_years = graphene.Int(
        required=True, description="Years in a row recognised, up to the latest"
    )
    imported_years = graphene.List(
        graphene.NonNull(graphene.Int),
        required=True,
        description="Years recognised before the platform (imported); they count in the streak",
        resolver=lambda root, info: root.get("imported_years") or [],
    )


SubjectConnection = connection(
    Subject, "Subject", "registered subjects (đối tượng đăng ký) of a unit"
)


class Deadline(graphene.ObjectType):
    """When a title's dossier and decision for a year are due, and whether they are late."""

    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    dossier_due = graphene.String(
        description="Last day to send the proposal dossier (hạn nộp hồ sơ), YYYY-MM-DD"
    )
    decision_due = graphene.String(
        description="Last day for the decision (hạn ra quyết định), YYYY-MM-DD"
    )
    proposed = graphene.Boolean(
        required=True, description="A proposal list (danh sách đề nghị) has been sent"
    )
    decided = graphene.Boolean(
        required=True,
        description="A recognition decision (quyết định công nhận) has been recorded for it",
    )
    dossier_overdue = graphene.Boolean(
        required=True, description="The dossier's deadline has passed without a proposal (quá hạn)"
    )
    decision_overdue = graphene.Boolean(
        required=True, description="The decision's deadline has passed without one (quá hạn)"
    )


class PredecessorLink(graphene.ObjectType):
    """How a unit formed by a merger or a split is linked to one unit it came from."""

    code = graphene.String(
        required=True, description="The predecessor unit's code (mã đơn vị trước sáp nhập)"
    )
    name = graphene.String(description="Its name on its last day")
    path = graphene.String(
        required=True,
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    partial = graphene.Boolean(
        required=True,
        description="Only a part of it came here (một phần): it was split between successors",
        resolver=lambda link, info: bool(link.get("partial")),
    )
    carries_figures = graphene.Boolean(
        required=True,
        description="Its figures for the years before the change count here; a split unit's "
        "count at one successor only (the official conversion's default one), so sums over a "
        "year's map are exact",
        resolver=lambda link, info: bool(link.get("counts", not link.get("partial"))),
    )


class OrgUnit(graphene.ObjectType):
    """An organisation unit (official code and name) in one version of the hierarchy: before
    1 July 2025 province / district / commune; after, province / commune."""

    code = graphene.String(
        required=True,
        description="The unit's code (mã đơn vị), e.g. 20, 183, 06184",
    )
    name = graphene.String(
        required=True, description="The unit's name (tên đơn vị), e.g. Thị trấn Đồng Đăng"
    )
    level = graphene.String(
        required=True, description="Level (cấp): province, district, commune, branch or hamlet"
    )
    kind = graphene.String(description="For a branch: residential, school, clan, agency, board")
    kind_name = graphene.String(
        description="The kind in Vietnamese (Chi hội trường học, Tổ dân phố, ...)",
        resolver=lambda unit, info: unit.get("kind_name"),
    )
    path = graphene.String(
        required=True, description='Codes from the province, e.g. "20/183/06184"'
    )
    scheme = graphene.String(required=True, description='"2024" (before the reform) or "2025"')
    valid_from = graphene.Date(description="First day it is valid (hiệu lực từ)")
    valid_to = graphene.Date(description="Last day it is valid (hiệu lực đến); null while it lasts")
    parent = graphene.Field(
        lambda: OrgUnit,
        description="The unit directly above (đơn vị cấp trên); null for a province",
    )
    children = graphene.List(
        graphene.NonNull(lambda: OrgUnit),
        required=True,
        description="The units directly below (đơn vị trực thuộc)",
    )
    predecessors = graphene.List(
        graphene.NonNull(lambda: OrgUnit),
        required=True,
        description="Units this one was formed from (merger or split)",
    )
    predecessor_links = graphene.List(
        graphene.NonNull(PredecessorLink),
        required=True,
        description="The links to the units this one was formed from: whether each came whole "
        "or in part, and whether its earlier figures count here",
        resolver=lambda unit, info: unit.get("predecessors") or [],
    )
    successors = graphene.List(
        graphene.NonNull(lambda: OrgUnit), required=True, description="Units this one became"
    )
    subjects = graphene.Field(
        SubjectConnection,
        required=True,
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        title=graphene.Argument(Title, description="The learning title (danh hiệu học tập)"),
        status=graphene.String(description="Status (trạng thái)"),
        search=graphene.String(description="Name, any diacritics"),
        **page_arguments("subjects (đối tượng)"),
        description="Registered subjects at or below the unit (private: needs a token); for a "
        "year before the unit existed, those of the units it was formed from that it counts",
    )
    recognition_deadlines = graphene.List(
        graphene.NonNull(Deadline),
        required=True,
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        description="Dossier and decision dates of the unit's titles; overdue ones flagged",
    )
    stats = graphene.Field(
        Stats,
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        required=True,
        description="Figures of the unit and below; before the unit existed, its predecessors'",
    )
    progress = progress_field()
    denominators = denominators_field()

    @staticmethod
    def resolve_valid_from(unit: dict[str, Any], info: Any) -> date | None:
        return parse_date(unit.get("valid_from"))

    @staticmethod
    def resolve_valid_to(unit: dict[str, Any], info: Any) -> date | None:
        return parse_date(unit.get("valid_to"))

    @staticmethod
    def resolve_parent(unit: dict[str, Any], info: Any) -> dict[str, Any] | None:
        if not unit.get("parent_code"):
            return None
        return info.context.rpc.registration.parent(unit["_id"])

    @staticmethod
    def resolve_children(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return loader_of(info).children(unit)

    @staticmethod
    def resolve_predecessors(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        links = unit.get("predecessors") or []
        found = info.context.rpc.registration.get_units([link["id"] for link in links])
        return loader_of(info).adopt(found)

    @staticmethod
    def resolve_successors(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        links = unit.get("successors") or []
        found = info.context.rpc.registration.get_units([link["id"] for link in links])
        return loader_of(info).adopt(found)

    @staticmethod
    def resolve_subjects(
        unit: dict[str, Any],
        info: Any,
        year: int,
        title: Any = None,
        status: str | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> dict[str, Any]:
        require_scope(info, UnitPath.parse(unit["path"]))
        # For a year before the unit existed: its predecessors' lists (the paths its stats
        # count), one list paged with one opaque cursor.
        paths = loader_of(info).figure_paths(unit, year) or [unit["path"]]
        where: str | list[str] = paths[0] if paths == [unit["path"]] else paths
        title_value = enum_value(title)

        def fetch(cursor: Any, size: int) -> tuple[list[Any], Any]:
            page = info.context.rpc.registration.subjects(
                unit["tenant"], where, year, title_value, status, search, cursor, size
            )
            return page["items"], page.get("nextCursor")

        scope = f"{unit['tenant']}|{unit['path']}|{year}|{title_value}|{status}|{search}"
        return cursor_page("subjects", scope, first, after, fetch)

    @staticmethod
    def resolve_recognition_deadlines(
        unit: dict[str, Any], info: Any, year: int
    ) -> list[dict[str, Any]]:
        require_scope(info, UnitPath.parse(unit["path"]))
        return info.context.rpc.scoring.deadlines(unit["tenant"], unit["code"], year)

    @staticmethod
    def resolve_stats(unit: dict[str, Any], info: Any, year: int) -> dict[str, Any]:
        """The unit's figures: its own path's, or its predecessors' for a year before it was
        formed. Its siblings' are read in the same batched calls (see :mod:`gateway.loader`)."""
        require_scope(info, UnitPath.parse(unit["path"]))
        loader = loader_of(info)
        paths = loader.figure_paths(unit, year)
        batch = loader.generation_paths(unit, year)
        figures = loader.stats(paths, batch, year)
        return {
            "year": year,
            "figures": figures,
            "paths": paths,
            "batch": batch,
            "tenant": unit["tenant"],
        }


def _sets_behind(root: dict[str, Any], info: Any) -> dict[str, Any]:
    """Whether the title's figures rest on a provisional set (asked once per title and
    request)."""
    if "sets_behind" not in root:
        ask = loader_of(info).figures_provisional
        root["sets_behind"] = ask(root["tenant"], root["title"], root["year"])
    found: dict[str, Any] = root["sets_behind"]
    return found


def _association_figures(root: dict[str, Any], info: Any) -> dict[str, int]:
    """Members and branches summed over the paths holding the unit's figures (its siblings'
    read in the same call)."""
    if "association" not in root:
        batch = root.get("batch") or root["paths"]
        root["association"] = loader_of(info).association(root["paths"], batch, root["year"])
    found: dict[str, int] = root["association"]
    return found
