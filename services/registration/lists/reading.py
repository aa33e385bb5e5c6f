"""Reading an officer's registration list: the shared reader with the kind's columns."""

from __future__ import annotations

from khuyenhoc.sheets import SheetRows, read_table
from services.registration.lists.columns import columns_of

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_rows(data: bytes, filename: str, kind: str) -> tuple[int | None, SheetRows]:
    """Open an officer's .xlsx or .csv list of a kind and find its header; rows are then read
    lazily (see ``khuyenhoc.sheets.read_table``). A commune's list is streamed in batches, so
    its rows are not bounded beyond the file's size. File-level problems raise
    ``SpreadsheetError``."""
    return read_table(data, filename, columns_of(kind), max_rows=None, max_bytes=MAX_FILE_BYTES)
