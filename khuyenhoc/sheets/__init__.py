"""One spreadsheet toolkit for every service: reading officers' .xlsx/.csv lists as they
really are, and writing templates, exports and error reports that Excel opens safely.

A service declares its columns as data (built at run time if need be, e.g. one per
indicator of a criteria set), reads a file into rows with row-level problems, and writes a
template and an error report with the same columns::

    from khuyenhoc.sheets import Column, SpreadsheetError, error_report, read_table, write_workbook

    COLUMNS = (
        Column("enrolment", ("Mã đăng ký", "Mã"), required=True, filled=True),
        Column("name", ("Họ và tên chủ hộ", "Chủ hộ")),
        Column("agreed", ("Đồng ý",), required=True, parse="bool", example=True),
        Column("note", ("Ghi chú",), help="Lý do nếu không đồng ý."),
    )
    template = write_workbook("DANH SÁCH BÌNH XÉT", COLUMNS, rows=[{"enrolment": "e-1"}],
                              notes=["Ghi “Có” hoặc “Không” ở cột Đồng ý."], guide="DANH SÁCH")
    try:
        estimate, rows = read_table(upload, "binh_xet.xlsx", COLUMNS, max_rows=2000)
        errors = [(row.number, header, key) for row in rows for header, key in row.problems]
    except SpreadsheetError as exc:     # the whole file refused: exc.key, str(exc) in Vietnamese
        ...
    report = error_report("DANH SÁCH LỖI", errors)   # .xlsx: Dòng, Cột, Lý do (Vietnamese)

Rows are read lazily (``SheetRows``, close it when stopping early); each ``SheetRow`` has the
row number the officer sees, ``values`` by field (None when blank or unreadable) and
``problems`` as (header as written in the file, key of ``CELL_PROBLEMS``). ``read_all`` reads
a small list at once. See README.md for the column kinds and the limits.
"""

from __future__ import annotations

from khuyenhoc.sheets.columns import PARSERS, Column, Layout, Parser, labels_of, match_key
from khuyenhoc.sheets.messages import CELL_PROBLEMS, FILE_PROBLEMS
from khuyenhoc.sheets.problems import SpreadsheetError, reason_text
from khuyenhoc.sheets.reading import MAX_BYTES, MAX_ROWS, read_all, read_table
from khuyenhoc.sheets.sheet import SheetRow, SheetRows
from khuyenhoc.sheets.writing import error_report, export_rows, neutralise, write_workbook

__all__ = [
    "CELL_PROBLEMS",
    "FILE_PROBLEMS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PARSERS",
    "Column",
    "Layout",
    "Parser",
    "SheetRow",
    "SheetRows",
    "SpreadsheetError",
    "error_report",
    "export_rows",
    "labels_of",
    "match_key",
    "neutralise",
    "read_all",
    "read_table",
    "reason_text",
    "write_workbook",
]
