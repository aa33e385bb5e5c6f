"""Reading an officer's list: the one entry point, whichever the format."""

from __future__ import annotations

from services.registration.lists.csvfile import read_csv
from services.registration.lists.matching import columns_of
from services.registration.lists.problems import SpreadsheetError
from services.registration.lists.sheet import SheetRows
from services.registration.lists.xlsx import read_xlsx


def read_rows(data: bytes, filename: str, kind: str) -> tuple[int | None, SheetRows]:
    """Open an officer's .xlsx or .csv list and find its header; rows are then read lazily.

    Returns (estimated number of data rows, or None, and the rows). The estimate is an upper
    bound: the rows from below the header to the sheet's last row element (found by a cheap
    byte scan of the sheet XML), or to the CSV's last line; blank and total rows count too.
    File-level problems raise SpreadsheetError here, before any row is read.
    """
    columns_of(kind)
    if not data:
        raise SpreadsheetError("empty_file")
    name = filename.casefold()
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, kind)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: Excel 97-2003, or an encrypted .xlsx
        raise SpreadsheetError("unsupported_format")
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise SpreadsheetError("unreadable_file")
    return read_csv(data, kind)
