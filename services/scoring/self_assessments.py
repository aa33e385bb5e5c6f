"""Use case: households' self-assessments (phiếu tự đánh giá) entered as one list, the bulk path
a commune officer uses for the forms collected on paper.

Each row is judged exactly as :func:`services.scoring.service.score` judges one self-assessment
(the same checks, the same record by :func:`~services.scoring.service.judged_record`, the same
``scored`` event), and must also lie in the list's unit, title and year and not be recognised
already. Rows stand on their own: the valid ones are written, the others refused with their
reason. Writes go a chunk of rows at a time through ``Assessments.commit_many`` (exactly-once
counting in a few round trips per chunk). A row's change id (and its event's id) derives from
the request's id, itself derived from the list's content, and the record keeps the request's
id: the same list sent again (a retry after a timeout) answers ``unchanged`` for the rows it
wrote and writes nothing new."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import FieldError, MessageCatalogue, wire_name
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import (
    AssessmentRecord,
    Change,
    NotScorable,
    scored_event,
    stage_change,
    subject_level,
)
from services.scoring.domain.self_assessments import (
    REFUSED,
    UNCHANGED,
    WRITTEN,
    RowOutcome,
    SelfAssessmentRow,
    SelfAssessmentsDone,
    SelfAssessmentsRequest,
    row_change_id,
)
from services.scoring.engine import AssessmentError, assess
from services.scoring.list_review import RowProblem, indicator_named, standing_problem
from services.scoring.messages import MESSAGES
from services.scoring.service import judged_record, platform_figures

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.ports import Assessments, Decide

STAGE = "self_assessment"
WRITE_CHUNK = 100  # rows written together (one read, one bulk write, one update per counter)

# The list's own wording of the row refusals the list review also has, and its own keys.
SELF_ASSESSMENT_MESSAGES = MessageCatalogue(
    {
        **MESSAGES.messages,
        "outside_unit": "Đăng ký này không thuộc đơn vị của danh sách tự đánh giá.",
        "other_title_year": "Đăng ký này không thuộc danh hiệu hoặc năm của danh sách.",
        "already_recognised": "Đối tượng này đã có quyết định công nhận, không tự đánh giá lại.",
        "self_assessment_duplicate_row": "Đăng ký này đã có ở một dòng trước của danh sách.",
        "self_assessment_rows": "Mỗi danh sách tự đánh giá có từ 1 đến 2.000 dòng.",
    }
)


def submit_self_assessments(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    request: SelfAssessmentsRequest,
    now: datetime | None = None,
) -> SelfAssessmentsDone:
    """Judge every row, write the valid ones (a chunk at a time) and answer each row's
    outcome; see the module's docstring. The rows' bound (1 to ``MAX_ROWS``) is the schema's."""
    now = now or datetime.now(UTC)
    request_id = request.id
    unit = UnitPath.parse(request.unit_path)
    found = assessments.by_ids(list(dict.fromkeys(row.enrolment_id for row in request.rows)))
    outcomes: dict[int, RowOutcome] = {}
    writes: list[tuple[int, str, str, Decide]] = []  # (row, enrolment id, change id, decide)
    gone: set[int] = set()
    seen: set[str] = set()
    for number, row in enumerate(request.rows, start=1):
        if row.enrolment_id in seen:
            outcomes[number] = RowOutcome.refused(
                number, row.enrolment_id, "enrolment_id", "self_assessment_duplicate_row"
            )
            continue
        seen.add(row.enrolment_id)
        current = found.get(row.enrolment_id)
        change_id = row_change_id(request_id, row.enrolment_id)
        kept = (current.self_assessment or {}) if current is not None else {}
        if current is not None and (
            kept.get("request_id") == request_id or change_id in current.pending
        ):  # written by an earlier try of this very list (still being counted, maybe)
            outcomes[number] = RowOutcome.judged(
                number, row.enrolment_id, UNCHANGED, kept["verdict"]
            )
            if change_id in current.pending:  # commit_many finishes its counting
                writes.append((number, row.enrolment_id, change_id, _finish_only))
            continue
        try:
            current = _standing(current, request, unit)
            record = _judge(assessments, sets, request, request_id, row, current, now)
        except RowProblem as exc:
            outcomes[number] = RowOutcome.refused(
                number, row.enrolment_id, exc.field, exc.key, exc.indicator, exc.detail
            )
            continue
        event = {**scored_event(current, STAGE, record["verdict"], now), "id": change_id}
        decide = _row_decide(number, row.enrolment_id, record, change_id, event, gone)
        writes.append((number, row.enrolment_id, change_id, decide))
        outcomes[number] = RowOutcome.judged(number, row.enrolment_id, WRITTEN, record["verdict"])
    read = {  # as just read: commit_many need not read them again (not those to finish)
        e: found[e] for _, e, _, decide in writes if decide is not _finish_only
    }
    for start in range(0, len(writes), WRITE_CHUNK):
        chunk = writes[start : start + WRITE_CHUNK]
        assessments.commit_many([(e, c, d) for _, e, c, d in chunk], known=read)
    for number in gone:  # withdrawn between the read and the write
        outcomes[number] = RowOutcome.refused(
            number, outcomes[number].enrolment_id, "enrolment_id", "enrolment_not_found"
        )
    return SelfAssessmentsDone(request_id, [outcomes[n] for n in sorted(outcomes)])


