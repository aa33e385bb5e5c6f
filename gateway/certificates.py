"""Certificates (giấy công nhận): the printable PDF of a decided list and what the public
verification (``verifyCertificate``, the page /xac-minh) reads behind each QR code.

Scoring says what was recognised (``scoring.certificates``, ``scoring.verify_certificate``:
numbers, codes, statuses); registration says who the holders are and where
(``enrolment_names``, ``get_unit``). This module only composes and renders: one A4 landscape
page per certificate (fpdf2, DejaVu Sans from :mod:`khuyenhoc.pdf`, the QR code drawn as
vector squares with segno); the page itself is gateway/web/public.py's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
from fpdf import FPDF

from khuyenhoc.pdf import FAMILY, vietnamese_pdf
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import initials
from khuyenhoc.vocabulary import TITLE_NAMES

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
HEADING = "GIẤY CÔNG NHẬN"
# How the holder is introduced, by kind of subject (registration's kinds).
HOLDER_LABELS = {
    "household": "Công nhận gia đình ông/bà (chủ hộ)",
    "clan": "Công nhận dòng họ",
    "community": "Công nhận cộng đồng",
    "learning_unit": "Công nhận đơn vị",
    "citizen": "Công nhận ông/bà",
    "commune": "Công nhận",
}
STATUS_TEXT = {
    "valid": "Còn hiệu lực",
    "expired": "Đã hết hiệu lực",
    "revoked": "Đã bị thu hồi",
}
# Administrative prefixes dropped where a document names its place ("Đồng Đăng, ngày ...").
PLACE_PREFIXES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Phường",
    "Xã",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Đặc khu",
)
# Where the QR code sits on a page (mm, A4 landscape 297 x 210): tests decode it from here.
QR_X, QR_Y, QR_SIZE = 24.0, 150.0, 34.0
SIGNER_Y = 138.0  # the place and date, then the signer's block
CRIMSON = (150, 20, 20)
INK = (20, 20, 20)


@dataclass(frozen=True)
class Page:
    """One certificate as printed: every line ready, nothing left to look up."""

    number: str
    code: str
    authority: tuple[str, ...]
    title_name: str
    year: int
    level: int | None
    holder_label: str
    holder_name: str
    unit_line: str
    decision_line: str
    valid_until: str | None
    place_and_date: str
    signer_position: str | None
    signer: str
    verify_url: str
    revoked_on: str | None = None


# -- words and dates -------------------------------------------------------------------------


def day_text(iso: str) -> str:
    """``2024-11-30`` → ``30/11/2024``."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def long_day(iso: str) -> str:
    """``2024-11-30`` → ``ngày 30 tháng 11 năm 2024`` (as administrative documents write it)."""
    day = date.fromisoformat(iso)
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place(name: str) -> str:
    """``Thị trấn Đồng Đăng`` → ``Đồng Đăng``."""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def level_text(level: int | None) -> str:
    return f"Mức độ {level}" if level else ""


def verify_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/verify/{code}"


def in_text(name: str) -> str:
    """A unit's name inside a sentence: ``Thị trấn Đồng Đăng`` → ``thị trấn Đồng Đăng``."""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix + " "):
            return prefix.lower() + name[len(prefix) :]
    return name


@dataclass(frozen=True)
class Issuer:
    """Who issued the decision: the lines of the document's top-left block, the name in a
    sentence, and the place a document of theirs is dated at."""

    lines: tuple[str, ...]
    name: str
    place: str


def issuer(unit: Mapping[str, Any] | None, given: str | None) -> Issuer:
    """The decision's own authority when it names one, else the People's Committee of the
    unit that decided."""
    where = place(unit["name"]) if unit else ""
    if given:
        lines = tuple(line.strip().upper() for line in given.split("\n") if line.strip())
        return Issuer(lines, " ".join(line.strip() for line in given.split("\n")), where)
    if unit is None:
        return Issuer(("ỦY BAN NHÂN DÂN",), "Ủy ban nhân dân", where)
    return Issuer(
        ("ỦY BAN NHÂN DÂN", unit["name"].upper()), f"Ủy ban nhân dân {in_text(unit['name'])}", where
    )


# -- composing pages from the services' answers ----------------------------------------------


class Units:
    """Directory units by code as of a day, each asked once (a file names a handful)."""

    def __init__(self, rpc: Any, tenant: str) -> None:
        self.rpc = rpc
        self.tenant = tenant
        self.found: dict[tuple[str, str], dict[str, Any] | None] = {}

    def get(self, code: str, day: str) -> dict[str, Any] | None:
        if (code, day) not in self.found:
            self.found[code, day] = self.rpc.registration.get_unit(code, self.tenant, day)
        return self.found[code, day]

    def line(self, unitpath: str, day: str) -> str:
        """``Thị trấn Đồng Đăng, Huyện Cao Lộc, Tỉnh Lạng Sơn``: the unit and those above it."""
        codes = UnitPath.parse(unitpath).codes
        names = [u["name"] for u in (self.get(c, day) for c in reversed(codes)) if u]
        return ", ".join(names)


