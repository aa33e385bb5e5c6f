"""Writing spreadsheets: templates (pre-filled or not), exports and error reports, streamed,
with every value neutralised so that no spreadsheet evaluates it as a formula."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from khuyenhoc.sheets.columns import Column, Layout, labels_of, layout
from khuyenhoc.sheets.messages import (
    CELL_PROBLEMS,
    ERROR_HEADERS,
    ERROR_SHEET,
    GUIDE_GENERAL,
    GUIDE_HEADERS,
    GUIDE_SHEET,
    LIST_SHEET,
    NO,
    NUMBER_HEADER,
    RULES,
    YES,
    YES_OR_NO,
)
from khuyenhoc.sheets.problems import reason_text

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
REQUIRED = Font(bold=True, color="C00000")
EXAMPLE = Font(italic=True, color="808080")
NOTE = Font(italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
DATE_FORMAT = "dd/mm/yyyy"
MAX_WRITE_ROWS = 100_000  # the most rows write_workbook writes
VALIDATED_ROWS = 5000  # drop-down lists reach down to this row at least
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


@contextmanager
def _discarded_on_failure(wb: Workbook) -> Iterator[None]:
    """A streamed workbook left half-written (its rows failed or were too many) is saved to
    nowhere: that closes its sheets' XML streams and removes their temporary files, which
    would otherwise stay until the process ends."""
    try:
        yield
    except BaseException:
        with suppress(Exception):
            wb.save(io.BytesIO())
        raise


def _cell(ws: Any, value: object, font: Font | None = None, text: bool = False) -> Cell:
    cell = WriteOnlyCell(ws, value=neutralise(value))
    if font is not None:
        cell.font = font
    if text:
        cell.number_format = "@"
    elif isinstance(value, date | datetime):
        cell.number_format = DATE_FORMAT
    return cell


def _value(ws: Any, value: object, text: bool) -> object:
    """A data cell: a styled cell only where a format is needed (a plain value is written
    about twice as fast)."""
    if text or isinstance(value, date | datetime):
        return _cell(ws, value, None, text)
    return neutralise(value)


def _write_only(
    sheet: str, title: str, headers: Sequence[str], widths: Sequence[float]
) -> tuple[Any, Any]:
    """A streaming workbook with its title row and bold header row already written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for index, size in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = size
    ws.freeze_panes = "A3"
    ws.append([_cell(ws, title, TITLE)])
    cells = []
    for text in headers:
        cell = _cell(ws, text, BOLD)
        cell.fill = HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    return wb, ws


def error_report(
    title: str,
    errors: Iterable[tuple[int, str, str]],
    reasons: Mapping[str, str] | None = None,
) -> bytes:
    """The problems of an import as an .xlsx the officer fixes the list from.

    Each error is (row number, column header, reason); a reason that is a key of ``reasons``
    or of the cell problems is written as its Vietnamese text, anything else as it is. Text is
    neutralised, as headers come from the officer's file.
    """
    wb, ws = _write_only(ERROR_SHEET, title, ERROR_HEADERS, [8, 28, 90])
    with _discarded_on_failure(wb):
        for number, header, reason in errors:
            ws.append([number, neutralise(header), neutralise(reason_text(reason, reasons))])
    return save(wb)


def export_rows(
    title: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
) -> bytes:
    """An .xlsx for the officers' paper record, written as a stream.

    `columns` are (field, header) pairs; the header is written, the field only names the
    column for the caller. Every text cell is neutralised against formula injection.
    """
    headers = [header for _field, header in columns]
    wb, ws = _write_only(LIST_SHEET, title, headers, [width([h]) for h in headers])
    with _discarded_on_failure(wb):
        for row in rows:
            ws.append([neutralise(value) for value in row])
    return save(wb)


def rule_of(column: Column) -> str:
    """What a column accepts, as the guide says it."""
    if column.help:
        return column.help
    if column.parse == "choice":
        return RULES["choice"].format(labels="; ".join(labels_of(column)))
    return RULES[column.parse] if isinstance(column.parse, str) else ""  # give custom ones help


