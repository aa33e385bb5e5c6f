"""The shared spreadsheet toolkit (khuyenhoc.sheets): reading any list declared as columns,
with row-level problems and bounds, and writing templates, exports and error reports that
read back the same and that Excel opens safely."""

from __future__ import annotations

import codecs
import io
import re
import tracemalloc
import unicodedata
import zipfile
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from khuyenhoc.sheets import (
    CELL_PROBLEMS,
    FILE_PROBLEMS,
    Column,
    Layout,
    SheetRow,
    SpreadsheetError,
    error_report,
    export_rows,
    read_all,
    read_table,
    write_workbook,
)
from tests.sheet_files import edit_part, save, with_cached

GROUPS = {
    "Nông dân và lao động nông thôn": "rural",
    "Nông dân": "rural",
    "Công nhân và lao động khác": "worker",
    "Công nhân": "worker",
    "Cán bộ, công chức, viên chức": "professional",
    "CBCCVC": "professional",
}
NAME = Column("name", ("Họ và tên", "Họ tên", "Chủ hộ"), required=True)
COLUMNS = (
    NAME,
    Column("count", ("Số người", "Số nhân khẩu"), parse="int"),
    Column("year", ("Năm sinh",), parse="year"),
    Column("phone", ("Số điện thoại", "SĐT"), parse="phone"),
    Column("national_id", ("Số CCCD", "CCCD"), parse="digits"),
    Column("group", ("Nhóm lao động",), parse="choice", choices=GROUPS),
    Column("score", ("Điểm",), parse="number"),
    Column("agreed", ("Đồng ý",), parse="bool"),
    Column("signed", ("Ngày ký",), parse="date"),
    Column("note", ("Ghi chú",), max_length=20),
)
HEADER = {c.field: c.header for c in COLUMNS}
TITLE = "DANH SÁCH BÌNH XÉT NĂM 2024"


def _one_row(column: str, raw: object) -> SheetRow:
    wb = Workbook()
    wb.active.append(["Họ và tên", column])
    wb.active.append(["An", raw])
    (row,) = read_table(save(wb), "x.xlsx", COLUMNS)[1]
    return row


