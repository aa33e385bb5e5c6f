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

from khuyenhoc.amounts import amount_in_words
from khuyenhoc.pdf import add_fonts
from services.fund.messages import format_dong

LEVEL_WORDS = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Tổ dân phố",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Thôn",
    "Bản",
    "Xóm",
    "Ấp",
    "Xã",
)


def issuing_body(unit_name: str) -> str:
    """Who issues a fund's document: "Xã Đồng Đăng" → "Hội Khuyến học xã Đồng Đăng"; a
    branch (thôn, bản, tổ dân phố...) → "Chi hội Khuyến học thôn ..."; a name that already
    names an association is kept."""
    name = unit_name.strip()
    if name.startswith(("Hội ", "Chi hội ")):
        return name
    for word in LEVEL_WORDS:
        if name.startswith(word + " "):
            lowered = word[0].lower() + word[1:] + name[len(word) :]
            branch = word in ("Thôn", "Bản", "Xóm", "Ấp", "Tổ dân phố")
            return ("Chi hội Khuyến học " if branch else "Hội Khuyến học ") + lowered
    return f"Hội Khuyến học {name}"


def in_sentence(unit_name: str) -> str:
    """A unit's name inside a sentence: "Xã Đồng Đăng" → "xã Đồng Đăng"."""
    for word in LEVEL_WORDS:
        if unit_name.startswith(word + " "):
            return word[0].lower() + unit_name[1:]
    return unit_name


def day_line(day: date) -> str:
    """ "ngày 05 tháng 10 năm 2024" (the usual date of an administrative document)."""
    return f"ngày {day:%d} tháng {day:%m} năm {day.year}"


def in_words(amount: int) -> str:
    """An amount in words; a negative one (a period's correction) as "Âm …"."""
    if amount < 0:
        return "Âm " + amount_in_words(-amount)[0].lower() + amount_in_words(-amount)[1:]
    return amount_in_words(amount)


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
    sheet.append([issuing_body(st["unitName"])])
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
    sheet.append(["Số dư bằng chữ", in_words(st["closing"])])
    sheet.append(["Hội phí của hội viên được quản lý riêng, không thuộc Quỹ Khuyến học."])
    for row in sheet.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 20

    donors = book.create_sheet("Nhà hảo tâm")
    threshold = int(st["threshold"])
    donors.append(
        [f"Nhà hảo tâm ủng hộ từ {format_dong(threshold)} đồng" if threshold else "Nhà hảo tâm"]
    )
    donors.append(["Nhà hảo tâm", "Số tiền (đồng)", "Số lần", "Số biên lai"])
    for d in st["donors"]:
        donors.append(
            [_safe(d["name"]), _amount(d["amount"]), d["count"], ", ".join(d["receipts"])]
        )
    others = st.get("others") or {}
    if others.get("count"):
        donors.append(["Các nhà hảo tâm khác", _amount(others["amount"]), others["count"]])
    donors.column_dimensions["A"].width = 40
    if st.get("earmarks"):
        earmarks = book.create_sheet("Ủng hộ có chỉ định")
        earmarks.append(
            ["Mục đích chỉ định", "Còn đầu kỳ", "Nhận trong kỳ", "Chi trong kỳ", "Còn cuối kỳ"]
        )
        for e in st["earmarks"]:
            earmarks.append(
                [
                    _safe(e["name"]),
                    *(_amount(e[k]) for k in ("opening", "received", "spent", "closing")),
                ]
            )
        earmarks.column_dimensions["A"].width = 45

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

    def heading(self, text: str, size: int = 11, align: str = "L") -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 7, text, align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 10)

    def letterhead(self, unit_name: str, number: str | None = None) -> None:
        """The issuing body on the left, the national motto on the right."""
        top = self.get_y()
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(85, 5, issuing_body(unit_name).upper() + "\nQUỸ KHUYẾN HỌC", align="C")
        if number:
            self.set_font("DejaVu", "", 10)
            self.multi_cell(85, 5, f"Số: {number}", align="C")
        bottom = self.get_y()
        self.set_xy(self.l_margin + 85, top)
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(
            0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", align="C"
        )
        self.set_y(max(bottom, self.get_y()) + 4)
        self.set_font("DejaVu", "", 10)

    def signatures(self, day: date, roles: tuple[str, ...]) -> None:
        """The date, then one column per signer with "(Ký, ghi rõ họ tên)"."""
        if self.get_y() > self.h - 70:
            self.add_page()
        self.ln(6)
        self.set_font("DejaVu", "", 10)
        self.cell(0, 6, day_line(day)[0].upper() + day_line(day)[1:], align="R")
        self.ln(8)
        width = (self.w - self.l_margin - self.r_margin) / len(roles)
        top = self.get_y()
        for i, role in enumerate(roles):
            self.set_xy(self.l_margin + i * width, top)
            self.set_font("DejaVu", "B", 10)
            self.multi_cell(width, 5, role, align="C")
            self.set_x(self.l_margin + i * width)
            self.set_font("DejaVu", "", 9)
            self.multi_cell(width, 5, "(Ký, ghi rõ họ tên)", align="C")
        self.set_y(top + 40)