def _shown(table: Layout, column: Column, value: object) -> object:
    """A stored value as a cell of this column shows it, so that it reads back the same: a
    choice's value as its offered label, a yes/no as Có/Không."""
    if value is None:
        return None
    if column.parse == "choice" and isinstance(value, str):
        return table.labels[column.field].get(value, value)
    if column.parse == "bool" and isinstance(value, bool):
        return YES if value else NO
    return value


def write_workbook(
    title: str,
    columns: Sequence[Column] | Layout,
    rows: Iterable[Mapping[str, object]] = (),
    notes: Sequence[str] = (),
    *,
    example: bool = False,
    numbered: bool = True,
    guide: str | None = None,
    sheet: str = LIST_SHEET,
    max_rows: int = MAX_WRITE_ROWS,
) -> bytes:
    """A list as an .xlsx that :func:`read_table` reads back with the same columns: a template
    to fill in, pre-filled or not, or an export.

    The first sheet has the title, the ``notes`` (one line each), the header row (required
    columns' names in red; an "STT" column first when ``numbered``), then, with ``example``,
    an example row (grey italic, from each column's ``example``), then ``rows`` (dicts by
    field: a choice's value is written as its offered label, a yes/no as Có/Không, a date as
    dd/mm/yyyy). With ``guide`` (its title), a hidden second sheet explains each column and
    holds the drop-down lists of choice and yes/no columns. Every value is neutralised against
    formulas; more than ``max_rows`` rows is a ValueError.
    """
    table = layout(columns)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    header_row = 2 + len(notes)
    _set_columns(ws, table, numbered, header_row)
    with _discarded_on_failure(wb):
        _write_top(ws, table, title, notes, numbered)
        count = 0
        if example:
            cells = [_cell(ws, 1, EXAMPLE)] if numbered else []
            cells += [
                _cell(ws, _shown(table, c, c.example), EXAMPLE, c.as_text) for c in table.columns
            ]
            ws.append(cells)
        for values in rows:
            count += 1
            if count > max_rows:
                raise ValueError(f"at most {max_rows} rows")
            cells = [count] if numbered else []
            cells += [
                _value(ws, _shown(table, c, values.get(c.field)), c.as_text) for c in table.columns
            ]
            ws.append(cells)
        if guide is not None:
            bottom = max(VALIDATED_ROWS, header_row + count + (1 if example else 0))
            _guide(wb, ws, table, guide, header_row, 1 if numbered else 0, bottom)
    return save(wb)


def _set_columns(ws: Any, table: Layout, numbered: bool, header_row: int) -> None:
    """What a streamed sheet must know before its first row: widths, text columns, panes."""
    widths = [width([NUMBER_HEADER])] if numbered else []
    for column in table.columns:
        shown = _shown(table, column, column.example)
        widths.append(width([column.header, "" if shown is None else str(shown)[:40]]))
    for index, size in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = size
    for index, column in enumerate(table.columns, start=2 if numbered else 1):
        if column.as_text:  # what officers type later keeps its leading zeros too
            ws.column_dimensions[get_column_letter(index)].number_format = "@"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.row_dimensions[header_row].height = 32


def _write_top(ws: Any, table: Layout, title: str, notes: Sequence[str], numbered: bool) -> None:
    """The title and notes (each spanning the list) and the header row."""
    ws.append([_cell(ws, title, TITLE)])
    for line in notes:
        ws.append([_cell(ws, line, NOTE)])
    span = len(table.columns) + (1 if numbered else 0)
    if span > 1:
        last = get_column_letter(span)
        for row in range(1, 2 + len(notes)):
            ws.merged_cells.add(f"A{row}:{last}{row}")
    headers = [_header(ws, NUMBER_HEADER, BOLD)] if numbered else []
    headers += [_header(ws, c.header, REQUIRED if c.required else BOLD) for c in table.columns]
    ws.append(headers)


def _header(ws: Any, text: str, font: Font) -> Cell:
    cell = _cell(ws, text, font)
    cell.fill = HEADER_FILL
    cell.alignment = WRAP
    return cell