@pytest.mark.parametrize(
    ("field", "raw", "value", "problem"),
    [
        ("count", 12, 12, None),
        ("count", "12", 12, None),
        ("count", "12.0", 12, None),
        ("count", 12.0, 12, None),
        ("count", 12.5, None, "not_a_number"),
        ("count", "1.000", None, "not_a_number"),  # a thousand, or one?
        ("count", "bốn", None, "not_a_number"),
        ("count", True, None, "not_a_number"),
        ("year", "1985", 1985, None),
        ("year", 1985.0, 1985, None),
        ("year", 1850, None, "not_a_year"),
        ("year", "85", None, "not_a_year"),
        ("year", "1985.5", None, "not_a_year"),
        ("year", datetime(1985, 3, 1), None, "not_a_year"),  # a date cell, not a year
        ("phone", 912345678, "0912345678", None),
        ("phone", 912345678.0, "0912345678", None),
        ("phone", "0912.345.678", "0912345678", None),
        ("phone", "+84-912-345-678", "0912345678", None),
        ("phone", 84912345678, "0912345678", None),  # "+84912345678" typed in Excel
        ("phone", "02083 851 234", "02083851234", None),
        ("phone", "12345", None, "bad_phone"),
        ("phone", "0912345678 / 0987654321", None, "bad_phone"),
        ("national_id", "001190012345", "001190012345", None),
        ("national_id", " 001 190 012 345 ", "001190012345", None),
        ("national_id", 123456789012, "123456789012", None),
        ("national_id", 123456789012.0, "123456789012", None),
        ("national_id", 1190012345, None, "bad_digits"),  # Excel dropped "00": never padded
        ("national_id", "01234567890123", None, "bad_digits"),
        ("group", "nong dan va lao dong nong thon", "rural", None),
        ("group", "CÔNG NHÂN", "worker", None),
        ("group", "CBCCVC", "professional", None),
        ("group", "  cán bộ,  công chức, viên chức ", "professional", None),
        ("group", "worker", "worker", None),  # the value itself, as exports write it
        ("group", "Học sinh", None, "bad_choice"),
        ("score", 12, 12, None),
        ("score", 12.5, 12.5, None),
        ("score", "12,5", 12.5, None),  # the Vietnamese decimal comma
        ("score", "12.5", 12.5, None),
        ("score", "0,125", 0.125, None),
        ("score", " 95 ", 95, None),
        ("score", "1.000", None, "ambiguous_number"),
        ("score", "2,500", None, "ambiguous_number"),
        ("score", "95%", None, "not_a_decimal"),
        ("score", True, None, "not_a_decimal"),
        ("agreed", "Có", True, None),
        ("agreed", "co", True, None),
        ("agreed", "x", True, None),
        ("agreed", "X", True, None),
        ("agreed", "Đồng ý", True, None),
        ("agreed", 1, True, None),
        ("agreed", True, True, None),
        ("agreed", "Không", False, None),
        ("agreed", "không đồng ý", False, None),
        ("agreed", 0, False, None),
        ("agreed", False, False, None),
        ("agreed", "có lẽ", None, "not_a_bool"),
        ("agreed", 2, None, "not_a_bool"),
        ("signed", datetime(2024, 3, 5), date(2024, 3, 5), None),
        ("signed", "05/03/2024", date(2024, 3, 5), None),  # day first, as in Vietnam
        ("signed", "5/3/2024", date(2024, 3, 5), None),
        ("signed", "05-03-2024", date(2024, 3, 5), None),
        ("signed", "05.03.2024", date(2024, 3, 5), None),
        ("signed", "2024-03-05", date(2024, 3, 5), None),
        ("signed", "ngày 05 tháng 3 năm 2024", date(2024, 3, 5), None),
        ("signed", "Ngày 5 tháng 03 năm 2024", date(2024, 3, 5), None),
        ("signed", "31/02/2024", None, "not_a_date"),
        ("signed", "03/2024", None, "not_a_date"),
        ("signed", "05/03/24", None, "not_a_date"),  # which century? never guessed
        ("signed", 45356, None, "not_a_date"),  # a serial number in a cell not shown as a date
        ("signed", "01/01/1850", None, "not_a_date"),
        ("note", "x" * 20, "x" * 20, None),
        ("note", "x" * 21, None, "too_long"),
    ],
)
def test_value_rules(field, raw, value, problem):
    row = _one_row(HEADER[field], raw)
    assert row.values[field] == value
    assert type(row.values[field]) is type(value)
    assert row.problems == (((HEADER[field], problem),) if problem else ())
    assert problem is None or problem in CELL_PROBLEMS


def test_formula_results_errors_and_empty_string_results():
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ghi chú", "Số người", "Điểm"])
    ws.append(['=UPPER("an")', "Thôn Đông", "=2+2", '=IF(1=1,"",1)'])  # row 2
    ws.append(["Bình", "Thôn Đông", "#N/A", "=C3"])  # row 3: an error value, an uncached formula
    data = with_cached(save(wb), {"A2": ("str", "AN"), "C2": ("n", "4"), "D2": ("str", "")})

    _, rows = read_table(data, "ho.xlsx", COLUMNS)
    first, second = rows
    assert first.values == {"name": "AN", "note": "Thôn Đông", "count": 4, "score": None}
    assert first.problems == ()  # an empty text result is an empty cell, not a missing value
    assert second.problems == (("Số người", "formula_error"), ("Điểm", "formula_without_value"))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_detected(delimiter):
    lines = [
        ["Họ và tên", "Số người", "Ghi chú"],
        ["Nguyễn Đình Lộc", "45", "Thôn Đông, xóm 2"],
    ]
    text = "\n".join(
        delimiter.join(f'"{cell}"' if delimiter in cell or "," in cell else cell for cell in line)
        for line in lines
    )
    (row,) = read_table(text.encode(), "dong_ho.csv", COLUMNS)[1]
    assert row.values == {"name": "Nguyễn Đình Lộc", "count": 45, "note": "Thôn Đông, xóm 2"}


def test_csv_in_utf16_with_a_title_and_nfd_text():
    text = (
        "DANH SÁCH\t\n\nHO TEN\tSo nguoi\n" + unicodedata.normalize("NFD", "Lê Thị Hoa") + "\t4\n"
    )
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    estimate, rows = read_table(data, "ds.txt", COLUMNS)
    (row,) = rows
    assert (estimate, row.number, row.values) == (1, 4, {"name": "Lê Thị Hoa", "count": 4})
    assert rows.headers == {"name": "HO TEN", "count": "So nguoi"}


