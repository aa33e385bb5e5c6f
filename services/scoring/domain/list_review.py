"""The list review (biên bản bình xét): one meeting of a hamlet or commune reviews many subjects
in one document. Pure rules: the document's identity and content digest, when a meeting may
have taken place, and the review verdict of a subject the meeting does not agree to.

A document is recorded in two steps (see ``services.scoring.list_review``): it is kept as
``applying`` with its content digest before any assessment is touched, then ``recorded`` once
every row is the assessment's review. A retry of the same content finishes or repeats nothing;
the same document id with other content is refused."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

MAX_ROWS = 2_000
MAX_MINUTES = 20_000
MAX_NOTE = 1_000
MAX_NAME = 200
MAX_ATTENDEES = 100_000
APPLYING = "applying"
RECORDED = "recorded"
SKIPPED = "skipped"  # a row's status when it could not be written after all
CONTENT_CHUNK = 250  # rows per stored chunk of a document's content
DISAGREED = "meeting_disagreed"  # the reason key of a review the meeting does not agree to
# Change ids (and the events' ids) of the rows: derived, so a retry writes the same change.
_ROW_CHANGES = uuid.UUID("7b1f3c52-54a4-4c36-a0f5-4e3c5bd0a0d1")


@dataclass(frozen=True)
class ReviewRow:
    """One subject in the document: the meeting's answers, or its agreement with (the default)
    or refusal of the subject's self-assessment; ``note`` says why it does not agree."""

    enrolment_id: str
    answers: dict[str, Any] | None = None
    figures: dict[str, float] | None = None
    group: str | None = None
    agree: bool = True
    note: str | None = None


@dataclass(frozen=True)
class MinutesFile:
    """The scanned or signed minutes (PDF, JPEG or PNG)."""

    file_name: str
    content_type: str
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class ListReviewRequest:
    """What an officer hands in: the meeting (unit, title, year, date, minutes, who chaired,
    who wrote, how many attended), the client's id of the document, and its rows."""

    tenant: str
    unit_code: str
    unit_path: str
    title: str
    year: int
    document_id: str
    meeting_date: date
    minutes: str
    rows: tuple[ReviewRow, ...]
    minutes_file: MinutesFile | None = None
    chair: str | None = None
    secretary: str | None = None
    attendees: int | None = None
    by: str | None = None

    @property
    def id(self) -> str:
        return list_review_id(self.tenant, self.unit_code, self.title, self.year, self.document_id)

    def digest(self) -> str:
        """The document's content (not who sent it, nor when): the same digest is the same
        document sent again."""
        content = {
            "unit": self.unit_code,
            "title": self.title,
            "year": self.year,
            "meeting_date": self.meeting_date.isoformat(),
            "minutes": self.minutes,
            "file": (
                [
                    self.minutes_file.file_name,
                    self.minutes_file.content_type,
                    self.minutes_file.digest,
                ]
                if self.minutes_file
                else None
            ),
            "chair": self.chair,
            "secretary": self.secretary,
            "attendees": self.attendees,
            "rows": [asdict(row) for row in self.rows],
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RowError:
    """Why one row cannot be recorded: its number (1-based, in the document's order), the
    enrolment it names, the row's field at fault (snake_case), the message key, the id of the
    indicator concerned when there is one, and the engine's own words (Vietnamese) if any."""

    row: int
    enrolment_id: str
    field: str
    key: str
    indicator: str | None = None
    detail: str | None = None


class RowsRefused(Exception):
    """Rows of a document break rules; nothing was recorded."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = list(errors)


@dataclass(frozen=True)
class ListReview:
    """A document as kept (``list_reviews``): the meeting, the rows' outcomes, who sent it and
    when, and whether every row is already the assessment's review (``state``)."""

    id: str
    tenant: str
    unit_code: str
    unitpath: str
    title: str
    year: int
    document_id: str
    digest: str
    meeting_date: str
    minutes: str
    state: str
    at: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    minutes_file: dict[str, Any] | None = None
    chair: str | None = None
    secretary: str | None = None
    attendees: int | None = None
    by: str | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ListReview:
        known = {f.name for f in fields(cls)} - {"id"}
        return cls(id=doc["_id"], **{k: doc[k] for k in known if doc.get(k) is not None})

    def as_document(self) -> dict[str, Any]:
        document = asdict(self)
        document["_id"] = document.pop("id")
        return document

    def summary(self) -> dict[str, Any]:
        """What a list of a unit's documents shows of each (no rows)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return {
            "id": self.id,
            "document_id": self.document_id,
            "title": self.title,
            "year": self.year,
            "unit_code": self.unit_code,
            "meeting_date": self.meeting_date,
            "state": self.state,
            "at": self.at,
            "rows": len(self.rows),
            "recognised": counts.get("recognised", 0),
            "not_recognised": counts.get("not_recognised", 0),
            "undecidable": counts.get("undecidable", 0),
            "skipped": counts.get(SKIPPED, 0),
        }


def list_review_id(tenant: str, unit_code: str, title: str, year: int, document_id: str) -> str:
    return f"{tenant}:{unit_code}:{title}:{year}:{document_id}"


def row_change_id(review_id: str, enrolment_id: str) -> str:
    """The change (and ``scored`` event) id of a row: the same for every retry."""
    return str(uuid.uuid5(_ROW_CHANGES, f"{review_id}|{enrolment_id}"))


def meeting_date_problem(meeting_date: date, year: int, today: date) -> str | None:
    """Why a review meeting cannot have been held on ``meeting_date`` for the year assessed:
    in the future, or before 1 January of that year. None: it can."""
    if meeting_date > today:
        return "meeting_in_future"
    if meeting_date < date(year, 1, 1):
        return "meeting_before_year"
    return None


def disagreed_verdict(judged: Mapping[str, Any], reason: Mapping[str, str]) -> dict[str, Any]:
    """The review's verdict when the meeting does not agree: not recognised, for the meeting's
    reason; the explanation of the answers (if any) stays for the record."""
    return {**judged, "status": "not_recognised", "level": None, "reasons": [dict(reason)]}


def row_outcome(
    number: int, row: ReviewRow, adopted: bool, verdict: Mapping[str, Any]
) -> dict[str, Any]:
    """What a document keeps of a row once judged."""
    return {
        "row": number,
        "enrolment_id": row.enrolment_id,
        "agreed": row.agree,
        "adopted": adopted,
        "note": row.note,
        "status": verdict["status"],
        "level": verdict["level"],
        "total": verdict["total"],
        "set_id": verdict["set_id"],
        "provisional": verdict["provisional"],
    }
