"""Scoring rules: what an enrolment event or a recorded stage does to an assessment (the
:class:`Change` a store then writes), the figures it moves on its unit's counters, recognitions'
validity, title history and deadlines. Pure: no I/O, no clock, no text for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from khuyenhoc.envelope import Envelope, EventType, new_event
from khuyenhoc.events import RECOGNISED, REVOKED, SCORED
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES, Title  # FIGURES: gateway.types still reads it here


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


def contributions(state: AssessmentRecord | None) -> dict[str, int]:
    """What one assessment adds to its unit's figures. A withdrawn enrolment adds nothing;
    "eligible" follows the review's verdict, the one that counts."""
    if not state or state.status != AssessmentStatus.REGISTERED:
        return dict.fromkeys(FIGURES, 0)
    review = state.review or {}
    recognition = state.recognition or {}
    held = holds_title(state)
    return {
        "registered": 1,
        "assessed": int(bool(state.self_assessment)),
        "reviewed": int(bool(review)),
        "eligible": int(is_eligible(state)),
        "recognised": int(held),
        "recognised_level_1": int(held and recognition.get("level") == 1),
        "recognised_level_2": int(held and recognition.get("level") == 2),
        "recognised_level_3": int(held and recognition.get("level") == 3),
    }


def holds_title(state: AssessmentRecord) -> bool:
    """Recognised by decision, not revoked, and still enrolled."""
    recognition = state.recognition or {}
    return (
        state.status == AssessmentStatus.REGISTERED
        and bool(recognition)
        and not recognition.get("revoked")
    )


def is_eligible(state: AssessmentRecord) -> bool:
    """Reviewed, and the review found the criteria met: what a proposal may list."""
    verdict = (state.review or {}).get("verdict") or {}
    return state.status == AssessmentStatus.REGISTERED and verdict.get("status") == "recognised"


def standing_in_the_way(
    earlier: Iterable[AssessmentRecord],
    year: int,
    level: int | None,
    decided_on: date,
    validity_years: int | None,
    upgrade_after_months: int | None,
) -> str | None:
    """Why a recognition for ``year`` cannot be decided while one of an earlier year still
    holds (TT 24/25 of 2023 titles last 3 years): the same or a lower level again
    (``still_valid``), or a higher level asked too early (``upgrade_too_early``). None: go on.
    Titles recognised for one year at a time are recognised again every year."""
    if not validity_years or validity_years <= 1:
        return None
    for held in earlier:
        recognition = held.recognition or {}
        until = recognition.get("valid_until")
        if held.year >= year or not holds_title(held) or not until:
            continue
        if until < decided_on.isoformat():
            continue  # expired
        if (level or 0) <= (recognition.get("level") or 0):
            return "still_valid"
        first_day = _months_after(
            date.fromisoformat(recognition["decision_date"]), upgrade_after_months or 0
        )
        if decided_on < first_day:
            return "upgrade_too_early"
    return None


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def valid_until(decided_on: date, validity_years: int | None) -> date | None:
    """The last day a recognition holds (None when the set does not say)."""
    if not validity_years:
        return None
    try:
        end = decided_on.replace(year=decided_on.year + validity_years)
    except ValueError:  # 29 February
        end = decided_on.replace(year=decided_on.year + validity_years, day=28)
    return end - timedelta(days=1)


def recognised_event(
    assessment: AssessmentRecord, recognition: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """``recognised``: the decision that recognises the subject, with its validity."""
    return _assessment_event(
        RECOGNISED,
        assessment,
        now,
        {
            "level": recognition["level"],
            "decisionNumber": recognition["decision_number"],
            "decisionDate": recognition["decision_date"],
            "signer": recognition["signer"],
            "validUntil": recognition["valid_until"],
            "setId": recognition["set_id"],
        },
    )


def revoked_event(
    assessment: AssessmentRecord, recognition: Mapping[str, Any], reason: str, now: datetime
) -> dict[str, Any]:
    """``revoked``: a recognition withdrawn by the authority, with the reason."""
    return _assessment_event(
        REVOKED,
        assessment,
        now,
        {"decisionNumber": recognition["decision_number"], "reason": reason},
    )


def deltas(before: AssessmentRecord | None, after: AssessmentRecord) -> dict[str, int]:
    """How a change of one assessment moves its unit's figures (only the figures that move)."""
    old, new = contributions(before), contributions(after)
    return {name: new[name] - old[name] for name in FIGURES if new[name] != old[name]}


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
        )

    def links(self) -> dict[str, Any]:
        """What a registration says about membership; a later registration restates it."""
        return {"member_of": self.member_of, "declared_members": self.declared_members}

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
            "unit_code": self.unit_path.code,
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


