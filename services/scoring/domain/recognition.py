"""Recognitions: what stands in the way of one, how long it holds, a subject's title history,
proposal lists and their deadlines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from services.scoring.domain.assessment import AssessmentRecord
from services.scoring.domain.figures import holds_title


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


def title_history(assessments: Iterable[AssessmentRecord]) -> dict[str, Any]:
    """A subject's titles over the years, and how many consecutive years up to the latest
    recognition it has held one (what "n năm liền" commendations count). Recognitions imported
    from the years before the platform count like live ones; ``imported_years`` names them."""
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
                "imported": bool(recognition.get("imported")),
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
    imported = sorted({y["year"] for y in years if y["recognised"] and y["imported"]})
    return {"years": years, "consecutive_years": streak, "imported_years": imported}


# When a unit's dossier (hồ sơ đề nghị) and the decision are due, in the year after the one
# assessed, as "MM-DD". Only the dates our sources give are defaults; a province configures the
# rest (``TENANT_SETTINGS[tenant].deadlines``), since the 2025 reform moved authorities.
DEFAULT_DEADLINES: dict[str, dict[str, str]] = {
    "COMMUNE_COMMUNITY": {"dossier": "02-28", "decision": "03-31"},  # TT 25/2023/TT-BGDĐT
    "UNIT": {"dossier": "01-15"},  # TT 24/2023/TT-BGDĐT (district/province learning units)
}


# Who signs the decision, unless a criteria set names it (``decided_by``) or the province
# configures it (TENANT_SETTINGS[tenant].authorities[title], which wins). A rule is a role and
# where its holder's own unit must be, relative to the list's unit (``gateway.access``):
# ``authority@commune`` / ``@district`` / ``@province``: the unit of that level containing it;
# ``authority:same``: the unit itself; ``authority:parent``: the unit directly above it;
# ``authority:above``: any unit above it; ``authority``: any unit at or above it.
DEFAULT_AUTHORITIES: dict[str, tuple[str, ...]] = {
    # the chair of the commune People's Committee (QĐ 448/QĐ-KHVN; QĐ 244/QĐ-KHVN)
    "FAMILY": ("authority@commune",),
    "CLAN": ("authority@commune",),
    "COMMUNITY": ("authority@commune",),
    "CITIZEN": ("authority@commune",),
    # TT 25/2023/TT-BGDĐT: the level above the commune (the district before 1 July 2025, the
    # province after it: the commune's parent in the directory)
    "COMMUNE_COMMUNITY": ("authority:parent",),
    # TT 22/2020, TT 24/2023: the People's Committee of the unit's own level (commune-level
    # units by the commune)
    "UNIT": ("authority:same",),
}


def default_authorities(title: str) -> list[str]:
    return list(DEFAULT_AUTHORITIES.get(title, ("authority",)))


def authorities_for(
    title: str, configured: Mapping[str, Any], decided_by: Iterable[str] | None = None
) -> list[str]:
    """Who signs a title's decisions in a province: its setting for the title (or ``"*"``),
    else the criteria set's ``decided_by``, else the default."""
    chosen = configured.get(title) or configured.get("*")
    if chosen:
        return list(chosen)
    return list(decided_by or ()) or default_authorities(title)


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
    # the real first day of the posting (a posting done on paper), its length and whether
    # that is the default period; the level each subject is proposed at; the decision
    # documents taken on the list (the first, then supplementary ones for the rest)
    posted_from: str | None = None
    posting_days: int | None = None
    posting_default: bool = False
    levels: list[int | None] | None = None  # in the order of ``enrolments``
    decisions: tuple[str, ...] = ()
    # why the list rests on a provisional criteria set (the first reason among its verdicts),
    # shown wherever the list is: the public posting, the officers' answers; None: it does not
    provisional_reason: str | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Proposal:
        values: dict[str, Any] = {f.name: doc.get(f.name) for f in fields(cls) if f.name != "id"}
        values["posting_default"] = bool(values["posting_default"])
        values["decisions"] = tuple(values["decisions"] or ())
        return cls(id=doc["_id"], **values)

    @property
    def first_posted(self) -> str:
        """The first day of the posting: its real day, or the day it was proposed."""
        return self.posted_from or self.proposed_at[:10]

    def as_document(self) -> dict[str, Any]:
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        document["decisions"] = list(self.decisions)
        return {"_id": document.pop("id"), **document}
