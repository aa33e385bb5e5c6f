"""The fund's printable documents: the public statement (xlsx, PDF) and the donation receipt
(PDF). Bytes in, bytes out: no database, no transport. PDFs embed DejaVu Sans (vendored in
``khuyenhoc/fonts/`` with its licence, see :mod:`khuyenhoc.pdf`), which has every Vietnamese
glyph."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from khuyenhoc.pdf import add_fonts
from services.fund.messages import format_dong

DONOR_KINDS = {
    "person": "Cá nhân",
    "family": "Gia đình",
    "clan": "Dòng họ",
    "organisation": "Tổ chức",
    "enterprise": "Doanh nghiệp",
    "overseas": "Người Việt Nam ở nước ngoài",
}
CHANNELS = {"cash": "Tiền mặt", "bank_transfer": "Chuyển khoản", "vietqr": "VietQR"}


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _safe(value: Any) -> Any:
    """A cell a spreadsheet cannot take for a formula (names come from the public)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


EXCEL_EXACT = 10**15
"""Spreadsheets hold numbers as doubles and show 15 significant digits: amounts from a
million billion đồng up (far beyond any fund) are written as text, so no cell is ever rounded."""


def _amount(value: int) -> int | str:
    return value if abs(value) < EXCEL_EXACT else str(value)


def statement_title(st: Mapping[str, Any]) -> str:
    return (
        f"CÔNG KHAI QUỸ KHUYẾN HỌC – {st['unitName']} (từ {_day(st['from'])} đến {_day(st['to'])})"
    )


def statement_xlsx(st: Mapping[str, Any]) -> bytes:
    """The public statement as a workbook: money lines, donors, awards (amounts as integers)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Thu chi"
    bold = Font(bold=True)
    sheet.append([statement_title(st)])
    sheet["A1"].font = bold
    sheet.append([])
    sheet.append(["Số dư đầu kỳ", _amount(st["opening"])])
    sheet.append(["THU", "Số tiền (đồng)", "Số lượt"])
    for line in st["money_in"]:
        sheet.append([line["label"], _amount(line["amount"]), line["count"]])
    sheet.append(["Tổng thu", _amount(st["total_in"])])
    sheet.append(["CHI", "Số tiền (đồng)", "Số lượt"])
    for line in st["money_out"]:
        sheet.append([line["label"], _amount(line["amount"]), line["count"]])
    sheet.append(["Tổng chi", _amount(st["total_out"])])
    sheet.append(["Số dư cuối kỳ", _amount(st["closing"])])
    for row in sheet.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 20

    donors = book.create_sheet("Nhà hảo tâm")
    donors.append([f"Nhà hảo tâm ủng hộ từ {format_dong(st['threshold'])} đồng"])
    donors.append(["Nhà hảo tâm", "Số tiền (đồng)", "Số lần", "Số biên lai"])
    for d in st["donors"]:
        donors.append(
            [_safe(d["name"]), _amount(d["amount"]), d["count"], ", ".join(d["receipts"])]
        )
    donors.column_dimensions["A"].width = 40

    awards = book.create_sheet("Khen thưởng")
    awards.append(["Hạng mục", "Người nhận", "Lớp", "Thành tích", "Số tiền (đồng)", "Ngày"])
    for category in st["awards"]:
        awards.append(
            [
                f"{category['label']} ({category['count']} lượt)",
                "",
                "",
                "",
                _amount(category["amount"]),
            ]
        )
        for b in category["beneficiaries"]:
            awards.append(
                [
                    "",
                    _safe(b["name"]),
                    _safe(b.get("grade") or ""),
                    _safe(b.get("achievement") or ""),
                    _amount(b["amount"]),
                    _day(b["paid_on"]),
                ]
            )
    awards.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        add_fonts(self)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("DejaVu", size=10)

    def line_of(self, label: str, amount: int | str, count: Any = "", bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", 10)
        self.cell(110, 6, label, border=1)
        text = format_dong(amount) if isinstance(amount, int) else amount
        self.cell(50, 6, text, border=1, align="R")
        self.cell(25, 6, str(count), border=1, align="R", new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: int = 11) -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 10)


def statement_pdf(st: Mapping[str, Any]) -> bytes:
    pdf = _Document()
    pdf.heading(statement_title(st), 13)
    pdf.ln(2)
    pdf.line_of("Số dư đầu kỳ", st["opening"], bold=True)
    pdf.line_of("THU", "Số tiền (đồng)", "Số lượt", bold=True)
    for line in st["money_in"]:
        pdf.line_of(line["label"], line["amount"], line["count"])
    pdf.line_of("Tổng thu", st["total_in"], bold=True)
    pdf.line_of("CHI", "Số tiền (đồng)", "Số lượt", bold=True)
    for line in st["money_out"]:
        pdf.line_of(line["label"], line["amount"], line["count"])
    pdf.line_of("Tổng chi", st["total_out"], bold=True)
    pdf.line_of("Số dư cuối kỳ", st["closing"], bold=True)
    pdf.ln(4)
    pdf.heading(f"Nhà hảo tâm ủng hộ từ {format_dong(st['threshold'])} đồng")
    for d in st["donors"]:
        pdf.line_of(d["name"], d["amount"], f"{d['count']} lần")
    if not st["donors"]:
        pdf.cell(0, 6, "(không có)", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.heading("Khen thưởng, học bổng, hỗ trợ theo hạng mục")
    for category in st["awards"]:
        pdf.line_of(category["label"], category["amount"], f"{category['count']} lượt", bold=True)
        for b in category["beneficiaries"]:
            who = b["name"] + (f", lớp {b['grade']}" if b.get("grade") else "")
            pdf.line_of(f"  {who}", b["amount"], _day(b["paid_on"]))
    if not st["awards"]:
        pdf.cell(0, 6, "(không có)", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def receipt_pdf(d: Mapping[str, Any]) -> bytes:
    """Biên lai nhận tiền ủng hộ (NĐ 93/2021: a receipt on request)."""
    pdf = _Document()
    pdf.heading(f"QUỸ KHUYẾN HỌC – {d['unitName']}", 12)
    pdf.heading(f"BIÊN LAI NHẬN ỦNG HỘ  Số: {d['receiptNumber']}", 14)
    pdf.ln(2)
    donor = d["donor"]
    rows = [
        ("Nhà hảo tâm", donor["name"]),
        ("Loại", DONOR_KINDS.get(donor.get("kind"), donor.get("kind") or "")),
        ("Số tiền", f"{format_dong(int(d['amount']))} đồng"),
        (
            "Hình thức",
            "Hiện vật (quy ra tiền): " + (d.get("goods") or "")
            if d["kind"] == "in_kind"
            else "Tiền",
        ),
        ("Kênh nhận", CHANNELS.get(d["channel"], d["channel"])),
        ("Ngày nhận", _day(d["receivedOn"])),
        (
            "Mục đích",
            f"Chỉ định: {d.get('earmark')}" if d.get("purpose") == "earmarked" else "Chung",
        ),
    ]
    if d.get("status") == "REVERSED":
        rows.append(("Trạng thái", "ĐÃ HỦY (bút toán đảo)"))
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(45, 7, label, border=1)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 7, str(value), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 6, "Trân trọng cảm ơn tấm lòng của Quý nhà hảo tâm.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
