"""Past years (issue 12 item 6): a commune starting on the platform brings the recognitions it
decided before (2019–2024 ...), so title history, "n năm liền" and multi-year figures are true
from day one. Pure rules: what a row of history must satisfy, and the assessment it becomes.

An imported recognition is an assessment of its own (``_id`` :func:`history_id`, deterministic,
so importing the same list again changes nothing) marked ``imported``: enrolled, reviewed as
eligible and recognised, each stage marked ``imported``, so it counts once in its unit's
figures for its year (registered, reviewed, eligible, recognised) like a live one, and its
``valid_until`` (from the set in force that year) stands in the way of a re-decision as a live
recognition does. The same subject, title and year again with other details is refused for
that row (nothing is overwritten: a decision on paper does not change).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import Title
from services.scoring.domain.assessment import Assessment, AssessmentRecord, AssessmentStatus
from services.scoring.domain.recognition import valid_until

MAX_ROWS = 5_000
FIRST_YEAR = 2000
MAX_LEVEL = 3  # TT 44/2014's ratings, the most levels any set has had
# The set id an imported recognition names when no criteria set of that title and year is on
# the platform (the decision was taken on paper, under rules the platform does not hold).
UNKNOWN_SET = "imported"

# The title each kind of subject holds (registration's subject kinds).
KIND_TITLE: dict[str, str] = {
    "household": Title.FAMILY.value,
    "clan": Title.CLAN.value,
    "community": Title.COMMUNITY.value,
    "learning_unit": Title.UNIT.value,
    "citizen": Title.CITIZEN.value,
    "commune": Title.COMMUNE_COMMUNITY.value,
}


def history_id(tenant: str, title: str, year: int, subject_id: str) -> str:
    """One imported recognition per subject, title and year: importing again finds it."""
    return f"{tenant}:hist:{title}:{year}:{subject_id}"


@dataclass(frozen=True)
class SetTerms:
    """What the set in force for a title and year says about a recognition: its id, how many
    levels it rates (0: a plain recognised / not recognised title) and how long it holds.
    ``None`` instead of terms: no set of that title and year is on the platform."""

    set_id: str
    levels: int
    validity_years: int | None
    provisional: bool = False


@dataclass(frozen=True)
class HistoryRow:
    """One recognition of the past, of a subject that exists (the gateway resolved it):
    ``subject_kind`` / ``unit_path`` are None when the tenant has no such subject."""

    row: int  # 1-based, as the officer's list or sheet numbers it
    subject_id: str
    subject_kind: str | None
    unit_path: str | None
    title: str
    year: int
    decision_number: str
    decision_date: date
    level: int | None = None
    signer: str | None = None
    unit_level: str | None = None  # a learning unit's level, as its live assessments say

    @property
    def key(self) -> tuple[str, str, int]:
        return self.subject_id, self.title, self.year


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # snake_case
    key: str  # a message key


def check_row(
    row: HistoryRow, terms: SetTerms | None, scope: UnitPath, today: date
) -> list[RowError]:
    """Why a row cannot be imported (empty: it can). ``scope`` is the importing unit: every
    subject must lie in its subtree."""
    errors: list[RowError] = []

    def refuse(field: str, key: str) -> None:
        errors.append(RowError(row.row, field, key))

    if row.subject_kind is None or row.unit_path is None:
        refuse("subject_id", "subject_not_found")
    else:
        path = UnitPath.parse(row.unit_path)
        if path.tenant != scope.tenant or path.codes[: len(scope.codes)] != scope.codes:
            refuse("subject_id", "subject_out_of_reach")
        elif KIND_TITLE.get(row.subject_kind) != row.title:
            refuse("title", "title_kind_mismatch")
    if not FIRST_YEAR <= row.year < today.year:
        refuse("year", "history_year")
    if row.decision_date > today:
        refuse("decision_date", "decision_in_future")
    elif not row.year <= row.decision_date.year <= row.year + 1:
        refuse("decision_date", "decision_date_year")
    if row.level is not None and not 1 <= row.level <= (terms.levels if terms else MAX_LEVEL):
        refuse("level", "level_not_applicable" if terms and not terms.levels else "level_range")
    elif row.level is None and terms is not None and terms.levels:
        refuse("level", "level_required")
    return errors


def recognition_record(
    row: HistoryRow, terms: SetTerms | None, by: str | None, now: datetime
) -> dict[str, Any]:
    end = valid_until(row.decision_date, terms.validity_years if terms else None)
    return {
        "decision_number": row.decision_number,
        "decision_date": row.decision_date.isoformat(),
        "signer": row.signer,
        "level": row.level,
        "set_id": terms.set_id if terms else UNKNOWN_SET,
        "valid_until": end.isoformat() if end else None,
        "at": now.isoformat(),
        "by": by,
        "imported": True,
    }


def imported_review(recognition: Mapping[str, Any], terms: SetTerms | None) -> dict[str, Any]:
    """The review an imported recognition stands on: eligible at the decided level (the paper
    review is not on the platform, so no answers, points or reasons)."""
    set_id = recognition["set_id"]
    verdict = {
        "status": "recognised",
        "level": recognition["level"],
        "total": None,
        "provisional": bool(terms and terms.provisional),
        "set_id": set_id,
        "missing": [],
        "unknown_parameters": [],
        "reasons": [],
        "explanation": [],
    }
    return {
        "set_id": set_id,
        "answers": {},
        "figures": {},
        "computed_figures": {},
        "verdict": verdict,
        "at": recognition["at"],
        "by": recognition["by"],
        "imported": True,
    }


def imported_document(
    row: HistoryRow, tenant: str, terms: SetTerms | None, by: str | None, now: datetime
) -> dict[str, Any]:
    """The assessment an accepted row becomes (a row that passed :func:`check_row`)."""
    if row.subject_kind is None or row.unit_path is None:
        raise ValueError(f"row {row.row} names no subject")
    assessment = Assessment(
        id=history_id(tenant, row.title, row.year, row.subject_id),
        subject_id=row.subject_id,
        subject_kind=row.subject_kind,
        title=row.title,
        year=row.year,
        unit_path=UnitPath.parse(row.unit_path),
        unit_level=row.unit_level,
    )
    recognition = recognition_record(row, terms, by, now)
    return {
        **assessment.as_document(f"import:{assessment.id}", now),
        "status": AssessmentStatus.REGISTERED.value,
        "imported": True,
        "review": imported_review(recognition, terms),
        "recognition": recognition,
        "updated_at": now.isoformat(),
    }


def same_history(found: AssessmentRecord, row: HistoryRow) -> bool:
    """Whether an imported recognition already holds what the row says (a re-import)."""
    held = found.recognition or {}
    return (
        found.unitpath == row.unit_path
        and held.get("decision_number") == row.decision_number
        and held.get("decision_date") == row.decision_date.isoformat()
        and held.get("level") == row.level
        and held.get("signer") == row.signer
    )


def is_imported(found: AssessmentRecord) -> bool:
    return bool((found.recognition or {}).get("imported"))