@pytest.mark.parametrize(
    ("data", "filename", "key"),
    [
        (b"", "x.xlsx", "empty_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ds.xls", "unsupported_format"),
        (b"PK\x03\x04 not really a zip", "ds.xlsx", "unreadable_file"),
        (b"plain text", "ds.xlsx", "unreadable_file"),
        ("Chu ho,Thôn\nAn,Thôn Đông\n".encode("cp1258"), "ds.csv", "bad_encoding"),
        ("Tên,Tuổi\nAn,40\n".encode(), "ds.csv", "no_header"),
        ("Số người,Điểm\n4,5\n".encode(), "ds.csv", "missing_columns"),
        (b"x" * 1001, "ds.csv", "too_large"),
    ],
)
def test_unusable_files(data, filename, key):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, filename, COLUMNS, max_bytes=1000)
    assert caught.value.key == key
    assert str(caught.value)  # a Vietnamese message for the officer
    if key == "missing_columns":
        assert caught.value.missing == ("Họ và tên",)
        assert str(caught.value) == "Thiếu cột bắt buộc: Họ và tên."


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    wb = Workbook()
    wb.active.append(["Họ và tên"])
    wb.active.append(["A" * 1000])
    data = save(wb)
    from khuyenhoc.sheets import xlsx  # noqa: PLC0415 - the limit is patched for this test only

    limit, xlsx.MAX_UNCOMPRESSED = xlsx.MAX_UNCOMPRESSED, 1000
    try:
        with pytest.raises(SpreadsheetError) as caught:
            read_table(data, "bom.xlsx", COLUMNS)
    finally:
        xlsx.MAX_UNCOMPRESSED = limit
    assert caught.value.key == "too_large"


def test_only_hidden_sheets_is_no_sheet():
    wb = Workbook()
    wb.active.append(["Họ và tên", "Ghi chú"])
    wb.create_sheet("Khác")
    data = edit_part(save(wb), "xl/workbook.xml", b'state="visible"', b'state="hidden"')
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, "x.xlsx", COLUMNS)
    assert caught.value.key == "no_sheet"


def test_a_filled_column_reports_blank_cells_but_blank_rows_are_skipped():
    columns = (Column("id", ("Mã",), required=True, filled=True), NAME)
    data = "Mã,Họ và tên\ne-1,An\n,Bình\n,\ne-3,\n".encode()
    rows = list(read_table(data, "x.csv", columns)[1])
    assert [(r.number, r.values, r.problems) for r in rows] == [
        (2, {"id": "e-1", "name": "An"}, ()),
        (3, {"id": None, "name": "Bình"}, (("Mã", "missing_value"),)),
        (5, {"id": "e-3", "name": None}, ()),
    ]


def test_rows_beyond_the_limit_refuse_the_file_when_reached():
    data = ("Họ và tên\n" + "".join(f"Người {n}\n" for n in range(3))).encode()
    headers, rows = read_all(data, "x.csv", COLUMNS, max_rows=3)
    assert headers == {"name": "Họ và tên"} and len(rows) == 3

    with pytest.raises(SpreadsheetError) as caught:
        read_all(data, "x.csv", COLUMNS, max_rows=2)
    assert caught.value.key == "too_many_rows"
    assert str(caught.value) == FILE_PROBLEMS["too_many_rows"].format(limit=2)

    _, lazy = read_table(data, "x.csv", COLUMNS, max_rows=2)
    assert [r.number for r in islice(lazy, 2)] == [2, 3]  # the rows within the limit are read
    with pytest.raises(SpreadsheetError):
        next(lazy)


def _indicator_columns(indicators):
    """A review list's columns, one per indicator of a criteria set, built at run time."""
    return (
        Column("enrolment", ("Mã đăng ký",), required=True, filled=True),
        *(
            Column(key, (f"{name} [{key}]",), parse="number", help=f"Điểm tối đa {top}.")
            for key, name, top in indicators
        ),
        Column("agreed", ("Đồng ý",), required=True, parse="bool", example=True),
    )


