"""The platform's printable PDFs share one thing: DejaVu Sans (regular and bold, vendored in
``fonts/`` with its licence), which has every Vietnamese glyph. Services and the gateway build
their documents on :func:`vietnamese_pdf`; tables that run over pages on :func:`draw_table`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


# -- tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableColumn:
    """A column of :func:`draw_table`: its header, width (mm) and alignment (``"L"``, ``"C"``,
    ``"R"``). Consecutive columns with the same ``group`` share a header cell above theirs."""

    header: str
    width: float
    align: str = "L"
    group: str | None = None


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken into the lines a cell of ``width`` mm holds (one line when it fits)."""
    if not text:
        return [""]
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin and "\n" not in text:
        return [text]
    lines = pdf.multi_cell(width, 4, text, dry_run=True, output="LINES")
    return list(lines) if isinstance(lines, list) and lines else [""]


def _row_cells(
    pdf: FPDF,
    x: float,
    y: float,
    cells: Sequence[tuple[float, str, str]],
    height: float,
    line: float,
    fill: bool,
) -> None:
    """Boxes of one row, each with its lines, vertically centred."""
    for width, text, align in cells:
        pdf.rect(x, y, width, height, style="DF" if fill else "D")
        lines = _lines(pdf, text, width)
        top = y + (height - len(lines) * line) / 2
        for index, piece in enumerate(lines):
            measured = pdf.get_string_width(piece)
            if align == "R":
                left = x + width - pdf.c_margin - measured
            elif align == "C":
                left = x + (width - measured) / 2
            else:
                left = x + pdf.c_margin
            pdf.text(left, top + index * line + line * 0.75, piece)
        x += width


def _header_height(pdf: FPDF, columns: Sequence[TableColumn], line: float) -> float:
    return max(len(_lines(pdf, c.header, c.width)) for c in columns) * line + 2


def draw_table(
    pdf: FPDF,
    columns: Sequence[TableColumn],
    rows: Iterable[tuple[Sequence[str], bool]],
    size: float = 8,
    header_fill: tuple[int, int, int] = (221, 235, 247),
) -> None:
    """A bordered table at the current position: a header row (and a row of group headers
    above it when columns are grouped), repeated on every page it runs onto, then ``rows``
    (texts, bold) whose cells wrap. The page breaks between rows, never inside one."""
    line = size * 0.42
    x = pdf.l_margin
    grouped = any(c.group for c in columns)

    def header() -> None:
        pdf.set_font(FAMILY, "B", size)
        pdf.set_fill_color(*header_fill)
        y = pdf.get_y()
        bottom = _header_height(pdf, columns, line)
        top = _header_height(pdf, [c for c in columns if c.group], line) if grouped else 0.0
        if grouped:  # group cells on top; ungrouped columns' headers span both rows
            left = x
            index = 0
            while index < len(columns):
                column = columns[index]
                if column.group is None:
                    _row_cells(
                        pdf, left, y, [(column.width, column.header, "C")], top + bottom, line, True
                    )
                    left += column.width
                    index += 1
                    continue
                span = [c for c in columns[index:]]
                span = span[
                    : next((i for i, c in enumerate(span) if c.group != column.group), len(span))
                ]
                total = sum(c.width for c in span)
                _row_cells(pdf, left, y, [(total, column.group, "C")], top, line, True)
                _row_cells(
                    pdf, left, y + top, [(c.width, c.header, "C") for c in span], bottom, line, True
                )
                left += total
                index += len(span)
        else:
            _row_cells(pdf, x, y, [(c.width, c.header, "C") for c in columns], bottom, line, True)
        pdf.set_y(y + top + bottom)

    header()
    limit = pdf.h - pdf.b_margin
    for texts, bold in rows:
        pdf.set_font(FAMILY, "B" if bold else "", size)
        height = (
            max(len(_lines(pdf, text, c.width)) for text, c in zip(texts, columns, strict=True))
            * line
            + 1.6
        )
        if pdf.get_y() + height > limit:
            pdf.add_page()
            header()
            pdf.set_font(FAMILY, "B" if bold else "", size)
        y = pdf.get_y()
        cells = [(c.width, text, c.align) for text, c in zip(texts, columns, strict=True)]
        _row_cells(pdf, x, y, cells, height, line, False)
        pdf.set_y(y + height)
