"""Registration rules: subjects, their identity for de-duplication, enrolments for a title."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import new_event
from khuyenhoc.events import REGISTERED, WITHDRAWN
from khuyenhoc.tenancy import UnitPath, commune_subject_id
from khuyenhoc.text import search_key
from khuyenhoc.vocabulary import Title
from services.registration.directory.hamlets import hamlet_key

FIRST_YEAR = 2000  # earliest programme year the platform records
ENROLLED, WITHDRAWN_STATUS = "ENROLLED", "WITHDRAWN"


class SubjectKind(StrEnum):
    HOUSEHOLD = "household"
    CLAN = "clan"
    COMMUNITY = "community"
    LEARNING_UNIT = "learning_unit"
    CITIZEN = "citizen"
    COMMUNE = "commune"  # the commune itself, for "Cộng đồng học tập cấp xã"


# The kinds a commune's list (an import file) may hold; a commune registers itself one by one.
IMPORTABLE_KINDS = (
    SubjectKind.HOUSEHOLD,
    SubjectKind.CLAN,
    SubjectKind.COMMUNITY,
    SubjectKind.LEARNING_UNIT,
    SubjectKind.CITIZEN,
)


def registration_years(today: date) -> range:
    """Years one may register for: the programme's records up to next year's early sign-up."""
    return range(FIRST_YEAR, today.year + 2)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Member:
    name: str
    relation: str
    birth_year: int | None = None
    learning: bool = False


TITLE_OF: dict[SubjectKind, Title] = {
    SubjectKind.HOUSEHOLD: Title.FAMILY,
    SubjectKind.CLAN: Title.CLAN,
    SubjectKind.COMMUNITY: Title.COMMUNITY,
    SubjectKind.LEARNING_UNIT: Title.UNIT,
    SubjectKind.CITIZEN: Title.CITIZEN,
    SubjectKind.COMMUNE: Title.COMMUNE_COMMUNITY,
}
_PREFIX = {
    SubjectKind.HOUSEHOLD: "hh",
    SubjectKind.CLAN: "cl",
    SubjectKind.COMMUNITY: "co",
    SubjectKind.LEARNING_UNIT: "lu",
    SubjectKind.CITIZEN: "ci",
    SubjectKind.COMMUNE: "cm",
}


@dataclass(frozen=True)
class Subject:
    """Anything that enrols for a learning title: a household, clan, village community,
    learning unit or citizen. Two entries with the same identity in the same place are one
    subject, however the names were typed (case, diacritics, spacing, Unicode form); a citizen
    is one person in the whole province (identified by the keyed hash of the national ID)."""

    kind: SubjectKind
    tenant: str
    unit_code: str  # the commune (or the district / province, for such a learning unit)
    name: str  # what officers see in lists
    identity: tuple[str, ...]  # normalised parts that make two entries the same subject
    details: dict[str, Any]  # everything else that is stored
    unit_level: str = "commune"

    @property
    def title(self) -> Title:
        return TITLE_OF[self.kind]

    @property
    def subject_id(self) -> str:
        if self.kind is SubjectKind.COMMUNE:
            return commune_subject_id(self.tenant, self.unit_code)
        place = () if self.kind is SubjectKind.CITIZEN else (self.unit_code,)
        return f"{_PREFIX[self.kind]}-{_digest(self.tenant, *place, *self.identity)}"

    def as_document(self, unit_path: UnitPath, now: datetime) -> dict[str, Any]:
        return {
            "_id": self.subject_id,
            "tenant": self.tenant,
            "kind": self.kind.value,
            "unit_code": self.unit_code,
            "unitpath": str(unit_path),
            **unit_path.depth_fields(),
            "name": self.name,
            "name_key": search_key(self.name),
            **self.details,
            "created_at": now,
        }


def household(
    tenant: str,
    commune_code: str,
    head_name: str,
    address: str,
    members: tuple[Member, ...] = (),
    phone: str | None = None,
    head_birth_year: int | None = None,
    size: int | None = None,
    learners: int | None = None,
) -> Subject:
    """Gia đình học tập: identified by its head and hamlet in the commune."""
    return Subject(
        SubjectKind.HOUSEHOLD,
        tenant,
        commune_code,
        head_name,
        (search_key(head_name), search_key(address)),
        {
            "head_name": head_name,
            "head_birth_year": head_birth_year,
            "address": address,
            "members": [vars(m) for m in members],
            "phone": phone,
            "size": size if size is not None else (len(members) or None),
            "learners": learners
            if learners is not None
            else (sum(m.learning for m in members) if members else None),
        },
    )


def clan(
    tenant: str,
    commune_code: str,
    clan_name: str,
    head_name: str,
    households: int | None = None,
    people: int | None = None,
    address: str | None = None,
) -> Subject:
    """Dòng họ học tập: a clan (or a branch of one) by its name and head in the commune."""
    return Subject(
        SubjectKind.CLAN,
        tenant,
        commune_code,
        clan_name,
        (search_key(clan_name), search_key(head_name)),
        {
            "clan_name": clan_name,
            "head_name": head_name,
            "households": households,
            "people": people,
            "address": address,
        },
    )


def community(
    tenant: str,
    commune_code: str,
    name: str,
    households: int | None = None,
    hamlet_code: str | None = None,
    hamlet_path: str | None = None,
) -> Subject:
    """Cộng đồng học tập cấp thôn: a hamlet or residential group of the commune (a unit of
    the directory, ``hamlet_code``, when registered through the API). One subject per hamlet
    however its name is typed ("Thôn Đông", "Đông"): the identity is the hamlet's name key."""
    details: dict[str, Any] = {"households": households}
    if hamlet_code:
        details.update(hamlet_code=hamlet_code, hamlet_path=hamlet_path)
    return Subject(SubjectKind.COMMUNITY, tenant, commune_code, name, (hamlet_key(name),), details)


