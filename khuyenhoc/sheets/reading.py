"""Reading a list: the one entry point, whichever the format."""

from __future__ import annotations

from collections.abc import Sequence

from khuyenhoc.sheets.columns import Column, Layout, layout
from khuyenhoc.sheets.csvfile import read_csv
from khuyenhoc.sheets.problems import SpreadsheetError
from khuyenhoc.sheets.sheet import SheetRow, SheetRows
from khuyenhoc.sheets.xlsx import read_xlsx

MAX_BYTES = 50 * 1024 * 1024  # the largest file read_table opens unless told otherwise
MAX_ROWS = 100_000  # the most data rows read_table reads unless told otherwise


def read_table(
    data: bytes,
    filename: str,
    columns: Sequence[Column] | Layout,
    max_rows: int | None = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> tuple[int | None, SheetRows]:
    """Open an officer's .xlsx or .csv list and find its header; rows are then read lazily.

    Returns (estimated number of data rows, or None, and the rows). The estimate is an upper
    bound: the rows from below the header to the sheet's last row element (found by a cheap
    byte scan of the sheet XML), or to the CSV's last line; blank and total rows count too.
    File-level problems raise SpreadsheetError here, before any row is read; more data rows
    than ``max_rows`` (None: no limit) raise it while reading, at the first one too many.
    """
    table = layout(columns)
    if not data:
        raise SpreadsheetError("empty_file")
    if len(data) > max_bytes:
        raise SpreadsheetError("too_large")
    name = filename.casefold()
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, table, max_rows)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: Excel 97-2003, or an encrypted .xlsx
        raise SpreadsheetError("unsupported_format")
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise SpreadsheetError("unreadable_file")
    return read_csv(data, table, max_rows)


def read_all(
    data: bytes,
    filename: str,
    columns: Sequence[Column] | Layout,
    max_rows: int | None = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> tuple[dict[str, str], list[SheetRow]]:
    """Every data row at once, for lists small enough to hold (a review, a decision): the
    headers as written in the file, by field, and the rows. Raises SpreadsheetError."""
    _, rows = read_table(data, filename, columns, max_rows=max_rows, max_bytes=max_bytes)
    try:
        return rows.headers, list(rows)
    finally:
        rows.close()