def _standing(
    current: AssessmentRecord | None, request: SelfAssessmentsRequest, unit: UnitPath
) -> AssessmentRecord:
    """The row's assessment when it can take a self-assessment in this list, else why not."""
    problem = standing_problem(current, request.title, request.year, unit)
    if problem is not None:
        raise RowProblem(*problem)
    assert current is not None
    return current


def _judge(
    assessments: Assessments,
    sets: Sequence[CriteriaSet],
    request: SelfAssessmentsRequest,
    request_id: str,
    row: SelfAssessmentRow,
    current: AssessmentRecord,
    now: datetime,
) -> dict[str, Any]:
    """The row's self-assessment record, judged as ``service.score`` judges one."""
    level = subject_level(current.title, current.unit_level)
    criteria = select(sets, current.title, current.year, group=row.group, level=level)
    if criteria is None:
        raise RowProblem("group", "no_criteria_set")
    computed = platform_figures(assessments, current)
    try:
        verdict = asdict(assess(criteria, row.answers, {**row.figures, **computed}, None))
    except AssessmentError as exc:
        indicator = indicator_named(criteria, exc)
        raise RowProblem("answers", "invalid_answer", indicator, str(exc)) from exc
    record = judged_record(
        criteria, row.answers, row.figures, computed, row.group, verdict, now, request.by
    )
    record["request_id"] = request_id  # a retry of the same list knows the row is written
    return record


def _row_decide(
    number: int,
    enrolment_id: str,
    record: dict[str, Any],
    change_id: str,
    event: dict[str, Any],
    gone: set[int],
) -> Decide:
    """What writing a row does to the assessment as it stands when written (its decide)."""

    def decide(current: AssessmentRecord | None) -> Change | None:
        try:
            return stage_change(current, enrolment_id, STAGE, record, change_id, event)
        except NotScorable:
            gone.add(number)
            return None

    return decide


def _finish_only(current: AssessmentRecord | None) -> Change | None:
    """A change already written (pending): ``commit_many`` counts it without deciding."""
    return None


def answer(done: SelfAssessmentsDone) -> dict[str, Any]:
    """The RPC's answer: the counts, and each row's outcome (a refusal with its field in the
    wire's names, ``rows.<index>.<field>``, its key and its Vietnamese message)."""
    rows = []
    for outcome in done.rows:
        row: dict[str, Any] = {
            "row": outcome.row,
            "enrolment_id": outcome.enrolment_id,
            "outcome": outcome.outcome,
        }
        if outcome.outcome == REFUSED:
            assert outcome.key is not None and outcome.field is not None
            message = SELF_ASSESSMENT_MESSAGES[outcome.key]
            if outcome.detail:
                message = f"{message} {outcome.detail}"
            error = FieldError(
                f"rows.{outcome.row - 1}.{wire_name(outcome.field)}", outcome.key, message
            )
            row.update(error=asdict(error), indicator=outcome.indicator)
        else:
            row.update(
                status=outcome.status,
                level=outcome.level,
                total=outcome.total,
                set_id=outcome.set_id,
                provisional=outcome.provisional,
            )
        rows.append(row)
    return {
        "request_id": done.request_id,
        "written": done.written,
        "unchanged": done.unchanged,
        "refused": done.refused,
        "rows": rows,
    }
