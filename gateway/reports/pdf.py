"""The report as a PDF laid out like the official report (A4 landscape: the tables are wide):
heading block, place and date, title, numbered sections with their tables (headers repeated
on each page a table runs onto), notes, signature block and "Nơi nhận". DejaVu Sans, embedded
(:mod:`khuyenhoc.pdf`), has every Vietnamese glyph."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fpdf import FPDF

from gateway.reports.layout import SIGN_HINT, Document, compose, text_of
from khuyenhoc.pdf import FAMILY, TableColumn, add_fonts, draw_table

WIDTH = 277.0  # A4 landscape between 10 mm margins
LEFT_BLOCK = 110.0  # the issuing body's block
RIGHT_X = 150.0  # the motto's and the signer's block


class _Pdf(FPDF):
    """Page numbers at the foot of every page."""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, "", 7)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")


def report_pdf(report: Mapping[str, Any]) -> bytes:
    """The report (``build_report``'s dict) as a PDF."""
    return document_pdf(compose(report))


def _new() -> FPDF:
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.alias_nb_pages()
    return pdf


def _centred(
    pdf: FPDF, x: float, y: float, width: float, text: str, size: float, bold: bool
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, size * 0.45, text, align="C")


def document_pdf(doc: Document) -> bytes:
    pdf = _new()
    pdf.set_title(doc.file_title)
    pdf.set_creator("Nền tảng Khuyến học")
    pdf.add_page()
    _heading(pdf, doc)
    for section in doc.sections:
        _need(pdf, 30)
        pdf.ln(2)
        if section.heading:
            pdf.set_font(FAMILY, "B", 11)
            pdf.multi_cell(WIDTH, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
        for line in section.lines:
            pdf.set_font(FAMILY, "", 8.5)
            pdf.multi_cell(WIDTH, 4.2, line, new_x="LMARGIN", new_y="NEXT")
        for caption, table in section.tables:
            if caption:
                _need(pdf, 25)
                pdf.set_font(FAMILY, "B", 10)
                pdf.multi_cell(WIDTH, 5.5, caption, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            columns = [TableColumn(c.header, c.width, c.align, c.group) for c in table.columns]
            rows = (([text_of(v) for v in values], bold) for values, bold in table.rows)
            draw_table(pdf, columns, rows, size=8)
            pdf.ln(2)
    _closing(pdf, doc)
    return bytes(pdf.output())


def _need(pdf: FPDF, height: float) -> None:
    """A new page when less than ``height`` mm is left (no heading alone at a page's foot)."""
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()


def _heading(pdf: FPDF, doc: Document) -> None:
    y = 10.0
    for line in doc.issuer:
        _centred(pdf, 10, y, LEFT_BLOCK, line, 11, True)
        y += 5.2
    pdf.line(10 + LEFT_BLOCK / 2 - 15, y + 0.8, 10 + LEFT_BLOCK / 2 + 15, y + 0.8)
    if doc.number_line:
        _centred(pdf, 10, y + 2.5, LEFT_BLOCK, doc.number_line, 10, False)
    _centred(pdf, RIGHT_X, 10, WIDTH + 10 - RIGHT_X, doc.motto[0], 11, True)
    _centred(pdf, RIGHT_X, 15.2, WIDTH + 10 - RIGHT_X, doc.motto[1], 11, True)
    middle = RIGHT_X + (WIDTH + 10 - RIGHT_X) / 2
    pdf.line(middle - 26, 21, middle + 26, 21)
    _centred(pdf, RIGHT_X, 24, WIDTH + 10 - RIGHT_X, doc.place_and_date, 10, False)
    y = max(y + 10, 34.0)
    for index, line in enumerate(doc.title):
        _centred(pdf, 10, y, WIDTH, line, 14 if index == 0 else 11.5, True)
        y = pdf.get_y() + (1.5 if index == 0 else 0.5)
    pdf.set_xy(10, y + 2)


def _closing(pdf: FPDF, doc: Document) -> None:
    if doc.notes:
        _need(pdf, 20)
        pdf.ln(1)
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(WIDTH, 6, "Ghi chú:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        for note in doc.notes:
            pdf.multi_cell(WIDTH, 4.6, f"- {note}", new_x="LMARGIN", new_y="NEXT")
    if not doc.signature and not doc.recipients:
        return
    _need(pdf, 50)
    y = pdf.get_y() + 4
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_xy(10, y)
    pdf.cell(LEFT_BLOCK, 5, "Nơi nhận:")
    pdf.set_font(FAMILY, "", 9)
    for index, line in enumerate(doc.recipients, start=1):
        pdf.set_xy(10, y + index * 4.8)
        pdf.cell(LEFT_BLOCK, 4.8, f"- {line}")
    right = WIDTH + 10 - RIGHT_X
    for index, line in enumerate(doc.signature):
        _centred(pdf, RIGHT_X, y + index * 5.5, right, line, 11, True)
    _centred(pdf, RIGHT_X, y + len(doc.signature) * 5.5 + 1, right, SIGN_HINT, 8.5, False)
