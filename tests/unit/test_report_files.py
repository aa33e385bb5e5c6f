"""The report as files (issue 14 item 4): the town's five-year report (tests.report_samples)
rendered as .xlsx (cells read back with openpyxl) and PDF (text extracted with pypdfium2,
pages rendered), laid out like the official report tables."""

from __future__ import annotations

import io

import openpyxl
import pypdfium2
import pytest

from bench.report_files import province_report
from gateway.reports.layout import UNKNOWN, UNKNOWN_NOTE, compose, number, percent, text_of
from gateway.reports.pdf import report_pdf
from gateway.reports.xlsx import report_xlsx
from tests.report_samples import town_report, with_children


def _cells(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [tuple(c for c in row) for row in sheet.iter_rows()]


def _values(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]


def _row(values: list[list[object]], first: object, second: object | None = None) -> list:
    for row in values:
        if row and row[0] == first and (second is None or (len(row) > 1 and row[1] == second)):
            return row
    raise AssertionError(f"no row {first!r} {second!r}")


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return text.replace("\r\n", " ")  # wrapped cells read as one line


def test_numbers_are_written_the_vietnamese_way():
    assert number(76_180_000) == "76.180.000"
    assert percent(0.2923) == "29,23%"
    assert text_of(None) == UNKNOWN == "—"


def test_the_xlsx_has_the_heading_block_title_and_sections():
    values = _values(report_xlsx(with_children(town_report())))
    flat = [v for row in values for v in row]
    assert values[0] == ["HỘI KHUYẾN HỌC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert values[1] == ["PHƯỜNG ĐỒNG ĐĂNG", "Độc lập - Tự do - Hạnh phúc"]
    assert "Đồng Đăng, ngày 30 tháng 11 năm 2026" in flat
    assert "BÁO CÁO" in flat
    assert any("giai đoạn 2021 - 2025" in str(v) for v in flat)
    assert "trên địa bàn phường Đồng Đăng" in flat
    headings = [
        v
        for v in flat
        if isinstance(v, str) and v[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.")
    ]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V", "VI"]
    assert {"TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nơi nhận:"} <= set(flat)


def test_the_xlsx_keeps_numbers_as_numbers_and_shares_as_percentages():
    content = report_xlsx(town_report())
    cells = {c.value: c for row in _cells(content) for c in row if isinstance(c.value, str)}
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    members = cells["Số hội viên"]
    value = sheet.cell(members.row, members.column + 1)
    assert value.value == 2698 and value.number_format == "#,##0"
    share = sheet.cell(cells["Tỷ lệ hội viên so với dân số"].row, members.column + 1)
    assert share.value == pytest.approx(0.2923) and share.number_format == "0.00%"


def test_the_xlsx_shows_each_rate_with_what_it_is_a_share_of():
    values = _values(report_xlsx(town_report()))
    assert "Tỷ lệ % so với số đăng ký" in _row(values, "Năm", "Danh hiệu")
    assert "Tỷ lệ % so với mẫu số" in _row(values, "Năm", "Danh hiệu")
    family = _row(values, "2021", "Gia đình học tập")
    assert family[2:6] == [1290, 1250, 0, 0]
    assert family[7:9] == [2480, "hộ gia đình"]
    assert family[9] == pytest.approx(1250 / 2480)


def test_unknown_values_are_a_dash_with_a_note_never_zero():
    values = _values(report_xlsx(with_children(town_report())))
    citizens = _row(values, "2025", "Công dân học tập")
    assert citizens[6] == UNKNOWN  # nobody registered: no rate
    assert citizens[7:10] == [UNKNOWN, "người lớn", UNKNOWN]
    total = _row(values, "Tổng cộng")
    assert total[1] == UNKNOWN  # one residential group has no population figure
    assert total[2:4] == [1058, 1147]
    assert f"– {UNKNOWN_NOTE}" in [v for row in values for v in row]


def test_progress_rows_say_met_or_not_and_mark_provisional_targets():
    values = [r for r in _values(report_xlsx(town_report())) if "Quyết định" in str(r[1:2])]
    family = _row(values, "1")
    assert family[1].startswith("Tỷ lệ hộ gia đình đạt danh hiệu Gia đình học tập")
    assert "Quyết định 387/QĐ-TTg" in family[1]
    assert family[2:] == [
        pytest.approx(0.70),
        "2025",
        1310,
        "gia đình được công nhận",
        2480,
        "hộ gia đình",
        pytest.approx(1310 / 2480),
        "Chưa đạt",
    ]
    assert _row(values, "3")[-1] == "Đạt"
    adults = _row(
        values, "4", next(r[1] for r in values if r and r[0] == "4" and "677" in str(r[1]))
    )
    assert adults[-1] == "Không có số liệu (tạm tính: chưa có số người lớn của phường)"
    assert UNKNOWN in adults


def test_the_community_rating_and_the_fund_by_year():
    values = _values(report_xlsx(town_report()))
    assert _row(values, "2024", "Mức độ 2")[2:] == ["Tốt", "TT 25/2023/TT-BGDĐT"]
    assert _row(values, "2025", UNKNOWN)[:3] == ["2025", UNKNOWN, UNKNOWN]
    assert _row(values, "Cả giai đoạn", 160_000_000) == [
        "Cả giai đoạn",
        160_000_000,
        122_500_000,
        49_500_000,
    ]
    assert _row(values, "Cả giai đoạn", 416) == ["Cả giai đoạn", 416, 76_180_000]


def test_a_renamed_unit_is_named_as_each_year_knew_it():
    notes = compose(town_report()).notes
    assert (
        "Tên đơn vị theo từng năm: 2021 - 2024: Thị trấn Đồng Đăng; 2025: Phường Đồng Đăng."
        in notes
    )


def test_the_pdf_is_a4_landscape_embeds_its_font_and_reads_in_vietnamese():
    content = report_pdf(with_children(town_report()))
    document = pypdfium2.PdfDocument(content)
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, points
    assert b"/FontFile2" in content and b"DejaVuSans" in content
    text = _pdf_text(content)
    for expected in (
        "HỘI KHUYẾN HỌC",
        "PHƯỜNG ĐỒNG ĐĂNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Đăng, ngày 30 tháng 11 năm 2026",
        "I. TỔ CHỨC HỘI",
        "II. KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP",
        "III. CỘNG ĐỒNG HỌC TẬP CẤP XÃ",
        "IV. QUỸ KHUYẾN HỌC VÀ KHEN THƯỞNG",
        "V. TIẾN ĐỘ SO VỚI MỤC TIÊU",
        "VI. CÁC ĐƠN VỊ TRỰC THUỘC",
        "2.698",
        "29,23%",
        "76.180.000",
        "Khối Tà Lài",
        "tạm tính: chưa có số",
        "TM. BAN CHẤP HÀNH",
        "Nơi nhận:",
    ):
        assert expected in text, expected


def test_the_pdf_pages_render():
    document = pypdfium2.PdfDocument(report_pdf(town_report()))
    for page in document:
        image = page.render(scale=1).to_pil()
        assert image.width > image.height


def test_a_province_with_200_communes_repeats_the_table_header_on_every_page():
    report = province_report(200, 5)
    content = report_pdf(report)
    document = pypdfium2.PdfDocument(content)
    texts = [page.get_textpage().get_text_range() for page in document]
    child_pages = [t for t in texts if "Xã " in t and "Hội viên" in t]
    assert len(child_pages) >= 5
    assert all("Ủng hộ quỹ" in t for t in child_pages)
    assert "Xã" in texts[-2] or "Xã" in texts[-1]
    values = _values(report_xlsx(report))
    assert _row(values, "200")[0] == "200"


def test_a_unit_with_nothing_entered_yet_shows_dashes_not_zeros():
    report = town_report()
    report.update(
        from_year=2025,
        population=None,
        households=None,
        members=None,
        members_share_of_population=None,
        branches=[],
        branches_total=0,
        titles=[],
        community_ratings=[{"year": 2025, "level": None, "label": None, "source": None}],
        progress=[],
        notes=[],
    )
    report["unit"]["names"] = {2025: "Phường Đồng Đăng"}
    values = _values(report_xlsx(report))
    assert _row(values, "Số hội viên") == ["Số hội viên", UNKNOWN, "năm 2025"]
    assert _row(values, "Tỷ lệ hội viên so với dân số")[1] == UNKNOWN
    flat = [v for row in values for v in row]
    assert "Kết quả công tác khuyến học, khuyến tài, xây dựng xã hội học tập năm 2025" in flat
    assert not any("Kết luận số 49" in str(v) for v in flat)  # one year: not the review
    assert "BÁO CÁO" in _pdf_text(report_pdf(report))


def test_grouped_headers_span_their_columns_in_the_xlsx():
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(town_report()))).active
    group = next(c for row in sheet.iter_rows() for c in row if c.value == "Được công nhận")
    merged = [str(r) for r in sheet.merged_cells.ranges if r.min_row == group.row]
    assert f"D{group.row}:F{group.row}" in merged  # Tổng số, Mức 1, Mức 2 below it
    assert f"A{group.row}:A{group.row + 1}" in merged  # "Năm" spans both header rows
    assert sheet.page_setup.orientation == "landscape"