def test_columns_built_at_run_time_read_back_by_their_ids():
    columns = _indicator_columns(
        [("c1.i1", "Tỷ lệ trẻ em đi học (%)", 10), ("c1.i2", "Tỷ lệ trẻ em đi học", 5)]
    )
    data = write_workbook(TITLE, columns, [{"enrolment": "e-1", "c1.i1": 9.5, "agreed": True}])
    _, rows = read_table(data, "binh_xet.xlsx", columns)
    (row,) = rows
    assert row.values == {"enrolment": "e-1", "c1.i1": 9.5, "c1.i2": None, "agreed": True}
    assert rows.headers["c1.i2"] == "Tỷ lệ trẻ em đi học [c1.i2]"


@pytest.mark.parametrize(
    "columns",
    [
        (),
        (NAME, Column("name", ("Tên khác",))),  # a field twice
        (NAME, Column("other", ("Họ và tên",))),  # a header meaning two columns
        (NAME, Column("other", ("HO VA TEN (*)",))),  # the same, spelled otherwise
        (NAME, Column("a", ("Tỷ lệ (c1.i1)",)), Column("b", ("Tỷ lệ (c1.i2)",))),  # ids in ()
        (Column("g", ("Nhóm",), parse="choice", choices={"Có": "yes", "có": "no"}),),
    ],
)
def test_columns_that_could_not_be_read_unambiguously_are_refused(columns):
    with pytest.raises(ValueError):
        Layout(columns)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Column("x", ()),
        lambda: Column("x", ("  ",)),
        lambda: Column("x", ("X",), parse="money"),
        lambda: Column("x", ("X",), parse="choice"),
        lambda: Column("x", ("X",), choices={"A": "a"}),
    ],
)
def test_a_malformed_column_is_refused(build):
    with pytest.raises(ValueError):
        build()


def test_a_custom_parser():
    def level(raw: object) -> tuple[object, str | None]:
        text = str(raw).strip().casefold().replace("mức độ", "").strip()
        return (int(text), None) if text in ("1", "2", "3") else (None, "bad_level")

    columns = (NAME, Column("level", ("Mức độ",), parse=level))
    rows = list(read_table("Họ và tên,Mức độ\nAn,Mức độ 2\nBình,4\n".encode(), "x.csv", columns)[1])
    assert [(r.values["level"], r.problems) for r in rows] == [
        (2, ()),
        (None, (("Mức độ", "bad_level"),)),
    ]


def test_write_workbook_is_a_template_that_reads_back_the_same():
    columns = (
        Column("enrolment", ("Mã đăng ký",), required=True, example="e-0"),
        dataclasses_replace(NAME, example="Nguyễn Văn An"),
        *(dataclasses_replace(c, example=e) for c, e in zip(COLUMNS[1:], EXAMPLES, strict=True)),
    )
    prefilled = [
        {
            "enrolment": "e-1",
            "name": '=HYPERLINK("http://x")',  # a name from the database is never a formula
            "phone": "0912345678",
            "national_id": "001190012345",
            "group": "professional",
            "score": 12.5,
            "agreed": False,
            "signed": date(2024, 3, 5),
        },
        {"enrolment": "e-2", "name": "Trần Thị Mai", "count": 4},
    ]
    data = write_workbook(
        TITLE, columns, prefilled, notes=["Ghi “Có” hoặc “Không”."], example=True, guide=TITLE
    )

    wb = load_workbook(io.BytesIO(data))
    sheet, guide = wb.worksheets
    assert (sheet.title, guide.title, guide.sheet_state) == ("Danh sách", "Hướng dẫn", "hidden")
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == TITLE and values[1][0] == "Ghi “Có” hoặc “Không”."
    assert values[2] == ("STT", *(c.header for c in columns))
    assert sheet.freeze_panes == "A4"
    assert [c.font.color.rgb for c in sheet[3][1:3]] == ["00C00000", "00C00000"]  # required
    assert all(c.font.i for c in sheet[4])  # the example row
    assert values[4][:3] == (1, "e-1", '\'=HYPERLINK("http://x")')
    assert values[4][6] == "001190012345" and sheet.cell(5, 7).number_format == "@"
    assert values[4][7] == "Cán bộ, công chức, viên chức"  # the label offered for the value
    assert values[4][9:11] == ("Không", datetime(2024, 3, 5))
    assert sheet.cell(5, 11).number_format == "dd/mm/yyyy"
    guide_rows = list(guide.iter_rows(values_only=True))
    assert guide_rows[0][0] == "HƯỚNG DẪN ĐIỀN " + TITLE
    rules = {row[0]: row[1:3] for row in guide_rows[2:] if row[0]}
    assert rules["Mã đăng ký"] == ("Có", "Chữ.")
    assert rules["Ngày ký"] == ("Không", "Ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2024.")
    assert rules["Nhóm lao động"][1].startswith("Một trong: Nông dân và lao động nông thôn; ")
    choice, yes_no = sheet.data_validations.dataValidation
    assert (str(choice.sqref), str(yes_no.sqref)) == ("H4:H5000", "J4:J5000")
    assert choice.formula1 == "'Hướng dẫn'!$E$3:$E$5"
    assert yes_no.formula1 == "'Hướng dẫn'!$F$3:$F$4"
    assert [row[5] for row in guide_rows[1:4]] == ["Có hoặc Không", "Có", "Không"]

    estimate, rows = read_table(data, "mau.xlsx", columns)
    example, first, second = rows
    assert estimate == 3
    assert example.problems == () and all(v is not None for v in example.values.values())
    assert first.problems == () and second.problems == ()
    assert first.values == {
        "enrolment": "e-1",
        "name": '\'=HYPERLINK("http://x")',
        "count": None,
        "year": None,
        "phone": "0912345678",
        "national_id": "001190012345",
        "group": "professional",
        "score": 12.5,
        "agreed": False,
        "signed": date(2024, 3, 5),
        "note": None,
    }
    assert (second.number, second.values["count"]) == (6, 4)


