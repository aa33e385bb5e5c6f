"""Data rows below the header: skipping column numbering and total rows, filling merged cells,
converting each value."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator

from khuyenhoc.sheets.cells import Cells, as_text, convert, is_blank
from khuyenhoc.sheets.columns import Layout
from khuyenhoc.sheets.headers import Header, header_text
from khuyenhoc.sheets.problems import SpreadsheetError
from khuyenhoc.sheets.sheet import SheetRow

_COLUMN_NUMBER = re.compile(r"\(?(?:[0-9]{1,2}|[A-Za-z])\)?")
_TOTAL_WORDS = {"tổng", "cộng"}
_NOT_WORD = re.compile(r"[^\w]+")


def _is_column_numbering(cells: Cells) -> bool:
    """The "(1) (2) (3)" or "A B 1 2" row printed forms put under the header."""
    texts = [header_text(v) for v in cells.values() if not is_blank(v)]
    return len(texts) >= 2 and all(_COLUMN_NUMBER.fullmatch(t) for t in texts)


def _is_total(cells: Cells) -> bool:
    """A "Tổng cộng" / "Cộng:" row, told apart from names such as "Tổng công ty X",
    "Cộng đồng Y" or the surname "Tống"."""
    for col in sorted(cells):
        raw = cells[col]
        if not isinstance(raw, str) or not any(ch.isalpha() for ch in raw):
            continue
        words = _NOT_WORD.sub(" ", as_text(raw).casefold()).split()
        if not words or words[0] not in _TOTAL_WORDS:
            return False
        return len(words) == 1 or words[1] in {"cộng", "số"} or words[1][0].isdigit()
    return False


def data_rows(
    table: Layout,
    header: Header,
    rows: Iterator[tuple[int, Cells]],
    max_rows: int | None = None,
) -> Iterator[SheetRow]:
    """The data rows, converted; more than ``max_rows`` of them is a SpreadsheetError
    ("too_many_rows") raised when the one too many is reached."""
    mapped = [(table.by_field[f], col, text) for f, (col, text) in header.columns.items()]
    first = True
    count = 0
    for number, cells in rows:
        if number <= header.bottom:
            continue
        raws = [(column, text, cells.get(col)) for column, col, text in mapped]
        if all(is_blank(raw) for _, _, raw in raws):
            continue  # empty, or only a pre-filled STT
        if first:
            first = False
            if _is_column_numbering(cells):
                continue
        if _is_total(cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            raise SpreadsheetError("too_many_rows", limit=max_rows)
        values: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for column, text, raw in raws:
            value, problem = convert(table, column, raw)
            values[column.field] = value
            if problem:
                problems.append((text, problem))
        yield SheetRow(number, values, tuple(problems))


def fill_merged(
    rows: Iterator[tuple[int, Cells]], merges: Iterable[tuple[int, int, int, int]]
) -> Generator[tuple[int, Cells]]:
    """Copy a vertically merged cell's value down its range ("Thôn Đông" merged over all the
    hamlet's households), as the officer sees it; openpyxl only has it in the top cell."""
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for min_col, min_row, _max_col, max_row in merges:
        if max_row > min_row:
            starts[min_row].append((min_col, max_row))
    if not starts:
        yield from rows
        return
    active: dict[int, tuple[object, int]] = {}
    for number, cells in rows:
        for col, (value, last) in list(active.items()):
            if number > last:
                del active[col]
            elif cells.get(col) is None:
                cells[col] = value
        for col, last in starts.pop(number, ()):
            active[col] = (cells.get(col), last)
        yield number, cells