def title_totals(counters: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Sum unit counters into figures per title: a roll-up costs one read per unit."""
    totals: dict[str, dict[str, int]] = {}
    for counter in counters:
        figures = totals.setdefault(counter["title"], dict.fromkeys(FIGURES, 0))
        for name in FIGURES:
            figures[name] += int(counter.get(name) or 0)
    return totals


def scored_event(
    assessment: AssessmentRecord, stage: str, verdict: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """``scored``: the verdict of a self-assessment or review, with the set it was judged by."""
    return _assessment_event(
        SCORED,
        assessment,
        now,
        {
            "stage": stage,
            "setId": verdict["set_id"],
            "provisional": verdict["provisional"],
            "status": verdict["status"],
            "level": verdict["level"],
            "total": verdict["total"],
        },
    )


def _assessment_event(
    kind: EventType, assessment: AssessmentRecord, now: datetime, details: dict[str, Any]
) -> dict[str, Any]:
    """An event about an assessment: who and what it is about, then the event's own data."""
    return new_event(
        kind,
        subject=f"assessment/{assessment.id}",
        unit_path=UnitPath.parse(assessment.unitpath),
        time=now,
        data={
            "enrolmentId": assessment.id,
            "subjectId": assessment.subject_id,
            "subjectKind": assessment.subject_kind,
            "title": assessment.title,
            "year": assessment.year,
            "unitCode": assessment.unit_code,
            **details,
        },
    )


def title_history(assessments: Iterable[AssessmentRecord]) -> dict[str, Any]:
    """A subject's titles over the years, and how many consecutive years up to the latest
    recognition it has held one (what "n năm liền" commendations count)."""
    years: list[dict[str, Any]] = []
    for a in assessments:
        recognition = a.recognition or {}
        held = bool(recognition) and not recognition.get("revoked")
        years.append(
            {
                "year": a.year,
                "title": a.title,
                "status": a.status,
                "recognised": held,
                "level": recognition.get("level"),
                "decision_number": recognition.get("decision_number"),
            }
        )
    held_years = sorted({y["year"] for y in years if y["recognised"]})
    streak = 0
    if held_years:
        streak = 1
        for earlier, later in zip(reversed(held_years[:-1]), reversed(held_years[1:]), strict=True):
            if later - earlier != 1:
                break
            streak += 1
    return {"years": years, "consecutive_years": streak}


# When a unit's dossier (hồ sơ đề nghị) and the decision are due, in the year after the one
# assessed, as "MM-DD". Only the dates our sources give are defaults; a province configures the
# rest (``TENANT_SETTINGS[tenant].deadlines``), since the 2025 reform moved authorities.
DEFAULT_DEADLINES: dict[str, dict[str, str]] = {
    "COMMUNE_COMMUNITY": {"dossier": "02-28", "decision": "03-31"},  # TT 25/2023/TT-BGDĐT
    "UNIT": {"dossier": "01-15"},  # TT 24/2023/TT-BGDĐT (district/province learning units)
}


# Who decides, unless a province configures it (TENANT_SETTINGS[tenant].authorities[title]).
DEFAULT_AUTHORITIES: dict[str, tuple[str, ...]] = {
    "COMMUNE_COMMUNITY": ("authority:above",),  # TT 25/2023: not the commune itself
}


def default_authorities(title: str) -> list[str]:
    return list(DEFAULT_AUTHORITIES.get(title, ("authority",)))


def deadlines(
    year: int,
    proposals: Mapping[str, Proposal],
    configured: Mapping[str, Any],
    today: date,
) -> list[dict[str, Any]]:
    """Per title: when the dossier and the decision for ``year`` are due, and whether either is
    overdue (no proposal by the dossier date; no decision by the decision date)."""
    rules = {**DEFAULT_DEADLINES, **configured}
    found = []
    for title, rule in sorted(rules.items()):
        proposal = proposals.get(title)
        dossier = _due(year, rule.get("dossier"))
        decision = _due(year, rule.get("decision"))
        found.append(
            {
                "title": title,
                "dossier_due": dossier.isoformat() if dossier else None,
                "decision_due": decision.isoformat() if decision else None,
                "proposed": proposal is not None,
                "decided": bool(proposal and proposal.decided),
                "dossier_overdue": bool(dossier and today > dossier and proposal is None),
                "decision_overdue": bool(
                    decision and today > decision and not (proposal and proposal.decided)
                ),
            }
        )
    return found


def _due(year: int, month_day: str | None) -> date | None:
    if not month_day:
        return None
    month, day = (int(part) for part in month_day.split("-"))
    return date(year + 1, month, day)


# --- what the stores hold, and what a change writes ---------------------------------------------


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
        )

    def stage(self, name: str) -> dict[str, Any] | None:
        value: dict[str, Any] | None = getattr(self, name)
        return value

    def updated(self, changes: Mapping[str, Any]) -> AssessmentRecord:
        """The record once ``changes`` (stored fields) are written; others are bookkeeping."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known})


def proposal_id(tenant: str, unit_code: str, title: str, year: int) -> str:
    """One proposal list per unit, title and year: proposing again refreshes it."""
    return f"{tenant}:{unit_code}:{title}:{year}"


@dataclass(frozen=True)
class Proposal:
    """A unit's proposal list (danh sách đề nghị công nhận) for a title and year: the eligible
    enrolments, posted publicly until ``posting_ends``; ``decided`` once the authority decided
    (number, date, signer)."""

    id: str
    tenant: str
    unit_code: str
    unitpath: str
    title: str
    year: int
    enrolments: list[str]
    proposed_at: str
    posting_ends: str
    decided: dict[str, str] | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Proposal:
        values: dict[str, Any] = {f.name: doc.get(f.name) for f in fields(cls) if f.name != "id"}
        return cls(id=doc["_id"], **values)

    def as_document(self) -> dict[str, Any]:
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        return {"_id": document.pop("id"), **document}


@dataclass(frozen=True)
class Change:
    """What the domain decided a change does to one assessment; a store writes exactly this.

    ``fields`` are set on the stored assessment (``document`` instead when the change opens
    it); ``moved`` is what it owes the unit's figures, counted exactly once on the counters
    ``after.assessment.counts_moved(moved)`` names; ``event`` is announced in the same write."""

    change_id: str
    after: AssessmentRecord
    fields: dict[str, Any]
    moved: dict[str, int]
    document: dict[str, Any] | None = None
    event: dict[str, Any] | None = None

    @property
    def counts(self) -> dict[str, CounterMove]:
        return self.after.assessment.counts_moved(self.moved)


def enrolment_change(
    current: AssessmentRecord | None,
    opened: Assessment,
    event_id: str,
    event_name: str,
    event_time: str,
    now: datetime,
) -> Change | None:
    """What a ``registered`` / ``withdrawn`` event does to the enrolment's assessment: opens,
    reopens or closes it (a registration restates the membership links), or None when it does
    nothing (see :func:`transition`)."""
    moves = transition(
        current.status if current else None,
        current.last_event_time if current else None,
        event_name,
        event_time,
    )
    if moves is None:
        return None
    state: dict[str, Any] = {
        "status": moves.status.value,
        "last_event": event_id,
        "last_event_time": event_time,
        "updated_at": now.isoformat(),
    }
    if moves.status is AssessmentStatus.REGISTERED:
        state.update(opened.links())
    if current is None:
        document = {**opened.as_document(event_id, now), **state}
        after = AssessmentRecord.from_document(document)
        return Change(event_id, after, state, deltas(None, after), document=document)
    after = replace(current.updated(state), version=current.version + 1)
    return Change(event_id, after, state, deltas(current, after))


def stage_change(
    current: AssessmentRecord | None,
    assessment_id: str,
    stage: str,
    record: dict[str, Any],
    change_id: str,
    event: dict[str, Any] | None = None,
    read_version: int | None = None,
) -> Change:
    """Keep a stage of an enrolled assessment (a later record of a stage replaces the earlier),
    announced by ``event``. :class:`NotScorable` when there is no enrolled assessment; with
    ``read_version``, :class:`StaleRead` once the assessment moved past what the record was
    computed from."""
    if current is None or current.status != AssessmentStatus.REGISTERED:
        raise NotScorable(assessment_id)
    if read_version is not None and current.version != read_version:
        raise StaleRead(assessment_id)
    after = replace(current.updated({stage: record}), version=current.version + 1)
    return Change(change_id, after, {stage: record}, deltas(current, after), event=event)
