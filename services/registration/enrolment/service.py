"""Registration's use cases: thin orchestration of domain rules and stores."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
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
from services.registration.directory.hierarchy import registration_date, unit_id
from services.registration.enrolment.domain import (
    ENROLLED,
    WITHDRAWN_STATUS,
    Enrolment,
    Subject,
    SubjectKind,
    citizen,
    clan,
    commune_community,
    community,
    enrolment_links,
    household,
    learning_unit,
)
from services.registration.schemas import MESSAGES, RegisterCommand

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


@dataclass(frozen=True)
class RegistrationSettings:
    """What a tenant configures: the key for national-ID hashes, and the age bounds of
    "Công dân học tập" (no bound is official, so none is assumed)."""

    id_key: bytes
    citizen_min_age: int | None = None
    citizen_max_age: int | None = None


def registration_unit(
    directory: Directory, tenant: str, code: str, level: str, year: int, field: str
) -> UnitPath:
    """The unit's path inside ``tenant`` as the directory stood for ``year``; another
    tenant's unit is simply not found."""
    unit = directory.get(tenant, code, registration_date(year, date.today()))
    if unit is None or unit["level"] != level:
        key = "commune_not_found" if level == "commune" else "unit_not_found"
        raise InvalidInput([MESSAGES.error(field, key)])
    return UnitPath.parse(unit["path"])


def build_subject(command: RegisterCommand, settings: RegistrationSettings) -> Subject:
    fields, tenant, code = dict(command.fields), command.tenant, command.unit_code
    if command.kind is SubjectKind.CITIZEN:
        _check_age(command.year - fields["birth_year"], settings)
        return citizen(tenant, code, id_key=settings.id_key, **fields)
    factory = {
        SubjectKind.HOUSEHOLD: household,
        SubjectKind.CLAN: clan,
        SubjectKind.COMMUNITY: community,
        SubjectKind.LEARNING_UNIT: learning_unit,
        SubjectKind.COMMUNE: commune_community,
    }
    return factory[command.kind](tenant, code, **fields)


def _check_age(age: int, settings: RegistrationSettings) -> None:
    low, high = settings.citizen_min_age, settings.citizen_max_age
    if (low is not None and age < low) or (high is not None and age > high):
        raise InvalidInput([MESSAGES.error("birthYear", "age_out_of_bounds")])


def register(
    directory: Directory,
    registrations: Registrations,
    command: RegisterCommand,
    settings: RegistrationSettings,
    now: datetime | None = None,
) -> Registered:
    """Register the subject (once) and enrol it for its title in the year (once); a withdrawn
    enrolment registered again is enrolled again."""
    now = now or datetime.now(UTC)
    if command.kind is SubjectKind.COMMUNE:
        command = replace(command, fields={"official_name": _commune_name(directory, command)})
    subject = build_subject(command, settings)
    field = "unitCode" if command.kind is SubjectKind.LEARNING_UNIT else "communeCode"
    path = registration_unit(
        directory, command.tenant, command.unit_code, subject.unit_level, command.year, field
    )
    if command.member_of:
        _check_learning_unit(registrations, command.tenant, command.member_of)
    registrations.add_subject(subject.as_document(path, now))
    links = enrolment_links(subject, command.member_of)
    enrolment = Enrolment(
        subject.subject_id, subject.kind, subject.title, command.year, path, links
    )
    event = enrolment.registered_event(now)
    created = registrations.add_enrolment(enrolment.as_document(now, subject.name), event)
    if not created:
        created = registrations.reenrol(enrolment.id, event, dict(links), now)
    return Registered(
        enrolment.id, subject.subject_id, subject.title.value, command.year, str(path), created
    )


def _commune_name(directory: Directory, command: RegisterCommand) -> str:
    """The commune's official name as the directory had it for the year."""
    day = registration_date(command.year, date.today())
    unit = directory.get(command.tenant, command.unit_code, day)
    if unit is None or unit["level"] != "commune":
        raise InvalidInput([MESSAGES.error("communeCode", "commune_not_found")])
    return unit["name"]