def dataclasses_replace(column: Column, **changes: object) -> Column:
    import dataclasses  # noqa: PLC0415 - only this helper needs it

    return dataclasses.replace(column, **changes)


EXAMPLES = (4, 1985, "0912345678", "001190012345", "rural", 9.5, True, date(2024, 1, 2), "Ghi")


def test_every_yes_no_column_picks_from_one_list():
    columns = (NAME, *(Column(f"i{n}", (f"Chỉ tiêu {n}",), parse="bool") for n in range(30)))
    data = write_workbook(TITLE, columns, [{"name": "An", "i0": True}], guide=TITLE)
    wb = load_workbook(io.BytesIO(data))
    (check,) = wb.worksheets[0].data_validations.dataValidation
    assert len(check.sqref.ranges) == 30
    assert check.formula1 == "'Hướng dẫn'!$E$3:$E$4"
    (row,) = read_table(data, "x.xlsx", columns)[1]
    assert row.values["i0"] is True and row.values["i1"] is None


def test_write_workbook_without_numbering_or_guide_and_bounded():
    data = write_workbook(TITLE, (NAME,), [{"name": "An"}], numbered=False)
    wb = load_workbook(io.BytesIO(data))
    assert len(wb.worksheets) == 1
    assert list(wb.worksheets[0].iter_rows(values_only=True)) == [
        (TITLE,),
        ("Họ và tên",),
        ("An",),
    ]
    from openpyxl.worksheet._writer import ALL_TEMP_FILES  # noqa: PLC0415 - this test only

    before = list(ALL_TEMP_FILES)
    with pytest.raises(ValueError):
        write_workbook(TITLE, (NAME,), ({"name": str(n)} for n in range(4)), max_rows=3)
    assert list(ALL_TEMP_FILES) == before  # the half-written sheet left no temporary file behind


def test_error_report_lists_row_column_reason_in_vietnamese():
    errors = [
        (7, "Năm sinh", "formula_without_value"),
        (8, "Mã đăng ký", "not_in_unit"),
        (9, '=HYPERLINK("http://x")', "Không được để trống."),
    ]
    reasons = {"not_in_unit": "Đăng ký này không thuộc đơn vị của bạn."}
    wb = load_workbook(io.BytesIO(error_report("DANH SÁCH LỖI", errors, reasons)))
    ws = wb.worksheets[0]
    assert ws.title == "Lỗi" and ws.freeze_panes == "A3"
    assert list(ws.iter_rows(values_only=True)) == [
        ("DANH SÁCH LỖI", None, None),
        ("Dòng", "Cột", "Lý do"),
        (7, "Năm sinh", CELL_PROBLEMS["formula_without_value"]),
        (8, "Mã đăng ký", "Đăng ký này không thuộc đơn vị của bạn."),
        (9, '\'=HYPERLINK("http://x")', "Không được để trống."),
    ]


