"""Streaming an .xlsx sheet without loading it whole, refusing damaged files and zip bombs."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import (
    CELL_TAG,
    DATA_TAG,
    FORMULA_TAG,
    INLINE_STRING,
    ROW_TAG,
    VALUE_TAG,
)
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from khuyenhoc.sheets.cells import FORMULA_WITHOUT_VALUE, Cells, ErrorValue
from khuyenhoc.sheets.columns import Layout
from khuyenhoc.sheets.headers import Header, buffer_top, check_header, find_header
from khuyenhoc.sheets.problems import SpreadsheetError
from khuyenhoc.sheets.rows import data_rows, fill_merged
from khuyenhoc.sheets.sheet import SheetRow, SheetRows

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
# Parts read whole (shared strings, styles, the workbook, relations) may not inflate past this;
# only the sheets, read as a stream, may take the rest of MAX_UNCOMPRESSED.
MAX_PART = 128 * 1024 * 1024
# Excel's own bounds (XFD1048576): a cell or row past them is a crafted file, refused before
# its row is held in memory.
MAX_COLUMNS = 16_384
MAX_ROW_NUMBER = 1_048_576
_WORKSHEETS = "xl/worksheets/"

# What a damaged or hand-made .xlsx makes openpyxl or the XML parser raise.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    TypeError,
    ValueError,
)
_INLINE_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_INLINE_RUN = f"{{{SHEET_MAIN_NS}}}r"


@dataclass(frozen=True)
class _Book:
    """What reading cells needs from a workbook: its sheets, shared strings and date styles."""

    archive: zipfile.ZipFile
    sheets: tuple[tuple[str, str, str], ...]  # (name, state, path in the archive), in order
    shared_strings: list[str]
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: datetime


def _open_book(data: bytes) -> _Book:
    """Read the workbook part, shared strings and styles, but no sheet.

    openpyxl's read-only load_workbook would also size every sheet, which for a sheet without
    a stored <dimension> (openpyxl's write-only output) means parsing it all once more.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive.infolist())
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = tuple(
            (sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
    except SpreadsheetError:
        raise
    except Exception as exc:  # anything openpyxl trips on in a foreign file
        raise SpreadsheetError("unreadable_file") from exc
    wb = reader.wb
    return _Book(
        reader.archive,
        sheets,
        reader.shared_strings,
        frozenset(wb._date_formats),
        frozenset(wb._timedelta_formats),
        wb.epoch,
    )


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse by the sizes the archive declares (zipfile never inflates a member past its
    declared size, so a lie there only makes the file unreadable)."""
    if sum(info.file_size for info in members) > MAX_UNCOMPRESSED:
        raise SpreadsheetError("too_large")
    for info in members:
        if not info.filename.startswith(_WORKSHEETS) and info.file_size > MAX_PART:
            raise SpreadsheetError("too_large")


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_ROW_NUMBER = re.compile(rb"[^>]*?\br=\"([0-9]+)\"")


@dataclass(frozen=True)
class _SheetScan:
    merges: set[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row)
    last_row: int | None  # the last <row> element's number, or None if there are none


def _scan_sheet(book: _Book, path: str) -> _SheetScan:
    """Merged ranges and the last row number, from one pass over the sheet XML as bytes.

    Merged ranges are stored after the cells, so they must be known before the cells are
    parsed; plain byte searches make this pass cheap. The last row gives the row estimate
    even where the stored <dimension> is missing or wrong.
    """
    merges: set[tuple[int, int, int, int]] = set()
    last_row: int | None = None
    tail = b""
    with book.archive.open(path) as src:
        while chunk := src.read(1 << 20):
            text = tail + chunk
            if b"mergeCell" in text:
                for ref in _MERGE_REF.findall(text):
                    merges.add(range_boundaries(ref.decode()))
            at = max(text.rfind(b"<row "), text.rfind(b":row "))
            if at >= 0 and (found := _ROW_NUMBER.match(text, at + 5)):
                last_row = int(found.group(1))
            tail = text[-256:]
    return _SheetScan(merges, last_row)


def _inline_text(node: Any) -> str:
    parts = [node.findtext(_INLINE_TEXT) or ""]
    parts.extend(run.findtext(_INLINE_TEXT) or "" for run in node.iterfind(_INLINE_RUN))
    return "".join(parts)


def _cell_value(book: _Book, cell: Any) -> object:
    """A cell's cached value: what Excel shows, not the formula behind it."""
    kind = cell.get("t") or "n"
    if kind == "inlineStr":
        node = cell.find(INLINE_STRING)
        return _inline_text(node) if node is not None else None
    raw = cell.findtext(VALUE_TAG)
    if not raw:
        if kind not in ("str", "s") and cell.find(FORMULA_TAG) is not None:
            return FORMULA_WITHOUT_VALUE  # Excel itself saves an "" result as t="str"
        return None
    if kind == "s":
        return book.shared_strings[int(raw)]
    if kind == "str":
        return raw
    if kind == "b":
        return raw.strip() not in ("0", "false")
    if kind == "e":
        return ErrorValue(raw)
    if kind == "d":
        return from_ISO8601(raw)
    number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
    style = int(cell.get("s") or 0)
    if style in book.date_styles:
        try:
            return from_excel(number, book.epoch, timedelta=style in book.timedelta_styles)
        except (OverflowError, ValueError):
            return ErrorValue("#VALUE!")
    return number


def _xlsx_cells(book: _Book, path: str) -> Iterator[tuple[int, Cells]]:
    """Stream a sheet's rows as sparse dicts of cached values.

    openpyxl's read-only rows cannot tell a formula saved without its value from an empty cell,
    and keep every parsed row element; this walks the sheet XML itself, dropping each row
    element once read.
    """
    with book.archive.open(path) as src:
        sheet_data = None
        number = 0
        held = 0  # cell elements parsed since the last row was cleared
        for event, element in iterparse(src, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    sheet_data = element
                continue
            if element.tag == CELL_TAG:
                held += 1
                if held > MAX_COLUMNS:
                    raise SpreadsheetError("unreadable_file")
                continue
            if element.tag != ROW_TAG:
                continue
            held = 0
            ref = element.get("r")
            number = int(float(ref)) if ref else number + 1
            if number > MAX_ROW_NUMBER:
                raise SpreadsheetError("unreadable_file")
            cells: Cells = {}
            column = 0
            for cell in element:
                if cell.tag != CELL_TAG:
                    continue
                ref = cell.get("r")
                column = column_index_from_string(ref.rstrip("0123456789")) if ref else column + 1
                if column > MAX_COLUMNS:
                    raise SpreadsheetError("unreadable_file")
                value = _cell_value(book, cell)
                if value is not None:
                    cells[column] = value
            yield number, cells
            (sheet_data if sheet_data is not None else element).clear()


def read_xlsx(
    data: bytes, table: Layout, max_rows: int | None = None
) -> tuple[int | None, SheetRows]:
    book = _open_book(data)
    try:
        sheets = [path for _name, state, path in book.sheets if state == "visible"]
        if not sheets:
            raise SpreadsheetError("no_sheet")
        failure: SpreadsheetError | None = None
        for path in sheets:
            scan = _scan_sheet(book, path)
            rows = fill_merged(_xlsx_cells(book, path), scan.merges)
            top = buffer_top(rows)
            try:
                header = check_header(table, find_header(table, top))
            except SpreadsheetError as error:
                rows.close()
                if failure is None or (failure.key == "no_header" and error.key != "no_header"):
                    failure = error
                continue
            last = scan.last_row or 0
            estimate = last - header.bottom if last > header.bottom else None
            stream = _closing(data_rows(table, header, chain(top, rows), max_rows), book.archive)
            return estimate, sheet_rows(stream, header)
        assert failure is not None
        raise failure
    except SpreadsheetError:
        book.archive.close()
        raise
    except _DAMAGE as exc:
        book.archive.close()
        raise SpreadsheetError("unreadable_file") from exc
    except BaseException:
        book.archive.close()
        raise


def _closing(rows: Iterator[SheetRow], archive: zipfile.ZipFile) -> Iterator[SheetRow]:
    """Close the file when the rows are read or dropped, and report damage met mid-file as
    an unreadable file rather than a crash."""
    try:
        yield from rows
    except SpreadsheetError:
        raise
    except _DAMAGE as exc:
        raise SpreadsheetError("unreadable_file") from exc
    finally:
        archive.close()


def sheet_rows(rows: Iterator[SheetRow], header: Header) -> SheetRows:
    headers = {field: text for field, (_col, text) in header.columns.items()}
    return SheetRows(rows, headers, header.bottom)
