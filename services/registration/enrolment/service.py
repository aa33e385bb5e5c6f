"""Registration's use cases for subjects and enrolments: thin orchestration of the domain
rules and the stores of one province."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.registration.directory import hamlets as hamlet_rules
from services.registration.directory.hierarchy import refuse_if_ended, registration_date
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
    correction,
    enrolment_links,
    enrolment_place,
    household,
    learning_unit,
)
from services.registration.enrolment.records import EnrolmentRecord
from services.registration.errors import Refused

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.directory.hamlets_store import Hamlets
    from services.registration.directory.store import DirectoryStore
    from services.registration.enrolment.store import Registrations


@dataclass(frozen=True)
class RegisterCommand:
    """A validated registration: which kind of subject, where, its fields, for which year."""

    kind: SubjectKind
    tenant: str
    unit_code: str
    fields: dict[str, object]
    year: int
    member_of: str | None = None  # a citizen's learning unit (its subject id) that year


@dataclass(frozen=True)
class Registered:
    enrolment_id: str
    subject_id: str
    title: str
    year: int
    unit_path: str
    created: bool  # False when this was a re-submission of an existing enrolment


@dataclass(frozen=True)
class Withdrawn:
    enrolment_id: str
    status: str


@dataclass(frozen=True)
class Page:
    items: list[EnrolmentRecord]
    next_cursor: str | None


@dataclass(frozen=True)
class Contact:
    subject_id: str
    name: str
    phone: str | None
    email: str | None
    unitpath: str | None
    unit_name: str


@dataclass(frozen=True)
class RegistrationSettings:
    """What a tenant configures: the key for national-ID hashes, and the age bounds of
    "Công dân học tập" (no bound is official, so none is assumed)."""

    id_key: bytes
    citizen_min_age: int | None = None
    citizen_max_age: int | None = None


def registration_unit(
    directory: DirectoryStore, code: str, level: str, year: int, field: str
) -> UnitPath:
    """The unit's path in the directory's province as it stood for ``year``; another
    province's unit is simply not found."""
    day = registration_date(year, date.today())
    unit = directory.get(code, day)
    if unit is None or unit["level"] != level:
        raise Refused(field, "commune_not_found" if level == "commune" else "unit_not_found")
    refuse_if_ended(unit, day, field)
    return UnitPath.parse(unit["path"])


# Plausible in any province, before its own bounds (none is official): a citizen is a learner
# of school age or more, and nobody is older than 120; a household's head is at least 15.
CITIZEN_AGES = range(6, 121)
HEAD_MIN_AGE = 15


def build_subject(command: RegisterCommand, settings: RegistrationSettings) -> Subject:
    fields: dict[str, Any] = dict(command.fields)
    tenant, code = command.tenant, command.unit_code
    if command.kind is SubjectKind.CITIZEN:
        _check_age(command.year - fields["birth_year"], settings)
        return citizen(tenant, code, id_key=settings.id_key, **fields)
    head_born = fields.get("head_birth_year")
    if head_born is not None and command.year - head_born < HEAD_MIN_AGE:
        raise Refused("head_birth_year", "head_age_implausible")
    factory: dict[SubjectKind, Callable[..., Subject]] = {
        SubjectKind.HOUSEHOLD: household,
        SubjectKind.CLAN: clan,
        SubjectKind.COMMUNITY: community,
        SubjectKind.LEARNING_UNIT: learning_unit,
        SubjectKind.COMMUNE: commune_community,
    }
    return factory[command.kind](tenant, code, **fields)


def _check_age(age: int, settings: RegistrationSettings) -> None:
    if age not in CITIZEN_AGES:
        raise Refused("birth_year", "citizen_age_implausible")
    low, high = settings.citizen_min_age, settings.citizen_max_age
    if (low is not None and age < low) or (high is not None and age > high):
        raise Refused("birth_year", "age_out_of_bounds")


