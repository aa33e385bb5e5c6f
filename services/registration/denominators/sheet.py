"""Denominators from a spreadsheet: one row per unit and year, Vietnamese headers, the same
rules as an officer's entry (``setDenominators``) row by row. A file with any problem changes
nothing: every row is checked first, then all are written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from khuyenhoc.sheets import Column, Layout, SpreadsheetError, read_all, reason_text, write_workbook
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.denominators.domain import FIGURES, entry_document, entry_id
from services.registration.denominators.service import entry_unit
from services.registration.errors import Refused

if TYPE_CHECKING:
    from services.registration.denominators.store import Denominators
    from services.registration.directory.store import DirectoryStore

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 200
TITLE = "SỐ LIỆU DÂN SỐ, HỘ GIA ĐÌNH VÀ CÁC ĐƠN VỊ (MẪU SỐ CỦA CÁC CHỈ TIÊU)"
NOTE = (
    "Mỗi dòng là số liệu của một đơn vị trong một năm. Ô để trống giữ nguyên số liệu đã có. "
    "Cột Nguồn số liệu là bắt buộc. Tệp có lỗi thì không dòng nào được ghi."
)


def _int(field: str, header: str, *aliases: str, example: int) -> Column:
    return Column(field, (header, *aliases), False, "int", example=example)


COLUMNS = Layout(
    (
        Column(
            "unitCode",
            ("Mã đơn vị", "Mã ĐVHC", "Mã xã", "Mã"),
            True,
            "text",
            filled=True,
            example="06184",
        ),
        Column("year", ("Năm", "Năm số liệu"), True, "year", filled=True, example=2024),
        _int("population", "Dân số", "Dân số (người)", "Số dân", "Số nhân khẩu", example=12345),
        _int("households", "Số hộ gia đình", "Số hộ", "Hộ gia đình", example=3200),
        _int("adults", "Số người lớn", "Người lớn", example=8000),
        _int("clans", "Số dòng họ", "Dòng họ", example=25),
        _int(
            "hamlets",
            "Số thôn, tổ dân phố",
            "Số thôn",
            "Số tổ dân phố",
            "Thôn, tổ dân phố",
            example=12,
        ),
        _int(
            "units",
            "Số cơ quan, trường học, doanh nghiệp",
            "Số cơ quan, đơn vị",
            "Số đơn vị",
            example=18,
        ),
        _int(
            "staff",
            "Số cán bộ, công chức, viên chức, người lao động",
            "Số cán bộ",
            "Số CBCCVC",
            example=420,
        ),
        Column(
            "mountain",
            ("Vùng miền núi", "Miền núi", "Vùng đặc biệt khó khăn"),
            False,
            "bool",
            example="Không",
        ),
        Column(
            "source",
            ("Nguồn số liệu", "Nguồn"),
            True,
            "text",
            filled=True,
            example="Niên giám thống kê tỉnh 2024",
        ),
        Column(
            "asOf", ("Ngày số liệu", "Ngày", "Tính đến ngày"), False, "date", example="31/12/2024"
        ),
    )
)


def template() -> bytes:
    return write_workbook(TITLE, COLUMNS, notes=[NOTE], example=True, guide=TITLE)


RowSchema = Callable[[dict[str, Any]], dict[str, Any]]
"""The edge's validation of one row (the ``setDenominators`` schema), passed in."""
Wording = Callable[[Refused], InvalidInput]
"""The edge's wording of a rule's refusal (``schemas.refusal``), passed in."""


def import_sheet(
    directory: DirectoryStore,
    store: Denominators,
    read_row: RowSchema,
    wording: Wording,
    file_name: str,
    content: bytes,
    scope: UnitPath,
    today: date | None = None,
) -> tuple[int, list[str]]:
    """Read and check every row; with no problem, write them all and answer (rows, []);
    else write nothing and answer (0, Vietnamese problems "Dòng n, cột …: …")."""
    today = today or date.today()
    if len(content) > MAX_BYTES:
        raise Refused("content", "file_too_large")
    try:
        headers, rows = read_all(
            content, file_name, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
        )
    except SpreadsheetError as exc:
        raise Refused("content", exc.key, text=str(exc)) from exc
    problems: list[str] = []
    documents: dict[str, dict[str, Any]] = {}
    for row in rows:
        if len(problems) >= MAX_ERRORS:
            break
        if row.problems:
            problems += [f"Dòng {row.number}, cột {h}: {reason_text(r)}" for h, r in row.problems]
            continue
        values = {k: _wire(v) for k, v in row.values.items() if v is not None}
        try:
            data = read_row({**values, "tenant": directory.tenant})
            unit = entry_unit(directory, data["unit_code"], data["year"])
            if not _within(scope, unit["path"]):
                raise Refused("unit_code", "unit_not_found")
        except InvalidInput as exc:
            problems += [
                f"Dòng {row.number}, cột {_header(headers, e.field)}: {e.message}"
                for e in exc.errors
            ]
            continue
        except Refused as exc:
            problems += [
                f"Dòng {row.number}, cột {_header(headers, e.field)}: {e.message}"
                for e in wording(exc).errors
            ]
            continue
        key = entry_id(directory.tenant, unit["path"], data["year"])
        existing = documents.get(key) or store.get(key)
        figures = {f: data.get(f) for f in FIGURES}
        documents[key] = entry_document(
            existing,
            unit,
            data["year"],
            figures,
            data["source"],
            data.get("as_of") or today,
            data.get("mountain"),
        )
    if problems:
        return 0, problems[:MAX_ERRORS]
    store.put_many(list(documents.values()))
    return len(documents), []


def _within(scope: UnitPath, path: str) -> bool:
    text = str(scope)
    return path == text or path.startswith(text + "/")


def _wire(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _header(headers: Mapping[str, str], field: str) -> str:
    wire = {"unit_code": "unitCode", "as_of": "asOf"}.get(field, field)
    if wire in headers:
        return headers[wire]
    column = COLUMNS.by_field.get(wire)
    return column.header if column is not None else wire