def test_export_neutralises_formulas_but_keeps_numbers_and_text():
    dangerous = ["=SUM(A1)", "+1", "-x", "@cmd", "  =1", "\tx", "\r=1"]
    rows = [[text, index, -index - 0.5] for index, text in enumerate(dangerous)]
    rows.append(["Nguyễn Văn An", 1985, None])
    data = export_rows(TITLE, [("name", "Họ và tên"), ("year", "Năm"), ("n", "Điểm")], rows)

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == TITLE
    assert values[1] == ("Họ và tên", "Năm", "Điểm")
    # (an .xlsx stores CR as a line break: "\r=1" comes back as "'\n=1", still inert)
    assert [v[0].replace("\n", "\r") for v in values[2:-1]] == ["'" + t for t in dangerous]
    assert values[-1] == ("Nguyễn Văn An", 1985, None)
    assert [v[1] for v in values[2:-1]] == list(range(len(dangerous)))
    assert values[3][2] == -1.5
    for row in ws.iter_rows(min_row=3):
        assert row[0].data_type == "s"  # never a formula
        assert row[1].data_type == "n"
    assert ws.freeze_panes == "A3"


def test_messages_are_vietnamese_in_nfc():
    for text in (*CELL_PROBLEMS.values(), *FILE_PROBLEMS.values()):
        assert unicodedata.is_normalized("NFC", text)
        assert "_" not in text  # no key or code leaks into what the officer reads


def test_twenty_thousand_rows_are_streamed():
    count = 20_000
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append([TITLE])
    ws.append(["STT", "Họ và tên", "Năm sinh", "Ghi chú", "Số điện thoại"])
    for index in range(1, count + 1):
        ws.append([index, f"Nguyễn Văn {index}", 1950 + index % 50, "Thôn Đông", 912000000 + index])
    data = save(wb)

    tracemalloc.start()
    try:
        estimate, rows = read_table(data, "lon.xlsx", COLUMNS)
        first = list(islice(rows, 3))
        total = 3 + sum(1 for _ in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert estimate == count
    assert [r.number for r in first] == [3, 4, 5]
    assert first[0].values["phone"] == "0912000001"
    assert total == count
    # the rows as SheetRow objects would take far more: nothing is kept as it is read
    assert peak < 20 * 1024 * 1024


def test_the_readme_example_runs():
    readme = (Path(__file__).parents[2] / "khuyenhoc/sheets/README.md").read_text("utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.S)

    class Refused(Exception):
        def __init__(self, field: str, key: str, text: str) -> None:
            super().__init__(text)

    indicator = SimpleNamespace(id="c1.i1", name="Tỷ lệ trẻ em đi học")
    names = {
        "indicators": [indicator],
        "prefilled": [{"enrolment": "e-1", "name": "An"}, {"enrolment": "e-2", "name": "Bình"}],
        "file_name": "binh_xet.xlsx",
        "Refused": Refused,
        "MY_REASONS": {},
    }
    names["upload"] = write_workbook(
        "DANH SÁCH", [NAME, Column("agreed", ("Đồng ý",), parse="bool")], [{"name": "An"}]
    )
    with pytest.raises(Refused):  # an upload without the review's columns is refused
        exec(code, names)  # noqa: S102 - the README's own example
    names["upload"] = None
    code = code.replace("read_all(upload,", "read_all(template,")
    exec(code, names)  # noqa: S102 - the README's own example
    assert [row.values["enrolment"] for row in names["rows"]] == ["e-1", "e-2"]
    assert names["errors"] == []
    assert load_workbook(io.BytesIO(names["report"])).worksheets[0]["A2"].value == "Dòng"


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_an_xml_entity_bomb_is_refused_not_expanded(part):
    wb = Workbook()
    wb.active.append(["Họ và tên"])
    wb.active.append(["An"])
    laughs = (
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8)
        )
        + b"]>"
    )
    data = save(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read(part)
    if body.startswith(b"<?xml"):
        body = body.split(b"?>", 1)[1]
    bomb = edit_part(data, part, body, laughs + body.replace(b">An<", b">&i;<"))
    with pytest.raises(SpreadsheetError) as caught:
        list(read_table(bomb, "bom.xlsx", COLUMNS)[1])
    assert caught.value.key == "unreadable_file"
    assert type(caught.value.__cause__).__name__ == "EntitiesForbidden"  # never expanded
