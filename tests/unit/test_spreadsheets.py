"""Reading officers' registration lists as they really are, and writing templates, error
reports and exports that Excel opens safely."""

from __future__ import annotations

import codecs
import io
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook

from khuyenhoc.sheets import CELL_PROBLEMS as REASONS
from khuyenhoc.sheets import SheetRow, SpreadsheetError
from services.registration.lists.columns import COLUMNS, SUBJECT_KINDS, header_of
from services.registration.lists.reading import read_rows
from services.registration.lists.templates import import_errors as error_report
from services.registration.lists.templates import template
from tests.sheet_files import as_excel_saves, save, with_cached

TITLE = "DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP NĂM 2024"


def _household_workbook() -> bytes:
    """A commune officer's household list, laid out for print as real ones are."""
    wb = Workbook()
    lookup = wb.active
    lookup.title = "DanhMuc"  # a lookup sheet placed first and hidden
    lookup.append(["Họ và tên chủ hộ", "Thôn/Tổ dân phố"])  # would match if not skipped
    lookup.append(["Thôn Đông", "Thôn Tây"])
    lookup.sheet_state = "hidden"

    ws = wb.create_sheet("Danh sách")
    ws["A1"] = TITLE
    ws.merge_cells("A1:G1")
    ws["A2"] = "Xã Tân Lập, huyện Phú Lương"
    ws.merge_cells("A2:G2")
    # a two-level header: "Thông tin chủ hộ" above "Họ và tên" | "Năm sinh"; other headers
    # span both rows (vertically merged), written in other case, spacing and spelling
    for ref, text in {
        "A3": "STT",
        "B3": "Thông tin chủ hộ",
        "D3": "THÔN /  TỔ DÂN PHỐ",
        "E3": "Sđt",
        "F3": "Số nhân khẩu (người)",
        "G3": "Ghi chú",
        "B4": "Họ và tên",
        "C4": "Năm sinh",
    }.items():
        ws[ref] = text
    for cells in ("A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:F4", "G3:G4"):
        ws.merge_cells(cells)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])  # row 5: column numbers
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Văn An") + "  "
    ws.append([1, nfd_name, "1985", "Thôn Đông", 912345678, 4, None])  # row 6
    ws.append([2, "Trần Thị Bình", "=1960+20", "Thôn Đông", "0987 654 321", "5", ""])  # row 7
    ws.append([])  # row 8: empty
    ws.append([3, "Tống Văn Cường", "=1970+1", "Thôn Tây", "+84 912 000 111", 3.0])  # row 9
    ws.append([4, "Phạm Thị Dung", 1975, None, "abc", "nhiều"])  # row 10, D merged from D9
    ws.merge_cells("D9:D10")
    ws.append([5])  # row 11: pre-numbered, left empty
    ws.append(["Tổng cộng", None, None, None, None, "=SUM(F6:F10)"])  # row 12
    return as_excel_saves(with_cached(save(wb), {"C7": ("n", "1980")}))


def test_reads_a_real_household_list_with_excel_row_numbers():
    estimate, rows = read_rows(_household_workbook(), "ds_ho.xlsx", "household")
    read = list(rows)

    assert estimate == 8  # rows 5..12 below the header: an upper bound
    assert rows.header_row == 4
    assert rows.headers == {
        "headName": "Họ và tên",
        "headBirthYear": "Năm sinh",
        "address": "THÔN / TỔ DÂN PHỐ",
        "phone": "Sđt",
        "size": "Số nhân khẩu (người)",
    }
    assert [row.number for row in read] == [6, 7, 9, 10]
    first, second, third, fourth = read
    assert first == SheetRow(
        6,
        {
            "headName": "Nguyễn Văn An",
            "headBirthYear": 1985,
            "address": "Thôn Đông",
            "phone": "0912345678",
            "size": 4,
        },
        (),
    )
    assert unicodedata.is_normalized("NFC", first.values["headName"])
    assert second.values["headBirthYear"] == 1980  # the formula's cached value
    assert second.values["phone"] == "0987654321"
    assert second.values["size"] == 5
    assert second.problems == ()
    assert third.values == {
        "headName": "Tống Văn Cường",  # a surname, not a "Tổng cộng" row
        "headBirthYear": None,
        "address": "Thôn Tây",
        "phone": "0912000111",
        "size": 3,
    }
    assert third.problems == (("Năm sinh", "formula_without_value"),)
    assert fourth.values["address"] == "Thôn Tây"  # from the merged cell above
    assert fourth.values["phone"] is None and fourth.values["size"] is None
    assert fourth.problems == (("Sđt", "bad_phone"), ("Số nhân khẩu (người)", "not_a_number"))
    assert all(key in REASONS for row in read for _, key in row.problems)


