"""The list review as a spreadsheet: the review sheet a unit's officer downloads pre-filled (one
row per enrolment of the unit, title and year: name, the self-assessment's total and verdict,
one column per indicator holding its self-assessment answer, "Đồng ý", "Ghi chú"), and the same
file uploaded back, read into a list review that goes through the same validation
(:mod:`services.scoring.list_review`). Cell problems and rows refused come back together as a
row-level error report (.xlsx).

On import a row's indicator cells equal to its self-assessment (or all blank) mean the meeting
adopts the self-assessment; any other value is the meeting's own answers (blank cells left
out). "Đồng ý" blank means yes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import (
    Column,
    Layout,
    SheetRow,
    SpreadsheetError,
    error_report,
    read_all,
    reason_text,
    write_workbook,
)
from khuyenhoc.vocabulary import TITLE_NAMES
from services.scoring.criteria_sets import CriteriaSet, select
from services.scoring.domain import AssessmentRecord, AssessmentStatus, subject_level
from services.scoring.domain.list_review import (
    MAX_ROWS,
    ListReview,
    ListReviewRequest,
    ReviewRow,
    RowError,
    RowsRefused,
)
from services.scoring.list_review import KeepGoing, judge_rows, record_list_review
from services.scoring.messages import MESSAGES

if TYPE_CHECKING:
    from services.scoring.ports import Assessments, EvidenceFiles, ListReviews

MAX_SHEET_BYTES = 5 * 1024 * 1024
STATUS_TEXT = {
    "recognised": "Đủ điều kiện",
    "not_recognised": "Chưa đạt",
    "undecidable": "Chưa thể kết luận",
}
NO_SELF_ASSESSMENT = "Chưa tự đánh giá"
FIXED_HEADERS = {
    "enrolment": "Mã đăng ký",
    "name": "Họ và tên",
    "self_total": "Tự đánh giá: tổng điểm",
    "self_status": "Tự đánh giá: kết quả",
    "agreed": "Đồng ý",
    "note": "Ghi chú",
}
FIELD_COLUMNS = {"enrolment_id": "enrolment", "note": "note", "agree": "agreed"}


class SheetRefused(Exception):
    """The whole file was refused (unreadable, too large, no header...): key and text."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(text)
        self.key, self.text = key, text


@dataclass(frozen=True)
class SheetRejected:
    """Rows of an uploaded sheet at fault: each (sheet row, column header, Vietnamese reason),
    and the report an officer downloads (.xlsx)."""

    report_id: str
    errors: list[tuple[int, str, str]]
    report: bytes


def sheet_set(sets: Sequence[CriteriaSet], title: str, year: int) -> CriteriaSet | None:
    """The set whose indicators the sheet has a column for: the one in force for the title
    and year, or where forms differ by group (learning citizens) the first group's (each row
    is still judged under its own group's set)."""
    found = select(sets, title, year, level=subject_level(title, None))
    if found is None:
        found = next((s for s in sets if s.title == title and s.in_force(year)), None)
    return found


def _indicator_header(indicator_id: str, name: str | None) -> str:
    return f"{name or 'Chỉ số'} [{indicator_id}]"


def review_columns(criteria: CriteriaSet) -> Layout:
    indicators = [i for i in criteria.indicators() if i.kind in ("points", "met")]
    return Layout(
        (
            Column("enrolment", (FIXED_HEADERS["enrolment"],), required=True, filled=True),
            Column("name", (FIXED_HEADERS["name"], "Chủ hộ", "Tên")),
            Column("self_total", (FIXED_HEADERS["self_total"],), parse="number"),
            Column("self_status", (FIXED_HEADERS["self_status"],)),
            *(
                Column(
                    i.id,
                    (_indicator_header(i.id, i.name),),
                    parse="int" if i.kind == "points" else "bool",
                    help=(
                        f"Điểm, từ 0 đến {i.max_points}."
                        if i.kind == "points" and i.max_points is not None
                        else "Có (đạt) hoặc Không (không đạt)."
                    ),
                )
                for i in indicators
            ),
            Column(
                "agreed",
                (FIXED_HEADERS["agreed"],),
                parse="bool",
                help="Có: hội nghị đồng ý; Không: không đồng ý (ghi lý do ở cột Ghi chú).",
            ),
            Column("note", (FIXED_HEADERS["note"],), max_length=1000),
        )
    )


def export_sheet(
    sets: Sequence[CriteriaSet],
    records: Sequence[AssessmentRecord],
    names: Mapping[str, str],
    title: str,
    year: int,
) -> bytes | None:
    """The pre-filled review sheet of a unit's enrolments (still enrolled, not yet
    recognised); None when no set is in force for the title and year."""
    criteria = sheet_set(sets, title, year)
    if criteria is None:
        return None
    columns = review_columns(criteria)
    rows = []
    for record in records:
        if record.status != AssessmentStatus.REGISTERED or record.recognition:
            continue
        own = record.self_assessment or {}
        verdict = own.get("verdict") or {}
        row: dict[str, object] = {
            "enrolment": record.id,
            "name": names.get(record.id),
            "self_total": verdict.get("total"),
            "self_status": STATUS_TEXT.get(verdict.get("status", ""), NO_SELF_ASSESSMENT),
            "agreed": True,
        }
        for indicator_id, value in (own.get("answers") or {}).items():
            if indicator_id in columns.by_field:
                row[indicator_id] = value
        rows.append(row)
    notes = [
        f"Danh hiệu: {TITLE_NAMES.get(title, title)} — năm {year} — bộ tiêu chí {criteria.id}.",
        "Các cột chỉ số điền sẵn kết quả tự đánh giá: giữ nguyên nếu hội nghị thông qua, "
        "sửa nếu hội nghị chấm lại.",
        "Cột Đồng ý: Có hoặc Không; khi Không, ghi lý do ở cột Ghi chú.",
    ]
    return write_workbook(
        "BIÊN BẢN BÌNH XÉT — DANH SÁCH ĐỐI TƯỢNG", columns, rows, notes, guide="HƯỚNG DẪN"
    )


