"""Past years: import a commune's earlier recognitions (issue 12 item 6).

Every row is checked first (:func:`services.scoring.domain.history.check_row`, duplicates in
the list, a live assessment of the same subject, title and year, an earlier import with other
details); any error and nothing is written, the answer lists each row's errors. Accepted rows
become imported assessments through the exactly-once machinery (``Assessments.open_many``:
commit's protocol in bulk, per-assessment change ids the sweep can finish), so
each counts once in its unit's figures for its year, and each is announced by ``recognised``
with ``imported: true`` (partners see the history; notification sends no SMS or e-mail for
it). What depends on the figures moved (a commune's learning community of that year, judged on
its shares of recognised families...) is judged again once per unit, year and title here,
not once per imported recognition (scoring's own consumer skips imported events). Importing
the same list again writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.scoring import service
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import (
    AssessmentRecord,
    AssessmentStatus,
    Change,
    Refused,
    deltas,
    recognised_event,
)
from services.scoring.domain.assessment import subject_level
from services.scoring.domain.history import (
    MAX_ROWS,
    HistoryRow,
    RowError,
    SetTerms,
    check_row,
    history_id,
    imported_document,
    is_imported,
    same_history,
)

WRITE_BATCH = 250  # rows written per round of bulk writes

if TYPE_CHECKING:
    from services.scoring.ports import Assessments


@dataclass
class HistoryImport:
    """What an import did: rows read, recognitions written, rows already imported as they are,
    and the row errors (any error: nothing was written)."""

    rows: int
    imported: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # one imported assessment per unit, year and title of the list: what its dependents (a
    # commune's learning community of that year) are judged again on; rows already imported
    # count too, so importing the same list again finishes an import that died before it
    moved: dict[tuple[str, int, str], str] = field(default_factory=dict)


def set_terms(
    sets: Sequence[CriteriaSet], title: str, year: int, unit_level: str | None = None
) -> SetTerms | None:
    """The terms of the set in force for a title and year (the province's own first; for a
    learning unit, the set of its level); None when the platform holds no set for them."""
    level = subject_level(title, unit_level)
    found = select(sets, title, year, level=level) or next(
        (s for s in sets if s.title == title and s.in_force(year)), None
    )
    if found is None:
        return None
    return SetTerms(found.id, len(found.levels), found.validity_years, found.provisional)


def import_history(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    scope: UnitPath,
    rows: Sequence[HistoryRow],
    by: str | None = None,
    dry_run: bool = False,
    earlier_errors: Sequence[RowError] = (),
    today: date | None = None,
    now: datetime | None = None,
) -> HistoryImport:
    """Import the recognitions of ``rows`` for subjects in ``scope`` (the importing unit's
    subtree). ``earlier_errors`` are row errors the edge found already (a row it could not
    read): they stop the writing too. ``dry_run`` checks only."""
    now = now or datetime.now(UTC)
    today = today or now.date()
    if not rows and not earlier_errors:
        raise Refused("rows", "no_rows")
    if len(rows) + len(earlier_errors) > MAX_ROWS:
        raise Refused("rows", "too_many_rows")
    tenant = scope.tenant
    held = _held(assessments, {r.subject_id for r in rows})
    levels = {a.subject_id: a.unit_level for found in held.values() for a in found if a.unit_level}
    rows = [replace(r, unit_level=levels.get(r.subject_id)) for r in rows]
    terms = {r.key: set_terms(sets, r.title, r.year, r.unit_level) for r in rows}
    answer = HistoryImport(rows=len(rows) + len({e.row for e in earlier_errors}))
    answer.errors.extend(earlier_errors)
    accepted: list[HistoryRow] = []
    seen: set[tuple[str, str, int]] = set()
    for row in rows:
        errors = check_row(row, terms[row.key], scope, today)
        if row.key in seen:
            errors.append(RowError(row.row, "subject_id", "duplicate_row"))
        seen.add(row.key)
        if not errors:
            found = held.get(row.key, [])
            if any(not is_imported(a) and a.status == AssessmentStatus.REGISTERED for a in found):
                errors.append(RowError(row.row, "subject_id", "live_assessment_exists"))
            elif any(is_imported(a) and not same_history(a, row) for a in found):
                errors.append(RowError(row.row, "subject_id", "history_conflict"))
            elif any(is_imported(a) for a in found):
                answer.unchanged += 1
                there = next(a for a in found if is_imported(a))
                answer.moved.setdefault((there.unitpath, there.year, there.title), there.id)
                continue
        if errors:
            answer.errors.extend(errors)
        else:
            accepted.append(row)
    if answer.errors or dry_run:
        return answer
    for start in range(0, len(accepted), WRITE_BATCH):
        batch = [
            _opening(imported_document(row, tenant, terms[row.key], by, now), now)
            for row in accepted[start : start + WRITE_BATCH]
        ]
        opened = assessments.open_many(batch)
        answer.imported += len(opened)
        answer.unchanged += len(batch) - len(opened)  # imported meanwhile by another request
        for record in opened:
            answer.moved.setdefault((record.unitpath, record.year, record.title), record.id)
    for assessment_id in answer.moved.values():
        service.refresh_dependents(assessments, sets, assessment_id, now)
    return answer


def _held(
    assessments: Assessments, subject_ids: set[str]
) -> dict[tuple[str, str, int], list[AssessmentRecord]]:
    """The tenant's assessments of the rows' subjects by (subject, title, year): one read."""
    found: dict[tuple[str, str, int], list[AssessmentRecord]] = {}
    for record in assessments.of_subjects(sorted(subject_ids)):
        found.setdefault((record.subject_id, record.title, record.year), []).append(record)
    return found


def _change_id(assessment_id: str) -> str:
    """Deterministic, so an import interrupted after writing is finished by the next one;
    a digest, so no character of a subject id ever lands in a field name."""
    return "import-" + hashlib.sha256(assessment_id.encode()).hexdigest()[:32]


def _opening(document: dict[str, Any], now: datetime) -> Change:
    """The change that opens an imported assessment, announced by ``recognised`` with
    ``imported: true``."""
    after = AssessmentRecord.from_document(document)
    event = recognised_event(after, after.recognition or {}, now)
    event["data"]["imported"] = True
    change_id = _change_id(after.id)
    return Change(change_id, after, {}, deltas(None, after), document=document, event=event)


__all__ = ["HistoryImport", "history_id", "import_history", "set_terms"]
