"""Registration's use cases: thin orchestration of domain rules and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.branches import (
    BranchKind,
    NewBranch,
    active_in,
    branch_code,
    members_document,
    name_claim_id,
    renamed,
)
from services.registration.domain import Enrolment, Household, SubjectKind, Title
from services.registration.hierarchy import registration_date, unit_id
from services.registration.schemas import MESSAGES

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.store import Branches, Directory, Registrations


@dataclass(frozen=True)
class Registered:
    enrolment_id: str
    subject_id: str
    title: str
    year: int
    unit_path: str
    created: bool  # False when this was a re-submission of an existing enrolment

    def as_dict(self) -> dict[str, object]:
        return {
            "enrolmentId": self.enrolment_id,
            "subjectId": self.subject_id,
            "title": self.title,
            "year": self.year,
            "unitPath": self.unit_path,
            "created": self.created,
        }


def commune_path(directory: Directory, tenant: str, code: str, year: int) -> UnitPath:
    """The commune's path inside ``tenant`` as the directory stood for ``year``; another
    tenant's commune is simply not found."""
    unit = directory.get(tenant, code, registration_date(year, date.today()))
    if unit is None or unit["level"] != "commune":
        raise InvalidInput([MESSAGES.error("communeCode", "commune_not_found")])
    return UnitPath.parse(unit["path"])


def register_household(
    directory: Directory,
    registrations: Registrations,
    household: Household,
    year: int,
    now: datetime | None = None,
) -> Registered:
    """Register the household (once) and enrol it for "Gia đình học tập" in ``year`` (once)."""
    now = now or datetime.now(UTC)
    path = commune_path(directory, household.tenant, household.commune_code, year)
    registrations.add_subject(household.as_document(path, now))
    enrolment = Enrolment(household.subject_id, SubjectKind.HOUSEHOLD, Title.FAMILY, year, path)
    created = registrations.add_enrolment(
        enrolment.as_document(now), enrolment.registered_event(now)
    )
    return Registered(
        enrolment.id, household.subject_id, Title.FAMILY.value, year, str(path), created
    )


def _branch(directory: Directory, tenant: str, code: str, field: str = "code") -> dict[str, Any]:
    unit = directory.get(tenant, code)
    if unit is None or unit["level"] != "branch":
        raise InvalidInput([MESSAGES.error(field, "branch_not_found")])
    return unit


def create_branch(
    directory: Directory,
    branches: Branches,
    tenant: str,
    commune_code: str,
    name: str,
    kind: BranchKind,
    opened_on: date | None = None,
) -> tuple[dict[str, Any], bool]:
    """Open a branch under a commune; the same name asked again returns the existing branch."""
    opened_on = opened_on or date.today()
    commune = directory.get(tenant, commune_code, opened_on)
    if commune is None or commune["level"] != "commune":
        raise InvalidInput([MESSAGES.error("communeCode", "commune_not_found")])
    claim = name_claim_id(tenant, commune_code, name)
    code = branches.claim_name(
        claim, branch_code(commune_code, branches.next_number(tenant, commune_code))
    )
    existing = directory.version(tenant, commune["scheme"], code)
    if existing is not None:
        return existing, False
    unit = NewBranch(commune, code, name, kind, opened_on).as_unit(
        unit_id(tenant, commune["scheme"], code)
    )
    branches.add(unit)
    return unit, True


def rename_branch(
    directory: Directory,
    branches: Branches,
    tenant: str,
    code: str,
    name: str,
    on: date | None = None,
) -> dict[str, Any]:
    unit = _open_branch(directory, tenant, code)
    on = on or date.today()
    new_claim = name_claim_id(tenant, unit["parent_code"], name)
    old_claim = name_claim_id(tenant, unit["parent_code"], unit["name"])
    if new_claim != old_claim:
        if branches.claim_name(new_claim, code) != code:
            raise InvalidInput([MESSAGES.error("name", "name_taken")])
        branches.release_name(old_claim)
    fields = renamed(unit, name, on)
    branches.change(unit["_id"], fields)
    return {**unit, **fields}


def close_branch(
    directory: Directory, branches: Branches, tenant: str, code: str, on: date
) -> dict[str, Any]:
    unit = _open_branch(directory, tenant, code)
    if unit.get("valid_from") and on.isoformat() < unit["valid_from"]:
        raise InvalidInput([MESSAGES.error("on", "date_before_opening")])
    branches.change(unit["_id"], {"valid_to": on.isoformat()})
    branches.release_name(name_claim_id(tenant, unit["parent_code"], unit["name"]))
    return {**unit, "valid_to": on.isoformat()}


def set_branch_members(
    directory: Directory, branches: Branches, tenant: str, code: str, year: int, count: int
) -> dict[str, Any]:
    """Record a branch's member count for a year (the latest entry counts)."""
    unit = _branch(directory, tenant, code)
    if not active_in(unit, year):
        raise InvalidInput([MESSAGES.error("year", "branch_closed")])
    document = members_document(unit, year, count)
    branches.set_members(document)
    return {"code": code, "year": year, "count": count}


def unit_figures(branches: Branches, path: UnitPath, year: int) -> dict[str, int]:
    """Association figures of a unit and everything below it for a year."""
    active = [unit for unit in branches.under(path) if active_in(unit, year)]
    return {"members": branches.member_count(path, year), "branches": len(active)}


def _open_branch(directory: Directory, tenant: str, code: str) -> dict[str, Any]:
    unit = _branch(directory, tenant, code)
    if unit.get("valid_to"):
        raise InvalidInput([MESSAGES.error("code", "branch_closed")])
    return unit