def statement_pdf(st: Mapping[str, Any], issued: date | None = None) -> bytes:
    """The public statement: issuing body, title, money lines of the Quỹ Khuyến học (dues kept
    apart), the totals in words, donors, awards, earmarked gifts, date and signatures."""
    pdf = _Document()
    pdf.letterhead(st["unitName"])
    pdf.heading(statement_title(st), 13, align="C")
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
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 10)
    for label, key in (("Tổng thu", "total_in"), ("Tổng chi", "total_out"), ("Số dư", "closing")):
        pdf.multi_cell(
            0, 6, f"{label} bằng chữ: {in_words(st[key])}.", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        "Hội phí của hội viên là kinh phí hoạt động của Hội, quản lý riêng, "
        "không thuộc Quỹ Khuyến học và không có trong bảng này.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    threshold = int(st["threshold"])
    pdf.heading(
        f"Nhà hảo tâm ủng hộ từ {format_dong(threshold)} đồng"
        if threshold > 0
        else "Nhà hảo tâm ủng hộ"
    )
    for d in st["donors"]:
        pdf.line_of(d["name"], d["amount"], f"{d['count']} lần")
    others = st.get("others") or {}
    if others.get("count"):
        pdf.line_of("Các nhà hảo tâm khác", others["amount"], f"{others['count']} lần")
    if not st["donors"] and not others.get("count"):
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
    if st.get("earmarks"):
        pdf.ln(4)
        pdf.heading("Ủng hộ có chỉ định mục đích")
        pdf.line_of("Mục đích chỉ định: nhận trong kỳ / đã chi / còn lại", "Số tiền (đồng)", "")
        for e in st["earmarks"]:
            pdf.line_of(f"{e['name']}: nhận trong kỳ", e["received"])
            pdf.line_of("    đã chi trong kỳ", e["spent"])
            pdf.line_of("    còn lại cuối kỳ", e["closing"], bold=True)
    pdf.signatures(
        issued or date.today(),
        ("Người lập biểu", "Thủ quỹ", "TM. BAN ĐIỀU HÀNH QUỸ\nCHỦ TỊCH"),
    )
    return bytes(pdf.output())


def receipt_pdf(d: Mapping[str, Any]) -> bytes:
    """Phiếu thu (biên nhận ủng hộ; NĐ 93/2021: a receipt on request): the issuing body of the
    gift's day, the number, the date, the donor, the amount in figures and in words, and the
    signatures of the donor, the officer who wrote it, the treasurer and the fund's council."""
    pdf = _Document()
    pdf.letterhead(d["unitName"], d["receiptNumber"])
    pdf.heading("PHIẾU THU", 15, align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(
        0, 6, "(Biên nhận tiền ủng hộ Quỹ Khuyến học)", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    received = date.fromisoformat(d["receivedOn"])
    pdf.cell(0, 6, day_line(received)[0].upper() + day_line(received)[1:], align="C")
    pdf.ln(10)
    donor = d["donor"]
    amount = int(d["amount"])
    purpose = (
        f"Ủng hộ Quỹ Khuyến học, chỉ định: {d.get('earmark')}"
        if d.get("purpose") == "earmarked"
        else "Ủng hộ Quỹ Khuyến học"
    )
    rows = [
        ("Họ và tên người nộp tiền", donor["name"]),
        ("Đối tượng", DONOR_KINDS.get(donor.get("kind"), donor.get("kind") or "")),
        ("Lý do nộp", purpose),
        ("Số tiền", f"{format_dong(amount)} đồng"),
        ("Viết bằng chữ", in_words(amount)),
        (
            "Hình thức",
            "Hiện vật (quy ra tiền): " + (d.get("goods") or "")
            if d["kind"] == "in_kind"
            else "Tiền",
        ),
        ("Kênh nhận", CHANNELS.get(d["channel"], d["channel"])),
    ]
    if d.get("status") == "REVERSED":
        rows.append(("Trạng thái", "ĐÃ HỦY (bút toán đảo)"))
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(55, 7, label + ":")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.cell(0, 6, "Trân trọng cảm ơn tấm lòng của Quý nhà hảo tâm.", new_x="LMARGIN", new_y="NEXT")
    pdf.signatures(
        received,
        ("Người nộp tiền", "Người lập phiếu", "Thủ quỹ", "TM. BAN ĐIỀU HÀNH QUỸ\nCHỦ TỊCH"),
    )
    return bytes(pdf.output())


def honour_roll_title(roll: Mapping[str, Any]) -> str:
    return f"BẢNG VINH DANH NHÀ HẢO TÂM NĂM {roll['year']}"


def honour_roll_xlsx(roll: Mapping[str, Any]) -> bytes:
    """Bảng vinh danh as a workbook: rank, name, kind, gifts, total (amounts as integers)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Vinh danh"
    bold = Font(bold=True)
    sheet.append([issuing_body(roll["unitName"])])
    sheet.append([honour_roll_title(roll)])
    sheet["A1"].font = bold
    sheet["A2"].font = bold
    sheet.append([])
    sheet.append(["STT", "Nhà hảo tâm", "Là", "Số lần ủng hộ", "Số tiền (đồng)"])
    for cell in sheet[4]:
        cell.font = bold
    for d in roll["donors"]:
        sheet.append(
            [
                d["rank"],
                _safe(d["name"]),
                DONOR_KINDS.get(d["kind"], d["kind"]),
                d["count"],
                _amount(d["total"]),
            ]
        )
    others = roll["others"]
    if others["donors"]:
        sheet.append(
            [
                "",
                f"Các nhà hảo tâm khác ({others['donors']})",
                "",
                others["count"],
                _amount(others["total"]),
            ]
        )
    sheet.append(["", "Tổng cộng", "", "", _amount(roll["total"])])
    sheet.append(["", f"Bằng chữ: {in_words(roll['total'])}"])
    for row in sheet.iter_rows(min_row=5, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 22
    sheet.column_dimensions["D"].width = 15
    sheet.column_dimensions["E"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def honour_roll_pdf(roll: Mapping[str, Any], issued: date | None = None) -> bytes:
    pdf = _Document()
    pdf.letterhead(roll["unitName"])
    pdf.heading(honour_roll_title(roll), 14, align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        6,
        "Trân trọng ghi nhận và tôn vinh tấm lòng của các nhà hảo tâm đã ủng hộ Quỹ Khuyến học "
        f"{in_sentence(roll['unitName'])} năm {roll['year']}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    widths = (12, 88, 30, 50)

    def row(values: tuple[str, ...], bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", 10)
        for i, (w, v) in enumerate(zip(widths, values, strict=True)):
            pdf.cell(w, 7, v, border=1, align="R" if i in (0, 2, 3) else "L")
        pdf.ln(7)

    row(("STT", "Nhà hảo tâm", "Số lần", "Số tiền (đồng)"), bold=True)
    for d in roll["donors"]:
        row((str(d["rank"]), d["name"], str(d["count"]), format_dong(d["total"])))
    others = roll["others"]
    if others["donors"]:
        row(
            (
                "",
                f"Các nhà hảo tâm khác ({others['donors']})",
                str(others["count"]),
                format_dong(others["total"]),
            )
        )
    row(("", "Tổng cộng", "", format_dong(roll["total"])), bold=True)
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, f"Bằng chữ: {in_words(roll['total'])}.", new_x="LMARGIN", new_y="NEXT")
    pdf.signatures(issued or date.today(), ("Người lập biểu", "TM. BAN ĐIỀU HÀNH QUỸ\nCHỦ TỊCH"))
    return bytes(pdf.output())


def consolidated_title(c: Mapping[str, Any]) -> str:
    return (
        f"BÁO CÁO TỔNG HỢP QUỸ KHUYẾN HỌC – {c['unitName']} và các chi hội "
        f"(từ {_day(c['from'])} đến {_day(c['to'])})"
    )


CONSOLIDATED_COLUMNS = ("Quỹ", "Số dư đầu kỳ", "Tổng thu", "Tổng chi", "Số dư cuối kỳ")


def _consolidated_rows(c: Mapping[str, Any]) -> list[tuple[str, int, int, int, int]]:
    rows = [
        (f["unitName"], f["opening"], f["total_in"], f["total_out"], f["closing"])
        for f in c["funds"]
    ]
    t = c["total"]
    rows.append(
        (
            "Tổng cộng (không tính chuyển quỹ nội bộ)",
            t["opening"],
            t["total_in"],
            t["total_out"],
            t["closing"],
        )
    )
    return rows


def consolidated_xlsx(c: Mapping[str, Any]) -> bytes:
    """The consolidated statement as a workbook: one line per fund and the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    bold = Font(bold=True)
    sheet.append([consolidated_title(c)])
    sheet.append([issuing_body(c["unitName"])])
    sheet["A1"].font = bold
    sheet.append(list(CONSOLIDATED_COLUMNS))
    for name, *amounts in _consolidated_rows(c):
        sheet.append([_safe(name), *(_amount(a) for a in amounts)])
    sheet.append(
        ["Chuyển quỹ giữa các quỹ trên (không tính vào tổng)", _amount(c["internalTransfers"])]
    )
    sheet.append(["Số dư cuối kỳ bằng chữ", in_words(c["total"]["closing"])])
    for row in sheet.iter_rows(min_row=4, min_col=2, max_col=5):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.column_dimensions["A"].width = 45
    for column in "BCDE":
        sheet.column_dimensions[column].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def consolidated_pdf(c: Mapping[str, Any], issued: date | None = None) -> bytes:
    """The consolidated statement: each fund and the total, the total's money lines, the
    transfers left out, the closing balance in words, date and signatures."""
    pdf = _Document()
    pdf.letterhead(c["unitName"])
    pdf.heading(consolidated_title(c), 12, align="C")
    pdf.ln(2)
    widths = (62, 30, 30, 30, 33)

    def row(values: tuple[str, ...], bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", 9)
        for i, (w, v) in enumerate(zip(widths, values, strict=True)):
            pdf.cell(w, 7, v, border=1, align="L" if i == 0 else "R")
        pdf.ln(7)

    row(CONSOLIDATED_COLUMNS, bold=True)
    rows = _consolidated_rows(c)
    for i, (name, *amounts) in enumerate(rows):
        last = i == len(rows) - 1
        short = "Tổng cộng" if last else name if len(name) <= 34 else name[:33] + "…"
        row((short, *(format_dong(a) for a in amounts)), bold=last)
    pdf.ln(3)
    total = c["total"]
    pdf.line_of("THU (tổng hợp)", "Số tiền (đồng)", "Số lượt", bold=True)
    for line in total["money_in"]:
        pdf.line_of(line["label"], line["amount"], line.get("count", ""))
    pdf.line_of("CHI (tổng hợp)", "Số tiền (đồng)", "Số lượt", bold=True)
    for line in total["money_out"]:
        pdf.line_of(line["label"], line["amount"], line.get("count", ""))
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        6,
        f"Chuyển quỹ giữa các quỹ trên: {format_dong(c['internalTransfers'])} đồng "
        "(không tính vào tổng thu, tổng chi).\n"
        f"Số dư cuối kỳ bằng chữ: {in_words(total['closing'])}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        "Hội phí của hội viên là kinh phí hoạt động của Hội, quản lý riêng, "
        "không thuộc Quỹ Khuyến học và không có trong báo cáo này.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.signatures(
        issued or date.today(),
        ("Người lập biểu", "Thủ quỹ", "TM. BAN ĐIỀU HÀNH QUỸ\nCHỦ TỊCH"),
    )
    return bytes(pdf.output())
