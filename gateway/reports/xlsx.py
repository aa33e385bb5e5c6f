"""The report as an .xlsx laid out like the official report tables (one sheet, A4 landscape
when printed): numbers stay numbers (``#,##0``), shares are percentages (``0.00%``), a value
not known is the text "—" (never 0)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from gateway.reports.layout import UNKNOWN, Document, Share, compose
from khuyenhoc.sheets.writing import neutralise, save, write_table

SHEET = "Báo cáo"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
ITALIC = Font(italic=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
MM_TO_WIDTH = 0.55  # a column's width in characters per mm of the printed layout


def number_format(value: object) -> str | None:
    if isinstance(value, Share):
        return "0.00%"
    if isinstance(value, int) and not isinstance(value, bool):
        return "#,##0"
    return None


def cell_value(value: object) -> object:
    return UNKNOWN if value is None else value


def report_xlsx(report: Mapping[str, Any]) -> bytes:
    """The report (``build_report``'s dict) as an .xlsx."""
    return document_xlsx(compose(report))


def document_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    span = max(len(t.columns) for s in doc.sections for _, t in s.tables)
    _widths(ws, doc, span)
    last = get_column_letter(span)
    right = span // 2 + 1  # the motto's and the signer's block start at this column
    row = 1
    for index, line in enumerate(doc.issuer):  # issuing body left, motto right
        _put(ws, row + index, 1, right - 1, line, BOLD, CENTRE)
    if doc.number_line:
        _put(ws, row + len(doc.issuer), 1, right - 1, doc.number_line, None, CENTRE)
    _put(ws, row, right, span, doc.motto[0], BOLD, CENTRE)
    _put(ws, row + 1, right, span, doc.motto[1], BOLD, CENTRE)
    _put(ws, row + 2, right, span, doc.place_and_date, ITALIC, CENTRE)
    row += max(len(doc.issuer) + 1, 3) + 1
    for index, line in enumerate(doc.title):
        _put(ws, row, 1, span, line, TITLE if index == 0 else BOLD, CENTRE)
        row += 1
    for section in doc.sections:
        row += 1
        if section.heading:
            _put(ws, row, 1, span, section.heading, BOLD, LEFT)
            row += 1
        for line in section.lines:
            _put(ws, row, 1, span, line, ITALIC, LEFT)
            ws.row_dimensions[row].height = 30
            row += 1
        for caption, table in section.tables:
            if caption:
                _put(ws, row, 1, span, caption, BOLD, LEFT)
                row += 1
            rows = ((tuple(cell_value(v) for v in values), bold) for values, bold in table.rows)
            row = write_table(
                ws,
                row,
                [c.header for c in table.columns],
                [c.group for c in table.columns],
                rows,
                number_format,
            )
    if doc.notes:
        row += 1
        _put(ws, row, 1, span, "Ghi chú:", BOLD, LEFT)
        row += 1
        for note in doc.notes:
            _put(ws, row, 1, span, f"– {note}", None, LEFT)  # "–": a "-" first reads as a formula
            ws.row_dimensions[row].height = 30 if len(note) > 150 else 15
            row += 1
    row += 1
    if doc.recipients:
        _put(ws, row, 1, right - 1, "Nơi nhận:", BOLD, LEFT)
    for index, line in enumerate(doc.signature):
        _put(ws, row + index, right, span, line, BOLD, CENTRE)
    for index, line in enumerate(doc.recipients, start=1):
        _put(ws, row + index, 1, right - 1, f"– {line}", None, LEFT)
    ws.print_title_rows = None
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{last}{row + len(doc.recipients) + 1}"
    wb.properties.title = doc.file_title
    return save(wb)


def _widths(ws: Any, doc: Document, span: int) -> None:
    """Each sheet column as wide as the widest table column it holds (capped)."""
    widths = [8.0] * span
    for section in doc.sections:
        for _, table in section.tables:
            for index, column in enumerate(table.columns):
                widths[index] = max(widths[index], min(60.0, column.width * MM_TO_WIDTH))
    for index, size in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = size


def _put(
    ws: Any, row: int, first: int, last: int, text: str, font: Font | None, align: Alignment
) -> None:
    cell = ws.cell(row, first, neutralise(text))
    if font is not None:
        cell.font = font
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
