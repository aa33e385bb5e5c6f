"""Writing spreadsheets: error reports and exports, with every value neutralised so that no
spreadsheet evaluates it as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from services.registration.lists.columns import KIND_LABELS
from services.registration.lists.matching import columns_of
from services.registration.lists.problems import REASONS

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
REQUIRED = Font(bold=True, color="C00000")
EXAMPLE = Font(italic=True, color="808080")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FORMULA_START = ("=", "+", "-", "@")


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will evaluate: text that Excel or LibreOffice would
    take for a formula ("=", "+", "-", "@", or tab/CR first, even after spaces) gets a leading
    "'"; characters an .xlsx cannot hold are dropped; numbers and dates stay as they are."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


def width(texts: Iterable[str]) -> float:
    return float(min(60, max([8, *(len(t) + 2 for t in texts)])))


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_only(
    sheet: str, title: str, headers: Sequence[str], widths: Sequence[float]
) -> tuple[Any, Any]:
    """A streaming workbook with its title row and bold header row already written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    heading = WriteOnlyCell(ws, value=neutralise(title))
    heading.font = TITLE
    ws.append([heading])
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=neutralise(text))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    return wb, ws


def error_report(kind: str, errors: Iterable[tuple[int, str, str]]) -> bytes:
    """The problems of an import as an .xlsx the officer fixes the list from.

    Each error is (row number, header, reason); a reason that is a key of REASONS is
    written as its Vietnamese text. Text is neutralised, as headers come from the file.
    """
    columns_of(kind)
    title = "DANH SÁCH LỖI KHI NHẬP TỆP ĐĂNG KÝ " + KIND_LABELS[kind].upper()
    wb, ws = _write_only("Lỗi", title, ["Dòng", "Cột", "Lý do"], [8, 28, 90])
    for number, header, reason in errors:
        ws.append([number, neutralise(header), neutralise(REASONS.get(reason, reason))])
    return save(wb)


def export_rows(
    title: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
) -> bytes:
    """An .xlsx for the officers' paper record, written as a stream.

    `columns` are (field, header) pairs; the header is written, the field only names the
    column for the caller. Every text cell is neutralised against formula injection.
    """
    headers = [header for _field, header in columns]
    wb, ws = _write_only("Danh sách", title, headers, [width([h]) for h in headers])
    for row in rows:
        ws.append([neutralise(value) for value in row])
    return save(wb)
