"""An assessment: who and what it is about (:class:`Assessment`), how it stands as stored
(:class:`AssessmentRecord`), how an enrolment event moves its status, and the counters its
changes move."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import Envelope
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import Title


class AssessmentStatus(StrEnum):
    REGISTERED = "REGISTERED"
    WITHDRAWN = "WITHDRAWN"


TARGET_STATUS = {"registered": AssessmentStatus.REGISTERED, "withdrawn": AssessmentStatus.WITHDRAWN}


@dataclass(frozen=True)
class Transition:
    status: AssessmentStatus


def transition(
    current: str | None, last_event_time: str | None, event_name: str, event_time: str
) -> Transition | None:
    """What an enrolment event does to an assessment, or None when it does nothing: a
    redelivered or out-of-date event (older than the last one applied), or no change of state.
    A withdrawal that overtakes its registration is recorded, so the late registration is
    recognised as older and ignored."""
    if last_event_time and _when(event_time) <= _when(last_event_time):
        return None
    target = TARGET_STATUS[event_name]
    if current == target:
        return None
    return Transition(target)


class Refused(Exception):
    """A request breaks a rule; nothing was changed. Carries the rule's message key and the
    snake_case name of the field at fault (the edge turns both into what a client reads)."""

    def __init__(self, field: str, key: str, detail: str = "") -> None:
        super().__init__(f"{field}: {key} {detail}".strip())
        self.field = field
        self.key = key
        self.detail = detail


class NotScorable(LookupError):
    """No enrolled assessment of that id in that tenant (unknown, other tenant, withdrawn)."""


class ConcurrentChange(RetryLater):
    """The assessment kept changing under us; the message or request will be retried."""


class StaleRead(RuntimeError):
    """The assessment changed since the caller read it; read again and recompute."""


STAGES = ("self_assessment", "review")
# The administrative level a title's subject always has (what a set's ``level`` names).
TITLE_LEVEL = {Title.COMMUNE_COMMUNITY.value: "commune"}


def subject_level(title: str, unit_level: str | None) -> str | None:
    """The level a set must be made for: the title's own, or a learning unit's (commune when an
    older registration did not say, as registration's default)."""
    if title in TITLE_LEVEL:
        return TITLE_LEVEL[title]
    if title == Title.UNIT.value:
        return unit_level or "commune"
    return None


# A hamlet's code in the directory (thôn, bản, ấp, tổ dân phố: ``<commune>-T<nn>``).
HAMLET_CODE = re.compile(r"^[0-9]{5}-T[0-9]{2,4}$")


def proposing_unit(title: str, unit_path: UnitPath, given: str | None = None) -> str:
    """The unit an assessment belongs to for its title's procedure (its ``unit_code``): the
    unit whose proposal list (``Assessments.under_unit``), deadlines and decisions hold it and
    that its events name (``unitCode``). Its figures are counted at ``unit_path``, its own
    unit, and summed up the path. The rule:

    - the ``unitCode`` registration sends (the unit that received the registration) when it
      is a unit of the path (at or above its own unit);
    - else, for a village community (COMMUNITY) kept at its hamlet (the path ends in a
      hamlet's code ``<commune>-T<nn>``: registered by hamlet, or an imported recognition of
      it), the commune one level up: the commune reviews and proposes its hamlets;
    - else the path's own unit (its last code).

    So a hamlet's figures are its own (and roll up to its commune and above) while the commune
    keeps its communities' list review, proposal, decision and certificates."""
    if given and given in unit_path.codes[1:]:
        return given
    if title == Title.COMMUNITY.value and unit_path.depth > 1 and HAMLET_CODE.match(unit_path.code):
        return unit_path.codes[-2]
    return unit_path.code


def _when(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Assessment:
    """One subject's assessment for one title and year; keyed by its enrolment."""

    id: str
    subject_id: str
    subject_kind: str
    title: str
    year: int
    unit_path: UnitPath
    status: AssessmentStatus = AssessmentStatus.REGISTERED
    member_of: str | None = None  # a citizen's learning unit (subject id) that year
    declared_members: int | None = None  # a learning unit's declared number of members
    unit_level: str | None = None  # a learning unit's level (commune, district, province)
    proposed_by: str | None = None  # see ``unit_code``; None: by the rule from the path

    @property
    def unit_code(self) -> str:
        """The unit that proposes the subject (:func:`proposing_unit`)."""
        return proposing_unit(self.title, self.unit_path, self.proposed_by)

    @classmethod
    def opened_by(cls, event: Envelope) -> Assessment:
        data = event.data
        return cls(
            id=data["enrolmentId"],
            subject_id=data["subjectId"],
            subject_kind=data["subjectKind"],
            title=data["title"],
            year=data["year"],
            unit_path=event.unitpath,
            member_of=data.get("memberOf"),
            declared_members=data.get("declaredMembers"),
            unit_level=data.get("unitLevel"),
            proposed_by=data.get("unitCode"),
        )

    def links(self) -> dict[str, Any]:
        """What a registration says about membership; a later registration restates it."""
        return {
            "member_of": self.member_of,
            "declared_members": self.declared_members,
            "unit_level": self.unit_level,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Assessment:
        return cls(
            doc["_id"],
            doc["subject_id"],
            doc["subject_kind"],
            doc["title"],
            doc["year"],
            UnitPath.parse(doc["unitpath"]),
            AssessmentStatus(doc["status"]),
            doc.get("member_of"),
            doc.get("declared_members"),
            doc.get("unit_level"),
            doc.get("unit_code"),
        )

    @property
    def tenant(self) -> str:
        return self.unit_path.tenant

    @property
    def counter_id(self) -> str:
        """The counter of the assessment's own unit; higher levels sum their units' counters."""
        return f"{self.tenant}|{self.unit_path.code}|{self.year}|{self.title}"

    def as_document(self, opened_by_event: str, now: datetime) -> dict[str, Any]:  # noqa: D102
        return {
            "_id": self.id,
            "tenant": self.tenant,
            "subject_id": self.subject_id,
            "subject_kind": self.subject_kind,
            "title": self.title,
            "year": self.year,
            "unit_code": self.unit_code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "status": self.status.value,
            **self.links(),
            "opened_by_event": opened_by_event,
            "opened_at": now,
        }

    def counts_moved(self, moved: Mapping[str, int]) -> dict[str, CounterMove]:
        """The counters a change of this assessment moves: its unit's figures, and for a
        citizen member of a learning unit, that unit's count of members holding the title."""
        counts: dict[str, CounterMove] = {}
        if moved:
            counts[self.counter_id] = (dict(moved), self.counter_identity())
        if self.title == Title.CITIZEN and self.member_of and moved.get("recognised"):
            identity = {"tenant": self.tenant, "year": self.year, "members_of": self.member_of}
            counts[members_counter_id(self.tenant, self.member_of, self.year)] = (
                {MEMBERS_RECOGNISED: moved["recognised"]},
                identity,
            )
        return counts

    def counter_identity(self) -> dict[str, Any]:
        """A counter is its own unit's (the path's last code), not the proposing unit's."""
        return {
            "tenant": self.tenant,
            "unit_code": self.unit_path.code,
            "unitpath": str(self.unit_path),
            **self.unit_path.depth_fields(),
            "year": self.year,
            "title": self.title,
        }


# A counter's increments and the fields it is created with (tenant, unit, year, title).
CounterMove = tuple[dict[str, int], dict[str, Any]]
MEMBERS_RECOGNISED = "members_recognised"


def members_counter_id(tenant: str, unit_subject_id: str, year: int) -> str:
    """A learning unit's count of member citizens holding the title (no unit path: it never
    takes part in roll-ups)."""
    return f"{tenant}|members|{unit_subject_id}|{year}"


@dataclass(frozen=True)
class AssessmentRecord:
    """An assessment as stored: who and what it is about, its status, its stages (self-assessment,
    review, recognition, evidence: records as written), and the bookkeeping of exactly-once
    counting (``version`` guards concurrent writes; ``pending`` holds committed changes not yet
    counted, change id -> figures moved)."""

    id: str
    tenant: str
    subject_id: str
    subject_kind: str
    title: str
    year: int
    unit_code: str
    unitpath: str
    status: str
    member_of: str | None = None
    declared_members: int | None = None
    unit_level: str | None = None
    self_assessment: dict[str, Any] | None = None
    review: dict[str, Any] | None = None
    recognition: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None
    last_event_time: str | None = None
    version: int = 1
    pending: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> AssessmentRecord:
        known = {f.name for f in fields(cls)} - {"id"}
        values = {name: doc[name] for name in known if doc.get(name) is not None}
        return cls(id=doc["_id"], **values)

    @property
    def assessment(self) -> Assessment:
        """Who and what it is about: what its counters are keyed by."""
        return Assessment(
            self.id,
            self.subject_id,
            self.subject_kind,
            self.title,
            self.year,
            UnitPath.parse(self.unitpath),
            AssessmentStatus(self.status),
            self.member_of,
            self.declared_members,
            self.unit_level,
            self.unit_code,
        )

    def stage(self, name: str) -> dict[str, Any] | None:
        value: dict[str, Any] | None = getattr(self, name)
        return value

    def updated(self, changes: Mapping[str, Any]) -> AssessmentRecord:
        """The record once ``changes`` (stored fields) are written; others are bookkeeping."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known})
