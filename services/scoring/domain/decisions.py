"""The decision as a document (quyết định công nhận): when it may be dated, what it says, and
how long a proposal list is posted publicly (niêm yết) before it.

Pure: the caller passes today (in Vietnam) and the records; refusals are
:class:`~services.scoring.domain.Refused` keys on the field at fault."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.scoring.domain.assessment import Refused

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
Day = date  # the type, where a field named ``date`` hides it

# When a province sets no posting period: 10 days, the practice of the analogous "Gia đình văn
# hóa" rule (NĐ 86/2023/NĐ-CP); no rule of our sources fixes one for the learning titles.
DEFAULT_POSTING_DAYS = 10
# Ended postings stay on the public page this many days, marked ended (a province may set
# ``posting.shown_after_days``).
DEFAULT_SHOWN_AFTER_DAYS = 30
# Subject kinds that are people: their names are posted as initials unless the province says
# ``posting.names: full``; clans, communities, units and communes are posted by full name.
PERSON_KINDS = frozenset({"household", "citizen"})
# The kind of subject each title's lists hold.
TITLE_KINDS = {
    "FAMILY": "household",
    "CITIZEN": "citizen",
    "CLAN": "clan",
    "COMMUNITY": "community",
    "UNIT": "learning_unit",
    "COMMUNE_COMMUNITY": "commune",
}
MAX_DECISIONS_PER_LIST = 50  # supplementary decisions for the rest of one list


def vietnam_day(moment: datetime) -> date:
    """The calendar day in Vietnam at ``moment`` (what "today" and "the meeting day" mean)."""
    return moment.astimezone(VIETNAM).date()


def posting_period(configured: Any, title: str) -> tuple[int, bool]:
    """The posting period of a title's lists in days, and whether it is the default: the
    province's ``posting_days`` is a number, or a ``{title: days}`` mapping (``"*"``: others)."""
    value = (
        configured.get(title, configured.get("*"))
        if isinstance(configured, Mapping)
        else (configured)
    )
    if value is None or isinstance(value, bool):
        return DEFAULT_POSTING_DAYS, True
    return max(0, int(value)), False


def check_posted_from(posted_from: date, today: date, year: int) -> None:
    """A posting done on paper keeps its real first day: not in the future, not before the
    year assessed."""
    if posted_from > today:
        raise Refused("posted_from", "posted_in_future")
    if posted_from.year < year:
        raise Refused("posted_from", "posted_before_year")


def reviewed_on(review: Mapping[str, Any] | None) -> date | None:
    """The day of the meeting that reviewed a subject: its ``meeting_date`` or, for a review
    recorded without one, the day (in Vietnam) it was recorded."""
    if not review:
        return None
    if review.get("meeting_date"):
        return date.fromisoformat(str(review["meeting_date"])[:10])
    at = review.get("at")
    return vietnam_day(datetime.fromisoformat(at)) if at else None


def check_decision_date(
    decided_on: date,
    today: date,
    posting_ends: str,
    reviews: Iterable[date | None],
) -> None:
    """A decision is dated on the day it was signed, which may be before it is entered, but
    never after today, before the posting period ends, or before the review of any subject on
    it."""
    if decided_on > today:
        raise Refused("decision_date", "decision_in_future")
    if decided_on.isoformat() < posting_ends:
        raise Refused("decision_date", "posting_not_over", _shown(posting_ends))
    latest = max((day for day in reviews if day is not None), default=None)
    if latest is not None and decided_on < latest:
        raise Refused("decision_date", "decision_before_review", f"{latest:%d/%m/%Y}.")


def _shown(iso_day: str) -> str:
    return f"{date.fromisoformat(iso_day):%d/%m/%Y}."


def decision_document_id(tenant: str, proposal_id: str, n: int = 1) -> str:
    """The first decision on a list is ``<tenant>:<proposal id>``; a supplementary decision for
    the rest of the list is ``…:<n>``."""
    base = f"{tenant}:{proposal_id}"
    return base if n == 1 else f"{base}:{n}"


@dataclass(frozen=True)
class DecisionDocument:
    """Quyết định công nhận as signed: number, day, signer and position, the issuing authority,
    the list it recognises (with levels), those it skipped and why, whether any verdict on it
    rests on a provisional criteria set, who entered it and when, and its scanned file."""

    id: str
    tenant: str
    proposal_id: str
    number: str
    date: str
    signer: str
    signer_position: str | None
    authority: str | None
    unit_code: str
    unitpath: str
    title: str
    year: int
    subjects: list[dict[str, Any]]  # {enrolment_id, level, provisional}
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {enrolment_id, key}
    provisional: bool = False
    provisional_reason: str | None = None
    entered_by: str | None = None
    entered_at: str | None = None
    file: dict[str, Any] | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> DecisionDocument:
        values: dict[str, Any] = {f.name: doc.get(f.name) for f in fields(cls) if f.name != "id"}
        values["subjects"] = list(values["subjects"] or [])
        values["skipped"] = list(values["skipped"] or [])
        values["provisional"] = bool(values["provisional"])
        return cls(id=doc["_id"], **values)

    def as_document(self) -> dict[str, Any]:
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        return {"_id": document.pop("id"), **document}

    @property
    def enrolments(self) -> list[str]:
        return [s["enrolment_id"] for s in self.subjects]

    def asked(self) -> list[str]:
        """Every enrolment the decision named: recognised or skipped."""
        return sorted([*self.enrolments, *(s["enrolment_id"] for s in self.skipped)])

    def same_as(self, number: str, decided_on: Day, signer: str, wanted: Iterable[str]) -> bool:
        """Whether a decision sent again is this one (number, day, signer, list)."""
        return (self.number, self.date, self.signer, self.asked()) == (
            number,
            decided_on.isoformat(),
            signer,
            sorted(set(wanted)),
        )


def provisional_basis(verdicts: Iterable[Mapping[str, Any]]) -> tuple[bool, str | None]:
    """Whether any verdict on a decision rests on a provisional criteria set, and why (the
    reasons of the sets, each once, in order)."""
    reasons: list[str] = []
    provisional = False
    for verdict in verdicts:
        if verdict.get("provisional"):
            provisional = True
            reason = verdict.get("provisional_reason")
            if reason and reason not in reasons:
                reasons.append(reason)
    return provisional, (" ".join(reasons) or None) if provisional else None


def posting_state(
    posted_from: str, posting_ends: str, today: date, shown_after_days: int
) -> str | None:
    """``running`` while a list is posted, ``ended`` for ``shown_after_days`` after, else None
    (not on the public page)."""
    first, last = date.fromisoformat(posted_from[:10]), date.fromisoformat(posting_ends[:10])
    if today < first:
        return None
    if today <= last:
        return "running"
    if (today - last).days <= shown_after_days:
        return "ended"
    return None


def names_policy(configured: Any, subject_kind: str | None) -> str:
    """``full`` or ``initials`` for a subject's name on the public posting: the province's
    ``posting.names`` (one word for people, or a ``{kind: policy}`` mapping); by default
    initials for people (household heads, citizens), full names for the others."""
    if isinstance(configured, Mapping):
        chosen = configured.get(subject_kind or "")
        if chosen in ("full", "initials"):
            return str(chosen)
    elif configured in ("full", "initials") and subject_kind in PERSON_KINDS:
        return str(configured)
    return "initials" if subject_kind in PERSON_KINDS else "full"
