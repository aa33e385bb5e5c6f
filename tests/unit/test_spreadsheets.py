"""Reading officers' registration lists as they really are, and writing templates, error
reports and exports that Excel opens safely."""

from __future__ import annotations

import codecs
import io
import re
import tracemalloc
import unicodedata
import zipfile
from datetime import datetime
from itertools import islice

import pytest
from openpyxl import Workbook, load_workbook

from khuyenhoc.sheets import CELL_PROBLEMS as REASONS
from khuyenhoc.sheets import SheetRow, SpreadsheetError, export_rows
from services.registration.lists.columns import COLUMNS, SUBJECT_KINDS, header_of
from services.registration.lists.reading import read_rows
from services.registration.lists.templates import import_errors as error_report
from services.registration.lists.templates import template

TITLE = "DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP NĂM 2024"


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_cached(data: bytes, cached: dict[str, tuple[str, str]]) -> bytes:
    """Give formula cells the cached result Excel would have saved: {"C7": ("n", "1980")}.

    openpyxl writes formulas as <f>..</f><v /> with no result, like a program that never
    calculated the sheet; the reader must use Excel's cached result when there is one.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                text = body.decode()
                for ref, (kind, value) in cached.items():
                    kind_attr = "" if kind == "n" else f' t="{kind}"'
                    text, found = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/></c>',
                        rf'<c r="{ref}"\1{kind_attr}><f>\2</f><v>{value}</v></c>',
                        text,
                    )
                    assert found <= 1
                body = text.encode()
            dst.writestr(info, body)
    return out.getvalue()


_INLINE = re.compile(
    r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr">'
    r'<is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)


def _as_excel_saves(data: bytes) -> bytes:
    """Move text into a shared-strings table, as Excel does (openpyxl writes inline strings)."""
    strings: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = _INLINE.sub(shared, body.decode()).encode()
            elif info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            dst.writestr(info, body)
        items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
        dst.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
    assert strings, "nothing was moved"
    return out.getvalue()


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
    return _as_excel_saves(_with_cached(_save(wb), {"C7": ("n", "1980")}))


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


def test_formula_results_errors_and_empty_string_results():
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên chủ hộ", "Thôn", "Số nhân khẩu", "Số người đi học"])
    ws.append(['=UPPER("an")', "Thôn Đông", "=2+2", '=IF(1=1,"",1)'])  # row 2
    ws.append(["Bình", "Thôn Đông", "#N/A", "=C3"])  # row 3: an error value, an uncached formula
    data = _with_cached(_save(wb), {"A2": ("str", "AN"), "C2": ("n", "4"), "D2": ("str", "")})

    _, rows = read_rows(data, "ho.xlsx", "household")
    first, second = rows
    assert first.values == {"headName": "AN", "address": "Thôn Đông", "size": 4, "learners": None}
    assert first.problems == ()  # an empty text result is an empty cell, not a missing value
    assert second.problems == (
        ("Số nhân khẩu", "formula_error"),
        ("Số người đi học", "formula_without_value"),
    )


@pytest.mark.parametrize(
    ("column", "raw", "value", "problem"),
    [
        ("Số nhân khẩu", 12, 12, None),
        ("Số nhân khẩu", "12", 12, None),
        ("Số nhân khẩu", "12.0", 12, None),
        ("Số nhân khẩu", 12.0, 12, None),
        ("Số nhân khẩu", 12.5, None, "not_a_number"),
        ("Số nhân khẩu", "1.000", None, "not_a_number"),  # a thousand, or one?
        ("Số nhân khẩu", "bốn", None, "not_a_number"),
        ("Số nhân khẩu", True, None, "not_a_number"),
        ("Năm sinh", "1985", 1985, None),
        ("Năm sinh", 1985.0, 1985, None),
        ("Năm sinh", 1850, None, "not_a_year"),
        ("Năm sinh", "85", None, "not_a_year"),
        ("Năm sinh", "1985.5", None, "not_a_year"),
        ("Năm sinh", datetime(1985, 3, 1), None, "not_a_year"),  # a date cell, not a year
        ("Số điện thoại", 912345678, "0912345678", None),
        ("Số điện thoại", 912345678.0, "0912345678", None),
        ("Số điện thoại", "0912.345.678", "0912345678", None),
        ("Số điện thoại", "+84-912-345-678", "0912345678", None),
        ("Số điện thoại", 84912345678, "0912345678", None),  # "+84912345678" typed in Excel
        ("Số điện thoại", "02083 851 234", "02083851234", None),
        ("Số điện thoại", "12345", None, "bad_phone"),
        ("Số điện thoại", "0912345678 / 0987654321", None, "bad_phone"),
        ("Số CCCD", "001190012345", "001190012345", None),
        ("Số CCCD", " 001 190 012 345 ", "001190012345", None),
        ("Số CCCD", 123456789012, "123456789012", None),
        ("Số CCCD", 123456789012.0, "123456789012", None),
        ("Số CCCD", 1190012345, None, "bad_digits"),  # Excel dropped "00": never padded
        ("Số CCCD", "01234567890123", None, "bad_digits"),
        ("Nhóm lao động", "nong dan va lao dong nong thon", "rural", None),
        ("Nhóm lao động", "CÔNG NHÂN", "worker", None),
        ("Nhóm lao động", "CBCCVC", "professional", None),
        ("Nhóm lao động", "  cán bộ,  công chức, viên chức ", "professional", None),
        ("Nhóm lao động", "Học sinh", None, "bad_choice"),
    ],
)
def test_value_rules(column, raw, value, problem):
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

    (row,) = read_rows(_save(wb), "x.xlsx", kind)[1]
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


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_detected(delimiter):
    lines = [
        ["Tên dòng họ", "Trưởng tộc", "Số hộ", "Thôn/Tổ dân phố"],
        ["Họ Nguyễn Đình", "Nguyễn Đình Lộc", "45", "Thôn Đông, xóm 2"],
    ]
    text = "\n".join(
        delimiter.join(f'"{cell}"' if delimiter in cell or "," in cell else cell for cell in line)
        for line in lines
    )
    (row,) = read_rows(text.encode(), "dong_ho.csv", "clan")[1]
    assert row.values == {
        "clanName": "Họ Nguyễn Đình",
        "headName": "Nguyễn Đình Lộc",
        "households": 45,
        "address": "Thôn Đông, xóm 2",
    }


def test_missing_required_column_names_it():
    wb = Workbook()
    wb.active.append([TITLE])
    wb.active.append(["STT", "Họ và tên chủ hộ", "Năm sinh", "Số điện thoại"])
    wb.active.append([1, "An", 1980, "0912345678"])
    with pytest.raises(SpreadsheetError) as caught:
        read_rows(_save(wb), "ho.xlsx", "household")
    assert caught.value.key == "missing_columns"
    assert caught.value.missing == ("Thôn/Tổ dân phố",)
    assert "Thôn/Tổ dân phố" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "filename", "key"),
    [
        (b"", "x.xlsx", "empty_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ds.xls", "unsupported_format"),
        (b"PK\x03\x04 not really a zip", "ds.xlsx", "unreadable_file"),
        (b"plain text", "ds.xlsx", "unreadable_file"),
        ("Chu ho,Thôn\nAn,Thôn Đông\n".encode("cp1258"), "ds.csv", "bad_encoding"),
        ("Tên,Tuổi\nAn,40\n".encode(), "ds.csv", "no_header"),
    ],
)
def test_unusable_files(data, filename, key):
    with pytest.raises(SpreadsheetError) as caught:
        read_rows(data, filename, "household")
    assert caught.value.key == key
    assert str(caught.value)  # a Vietnamese message for the officer


def test_only_hidden_sheets_is_no_sheet():
    wb = Workbook()
    wb.active.append(["Họ và tên chủ hộ", "Thôn"])
    wb.create_sheet("Khác")
    data = _save(wb)
    # hide every sheet by editing workbook.xml (openpyxl refuses to save that)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b'state="visible"', b'state="hidden"')
            dst.writestr(info, body)
    with pytest.raises(SpreadsheetError) as caught:
        read_rows(out.getvalue(), "x.xlsx", "household")
    assert caught.value.key == "no_sheet"


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


def test_twenty_thousand_rows_are_streamed():
    count = 20_000
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append([TITLE])
    ws.append(["STT", "Họ và tên chủ hộ", "Năm sinh", "Thôn/Tổ dân phố", "Số điện thoại"])
    for index in range(1, count + 1):
        ws.append([index, f"Nguyễn Văn {index}", 1950 + index % 50, "Thôn Đông", 912000000 + index])
    data = _save(wb)

    tracemalloc.start()
    try:
        estimate, rows = read_rows(data, "lon.xlsx", "household")
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