def _check_learning_unit(registrations: Registrations, tenant: str, subject_id: str) -> None:
    """A citizen may name only a learning unit of the same province."""
    unit = registrations.get_subject(subject_id)
    if not unit or unit["tenant"] != tenant or unit["kind"] != SubjectKind.LEARNING_UNIT:
        raise InvalidInput([MESSAGES.error("learningUnitId", "learning_unit_not_found")])


def list_subjects(
    registrations: Registrations,
    path: UnitPath,
    year: int,
    title: str | None = None,
    status: str | None = None,
    search: str | None = None,
    after: str | None = None,
    first: int = 50,
) -> dict[str, Any]:
    """One page of the enrolments at or below a unit, in a stable order (by id)."""
    page = registrations.list_enrolments(path, year, title, status, search, after, first + 1)
    items = page[:first]
    return {"items": items, "nextCursor": items[-1]["_id"] if len(page) > first else None}


def contact(
    directory: Directory, registrations: Registrations, tenant: str, subject_id: str
) -> dict[str, Any] | None:
    """How to reach a subject of ``tenant`` (for notification, at delivery time: events carry
    no personal data); None for another tenant's subject or one not there."""
    subject = registrations.get_subject(subject_id)
    if subject is None or subject["tenant"] != tenant:
        return None
    unit = directory.get(tenant, subject["unit_code"])
    return {
        "subjectId": subject_id,
        "name": subject.get("name") or "",
        "phone": subject.get("phone"),
        "email": subject.get("email"),
        "unitpath": subject.get("unitpath"),
        "unit_name": (unit or {}).get("name") or "",
    }


def withdraw(
    registrations: Registrations,
    tenant: str,
    enrolment_id: str,
    reason: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Withdraw an enrolment (rút đăng ký); its ``withdrawn`` event is stored with the change."""
    now = now or datetime.now(UTC)
    document = registrations.get_enrolment(enrolment_id)
    if document is None or document["tenant"] != tenant:
        raise InvalidInput([MESSAGES.error("enrolmentId", "enrolment_not_found")])
    if document["status"] != ENROLLED:
        raise InvalidInput([MESSAGES.error("enrolmentId", "already_withdrawn")])
    event = Enrolment.from_document(document).withdrawn_event(now, reason)
    if not registrations.withdraw(enrolment_id, event, reason, now):
        raise InvalidInput([MESSAGES.error("enrolmentId", "already_withdrawn")])
    return {"enrolmentId": enrolment_id, "status": WITHDRAWN_STATUS}


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


def add_member(
    directory: Directory,
    branches: Branches,
    tenant: str,
    code: str,
    full_name: str,
    year: int,
    birth_year: int | None = None,
    joined_on: date | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A hội viên joins a branch for a year (once); announced by ``member.joined``."""
    now = now or datetime.now(UTC)
    unit = _branch(directory, tenant, code, "branchCode")
    if not active_in(unit, year):
        raise InvalidInput([MESSAGES.error("year", "branch_closed")])
    member = NewMember(unit, full_name, year, joined_on or now.date(), birth_year)
    created = branches.add_membership(
        member.as_document(now), member.joined_event(now), members_document(unit, year, 0)
    )
    return {"memberId": member.member_id, "branchCode": code, "year": year, "created": created}


def unit_figures(branches: Branches, path: UnitPath, year: int) -> dict[str, int]:
    """Association figures of a unit and everything below it for a year."""
    active = [unit for unit in branches.under(path) if active_in(unit, year)]
    return {"members": branches.member_count(path, year), "branches": len(active)}


def _open_branch(directory: Directory, tenant: str, code: str) -> dict[str, Any]:
    unit = _branch(directory, tenant, code)
    if unit.get("valid_to"):
        raise InvalidInput([MESSAGES.error("code", "branch_closed")])
    return unit