def pages(
    rpc: Any,
    tenant: str,
    listed: Mapping[str, Any],
    base_url: str,
) -> list[Page]:
    """The pages of one part of a decided list (``scoring.certificates``' answer): holders'
    full names (the certificate is the holder's own document) from registration."""
    found = listed["certificates"]
    names = rpc.registration.enrolment_names(tenant, [c["enrolment_id"] for c in found])
    units = Units(rpc, tenant)
    proposal = listed["proposal"]
    decided = proposal.get("decided") or {}
    made = []
    for cert in found:
        day = cert["decision_date"]
        by = issuer(
            units.get(_issuer_code(proposal, cert), day),
            cert.get("authority") or decided.get("authority"),
        )
        holder = names.get(cert["enrolment_id"]) or {}
        made.append(page(cert, holder.get("name") or "", by, units, base_url))
    return made


def _issuer_code(proposal: Mapping[str, Any], cert: Mapping[str, Any]) -> str:
    """Whose People's Committee decided: the list's unit, or the one above it for a commune's
    own learning community (TT 25/2023), unless the decision names its authority."""
    path = UnitPath.parse(proposal["unitpath"])
    if cert["title"] == "COMMUNE_COMMUNITY" and len(path.codes) > 1:
        return path.codes[-2]
    return str(proposal["unit_code"])


def page(
    cert: Mapping[str, Any],
    holder_name: str,
    by: Issuer,
    units: Units,
    base_url: str,
) -> Page:
    day = cert["decision_date"]
    return Page(
        number=cert["number"],
        code=cert["code"],
        authority=by.lines,
        title_name=TITLE_NAMES.get(cert["title"], cert["title"]),
        year=int(cert["year"]),
        level=cert.get("level"),
        holder_label=HOLDER_LABELS.get(cert["subject_kind"], "Công nhận"),
        holder_name=holder_name,
        unit_line=units.line(cert["unitpath"], day),
        decision_line=(
            f"Theo Quyết định số {cert['decision_number']} {long_day(day)} của {by.name}."
        ),
        valid_until=cert.get("valid_until"),
        place_and_date=f"{by.place}, {long_day(day)}" if by.place else long_day(day).capitalize(),
        signer_position=cert.get("signer_position"),
        signer=cert["signer"],
        verify_url=verify_url(base_url, cert["code"]),
        revoked_on=cert.get("revoked_on"),
    )


# -- rendering ---------------------------------------------------------------------------------


def qr_blocks(url: str) -> tuple[int, list[tuple[int, int, int, int]]]:
    """The QR code of ``url`` (error correction M, the mask the standard's penalty rules pick)
    as its width in modules and dark rectangles ``(row, column, width, height)``: runs of dark
    modules in a row, merged with the same run in the rows below (a third of the squares)."""
    code = segno.make(url, error="m", micro=False)
    open_blocks: dict[tuple[int, int], list[int]] = {}  # (column, width) -> [row, height]
    blocks = []
    rows = code.matrix
    for y, row in enumerate(rows):
        runs = set()
        x, size = 0, len(row)
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.add((start, x - start))
            x += 1
        for run in list(open_blocks):
            if run not in runs:
                top, height = open_blocks.pop(run)
                blocks.append((top, run[0], run[1], height))
        for run in runs:
            if run in open_blocks:
                open_blocks[run][1] += 1
            else:
                open_blocks[run] = [y, 1]
    blocks += [(top, run[0], run[1], height) for run, (top, height) in open_blocks.items()]
    return len(rows), sorted(blocks)


def draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (crisp at any zoom and in print); the quiet zone
    around it is the page's white."""
    width, blocks = qr_blocks(url)
    module = size / width
    pdf.set_fill_color(0, 0, 0)
    for row, column, across, down in blocks:
        pdf.rect(x + column * module, y + row * module, across * module, down * module, style="F")


def _centred(
    pdf: FPDF,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    x: float = 10.0,
    width: float = 277.0,
    colour: tuple[int, int, int] = INK,
    shrink_to: float | None = None,
) -> float:
    """A line centred in ``[x, x + width]`` with its top at ``y``, first made smaller down to
    ``shrink_to`` points to fit, then wrapped (a long name or decision number); returns where
    the next line may start. Plain text is ten times faster to set than a wrapped cell."""
    pdf.set_text_color(*colour)
    style = "B" if bold else ""
    pdf.set_font(FAMILY, style, size)
    measured = pdf.get_string_width(text)
    while shrink_to and measured > width and size > shrink_to:
        size = max(shrink_to, size - 1)
        pdf.set_font(FAMILY, style, size)
        measured = pdf.get_string_width(text)
    line = size * 0.45
    if measured <= width:
        pdf.text(x + (width - measured) / 2, y + line * 0.75, text)
        return y + line
    pdf.set_xy(x, y)
    pdf.multi_cell(width, line, text, align="C")
    return float(pdf.get_y())


