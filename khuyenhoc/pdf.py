"""The platform's printable PDFs share one thing: DejaVu Sans (regular and bold, vendored in
``fonts/`` with its licence), which has every Vietnamese glyph. Services and the gateway build
their documents on :func:`vietnamese_pdf`."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"


def add_fonts(pdf: FPDF) -> None:
    """Register DejaVu Sans as ``DejaVu`` (styles ``""`` and ``"B"``)."""
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))


def vietnamese_pdf(orientation: str = "P") -> FPDF:
    """An empty A4 document (``"P"`` portrait, ``"L"`` landscape) with the fonts registered."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    add_fonts(pdf)
    return pdf
