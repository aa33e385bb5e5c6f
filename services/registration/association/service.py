"""The association's use cases: branches (chi hội) opened, renamed and closed under a commune,
and their members per year; all inside one province (the stores')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.registration.association.domain import (
    BranchKind,
    NewBranch,
    NewMember,
    active_in,
    branch_code,
    branch_link,
    carried_branch,
    members_document,
    name_claim_id,
    renamed,
)
from services.registration.directory.hierarchy import refuse_if_ended, unit_id, valid_at
from services.registration.errors import Refused
from services.registration.messages import BRANCH_MOVED_TEXTS

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
    refuse_if_ended(commune, opened_on, "commune_code")
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
    _refuse_moved(directory, unit, year, "code")
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
    _refuse_moved(directory, unit, year, "branch_code")
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


def carry_over(
    old_branches: Branches,
    new_branches: Branches,
    old_commune: Unit,
    new_commune: Unit,
    on: date,
) -> list[Unit]:
    """Re-attach every branch open on the day before ``on`` under ``old_commune`` to
    ``new_commune`` (a merger): see :func:`move`. Idempotent: a branch already carried over
    (it has successors) is left alone."""
    last_day = on - timedelta(days=1)
    carried = {
        link["id"]: unit
        for unit in new_branches.branches_of(new_commune["code"], new_commune["scheme"])
        for link in unit.get("predecessors") or []
    }
    moved = []
    for branch in old_branches.branches_of(old_commune["code"], old_commune["scheme"]):
        if branch.get("successors") or not valid_at(branch, last_day):
            continue
        moved.append(move(old_branches, new_branches, branch, new_commune, on, carried))
    return moved


def move(
    old_branches: Branches,
    new_branches: Branches,
    branch: Unit,
    commune: Unit,
    on: date,
    carried: dict[str, Unit] | None = None,
) -> Unit:
    """A branch goes to another commune from ``on``: a new version under the commune (code
    ``<commune>-nnn``, same name and kind, linked to the old one), the old one closed the day
    before with a link to it; member counts of ``on``'s year and later are entered on the new
    one, earlier years stay on the old."""
    existing = (carried or {}).get(branch["_id"])
    tenant = new_branches.tenant
    if existing is not None:
        unit = existing
    else:
        code = branch_code(commune["code"], new_branches.next_number(commune["code"]))
        unit = carried_branch(branch, commune, code, unit_id(tenant, commune["scheme"], code), on)
        new_branches.add(unit)
        # The name is claimed in the new commune unless an open branch there holds it already.
        new_branches.claim_name(name_claim_id(tenant, commune["code"], unit["name"]), unit["code"])
    last_day = (on - timedelta(days=1)).isoformat()
    for doc in old_branches.members_from(branch, on.year):
        moved = members_document(unit, int(doc["year"]), int(doc.get("count") or 0))
        if doc.get("registered"):
            moved["registered"] = int(doc["registered"])
        new_branches.set_members(moved)
        old_branches.forget_members([doc["_id"]])
    old_branches.change(
        branch["_id"], {"valid_to": last_day, "successors": [branch_link(unit, counts=True)]}
    )
    old_branches.release_name(
        name_claim_id(old_branches.tenant, branch["parent_code"], branch["name"])
    )
    return unit


def move_branch(
    directory: DirectoryStore, branches: Branches, code: str, to_unit_code: str, on: date
) -> Unit:
    """Re-attach a branch to another commune of the province in one step (see :func:`move`)."""
    branch = _open_branch(directory, code)
    commune = directory.get(to_unit_code, on)
    if commune is None or commune["level"] != "commune" or not valid_at(commune, on):
        raise Refused("to_unit_code", "commune_not_found")
    if commune["code"] == branch["parent_code"]:
        raise Refused("to_unit_code", "same_commune")
    if branch.get("valid_from") and on.isoformat() <= branch["valid_from"]:
        raise Refused("on", "date_before_opening")
    return move(branches, branches, branch, commune, on)


def _refuse_moved(directory: DirectoryStore, branch: Unit, year: int, field: str) -> None:
    """A year's members go where the branch was that year: a branch carried over to a new
    commune takes its members from the year of the change; a branch whose commune has ended
    (and was not carried over) takes none after it."""
    first_day = date(year, 1, 1)
    if branch.get("successors") and branch.get("valid_to"):
        moved_on = date.fromisoformat(branch["valid_to"]) + timedelta(days=1)
        if moved_on.year <= year:
            refuse_if_ended(branch, max(first_day, moved_on), field, BRANCH_MOVED_TEXTS)
    commune = directory.get(branch["parent_code"], date(year, 12, 31))
    if commune is not None and commune["scheme"] == branch.get("scheme"):
        refuse_if_ended(commune, first_day, field)


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
