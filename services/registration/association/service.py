"""The association's use cases: branches (chi hội) opened, renamed and closed under a commune,
and their members per year; all inside one province (the stores')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.registration.association.domain import (
    BranchKind,
    NewBranch,
    NewMember,
    active_in,
    branch_code,
    members_document,
    name_claim_id,
    renamed,
)
from services.registration.directory.hierarchy import unit_id
from services.registration.errors import Refused

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.association.store import Branches
    from services.registration.directory.store import DirectoryStore

Unit = dict[str, Any]


@dataclass(frozen=True)
class MemberCount:
    code: str
    year: int
    count: int


@dataclass(frozen=True)
class MemberAdded:
    member_id: str
    branch_code: str
    year: int
    created: bool


@dataclass(frozen=True)
class UnitFigures:
    members: int
    branches: int


def create_branch(
    directory: DirectoryStore,
    branches: Branches,
    commune_code: str,
    name: str,
    kind: BranchKind,
    opened_on: date | None = None,
) -> tuple[Unit, bool]:
    """Open a branch under a commune; the same name asked again returns the existing branch."""
    opened_on = opened_on or date.today()
    commune = directory.get(commune_code, opened_on)
    if commune is None or commune["level"] != "commune":
        raise Refused("commune_code", "commune_not_found")
    tenant = directory.tenant
    claim = name_claim_id(tenant, commune_code, name)
    code = branches.claim_name(claim, branch_code(commune_code, branches.next_number(commune_code)))
    existing = directory.version(commune["scheme"], code)
    if existing is not None:
        return existing, False
    unit = NewBranch(commune, code, name, kind, opened_on).as_unit(
        unit_id(tenant, commune["scheme"], code)
    )
    branches.add(unit)
    return unit, True


def rename_branch(
    directory: DirectoryStore, branches: Branches, code: str, name: str, on: date | None = None
) -> Unit:
    unit = _open_branch(directory, code)
    on = on or date.today()
    new_claim = name_claim_id(directory.tenant, unit["parent_code"], name)
    old_claim = name_claim_id(directory.tenant, unit["parent_code"], unit["name"])
    if new_claim != old_claim:
        if branches.claim_name(new_claim, code) != code:
            raise Refused("name", "name_taken")
        branches.release_name(old_claim)
    fields = renamed(unit, name, on)
    branches.change(unit["_id"], fields)
    return {**unit, **fields}


def close_branch(directory: DirectoryStore, branches: Branches, code: str, on: date) -> Unit:
    unit = _open_branch(directory, code)
    if unit.get("valid_from") and on.isoformat() < unit["valid_from"]:
        raise Refused("on", "date_before_opening")
    branches.change(unit["_id"], {"valid_to": on.isoformat()})
    branches.release_name(name_claim_id(directory.tenant, unit["parent_code"], unit["name"]))
    return {**unit, "valid_to": on.isoformat()}


def set_branch_members(
    directory: DirectoryStore, branches: Branches, code: str, year: int, count: int
) -> MemberCount:
    """Record a branch's member count for a year (the latest entry counts)."""
    unit = _branch(directory, code)
    if not active_in(unit, year):
        raise Refused("year", "branch_closed")
    branches.set_members(members_document(unit, year, count))
    return MemberCount(code, year, count)


def add_member(
    directory: DirectoryStore,
    branches: Branches,
    code: str,
    full_name: str,
    year: int,
    birth_year: int | None = None,
    joined_on: date | None = None,
    now: datetime | None = None,
) -> MemberAdded:
    """A hội viên joins a branch for a year (once); announced by ``member.joined``."""
    now = now or datetime.now(UTC)
    unit = _branch(directory, code, "branch_code")
    if not active_in(unit, year):
        raise Refused("year", "branch_closed")
    member = NewMember(unit, full_name, year, joined_on or now.date(), birth_year)
    created = branches.add_membership(
        member.as_document(now), member.joined_event(now), members_document(unit, year, 0)
    )
    return MemberAdded(member.member_id, code, year, created)


def unit_figures(branches: Branches, path: UnitPath, year: int) -> UnitFigures:
    """Association figures of a unit and everything below it for a year."""
    active = [unit for unit in branches.under(path) if active_in(unit, year)]
    return UnitFigures(branches.member_count(path, year), len(active))


def unit_figures_many(
    branches: Branches, paths: list[UnitPath], year: int
) -> dict[UnitPath, UnitFigures]:
    """:func:`unit_figures` of many units: the province's branches and the year's member
    counts read once, then summed per unit (the same predicates as the single reads)."""
    if not paths:
        return {}
    units = [unit for unit in branches.all_branches() if active_in(unit, year)]
    counts = branches.member_counts(year)
    return {
        path: UnitFigures(
            sum(n for doc, n in counts if doc.get(f"path_{path.depth}") == path.code),
            sum(1 for unit in units if unit.get(f"path_{path.depth}") == path.code),
        )
        for path in paths
    }


def _branch(directory: DirectoryStore, code: str, field: str = "code") -> Unit:
    unit = directory.get(code)
    if unit is None or unit["level"] != "branch":
        raise Refused(field, "branch_not_found")
    return unit


def _open_branch(directory: DirectoryStore, code: str) -> Unit:
    unit = _branch(directory, code)
    if unit.get("valid_to"):
        raise Refused("code", "branch_closed")
    return unit
