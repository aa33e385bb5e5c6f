"""Denominators (dân số, hộ gia đình, người lớn, dòng họ, thôn, đơn vị, cán bộ) of a unit and
year: read by anyone (population and households are public statistics; the sources too),
entered by officers in their subtree one unit at a time or from a spreadsheet."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS, require_role
from gateway.enums import DenominatorFigure
from gateway.loader import loader_of
from gateway.mutations import Write, in_subtree, mutation, send, unit_for_year
from gateway.wire import key

CHUNK = 500  # paths per batched call
FIGURE_FIELDS = ("population", "households", "adults", "clans", "hamlets", "units", "staff")


class DenominatorSource(graphene.ObjectType):
    """Where one denominator figure (mẫu số) of a unit comes from, and as of when."""

    figure = graphene.Field(
        DenominatorFigure, required=True, description="Which figure (số liệu mẫu số)"
    )
    source = graphene.String(description="Where the figure comes from, as entered")
    as_of = graphene.String(
        description="The day the figure is of (ISO date)", resolver=key("as_of")
    )
    unit_code = graphene.String(
        description="The unit whose entry it is", resolver=lambda r, i: r.get("unit_code")
    )


class Denominators(graphene.ObjectType):
    """What the programme's targets are shares of, for a unit and year: its own entries, else
    the sum of the units below (then listed in `incomplete` when some have none); null when
    unknown, never an invented 0."""

    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    population = graphene.Int(description="Dân số (người)")
    households = graphene.Int(description="Households (hộ gia đình)")
    adults = graphene.Int(description="Người lớn (QĐ 677/QĐ-TTg)")
    clans = graphene.Int(description="Dòng họ")
    hamlets = graphene.Int(description="Thôn, bản, ấp, tổ dân phố, khu phố")
    units = graphene.Int(description="Cơ quan, trường học, doanh nghiệp cấp xã (ĐVHT)")
    staff = graphene.Int(description="Staff (cán bộ, công chức, viên chức, người lao động)")
    mountain = graphene.Boolean(
        required=True, description="Vùng miền núi / đặc biệt khó khăn (the targets' variants)"
    )
    sources = graphene.List(
        graphene.NonNull(DenominatorSource),
        required=True,
        description="Where the figures come from (nguồn số liệu), in Vietnamese",
    )
    incomplete = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Figures unknown or summed over units of which some have none",
    )


def resolve_denominators(unit: dict[str, Any], info: Any, year: int) -> dict[str, Any]:
    """The unit's figures: its own path's, or its predecessors' summed for a year before it
    was formed (public). A page of units (a province's communes) is read in one
    ``denominators_many`` call per tenant; a unit of several paths asks their sum."""
    loader = loader_of(info)
    paths = loader.figure_paths(unit, year)
    if len(paths) != 1:
        found = info.context.rpc.registration.denominators_of(unit["tenant"], paths, year)
        return {**found, "year": year}
    read = _read(info)
    if (paths[0], year) not in read:
        batch = [p for p in loader.generation_paths(unit, year) if (p, year) not in read]
        by_tenant: dict[str, list[str]] = {}
        for path in dict.fromkeys([paths[0], *batch]):
            by_tenant.setdefault(path.split("/", 1)[0], []).append(path)
        for tenant, wanted in by_tenant.items():
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                many = info.context.rpc.registration.denominators_many(tenant, chunk, year)
                read.update({(p, year): many[p] for p in chunk if p in many})
    return {**read[(paths[0], year)], "year": year}


def _read(info: Any) -> dict[tuple[str, int], dict[str, Any]]:
    """The request's denominators read so far, by (path, year)."""
    context = info.context
    found: dict[tuple[str, int], dict[str, Any]] | None = getattr(context, "denominators", None)
    if found is None:
        found = {}
        context.denominators = found
    return found


def denominators_field() -> graphene.Field:
    return graphene.Field(
        Denominators,
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        required=True,
        resolver=resolve_denominators,
        description="Denominators of the targets for a year (public), with sources",
    )


class SetDenominatorsInput(graphene.InputObjectType):
    """A unit's denominators (mẫu số: population, households, adults, ...) for a year, as entered by
    an officer."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="Province, district, commune or hamlet")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    population = graphene.Int(description="Population (dân số)")
    households = graphene.Int(description="Number of households (số hộ gia đình)")
    adults = graphene.Int(
        description="Adults (người trưởng thành), for the learning citizens' share"
    )
    clans = graphene.Int(description="Clans (dòng họ)")
    hamlets = graphene.Int(description="Hamlets (thôn, tổ dân phố)")
    units = graphene.Int(
        description="Agencies, schools, enterprises and armed-forces units (đơn vị)"
    )
    staff = graphene.Int(description="Number of staff (số cán bộ, nhân viên)")
    mountain = graphene.Boolean(
        description="A mountain area (vùng miền núi): the province's mountain targets apply"
    )
    source = graphene.String(required=True, description="E.g. Niên giám thống kê tỉnh 2024")
    as_of = graphene.Date(description="The day the figures are of (default today)")


class DenominatorsEntered(graphene.ObjectType):
    """The denominators recorded for a unit."""

    unit_code = graphene.String(
        required=True, resolver=key("unitCode"), description="The unit's code (mã đơn vị)"
    )
    denominators = graphene.Field(
        Denominators, required=True, description="The unit's denominators (mẫu số) as now recorded"
    )


SetDenominators = mutation(
    "SetDenominators",
    DenominatorsEntered,
    send("registration", "set_denominators"),
    input=SetDenominatorsInput,
    lookup=unit_for_year("unit_code"),
    check=in_subtree(BRANCH_MANAGERS),
    answer=lambda result, write: {
        "unitCode": result["denominators"]["unitCode"],
        "denominators": result["denominators"],
    },
    doc="Enter a unit's denominators for a year; figures left out keep their values.",
)


class ImportDenominatorsInput(graphene.InputObjectType):
    """A spreadsheet of denominators (mẫu số) for many units."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    file_name = graphene.String(required=True, description="…xlsx or …csv")
    content = graphene.String(required=True, description="The file, base64-encoded")


class DenominatorsImported(graphene.ObjectType):
    """What an import of denominators recorded."""

    imported = graphene.Int(required=True, description="Units and years written")


def _check_importer(write: Write) -> None:
    require_role(write.caller, BRANCH_MANAGERS)


def _import(write: Write) -> Any:
    payload = {**write.payload(), "scope": str(write.caller.unit_path)}
    return write.rpc.registration.import_denominators(payload)


ImportDenominators = mutation(
    "ImportDenominators",
    DenominatorsImported,
    _import,
    input=ImportDenominatorsInput,
    check=_check_importer,
    doc="Denominators of many units and years from a sheet (/files/templates/denominators.xlsx): "
    "rows of units outside the caller's subtree are refused; a file with any error writes "
    "nothing.",
)

MUTATIONS: dict[str, Any] = {
    "set_denominators": SetDenominators.Field(),
    "import_denominators": ImportDenominators.Field(),
}