def draw_page(pdf: FPDF, p: Page) -> float:
    """One certificate on a new page; returns where its body ends (the signer's block starts
    at ``SIGNER_Y``)."""
    pdf.add_page()
    pdf.set_draw_color(*CRIMSON)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 275, 188)
    # the issuing authority (left) and the national motto (right)
    y = 16.0
    for line in p.authority:
        _centred(pdf, y, line, 11, bold=True, x=14, width=120)
        y += 5.5
    pdf.set_draw_color(*INK)
    pdf.line(59, y + 1.2, 89, y + 1.2)
    _centred(pdf, y + 4, f"Số: {p.number}", 10, x=14, width=120)
    _centred(pdf, 16, MOTTO[0], 11, bold=True, x=150, width=132)
    _centred(pdf, 21.5, MOTTO[1], 11, bold=True, x=150, width=132)
    pdf.line(190, 27, 242, 27)
    # the certificate
    _centred(pdf, 40, HEADING, 30, bold=True, colour=CRIMSON)
    _centred(pdf, 56, p.title_name.upper(), 22, bold=True, colour=CRIMSON)
    subtitle = f"Năm {p.year}" + (f" - {level_text(p.level)}" if p.level else "")
    _centred(pdf, 68, subtitle, 15, bold=True)
    y = _centred(pdf, 80, p.holder_label, 13) + 2.5
    y = _centred(pdf, y, p.holder_name, 20, bold=True, x=20, width=257, shrink_to=13) + 3.5
    y = _centred(pdf, y, p.unit_line, 12, x=20, width=257, shrink_to=9) + 4.5
    reached = f'Đạt danh hiệu "{p.title_name}" năm {p.year}'
    reached += f", {level_text(p.level).lower()}." if p.level else "."
    y = _centred(pdf, y, reached, 12, x=20, width=257) + 2
    y = _centred(pdf, y, p.decision_line, 11, x=20, width=257, shrink_to=8) + 2
    if p.valid_until:
        y = _centred(pdf, y, f"Có giá trị đến hết ngày {day_text(p.valid_until)}.", 11) + 2
    body_end = y
    # the signer (right), the QR code and how to check it (left)
    _centred(pdf, SIGNER_Y, p.place_and_date, 11, x=150, width=132)
    y = SIGNER_Y + 6
    if p.signer_position:
        for line in p.signer_position.upper().split("\n"):
            _centred(pdf, y, line, 11, bold=True, x=150, width=132)
            y += 5.5
    _centred(pdf, 178, p.signer, 12, bold=True, x=150, width=132)
    draw_qr(pdf, p.verify_url, QR_X, QR_Y, QR_SIZE)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(QR_X + QR_SIZE + 3, QR_Y + 8)
    pdf.multi_cell(
        85,
        4,
        f"Mã tra cứu: {p.code}\nQuét mã QR hoặc mở:\n{p.verify_url}",
        align="L",
    )
    return body_end


def render(pages_: Iterable[Page], between_pages: Callable[[], None] | None = None) -> bytes:
    """The PDF: one A4 landscape page per certificate. ``between_pages`` runs after each page
    (the gateway yields to other requests there: rendering is CPU work)."""
    pdf = vietnamese_pdf("L")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(HEADING)
    pdf.set_creator("Nền tảng Khuyến học")
    for p in pages_:
        draw_page(pdf, p)
        if between_pages:
            between_pages()
    if pdf.page == 0:
        raise ValueError("a certificate file has at least one page")
    return bytes(pdf.output())


def cooperative() -> None:
    """Let other requests run between pages (``time.sleep`` is eventlet's in the gateway)."""
    time.sleep(0)


# -- the public verification -------------------------------------------------------------------


def verification(rpc: Any, code: str) -> dict[str, Any] | None:
    """What a certificate's code stands for, as anyone may read it (no token): status, title,
    year, level, decision, unit and the holder named as the province posts names. None when
    the code is unknown or altered, the same for every province."""
    found = rpc.scoring.verify_certificate(code)
    if not found:
        return None
    tenant = found["tenant"]
    named = rpc.registration.enrolment_names(tenant, [found["enrolment_id"]]) or {}
    holder = (named.get(found["enrolment_id"]) or {}).get("name") or ""
    unit = rpc.registration.get_unit(found["unit_code"], tenant, found["decision_date"])
    return {
        "code": found["code"],
        "number": found["number"],
        "status": found["status"],
        "status_text": STATUS_TEXT.get(found["status"], found["status"]),
        "revoked_on": found.get("revoked_on"),
        "title": found["title"],
        "title_name": TITLE_NAMES.get(found["title"], found["title"]),
        "year": found["year"],
        "level": found.get("level"),
        "decision_number": found["decision_number"],
        "decision_date": found["decision_date"],
        "valid_until": found.get("valid_until"),
        "unit_name": unit["name"] if unit else "",
        "holder_name": holder if found.get("holder_names") == "full" else initials(holder),
        "provisional": bool(found.get("provisional")),
    }
