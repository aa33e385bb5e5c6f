"""Past years as a spreadsheet: the template a commune fills in (pre-filled with its subjects:
id, name, kind) and the upload, read with :mod:`khuyenhoc.sheets` and checked like
``importTitleHistory`` (same rows, same answer), with the row errors also as an .xlsx report.

Cells the sheet could not read (a date that is not one, a title not offered) are row errors of
their own; the other rows are then checked by scoring without writing anything, so the officer
gets every problem of the file at once.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import graphene

from gateway.access import REGISTRARS
from gateway.messages import message
from gateway.mutations import Write, in_subtree, mutation, unit
from gateway.scoring import history
from gateway.wire import unit_not_found
from khuyenhoc.sheets import (
    Column,
    SpreadsheetError,
    error_report,
    read_all,
    reason_text,
    write_workbook,
)
from khuyenhoc.validation import wire_name
from khuyenhoc.vocabulary import TITLE_NAMES

MAX_BYTES = 5 << 20
KIND_NAMES = {
    "household": "Hộ gia đình",
    "clan": "Dòng họ",
    "community": "Thôn, tổ dân phố",
    "learning_unit": "Đơn vị",
    "citizen": "Công dân",
    "commune": "Xã, phường",
}
TITLE_CHOICES = {name: str(title) for title, name in TITLE_NAMES.items()} | {
    str(title): str(title) for title in TITLE_NAMES
}
COLUMNS = (
    Column("subject_id", ("Mã đối tượng", "Mã"), required=True, filled=True, max_length=200),
    Column("name", ("Tên đối tượng", "Họ và tên", "Tên")),
    Column("kind", ("Loại đối tượng", "Loại")),
    Column(
        "title",
        ("Danh hiệu",),
        required=True,
        filled=True,
        parse="choice",
        choices=TITLE_CHOICES,
        example=TITLE_NAMES["FAMILY"],
    ),
    Column(
        "year", ("Năm công nhận", "Năm"), required=True, filled=True, parse="year", example=2022
    ),
    Column(
        "level",
        ("Mức độ",),
        parse="int",
        help="Ghi 1, 2 (hoặc 3 với xếp loại Tốt của TT 44/2014) nếu danh hiệu năm đó xếp "
        "mức độ; để trống nếu không.",
    ),
    Column(
        "decision_number",
        ("Số quyết định", "Số QĐ"),
        required=True,
        filled=True,
        max_length=100,
        example="45/QĐ-UBND",
    ),
    Column(
        "decision_date",
        ("Ngày ký", "Ngày ký quyết định"),
        required=True,
        filled=True,
        parse="date",
        example="20/12/2022",
    ),
    Column("signer", ("Người ký",), max_length=200, example="Chủ tịch UBND xã Hoàng Văn Sơn"),
)
HEADERS = {c.field: c.headers[0] for c in COLUMNS}
TITLE = "DANH SÁCH CÔNG NHẬN DANH HIỆU HỌC TẬP CÁC NĂM TRƯỚC"
NOTES = (
    "Mỗi dòng là một quyết định công nhận đã có của một đối tượng, một danh hiệu và một năm.",
    "Mã đối tượng lấy từ danh sách đã đăng ký trên nền tảng (đã điền sẵn).",
)
ERRORS_TITLE = "DANH SÁCH LỖI NHẬP CÔNG NHẬN CÁC NĂM TRƯỚC"


def template(rpc: Any, tenant: str, unit_path: str, year: int) -> bytes:
    """The list to fill in, one line per enrolment of ``year`` at or below the unit (at most
    ``history.MAX_ROWS``), with its subject's id, name, kind and title."""
    rows: list[dict[str, Any]] = []
    after = None
    while len(rows) < history.MAX_ROWS:
        page = rpc.registration.subjects(tenant, unit_path, year, None, None, None, after, 500)
        for item in page["items"]:
            rows.append(
                {
                    "subject_id": item["subject_id"],
                    "name": item["name"],
                    "kind": KIND_NAMES.get(item["subject_kind"], item["subject_kind"]),
                    "title": item["title"],
                }
            )
        after = page.get("nextCursor")
        if not after:
            break
    return write_workbook(TITLE, COLUMNS, rows=rows[: history.MAX_ROWS], notes=NOTES, guide=TITLE)