def commune_community(tenant: str, commune_code: str, official_name: str) -> Subject:
    """Cộng đồng học tập cấp xã (TT 25/2023, TT 44/2014): the commune itself, by its code."""
    return Subject(
        SubjectKind.COMMUNE,
        tenant,
        commune_code,
        official_name,
        (commune_code,),
        {"official_name": official_name},
    )


class LearningUnitKind(StrEnum):
    AGENCY = "agency"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    ARMED_FORCES = "armed_forces"


def learning_unit(
    tenant: str,
    unit_code: str,
    name: str,
    unit_kind: LearningUnitKind,
    level: str = "commune",
    staff: int | None = None,
) -> Subject:
    """Đơn vị học tập: an agency, school, enterprise or armed-forces unit of a commune,
    district or province, by its name there."""
    return Subject(
        SubjectKind.LEARNING_UNIT,
        tenant,
        unit_code,
        name,
        (search_key(name),),
        {"unit_kind": unit_kind.value, "level": level, "staff": staff},
        unit_level=level,
    )


class LabourGroup(StrEnum):
    """The groups whose criteria forms differ (QĐ 244/QĐ-KHVN)."""

    RURAL = "rural"  # nông dân và lao động nông thôn
    WORKER = "worker"  # công nhân và lao động khác
    PROFESSIONAL = "professional"  # cao đẳng trở lên, cán bộ, công chức, viên chức, doanh nhân


def national_id_hash(national_id: str, key: bytes) -> str:
    """Keyed, so the stored hash cannot be reversed by hashing every possible ID."""
    return hmac.new(key, national_id.encode("ascii"), hashlib.sha256).hexdigest()


def citizen(
    tenant: str,
    commune_code: str,
    full_name: str,
    birth_year: int,
    national_id: str,
    labour_group: LabourGroup,
    id_key: bytes,
    address: str | None = None,
    phone: str | None = None,
) -> Subject:
    """Công dân học tập: one person per national ID in the province; the ID itself is never
    kept, only its keyed hash (for de-duplication) and its last four digits (for display)."""
    id_hash = national_id_hash(national_id, id_key)
    return Subject(
        SubjectKind.CITIZEN,
        tenant,
        commune_code,
        full_name,
        (id_hash,),
        {
            "full_name": full_name,
            "birth_year": birth_year,
            "national_id_hash": id_hash,
            "national_id_last4": national_id[-4:],
            "labour_group": labour_group.value,
            "address": address,
            "phone": phone,
        },
    )


# What a registration may have corrected before it is reviewed: details that are neither the
# subject's identity (names, a household's hamlet, a citizen's ID: they make its id, see
# ``Subject.identity``) nor carried by its events (a learning unit's staff, a citizen's labour
# group and birth year pick its criteria and figures). Correcting them changes no event.
CORRECTABLE: dict[SubjectKind, frozenset[str]] = {
    SubjectKind.HOUSEHOLD: frozenset({"members", "phone", "head_birth_year", "size", "learners"}),
    SubjectKind.CLAN: frozenset({"households", "people", "address"}),
    SubjectKind.COMMUNITY: frozenset({"households"}),
    SubjectKind.CITIZEN: frozenset({"address", "phone"}),
    SubjectKind.LEARNING_UNIT: frozenset(),
    SubjectKind.COMMUNE: frozenset(),
}