def import_sheet(
    assessments: Assessments,
    files: EvidenceFiles,
    reviews: ListReviews,
    sets: Sequence[CriteriaSet],
    request: ListReviewRequest,
    file_name: str,
    content: bytes,
    now: datetime,
    keep_going: KeepGoing | None = None,
) -> ListReview | SheetRejected:
    """The uploaded sheet as the document ``request`` (its rows taken from the sheet): the
    list review recorded, or the rows at fault with their report (nothing recorded)."""
    criteria = sheet_set(sets, request.title, request.year)
    if criteria is None:
        raise SheetRefused("no_criteria_set", MESSAGES["no_criteria_set"])
    columns = review_columns(criteria)
    try:
        headers, sheet_rows = read_all(
            content, file_name, columns, max_rows=MAX_ROWS, max_bytes=MAX_SHEET_BYTES
        )
    except SpreadsheetError as exc:
        raise SheetRefused(exc.key, str(exc)) from exc
    ids = [str(r.values.get("enrolment") or "") for r in sheet_rows]
    found = assessments.by_ids([i for i in dict.fromkeys(ids) if i])
    errors: list[tuple[int, str, str]] = []
    rows: list[ReviewRow] = []
    numbers: list[int] = []
    for sheet_row in sheet_rows:
        if sheet_row.problems:
            errors += [
                (sheet_row.number, header, reason_text(key)) for header, key in sheet_row.problems
            ]
            continue
        rows.append(_row(sheet_row, found, columns))
        numbers.append(sheet_row.number)
    document = replace(request, rows=tuple(rows))
    if rows:
        _, refused = judge_rows(assessments, sets, document, document.id, now)
        errors += [_sheet_error(e, numbers, headers, criteria) for e in refused]
    if errors or not rows:
        if not errors:
            errors.append((0, "", MESSAGES["review_too_many_rows"]))
        return _rejected(reviews, request, sorted(errors))
    try:
        return record_list_review(
            assessments, files, reviews, sets, document, now, keep_going=keep_going
        )
    except RowsRefused as exc:  # changed between the two readings: report it the same way
        errors = [_sheet_error(e, numbers, headers, criteria) for e in exc.errors]
        return _rejected(reviews, request, errors)


def _rejected(
    reviews: ListReviews, request: ListReviewRequest, errors: list[tuple[int, str, str]]
) -> SheetRejected:
    """The report of the rows at fault, kept (by its digest) for the officer to download."""
    report = error_report("DANH SÁCH LỖI — BIÊN BẢN BÌNH XÉT", errors)
    report_id = hashlib.sha256(report).hexdigest()[:32]
    reviews.save_report(report_id, request.unit_path, report)
    return SheetRejected(report_id, errors, report)


def _row(sheet_row: SheetRow, found: Mapping[str, AssessmentRecord], columns: Layout) -> ReviewRow:
    values = sheet_row.values
    enrolment_id = str(values.get("enrolment") or "")
    fixed = set(FIXED_HEADERS)
    given = {
        field: value
        for field, value in values.items()
        if field not in fixed and value is not None and field in columns.by_field
    }
    current = found.get(enrolment_id)
    own = ((current.self_assessment if current else None) or {}).get("answers") or {}
    adopted = not given or all(own.get(k) == v for k, v in given.items())
    agreed = values.get("agreed")
    note = values.get("note")
    return ReviewRow(
        enrolment_id=enrolment_id,
        answers=None if adopted else given,
        agree=agreed is not False,
        note=str(note) if note else None,
    )


def _sheet_error(
    error: RowError, numbers: Sequence[int], headers: Mapping[str, str], criteria: CriteriaSet
) -> tuple[int, str, str]:
    """A refused row as (sheet row, column header, Vietnamese reason)."""
    number = numbers[error.row - 1] if 0 < error.row <= len(numbers) else error.row
    column = FIELD_COLUMNS.get(error.field)
    header = headers.get(column, FIXED_HEADERS.get(column, "")) if column else ""
    reason = MESSAGES[error.key]
    if error.detail:
        reason = f"{reason} {error.detail}"
    wanted = criteria.indicator(error.indicator) if error.indicator else None
    if wanted is not None:
        header = headers.get(wanted.id, _indicator_header(wanted.id, wanted.name))
    return number, header, reason


def report_answer(rejected: SheetRejected) -> dict[str, Any]:
    return {
        "report_id": rejected.report_id,
        "errors": [{"row": n, "column": c, "message": m} for n, c, m in rejected.errors],
    }