@pytest.mark.parametrize(
    ("column", "raw", "value", "problem"),
    [  # each kind of value of registration's columns (the rules: tests/unit/test_sheets.py)
        ("Số nhân khẩu", "12.0", 12, None),
        ("Số nhân khẩu", "1.000", None, "not_a_number"),  # a thousand, or one?
        ("Năm sinh", 1985.0, 1985, None),
        ("Năm sinh", "85", None, "not_a_year"),
        ("Số điện thoại", 912345678, "0912345678", None),
        ("Số điện thoại", "12345", None, "bad_phone"),
        ("Số CCCD", 123456789012.0, "123456789012", None),
        ("Số CCCD", 1190012345, None, "bad_digits"),  # Excel dropped "00": never padded
        ("Nhóm lao động", "nong dan va lao dong nong thon", "rural", None),
        ("Nhóm lao động", "CÔNG NHÂN", "worker", None),
        ("Nhóm lao động", "CBCCVC", "professional", None),
        ("Nhóm lao động", "  cán bộ,  công chức, viên chức ", "professional", None),
        ("Nhóm lao động", "Học sinh", None, "bad_choice"),
    ],
)
def test_registration_value_rules(column, raw, value, problem):
    kind = "household" if column in ("Số nhân khẩu", "Năm sinh", "Số điện thoại") else "citizen"
    required = {
        "household": {"Họ và tên chủ hộ": "An", "Thôn/Tổ dân phố": "Thôn Đông"},
        "citizen": {
            "Họ và tên": "An",
            "Năm sinh": 1990,
            "Số CCCD": "001190012345",
            "Nhóm lao động": "Nông dân",
            "Thôn/Tổ dân phố": "Thôn Đông",
        },
    }[kind]
    cells = {**required, column: raw}
    wb = Workbook()
    wb.active.append(list(cells))
    wb.active.append(list(cells.values()))
    field = next(c.field for c in COLUMNS[kind] if c.header == column)

    (row,) = read_rows(save(wb), "x.xlsx", kind)[1]
    assert row.values[field] == value
    assert row.problems == (((column, problem),) if problem else ())


def test_learning_unit_choices_and_names_that_look_like_totals():
    text = (
        "STT,Tên đơn vị,Loại hình,Cấp quản lý,Số CBNV\n"
        "1,Tổng công ty Điện lực miền Bắc,doanh nghiep,Cấp huyện,1200\n"
        "2,Đồn Biên phòng Bắc Sơn,LLVT,xã,35\n"
        "3,Trường THCS Kim Đồng,Trường học,Tỉnh,40\n"
        ",Cộng:,,,1275\n"
    ).encode()
    _, rows = read_rows(text, "don_vi.csv", "learning_unit")
    read = list(rows)
    assert [r.number for r in read] == [2, 3, 4]
    assert [r.values["unitKind"] for r in read] == ["enterprise", "armed_forces", "school"]
    assert [r.values["level"] for r in read] == ["district", "commune", None]
    assert read[0].values["name"] == "Tổng công ty Điện lực miền Bắc"
    assert read[2].problems == (("Cấp quản lý", "bad_choice"),)


def test_csv_with_bom_semicolons_blank_lines_and_total_row():
    text = (
        "DANH SÁCH ĐĂNG KÝ GIA ĐÌNH HỌC TẬP;;;\n"
        "\n"
        "stt;HO TEN CHU HO;dia chi;Dien thoai;so nguoi\n"
        "1;" + unicodedata.normalize("NFD", "Lê Thị Hoa") + " ;Thôn 3; 912345678;4\n"
        ";;;;\n"
        '2;"Nguyễn Văn Nam; con";"Tổ 5, khu phố 2";0987654321;3\n'
        "Tổng cộng;;;;7\n"
    )
    data = codecs.BOM_UTF8 + text.encode()

    estimate, rows = read_rows(data, "danh sach.CSV", "household")
    read = list(rows)
    assert estimate == 4
    assert rows.headers["headName"] == "HO TEN CHU HO"
    assert rows.headers["address"] == "dia chi"
    assert [r.number for r in read] == [4, 6]
    assert read[0].values == {
        "headName": "Lê Thị Hoa",
        "address": "Thôn 3",
        "phone": "0912345678",
        "size": 4,
    }
    assert read[1].values["headName"] == "Nguyễn Văn Nam; con"
    assert read[1].values["address"] == "Tổ 5, khu phố 2"


def test_missing_required_column_names_it():
    wb = Workbook()
    wb.active.append([TITLE])
    wb.active.append(["STT", "Họ và tên chủ hộ", "Năm sinh", "Số điện thoại"])
    wb.active.append([1, "An", 1980, "0912345678"])
    with pytest.raises(SpreadsheetError) as caught:
        read_rows(save(wb), "ho.xlsx", "household")
    assert caught.value.key == "missing_columns"
    assert caught.value.missing == ("Thôn/Tổ dân phố",)
    assert "Thôn/Tổ dân phố" in str(caught.value)


@pytest.mark.parametrize("kind", SUBJECT_KINDS)
def test_template_round_trips(kind):
    data = template(kind)
    wb = load_workbook(io.BytesIO(data))
    sheet, guide = wb.worksheets
    assert sheet.sheet_state == "visible"
    assert guide.title == "Hướng dẫn" and guide.sheet_state == "hidden"
    headers = [c.value for c in sheet[3]]
    assert headers == ["STT", *(c.header for c in COLUMNS[kind])]
    assert all(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert all(c.font.i for c in sheet[4])
    guide_headers = {row[0] for row in guide.iter_rows(min_row=3, values_only=True)}
    assert {c.header for c in COLUMNS[kind]} <= guide_headers

    estimate, rows = read_rows(data, f"mau_{kind}.xlsx", kind)
    (example,) = rows
    assert estimate == 1
    assert example.number == 4
    assert example.problems == ()
    assert set(example.values) == {c.field for c in COLUMNS[kind]}
    assert all(example.values[c.field] is not None for c in COLUMNS[kind])
    assert rows.headers == {c.field: header_of(kind, c.field) for c in COLUMNS[kind]}


def test_error_report_lists_row_column_reason():
    errors = [
        (7, "Năm sinh", "formula_without_value"),
        (9, '=HYPERLINK("http://x")', "Không được để trống."),
    ]
    wb = load_workbook(io.BytesIO(error_report("household", errors)))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "GIA ĐÌNH HỌC TẬP" in rows[0][0]
    assert rows[1] == ("Dòng", "Cột", "Lý do")
    assert rows[2] == (7, "Năm sinh", REASONS["formula_without_value"])
    assert rows[3] == (9, '\'=HYPERLINK("http://x")', "Không được để trống.")