def register(
    directory: DirectoryStore,
    registrations: Registrations,
    command: RegisterCommand,
    settings: RegistrationSettings,
    now: datetime | None = None,
    hamlets: Hamlets | None = None,
) -> Registered:
    """Register the subject (once) and enrol it for its title in the year (once); a withdrawn
    enrolment registered again is enrolled again. The stores are the command's province's.
    A village community (COMMUNITY) is a hamlet of the directory: named by ``hamlet_code``, or
    by its name (found, or created under the commune, when ``hamlets`` is given); its
    enrolment is kept at the hamlet's path and received by the commune (``enrolment_place``)."""
    now = now or datetime.now(UTC)
    if command.kind is SubjectKind.COMMUNE:
        command = replace(command, fields={"official_name": _commune_name(directory, command)})
    if command.kind is SubjectKind.COMMUNITY:
        command = _with_hamlet(directory, hamlets, command)
    subject = build_subject(command, settings)
    field = "unit_code" if command.kind is SubjectKind.LEARNING_UNIT else "commune_code"
    path = registration_unit(directory, command.unit_code, subject.unit_level, command.year, field)
    if command.member_of:
        _check_learning_unit(registrations, command.member_of)
    registrations.add_subject(subject.as_document(path, now))
    links = enrolment_links(subject, command.member_of)
    place, received_by = enrolment_place(subject, path)
    enrolment = Enrolment(
        subject.subject_id, subject.kind, subject.title, command.year, place, links, received_by
    )
    event = enrolment.registered_event(now)
    created = registrations.add_enrolment(enrolment.as_document(now, subject.name), event)
    if not created:  # kept where it was first enrolled (a community before hamlets were units)
        stored = registrations.get_enrolment(enrolment.id)
        if stored is not None and stored.unitpath != str(place):
            enrolment = replace(stored.enrolment(), links=links)
            event = enrolment.registered_event(now)
        created = registrations.reenrol(enrolment.id, event, dict(links), now)
    return Registered(
        enrolment.id,
        subject.subject_id,
        subject.title.value,
        command.year,
        str(enrolment.unit_path),
        created,
    )


def _commune_name(directory: DirectoryStore, command: RegisterCommand) -> str:
    """The commune's official name as the directory had it for the year."""
    day = registration_date(command.year, date.today())
    unit = directory.get(command.unit_code, day)
    if unit is None or unit["level"] != "commune":
        raise Refused("commune_code", "commune_not_found")
    refuse_if_ended(unit, day, "commune_code")
    return str(unit["name"])


def _with_hamlet(
    directory: DirectoryStore, hamlets: Hamlets | None, command: RegisterCommand
) -> RegisterCommand:
    """The community's hamlet: the one named by code (of the commune, open in the year), or
    the commune's hamlet of that name (created when new). Without a hamlet store (and no
    code), the community stays a name under the commune, as before hamlets were units."""
    fields = dict(command.fields)
    code = fields.pop("hamlet_code", None)
    if code:
        hamlet = hamlet_rules.hamlet_unit(directory, str(code), command.year, "hamlet_code")
        if hamlet.get("parent_code") != command.unit_code:
            raise Refused("hamlet_code", "hamlet_not_found")
        if hamlet.get("valid_to") and hamlet["valid_to"] < f"{command.year}-01-01":
            raise Refused("hamlet_code", "hamlet_closed")
    elif hamlets is not None and fields.get("name"):
        registration_unit(directory, command.unit_code, "commune", command.year, "commune_code")
        hamlet = hamlet_rules.find_or_create(
            directory, hamlets, command.unit_code, str(fields["name"]), command.year
        )
    else:
        if not fields.get("name"):
            raise Refused("name", "blank")
        return replace(command, fields=fields)
    fields.update(name=hamlet["name"], hamlet_code=hamlet["code"], hamlet_path=hamlet["path"])
    return replace(command, fields=fields)


def _check_learning_unit(registrations: Registrations, subject_id: str) -> None:
    """A citizen may name only a learning unit of the same province (the store's)."""
    unit = registrations.get_subject(subject_id)
    if unit is None or unit.kind != SubjectKind.LEARNING_UNIT:
        raise Refused("learning_unit_id", "learning_unit_not_found")


def list_subjects(
    registrations: Registrations,
    path: UnitPath | list[UnitPath],
    year: int,
    title: str | None = None,
    status: str | None = None,
    search: str | None = None,
    after: str | None = None,
    first: int = 50,
) -> Page:
    """One page of the enrolments at or below a unit (or several: a unit's predecessors, for
    a year before it existed), in a stable order (unit, status, title, id); the cursor is
    opaque. A name search may answer a short page with a cursor (it reads a bounded number of
    enrolments per page)."""
    paths = path if isinstance(path, list) else [path]
    if len(paths) == 1:
        items, cursor = registrations.list_page(paths[0], year, title, status, search, after, first)
        return Page(items, cursor)
    index, inner = _multi_cursor(after, len(paths))
    found: list[EnrolmentRecord] = []
    while index < len(paths) and len(found) < first:
        items, inner = registrations.list_page(
            paths[index], year, title, status, search, inner, first - len(found)
        )
        found.extend(items)
        if inner is not None:  # more at this unit: the page is full (or a search paused)
            return Page(found, _encode_multi(index, inner))
        index += 1
    return Page(found, _encode_multi(index, None) if index < len(paths) else None)


def _encode_multi(index: int, inner: str | None) -> str:
    text = f"{index}|{inner or ''}"
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def _multi_cursor(after: str | None, count: int) -> tuple[int, str | None]:
    """(unit index, that unit's cursor) of a cursor over several units; the start if unreadable."""
    if not after:
        return 0, None
    try:
        text = base64.urlsafe_b64decode(after.encode("ascii")).decode("utf-8")
        index, _, inner = text.partition("|")
        position = int(index)
    except (ValueError, UnicodeError):
        return 0, None
    return (position, inner or None) if 0 <= position < count else (count, None)