def _guide(
    wb: Workbook, ws: Any, table: Layout, title: str, header_row: int, offset: int, bottom: int
) -> None:
    """The hidden guide sheet: one line per column, general notes, and the drop-down lists of
    choice and yes/no columns (to the right of the rules), which the list's cells are validated
    against."""
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.sheet_state = "hidden"  # hidden so it never gets in the way of the list
    for letter, size in (("A", 28), ("B", 10), ("C", 80)):
        guide.column_dimensions[letter].width = size
    grid: list[list[object]] = [[_cell(guide, "HƯỚNG DẪN ĐIỀN " + title, TITLE)]]
    grid.append([_cell(guide, text, BOLD) for text in GUIDE_HEADERS])
    for column in table.columns:
        grid.append([column.header, YES if column.required else NO, rule_of(column)])
    grid.append([])
    grid += [[line] for line in GUIDE_GENERAL]

    list_col = 5  # drop-down values live to the right of the rules, one column per list
    yes_no: DataValidation | None = None  # one Có/Không list serves every yes/no column
    for index, column in enumerate(table.columns, start=1 + offset):
        target = get_column_letter(index)
        cells = f"{target}{header_row + 1}:{target}{bottom}"
        if column.parse == "bool" and yes_no is not None:
            yes_no.add(cells)
            continue
        if column.parse == "choice":
            name, labels, problem = column.header, labels_of(column), "bad_choice"
        elif column.parse == "bool":
            name, labels, problem = YES_OR_NO, [YES, NO], "not_a_bool"
        else:
            continue
        for line, text in enumerate([name, *labels], start=1):
            while len(grid) <= line:
                grid.append([])
            row = grid[line]
            row.extend([None] * (list_col - len(row)))
            row[list_col - 1] = _cell(guide, text, BOLD) if line == 1 else text
        letter = get_column_letter(list_col)
        # a warning, not a stop: other spellings (Column.choices, "x") are accepted on import
        check = DataValidation(
            type="list",
            formula1=f"'{GUIDE_SHEET}'!${letter}$3:${letter}${2 + len(labels)}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=name[:32],
            error=CELL_PROBLEMS[problem],
        )
        check.add(cells)
        ws.data_validations.append(check)
        if column.parse == "bool":
            yes_no = check
        list_col += 1
    for row in grid:
        guide.append([v if isinstance(v, Cell) else neutralise(v) for v in row])


THIN = Side(style="thin", color="808080")
BOXED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_table(
    ws: Any,
    top: int,
    headers: Sequence[str],
    groups: Sequence[str | None],
    rows: Iterable[tuple[Sequence[object], bool]],
    number_format: Callable[[object], str | None] = lambda value: None,
) -> int:
    """A bordered table into an ordinary (not streamed) sheet from row ``top``: a header row,
    with a row of group headers above it when ``groups`` names any (consecutive columns with
    the same group share a merged cell; an ungrouped column's header spans both rows), then
    ``rows`` (values, bold), every value neutralised and given ``number_format(value)``.
    Returns the first row below the table."""
    grouped = any(groups)
    header_rows = 2 if grouped else 1
    for index, text in enumerate(headers, start=1):
        cell = ws.cell(top + header_rows - 1, index, neutralise(text))
        group = groups[index - 1] if grouped else None
        if grouped and group is None:
            ws.merge_cells(start_row=top, start_column=index, end_row=top + 1, end_column=index)
            cell = ws.cell(top, index, neutralise(text))
        elif grouped and (index == 1 or groups[index - 2] != group):
            last = index
            while last < len(headers) and groups[last] == group:
                last += 1
            ws.cell(top, index, neutralise(group))
            if last > index:
                ws.merge_cells(start_row=top, start_column=index, end_row=top, end_column=last)
    for row in range(top, top + header_rows):
        ws.row_dimensions[row].height = 30
        for index in range(1, len(headers) + 1):
            cell = ws.cell(row, index)
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP, BOXED
    at = top + header_rows
    for values, bold in rows:
        for index, value in enumerate(values, start=1):
            cell = ws.cell(at, index, neutralise(value))
            cell.border = BOXED
            shown = number_format(value)
            if shown:
                cell.number_format = shown
            if bold:
                cell.font = BOLD
            if isinstance(value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        at += 1
    return at
