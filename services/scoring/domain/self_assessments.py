"""Households' self-assessments (phiếu tự đánh giá) entered as one list: a commune officer who
collected many paper forms enters them together. Pure rules: the request, its identity (derived
from its content, so the same list sent again is the same request), each row's change id, and
what the answer says of a row.

Unlike a list review (one meeting's document, all rows or none), each row of this list stands
on its own: the valid rows are written, the others refused with their reason."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

MAX_ROWS = 2_000  # rows of one request (the list review's bound)
WRITTEN = "written"
UNCHANGED = "unchanged"  # written by an earlier try of the same list: nothing new
REFUSED = "refused"
# Change ids (and the ``scored`` events' ids) of the rows: derived, so a retry writes nothing new.
_ROW_CHANGES = uuid.UUID("0d6c1d0b-5a0e-4f9e-9d55-3b8a6f2f4c11")


@dataclass(frozen=True)
class SelfAssessmentRow:
    """One household's form: its enrolment, the answers per indicator (points or met), the
    figures of computed indicators it declares, its labour group where the forms differ."""

    enrolment_id: str
    answers: dict[str, Any]
    figures: dict[str, float]
    group: str | None = None


@dataclass(frozen=True)
class SelfAssessmentsRequest:
    """What an officer hands in: the unit the forms were collected in (code and path), the
    title and year they assess, the rows, and who entered them."""

    tenant: str
    unit_code: str
    unit_path: str
    title: str
    year: int
    rows: tuple[SelfAssessmentRow, ...]
    by: str | None = None

    @property
    def id(self) -> str:
        """The request's identity: its content (not who sent it, nor when), so a retry of
        the same list is the same request."""
        content = {
            "tenant": self.tenant,
            "unit": self.unit_code,
            "title": self.title,
            "year": self.year,
            "rows": [asdict(row) for row in self.rows],
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_change_id(request_id: str, enrolment_id: str) -> str:
    """The change (and ``scored`` event) id of a row: the same for every retry."""
    return str(uuid.uuid5(_ROW_CHANGES, f"{request_id}|{enrolment_id}"))


@dataclass(frozen=True)
class RowOutcome:
    """What became of a row: written (with its verdict), unchanged (an earlier try of the same
    list wrote it; its verdict as kept) or refused (the row's field at fault, the message key,
    the indicator concerned when there is one, and the engine's own words if any)."""

    row: int  # from 1, in the list's order
    enrolment_id: str
    outcome: str
    status: str | None = None
    level: int | None = None
    total: int | None = None
    set_id: str | None = None
    provisional: bool | None = None
    field: str | None = None
    key: str | None = None
    indicator: str | None = None
    detail: str | None = None

    @classmethod
    def judged(
        cls, row: int, enrolment_id: str, outcome: str, verdict: dict[str, Any]
    ) -> RowOutcome:
        return cls(
            row,
            enrolment_id,
            outcome,
            status=verdict["status"],
            level=verdict["level"],
            total=verdict["total"],
            set_id=verdict["set_id"],
            provisional=bool(verdict.get("provisional")),
        )

    @classmethod
    def refused(
        cls,
        row: int,
        enrolment_id: str,
        field: str,
        key: str,
        indicator: str | None = None,
        detail: str | None = None,
    ) -> RowOutcome:
        return cls(
            row, enrolment_id, REFUSED, field=field, key=key, indicator=indicator, detail=detail
        )


@dataclass(frozen=True)
class SelfAssessmentsDone:
    """The answer: the request's id, the counts and every row's outcome in the list's order."""

    request_id: str
    rows: list[RowOutcome]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def written(self) -> int:
        return self.count(WRITTEN)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)
