"""Use cases of the list review (biên bản bình xét): a hamlet or commune meeting reviews many
subjects in one document.

Every row is validated and judged first (enrolled, of the document's title and year, inside the
meeting's unit, not twice, answers valid for the set in force, a note when the meeting does not
agree): any error and nothing is recorded, the refusal names every row at fault. Then the
document is kept (``applying``, with its content digest and its rows as sent), each row becomes
the assessment's ``review`` stage under a change id derived from the document and the enrolment,
written a chunk of rows at a time (``Assessments.commit_many``: exactly-once counting in a few
round trips per chunk), and the document is marked ``recorded``.
A request writes rows for a time budget; what is left (or what a crashed process left) is
finished by :func:`finish_list_review`, which the service's timer runs. The same document again
(same id, same content) answers the document as it stands and writes nothing; the same id with
other content is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import (
    AssessmentRecord,
    AssessmentStatus,
    Change,
    NotScorable,
    Refused,
    scored_event,
    stage_change,
    subject_level,
    vietnam_day,
)
from services.scoring.domain.list_review import (
    APPLYING,
    DISAGREED,
    MAX_ROWS,
    RECORDED,
    SKIPPED,
    ListReview,
    ListReviewRequest,
    ReviewRow,
    RowError,
    RowsRefused,
    disagreed_verdict,
    meeting_date_problem,
    row_change_id,
    row_outcome,
)
from services.scoring.engine import AssessmentError, assess, labels
from services.scoring.evidence import EvidenceRejected
from services.scoring.evidence import check as check_evidence
from services.scoring.messages import REASONS
from services.scoring.service import judged_record, platform_figures

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.ports import Assessments, Decide, EvidenceFiles, ListReviews

MINUTES_TYPES = ("application/pdf", "image/jpeg", "image/png")
# evidence's refusal keys, worded for a minutes file
KeepGoing = Callable[[], bool]  # whether to write one more chunk of rows now (a time budget)
APPLY_CHUNK = 100  # rows written together (one read, one bulk write, one update per counter)
FILE_KEYS = {
    "empty_file": "minutes_file_empty",
    "file_too_large": "minutes_file_too_large",
    "file_type": "minutes_file_type",
    "file_content": "minutes_file_content",
}


def local_today(now: datetime) -> date:
    """The day it is in Vietnam, where meetings are held."""
    return vietnam_day(now)


@dataclass(frozen=True)
class _Judged:
    """A row ready to record: the assessment as read and its review record."""

    current: AssessmentRecord
    record: dict[str, Any]
    outcome: dict[str, Any]


def record_list_review(
    assessments: Assessments,
    files: EvidenceFiles,
    reviews: ListReviews,
    sets: Sequence[CriteriaSet],
    request: ListReviewRequest,
    now: datetime | None = None,
    keep_going: KeepGoing | None = None,
) -> ListReview:
    """Record a meeting's document; see the module's docstring. :class:`Refused` for the
    document as a whole, :class:`RowsRefused` naming every row at fault. Rows are applied
    while ``keep_going()`` says so; a document left ``applying`` is finished by
    :func:`finish_list_review` (the service's timer)."""
    now = now or datetime.now(UTC)
    review_id, digest = request.id, request.digest()
    existing = reviews.get(review_id)
    if existing is not None and existing.digest != digest:
        raise Refused("document_id", "document_conflict")
    if existing is not None:  # sent again: as recorded, or still being applied
        return existing
    problem = meeting_date_problem(request.meeting_date, request.year, local_today(now))
    if problem:
        raise Refused("meeting_date", problem)
    if not 1 <= len(request.rows) <= MAX_ROWS:
        raise Refused("rows", "review_too_many_rows")
    minutes_file = _minutes_file(request)
    judged, errors = judge_rows(assessments, sets, request, review_id, now)
    if errors:
        raise RowsRefused(errors)
    if request.minutes_file is not None and minutes_file is not None:
        stored = files.put(minutes_file["id"], request.minutes_file.content)
        minutes_file = {**minutes_file, "chunks": stored}
    document = ListReview(
        id=review_id,
        tenant=request.tenant,
        unit_code=request.unit_code,
        unitpath=request.unit_path,
        title=request.title,
        year=request.year,
        document_id=request.document_id,
        digest=digest,
        meeting_date=request.meeting_date.isoformat(),
        minutes=request.minutes,
        state=APPLYING,
        at=now.isoformat(),
        rows=[j.outcome for j in judged],
        minutes_file=minutes_file,
        chair=request.chair,
        secretary=request.secretary,
        attendees=request.attendees,
        by=request.by,
    )
    reviews.save_content(review_id, [asdict(row) for row in request.rows])
    reviews.save(document)
    return _apply_rows(assessments, reviews, document, judged, {}, now, keep_going)


def finish_list_review(
    assessments: Assessments,
    reviews: ListReviews,
    sets: Sequence[CriteriaSet],
    review_id: str,
    now: datetime | None = None,
    keep_going: KeepGoing | None = None,
) -> ListReview | None:
    """Go on applying a document left ``applying`` (its request stopped, or its process died):
    the rows not yet written are judged again and written; a row that can no longer be (its
    enrolment withdrawn meanwhile...) is marked ``skipped`` with the reason's key."""
    now = now or datetime.now(UTC)
    document = reviews.get(review_id)
    if document is None or document.state == RECORDED:
        return document
    rows = tuple(ReviewRow(**row) for row in reviews.content(review_id, len(document.rows)))
    request = ListReviewRequest(
        tenant=document.tenant,
        unit_code=document.unit_code,
        unit_path=document.unitpath,
        title=document.title,
        year=document.year,
        document_id=document.document_id,
        meeting_date=date.fromisoformat(document.meeting_date),
        minutes=document.minutes,
        rows=rows,
        chair=document.chair,
        secretary=document.secretary,
        attendees=document.attendees,
        by=document.by,
    )
    judged, errors = judge_rows(assessments, sets, request, review_id, now)
    skipped = {error.row: error.key for error in errors}
    return _apply_rows(assessments, reviews, document, judged, skipped, now, keep_going)


def _apply_rows(
    assessments: Assessments,
    reviews: ListReviews,
    document: ListReview,
    judged: Sequence[_Judged],
    skipped: dict[int, str],
    now: datetime,
    keep_going: KeepGoing | None,
) -> ListReview:
    """Write the judged rows, a chunk at a time (:func:`_apply_chunk`), while
    ``keep_going()``; once all are, the document is ``recorded`` with the rows that could not
    be written marked ``skipped``."""
    for start in range(0, len(judged), APPLY_CHUNK):
        if keep_going is not None and not keep_going():
            reviews.release(document.id)
            return document
        chunk = judged[start : start + APPLY_CHUNK]
        for number in _apply_chunk(assessments, chunk, document.id, now):
            skipped[number] = "enrolment_not_found"
    outcomes = [
        {**outcome, "status": SKIPPED, "skipped": skipped[outcome["row"]]}
        if outcome["row"] in skipped
        else outcome
        for outcome in document.rows
    ]
    return reviews.save(replace(document, state=RECORDED, rows=outcomes))


def _minutes_file(request: ListReviewRequest) -> dict[str, Any] | None:
    given = request.minutes_file
    if given is None:
        return None
    if given.content_type not in MINUTES_TYPES:
        raise Refused("minutes_file", "minutes_file_type")
    try:
        checked = check_evidence(given.file_name, given.content_type, given.content, 0)
    except EvidenceRejected as exc:
        raise Refused("minutes_file", FILE_KEYS.get(exc.key, exc.key)) from exc
    return {
        "id": checked.id,
        "file_name": given.file_name,
        "content_type": given.content_type,
        "size": checked.size,
        "chunks": 0,  # known once stored
    }


def judge_rows(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    request: ListReviewRequest,
    review_id: str,
    now: datetime,
) -> tuple[list[_Judged], list[RowError]]:
    """Every row judged, and every row at fault. A row whose assessment already holds this
    document's review (written before a crash) is neither."""
    errors: list[RowError] = []
    judged: list[_Judged] = []
    seen: set[str] = set()
    unit = UnitPath.parse(request.unit_path)
    found = assessments.by_ids(list(dict.fromkeys(row.enrolment_id for row in request.rows)))
    for number, row in enumerate(request.rows, start=1):
        if row.enrolment_id in seen:
            errors.append(
                RowError(number, row.enrolment_id, "enrolment_id", "review_duplicate_row")
            )
            continue
        seen.add(row.enrolment_id)
        current = found.get(row.enrolment_id)
        if current is not None and (current.review or {}).get("review_id") == review_id:
            continue  # written by an earlier try of this very document
        problem = standing_problem(current, request.title, request.year, unit)
        if problem is not None:
            errors.append(RowError(number, row.enrolment_id, *problem))
            continue
        assert current is not None
        try:
            judged.append(_judge(assessments, sets, request, review_id, number, row, current, now))
        except RowProblem as exc:
            errors.append(
                RowError(number, row.enrolment_id, exc.field, exc.key, exc.indicator, exc.detail)
            )
    return judged, errors


def standing_problem(
    current: AssessmentRecord | None, title: str, year: int, unit: UnitPath
) -> tuple[str, str] | None:
    """Why a row's enrolment cannot be judged in a list of ``unit``'s ``title`` and ``year``
    (a review's or the self-assessments'): (field, key), or None."""
    if current is None or current.status != AssessmentStatus.REGISTERED:
        return "enrolment_id", "enrolment_not_found"
    if (current.title, current.year) != (title, year):
        return "enrolment_id", "other_title_year"
    if UnitPath.parse(current.unitpath).codes[: len(unit.codes)] != unit.codes:
        return "enrolment_id", "outside_unit"
    if current.recognition:
        return "enrolment_id", "already_recognised"
    return None


class RowProblem(Exception):
    """A row of a list that cannot be written, and why (field, reason key, indicator)."""

    def __init__(
        self, field: str, key: str, indicator: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(f"{field}: {key}")
        self.field, self.key, self.indicator, self.detail = field, key, indicator, detail


def _judge(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    request: ListReviewRequest,
    review_id: str,
    number: int,
    row: ReviewRow,
    current: AssessmentRecord,
    now: datetime,
) -> _Judged:
    """A row's review record: the meeting's answers judged, or the self-assessment's answers
    adopted, or (not agreed) the meeting's refusal with the note."""
    own = current.self_assessment or {}
    adopted = row.answers is None and row.agree
    if not row.agree and not row.note:
        raise RowProblem("note", "note_required")
    if adopted and not own:
        raise RowProblem("answers", "no_self_assessment")
    if row.answers is not None:
        answers, figures = row.answers, row.figures or {}
        group = row.group or own.get("group")
    else:  # adopted, or not agreed without answers of its own: the self-assessment's, if any
        answers, figures = own.get("answers") or {}, own.get("figures") or {}
        group = row.group or own.get("group")
    level = subject_level(current.title, current.unit_level)
    criteria = select(sets, current.title, current.year, group=group, level=level)
    if criteria is None:
        raise RowProblem("group", "no_criteria_set")
    computed = platform_figures(assessments, current)
    try:
        verdict = asdict(assess(criteria, answers, {**figures, **computed}, row.agree))
    except AssessmentError as exc:
        raise RowProblem(
            "answers", "invalid_answer", indicator_named(criteria, exc), str(exc)
        ) from exc
    if not row.agree:
        reason = {"key": DISAGREED, "message": REASONS[DISAGREED].format(note=row.note)}
        verdict = disagreed_verdict(verdict, reason)
    record = {
        **judged_record(criteria, answers, figures, computed, group, verdict, now, request.by),
        "minutes": request.minutes,
        "meeting_date": request.meeting_date.isoformat(),
        "review_id": review_id,
        "document_id": request.document_id,
        "agree": row.agree,  # the meeting's vote, as a single review keeps it
        "agreed": row.agree,
        "adopted": adopted,
        "note": row.note,
    }
    return _Judged(current, record, row_outcome(number, row, adopted, verdict))


def indicator_named(criteria: CriteriaSet, error: AssessmentError) -> str | None:
    """The id of the indicator an engine error names (by its name or id in quotes), if any."""
    text = str(error)
    named = labels(criteria)
    return next((i for i, name in named.items() if f"“{name}”" in text or f"“{i}”" in text), None)


def _apply_chunk(
    assessments: Assessments, rows: Sequence[_Judged], review_id: str, now: datetime
) -> list[int]:
    """Rows as their assessments' review, each announced by ``scored`` under the row's own
    change id, written together (``Assessments.commit_many``); returns the numbers of the
    rows whose enrolment was withdrawn between the check and the write."""
    gone: list[int] = []

    def row_decide(row: _Judged, change_id: str, event: dict[str, Any]) -> Decide:
        def decide(current: AssessmentRecord | None) -> Change | None:
            try:
                return stage_change(current, row.current.id, "review", row.record, change_id, event)
            except NotScorable:
                gone.append(row.outcome["row"])
                return None

        return decide

    items = []
    for row in rows:
        change_id = row_change_id(review_id, row.current.id)
        event = {**scored_event(row.current, "review", row.record["verdict"], now), "id": change_id}
        items.append((row.current.id, change_id, row_decide(row, change_id, event)))
    assessments.commit_many(items, known={row.current.id: row.current for row in rows})
    return gone


def list_review(reviews: ListReviews, review_id: str) -> ListReview | None:
    return reviews.get(review_id)


def unit_list_reviews(reviews: ListReviews, unit_code: str, year: int) -> list[dict[str, Any]]:
    return reviews.of_unit(unit_code, year)
