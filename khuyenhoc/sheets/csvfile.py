"""Reading a .csv list: its encoding and delimiter, found from the header."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from itertools import chain

from khuyenhoc.sheets.cells import Cells
from khuyenhoc.sheets.columns import Layout
from khuyenhoc.sheets.headers import Header, buffer_top, check_header, find_header
from khuyenhoc.sheets.problems import SpreadsheetError
from khuyenhoc.sheets.rows import data_rows
from khuyenhoc.sheets.sheet import SheetRows
from khuyenhoc.sheets.xlsx import sheet_rows

_DELIMITERS = (",", ";", "\t")


def _csv_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode Text"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:  # checked up front, in pieces, so a bad byte never stops an import half-way
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError("bad_encoding") from exc
    return encoding


def _csv_cells(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    """Records numbered as Excel shows the file: one row per record, blank lines included."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        reader = csv.reader(stream, delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            yield number, {col: text for col, text in enumerate(record, start=1) if text}
    except csv.Error as exc:
        raise SpreadsheetError("unreadable_file") from exc


def read_csv(
    data: bytes, table: Layout, max_rows: int | None = None
) -> tuple[int | None, SheetRows]:
    encoding = _csv_encoding(data)
    best: tuple[Header, list[tuple[int, Cells]], Iterator[tuple[int, Cells]]] | None = None
    for delimiter in _DELIMITERS:
        rows = _csv_cells(data, encoding, delimiter)
        top = buffer_top(rows)
        header = find_header(table, top)
        if header and (best is None or _csv_rank(header) > _csv_rank(best[0])):
            best = (header, top, rows)
    header = check_header(table, best[0] if best else None)
    assert best is not None
    _, top, rows = best
    newline = b"\n"
    if encoding == "utf-16":
        newline = "\n".encode("utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
    lines = data.count(newline) + (0 if data.endswith(newline) else 1)
    estimate = lines - header.bottom if lines > header.bottom else None
    return estimate, sheet_rows(data_rows(table, header, chain(top, rows), max_rows), header)


def _csv_rank(header: Header) -> tuple[int, ...]:
    """Delimiters are compared by columns matched, then by header cells split apart."""
    return header.rank[:2] + header.rank[3:4]