def correction(kind: SubjectKind, changes: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The stored fields a correction sets, and the fields it may not change for ``kind``.
    New members without a new size (or number of learners) recount them, as at registration."""
    refused = sorted(name for name in changes if name not in CORRECTABLE[kind])
    fields = {name: value for name, value in changes.items() if name in CORRECTABLE[kind]}
    if "members" in fields:
        members: tuple[Member, ...] = tuple(fields["members"])
        fields["members"] = [vars(m) for m in members]
        fields.setdefault("size", len(members) or None)
        fields.setdefault("learners", sum(m.learning for m in members) if members else None)
    return fields, refused


def age_in(year: int, birth_year: int) -> int:
    return year - birth_year


@dataclass(frozen=True)
class Enrolment:
    """A subject's registration for one title in one year; its id is its natural key."""

    subject_id: str
    subject_kind: SubjectKind
    title: Title
    year: int
    unit_path: UnitPath
    links: tuple[tuple[str, Any], ...] = ()  # see ``enrolment_links``; carried by ``registered``
    received_by: str | None = None  # see ``unit_code``; None: the path's own unit

    @property
    def id(self) -> str:
        return f"{self.unit_path.tenant}-{self.title.value}-{self.year}-{self.subject_id}"

    @property
    def unit_code(self) -> str:
        """The unit that receives the registration (and proposes the subject for its title):
        the last code of ``unit_path``, except for a village community kept at its hamlet
        (see :func:`enrolment_place`), received by its commune."""
        return self.received_by or self.unit_path.code

    def _data(self) -> dict[str, Any]:
        return {
            "enrolmentId": self.id,
            "subjectId": self.subject_id,
            "subjectKind": self.subject_kind.value,
            "title": self.title.value,
            "year": self.year,
            "unitCode": self.unit_code,
        }

    def registered_event(self, now: datetime) -> dict[str, Any]:
        return new_event(
            REGISTERED,
            subject=f"enrolment/{self.id}",
            unit_path=self.unit_path,
            time=now,
            data={**self._data(), **dict(self.links)},
        )

    def withdrawn_event(self, now: datetime, reason: str) -> dict[str, Any]:
        return new_event(
            WITHDRAWN,
            subject=f"enrolment/{self.id}",
            unit_path=self.unit_path,
            time=now,
            data={**self._data(), "reason": reason},
        )

    def as_document(self, now: datetime, name: str = "") -> dict[str, Any]:
        return {
            "_id": self.id,
            "name": name,
            "name_key": search_key(name),
            "tenant": self.unit_path.tenant,
            "subject_id": self.subject_id,
            "subject_kind": self.subject_kind.value,
            "title": self.title.value,
            "year": self.year,
            "unit_code": self.unit_code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "status": ENROLLED,
            **list_keys(str(self.unit_path), self.year, ENROLLED, self.title.value, self.id),
            "links": dict(self.links),
            "created_at": now,
        }


def list_keys(
    unitpath: str, year: int, status: str, title: str, enrolment_id: str
) -> dict[str, str]:
    """The household list's sort keys of an enrolment, one per depth of its unit path:
    ``lk_N = "<tenant>|<code at depth N>|<year>|<status>|<title>|<id>"``. Each has a
    single-field index, so a page of a unit's list (optionally of one status or title) is a
    range on one key sorted by it: O(page), whatever the province holds (nx-27017 scans for
    the compound ``{tenant, year, path_N}`` filter sorted by ``_id``). Rewritten when the
    status changes."""
    codes = unitpath.split("/")
    tail = f"{year}|{status}|{title}|{enrolment_id}"
    return {f"lk_{depth}": f"{codes[0]}|{code}|{tail}" for depth, code in enumerate(codes)}


def list_cursor(status: str, title: str, enrolment_id: str) -> str:
    """Where a unit's list continues after an enrolment (the key without unit and year)."""
    return f"{status}|{title}|{enrolment_id}"


def enrolment_place(subject: Subject, path: UnitPath) -> tuple[UnitPath, str | None]:
    """Where a subject's enrolment is kept: (its unit path, the unit receiving it when that is
    not the path's last code). A village community (COMMUNITY) that names its hamlet is kept
    at the hamlet's path (``<commune path>/<commune>-T<nn>``), so the hamlet's figures are its
    own and roll up to the commune and above; it is still received, listed, reviewed and
    proposed by its commune (``unit_code``, ``unitCode`` of its events). Anything else, and a
    community known by name only (an import row, a registration before hamlets were units),
    is kept at ``path``, the unit it registered with."""
    hamlet_path = subject.details.get("hamlet_path")
    if subject.kind is SubjectKind.COMMUNITY and hamlet_path:
        hamlet = UnitPath.parse(str(hamlet_path))
        if hamlet.codes[:-1] == path.codes:
            return hamlet, path.code
    return path, None


def enrolment_links(subject: Subject, member_of: str | None = None) -> tuple[tuple[str, Any], ...]:
    """What scoring needs from a registration to compute a learning unit's figures itself:
    the unit a learning citizen belongs to that year (``memberOf``), the number of members
    a learning unit declares (``declaredMembers``, the denominator of its members' share), and a
    learning unit's administrative level (``unitLevel``: commune, district or province), which
    decides its criteria set (the association's set for commune-level units, TT 24/2023 above)."""
    links: dict[str, Any] = {}
    if member_of and subject.kind is SubjectKind.CITIZEN:
        links["memberOf"] = member_of
    staff = subject.details.get("staff") if subject.kind is SubjectKind.LEARNING_UNIT else None
    if staff:
        links["declaredMembers"] = staff
    if subject.kind is SubjectKind.LEARNING_UNIT:
        links["unitLevel"] = subject.details.get("level") or subject.unit_level
    return tuple(sorted(links.items()))
