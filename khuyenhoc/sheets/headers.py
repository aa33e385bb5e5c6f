"""Finding the header of a list printed with title rows above it and two-level, merged headers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from khuyenhoc.sheets.cells import FORMULA_WITHOUT_VALUE, Cells, ErrorValue, as_text
from khuyenhoc.sheets.columns import Layout, match_key
from khuyenhoc.sheets.problems import SpreadsheetError

HEADER_SCAN_ROWS = 20  # the header must start within this many rows from the top


@dataclass(frozen=True)
class Header:
    bottom: int  # the last header row; data starts below it
    columns: dict[str, tuple[int, str]]  # field -> (column, header as written)
    rank: tuple[int, ...]


def header_text(raw: object) -> str:
    if raw is None or raw is FORMULA_WITHOUT_VALUE or isinstance(raw, ErrorValue):
        return ""
    return as_text(raw)


def _match_header(table: Layout, number: int, lower: Cells, upper: Cells | None) -> Header:
    """Map fields to columns of one header row, or of a two-level header (upper, lower).

    In a two-level header a column's own name is in the lower row, and a column without a
    sub-header has its name in the upper row (a vertically merged cell keeps it there).
    """
    found: dict[str, tuple[int, str]] = {}
    cells = sorted(set(lower) | set(upper or ()))
    for col in cells:
        for source in (lower, upper or {}):
            text = header_text(source.get(col))
            field = table.headers.get(match_key(text)) if text else None
            if field:
                found.setdefault(field, (col, text))
                break
    required = sum(1 for c in table.columns if c.required and c.field in found)
    width = sum(1 for v in lower.values() if header_text(v))
    rank = (len(found), required, 0 if upper else 1, width, -number)
    return Header(number, found, rank)


def find_header(table: Layout, rows: list[tuple[int, Cells]]) -> Header | None:
    best: Header | None = None
    for index, (number, cells) in enumerate(rows):
        if number > HEADER_SCAN_ROWS:
            break
        candidates = [_match_header(table, number, cells, None)]
        if index + 1 < len(rows) and rows[index + 1][0] == number + 1:
            candidates.append(_match_header(table, number + 1, rows[index + 1][1], cells))
        for candidate in candidates:
            if candidate.columns and (best is None or candidate.rank > best.rank):
                best = candidate
    return best


def buffer_top(rows: Iterator[tuple[int, Cells]]) -> list[tuple[int, Cells]]:
    """The rows that may hold the header, plus the first one below them."""
    top: list[tuple[int, Cells]] = []
    for number, cells in rows:
        top.append((number, cells))
        if number > HEADER_SCAN_ROWS:
            break
    return top


def check_header(table: Layout, header: Header | None) -> Header:
    columns = table.columns
    if header is None:
        required = ", ".join(c.header for c in columns if c.required) or columns[0].header
        raise SpreadsheetError("no_header", rows=HEADER_SCAN_ROWS, headers=required)
    missing = tuple(c.header for c in columns if c.required and c.field not in header.columns)
    if missing:
        raise SpreadsheetError("missing_columns", missing, headers=", ".join(missing))
    return header