def read_rows(content: bytes, file_name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of an uploaded list, as ``importTitleHistory`` takes them, and the errors of
    cells that could not be read ({row, field, key, message}). Raises SpreadsheetError."""
    headers, read = read_all(content, file_name, COLUMNS, history.MAX_ROWS, MAX_BYTES)
    by_header = {header: field for field, header in headers.items()}
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for row in read:
        if row.problems:
            errors += [
                {
                    "row": row.number,
                    "field": wire_name(by_header.get(header, header)),
                    "key": key,
                    "message": reason_text(key),
                }
                for header, key in row.problems
            ]
            continue
        values = row.values
        decided = values.get("decision_date")
        rows.append(
            {
                "row": row.number,
                "subject_id": values.get("subject_id") or "",
                "title": values.get("title"),
                "year": values.get("year"),
                "decision_number": values.get("decision_number") or "",
                "decision_date": decided.isoformat() if isinstance(decided, date) else "",
                "level": values.get("level"),
                "signer": values.get("signer"),
            }
        )
    return rows, errors


def report(errors: list[dict[str, Any]]) -> bytes:
    """The row errors as the .xlsx the officer fixes the list from (Dòng, Cột, Lý do)."""
    fields_ = {wire_name(field): header for field, header in HEADERS.items()}
    return error_report(
        ERRORS_TITLE,
        [(e["row"], fields_.get(e["field"], e["field"]), e["message"]) for e in errors],
    )


class ImportTitleHistoryFileInput(graphene.InputObjectType):
    """Past-year recognitions as a spreadsheet (nhập lịch sử danh hiệu)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The importing unit (a commune)")
    file_name = graphene.String(required=True, description=".xlsx or .csv")
    content = graphene.String(required=True, description="The file, base64-encoded (≤ 5 MB)")
    dry_run = graphene.Boolean(description="Check only: nothing is written")


class TitleHistoryFileImport(history.TitleHistoryImport):
    """What an uploaded list did; any row error: nothing was written, and ``errorReport``
    holds them as an .xlsx (base64)."""

    error_report = graphene.String(description="Row errors as an .xlsx (base64); null: none")


def import_file(write: Write) -> Any:
    try:
        content = base64.b64decode(write.input["content"], validate=True)
        rows, unread = read_rows(content, write.input["file_name"])
    except (ValueError, SpreadsheetError) as exc:
        key = getattr(exc, "key", "file_encoding")
        text = str(exc) if isinstance(exc, SpreadsheetError) else message("history_file_encoding")
        return {"errors": [{"field": "content", "key": key, "message": text}]}
    if not rows and not unread:
        return {"history": {**_empty(), "error_report": None}}
    dry_run = bool(write.input.get("dry_run")) or bool(unread)
    answer = history.send(write, rows, dry_run) if rows else {"history": _empty()}
    if "errors" in answer:
        return answer
    done = dict(answer["history"])
    done["errors"] = sorted([*unread, *done["errors"]], key=lambda e: e["row"])
    done["rows"] += len({e["row"] for e in unread})
    errors = done["errors"]
    done["error_report"] = base64.b64encode(report(errors)).decode() if errors else None
    return {"history": done}


def _empty() -> dict[str, Any]:
    return {"rows": 0, "imported": 0, "unchanged": 0, "errors": []}


ImportTitleHistoryFile = mutation(
    "ImportTitleHistoryFile",
    TitleHistoryFileImport,
    import_file,
    input=ImportTitleHistoryFileInput,
    lookup=unit("unit_code", ended_ok=True),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer="history",
    doc="Công nhận của các năm trước from the filled-in template "
    "(/files/templates/history/<unit code>.xlsx?year=…); the same checks as importTitleHistory.",
)

MUTATIONS: dict[str, Any] = {"import_title_history_file": ImportTitleHistoryFile.Field()}