def contact(
    directory: DirectoryStore, registrations: Registrations, subject_id: str
) -> Contact | None:
    """How to reach a subject (for notification, at delivery time: events carry no personal
    data); None for a subject not in the stores' province."""
    subject = registrations.get_subject(subject_id)
    if subject is None:
        return None
    unit = directory.get(subject.unit_code)
    return Contact(
        subject_id=subject_id,
        name=subject.name,
        phone=subject.phone,
        email=subject.email,
        unitpath=subject.unitpath,
        unit_name=str((unit or {}).get("name") or ""),
    )


def contacts(
    directory: DirectoryStore, registrations: Registrations, subject_ids: list[str]
) -> dict[str, Contact]:
    """:func:`contact` of many subjects at once (a delivery pass's recipients): the subjects
    in one read, each unit once; subjects not in the stores' province are absent."""
    subjects = registrations.subjects_named(list(dict.fromkeys(subject_ids)))
    names: dict[str, str] = {}
    for code in {s.unit_code for s in subjects}:
        unit = directory.get(code)
        names[code] = str((unit or {}).get("name") or "")
    return {
        s.id: Contact(
            subject_id=s.id,
            name=s.name,
            phone=s.phone,
            email=s.email,
            unitpath=s.unitpath,
            unit_name=names[s.unit_code],
        )
        for s in subjects
    }


def withdraw(
    registrations: Registrations,
    enrolment_id: str,
    reason: str,
    now: datetime | None = None,
) -> Withdrawn:
    """Withdraw an enrolment (rút đăng ký); its ``withdrawn`` event is stored with the change."""
    now = now or datetime.now(UTC)
    record = registrations.get_enrolment(enrolment_id)
    if record is None:
        raise Refused("enrolment_id", "enrolment_not_found")
    if record.status != ENROLLED:
        raise Refused("enrolment_id", "already_withdrawn")
    event = record.enrolment().withdrawn_event(now, reason)
    if not registrations.withdraw(enrolment_id, event, reason, now):
        raise Refused("enrolment_id", "already_withdrawn")
    return Withdrawn(enrolment_id, WITHDRAWN_STATUS)


# What a registration's page shows of its subject: the fields it was registered with (a
# citizen's national ID only by its last four digits; its hash never leaves the service).
DETAIL_FIELDS = (
    "head_name",
    "head_birth_year",
    "address",
    "members",
    "phone",
    "size",
    "learners",
    "clan_name",
    "households",
    "people",
    "unit_kind",
    "level",
    "staff",
    "full_name",
    "birth_year",
    "national_id_last4",
    "labour_group",
    "hamlet_code",
)


@dataclass(frozen=True)
class Details:
    """One registration as its page shows it: the enrolment, when and why it was withdrawn,
    and its subject's registered details."""

    record: EnrolmentRecord
    created_at: datetime | None
    withdrawn_at: str | None
    withdraw_reason: str | None
    details: dict[str, Any]


def details(registrations: Registrations, enrolment_id: str) -> Details | None:
    """The registration ``enrolment_id`` of the province with its subject's details; None when
    the province has none of that id."""
    found = registrations.enrolment_document(enrolment_id)
    if found is None:
        return None
    subject = registrations.subject_document(found["subject_id"]) or {}
    return Details(
        EnrolmentRecord.from_document(found),
        found.get("created_at"),
        found.get("withdrawn_at") if found.get("status") == WITHDRAWN_STATUS else None,
        found.get("withdraw_reason") if found.get("status") == WITHDRAWN_STATUS else None,
        {name: subject.get(name) for name in DETAIL_FIELDS},
    )


def correct(
    registrations: Registrations,
    enrolment_id: str,
    changes: dict[str, Any],
    now: datetime | None = None,
) -> Details:
    """Correct an enrolled registration's details (sửa thông tin đăng ký); only those
    :data:`~services.registration.enrolment.domain.CORRECTABLE` for its kind. Whether it was
    reviewed already is scoring's to know: the gateway asks before it sends the correction."""
    now = now or datetime.now(UTC)
    record = registrations.get_enrolment(enrolment_id)
    if record is None:
        raise Refused("enrolment_id", "enrolment_not_found")
    if record.status != ENROLLED:
        raise Refused("enrolment_id", "already_withdrawn")
    fields, refused = correction(SubjectKind(record.subject_kind), changes)
    if refused:
        raise Refused(refused[0], "not_correctable")
    if fields:
        registrations.correct_subject(record.subject_id, fields, now)
    found = details(registrations, enrolment_id)
    assert found is not None  # read back what was just written
    return found
