"""The GraphQL schema: one graph over the services, answering at every level of the hierarchy.

Resolvers only translate: they call the services over RPC (``info.context.rpc``) and map
results; rules stay in the services.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from graphql import GraphQLError

from gateway.access import REGISTRARS, authenticated, forbidden, require_scope
from gateway.errors import input_error
from khuyenhoc.tenancy import UnitPath
from services.registration.domain import Title as TitleName
from services.registration.hierarchy import figure_paths, registration_date

Title = graphene.Enum.from_enum(TitleName, description="Learning titles (danh hiệu học tập)")


class TitleStats(graphene.ObjectType):
    title = graphene.Field(Title, required=True)
    registered = graphene.Int(required=True, description="Enrolments for the title and year")


class Stats(graphene.ObjectType):
    year = graphene.Int(required=True)
    title = graphene.Field(TitleStats, title=graphene.Argument(Title, required=True), required=True)

    @staticmethod
    def resolve_title(root: dict[str, Any], info: Any, title: Any) -> dict[str, Any]:
        name = title.value if hasattr(title, "value") else str(title)
        figures = root["figures"].get(name, {})
        return {"title": name, "registered": figures.get("registered", 0)}


class OrgUnit(graphene.ObjectType):
    """An organisation unit (official code and name) in one version of the hierarchy: before
    1 July 2025 province / district / commune; after, province / commune."""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    level = graphene.String(required=True)
    path = graphene.String(
        required=True, description='Codes from the province, e.g. "20/183/06184"'
    )
    scheme = graphene.String(required=True, description='"2024" (before the reform) or "2025"')
    valid_from = graphene.Date()
    valid_to = graphene.Date()
    parent = graphene.Field(lambda: OrgUnit)
    children = graphene.List(graphene.NonNull(lambda: OrgUnit), required=True)
    predecessors = graphene.List(
        graphene.NonNull(lambda: OrgUnit),
        required=True,
        description="Units this one was formed from (merger or split)",
    )
    successors = graphene.List(
        graphene.NonNull(lambda: OrgUnit), required=True, description="Units this one became"
    )
    stats = graphene.Field(
        Stats,
        year=graphene.Int(required=True),
        required=True,
        description="Figures of the unit and below; before the unit existed, its predecessors'",
    )

    @staticmethod
    def resolve_valid_from(unit: dict[str, Any], info: Any) -> date | None:
        return _date(unit.get("valid_from"))

    @staticmethod
    def resolve_valid_to(unit: dict[str, Any], info: Any) -> date | None:
        return _date(unit.get("valid_to"))

    @staticmethod
    def resolve_parent(unit: dict[str, Any], info: Any) -> dict[str, Any] | None:
        if not unit.get("parent_code"):
            return None
        registration = info.context.rpc.registration
        return registration.get_version(unit["tenant"], unit["scheme"], unit["parent_code"])

    @staticmethod
    def resolve_children(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return info.context.rpc.registration.children(unit["tenant"], unit["code"], unit["scheme"])

    @staticmethod
    def resolve_predecessors(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        registration = info.context.rpc.registration
        found = (
            registration.get_version(p["tenant"], "2024", p["code"])
            for p in unit.get("predecessors") or []
        )
        return [u for u in found if u is not None]

    @staticmethod
    def resolve_successors(unit: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        registration = info.context.rpc.registration
        found = (
            registration.get_version(s["tenant"], "2025", s["code"])
            for s in unit.get("successors") or []
        )
        return [u for u in found if u is not None]

    @staticmethod
    def resolve_stats(unit: dict[str, Any], info: Any, year: int) -> dict[str, Any]:
        require_scope(info, UnitPath.parse(unit["path"]))
        scoring = info.context.rpc.scoring
        figures: dict[str, dict[str, int]] = {}
        for path in figure_paths(unit, year):
            for title, counts in scoring.stats(UnitPath.parse(path).tenant, path, year).items():
                total = figures.setdefault(title, {})
                for name, value in counts.items():
                    total[name] = total.get(name, 0) + value
        return {"year": year, "figures": figures}


class Query(graphene.ObjectType):
    org_unit = graphene.Field(
        OrgUnit,
        code=graphene.String(required=True),
        tenant=graphene.String(),
        at=graphene.Date(description="The unit as it was on this day (default today)"),
    )
    org_units = graphene.List(
        graphene.NonNull(OrgUnit),
        required=True,
        level=graphene.String(),
        parent=graphene.String(description="Parent unit code"),
        search=graphene.String(description="Name, with or without diacritics"),
        tenant=graphene.String(),
        at=graphene.Date(),
        first=graphene.Int(default_value=50),
    )

    @staticmethod
    def resolve_org_unit(
        root: Any, info: Any, code: str, tenant: str | None = None, at: date | None = None
    ) -> dict[str, Any] | None:
        return info.context.rpc.registration.get_unit(code, tenant, _iso(at))

    @staticmethod
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
        return info.context.rpc.registration.search_units(
            tenant, level, parent, search, _iso(at), first
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class MemberInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    relation = graphene.String(required=True, description="Quan hệ với chủ hộ")
    birth_year = graphene.Int()
    learning = graphene.Boolean(description="Đang đi học / đang học tập")


class RegisterHouseholdInput(graphene.InputObjectType):
    tenant = graphene.String(description="Province code; defaults to the caller's")
    commune_code = graphene.String(required=True)
    head_name = graphene.String(required=True)
    address = graphene.String(required=True, description="Thôn / tổ dân phố")
    members = graphene.List(graphene.NonNull(MemberInput))
    phone = graphene.String()
    year = graphene.Int(required=True)


class Enrolment(graphene.ObjectType):
    enrolment_id = graphene.String(required=True)
    subject_id = graphene.String(required=True)
    title = graphene.Field(Title, required=True)
    year = graphene.Int(required=True)
    unit_path = graphene.String(required=True)
    created = graphene.Boolean(required=True, description="False for a repeated registration")


class RegisterHousehold(graphene.Mutation):
    class Arguments:
        input = RegisterHouseholdInput(required=True)

    Output = Enrolment

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        caller = authenticated(info)
        tenant = input.get("tenant") or caller.tenant
        if tenant != caller.tenant:
            raise forbidden()
        registration = info.context.rpc.registration
        at = registration_date(input["year"], date.today()).isoformat()
        commune = registration.get_unit(input["commune_code"], tenant, at)
        if commune is not None:  # an unknown commune is answered by registration, per field
            require_scope(info, UnitPath.parse(commune["path"]), REGISTRARS)
        result = registration.register_household(_camel_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        enrolment = result["enrolment"]
        return {
            "enrolment_id": enrolment["enrolmentId"],
            "subject_id": enrolment["subjectId"],
            "title": enrolment["title"],
            "year": enrolment["year"],
            "unit_path": enrolment["unitPath"],
            "created": enrolment["created"],
        }


class Mutation(graphene.ObjectType):
    register_household = RegisterHousehold.Field()


def _camel_input(value: Any) -> Any:
    """Back to the wire names the service's schema expects (graphene hands us snake_case)."""
    if isinstance(value, dict):
        return {_camel(k): _camel_input(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_camel_input(v) for v in value]
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


schema = graphene.Schema(query=Query, mutation=Mutation)

__all__ = ["schema", "GraphQLError"]
