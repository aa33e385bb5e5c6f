"""The report (``gateway.reports.compose.build_report``'s dict) laid out as the official report
is: the heading block (issuing body left, the national motto right), the place and date, the
title with the unit and period, numbered sections each with its table, notes, the signature
block and "Nơi nhận". Pure: the xlsx and the PDF (:mod:`gateway.reports.xlsx`,
:mod:`gateway.reports.pdf`) render the same :class:`Document`.

Values keep their kind: ``int`` counts and đồng, :class:`Share` fractions (shown as 29,23%),
text, and ``None`` for a number not known, shown as "—" and explained in the notes (never 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.certificates import MOTTO, in_text, long_day, place
from khuyenhoc.vocabulary import TITLE_NAMES

UNKNOWN = "—"
UNKNOWN_NOTE = "Dấu “—”: chưa có số liệu (không phải số 0)."
TOTAL_UNKNOWN_NOTE = (
    "Dòng “Tổng cộng” để “—” ở cột có đơn vị chưa có số liệu: không cộng thiếu thành số thấp hơn."
)
PROVISIONAL = "tạm tính"
MET = {True: "Đạt", False: "Chưa đạt", None: "Không có số liệu"}
# Short names of the titles for the children table's narrow columns.
TITLE_SHORT = {
    "FAMILY": "GĐHT",
    "CLAN": "DHHT",
    "COMMUNITY": "CĐHT thôn",
    "COMMUNE_COMMUNITY": "CĐHT xã",
    "UNIT": "ĐVHT",
    "CITIZEN": "CDHT",
}
CHILD_TITLES = ("FAMILY", "CLAN", "COMMUNITY", "UNIT", "CITIZEN")
RECIPIENTS_ABOVE = "Hội Khuyến học cấp trên (để báo cáo);"
SIGNATURE = ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH")
SIGN_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"


class Share(float):
    """A fraction 0..1 shown as a percentage with a decimal comma (``0.2923`` → ``29,23%``)."""


Value = int | Share | str | None


def number(value: int) -> str:
    """``1234567`` → ``1.234.567`` (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float) -> str:
    """``0.2923`` → ``29,23%``."""
    return f"{value * 100:.2f}%".replace(".", ",")


def text_of(value: Value) -> str:
    """A value as printed."""
    if value is None:
        return UNKNOWN
    if isinstance(value, Share):
        return percent(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number(value)
    return str(value)


def share(value: float | None) -> Share | None:
    return None if value is None else Share(value)


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # mm on A4 landscape (277 mm between margins)
    align: str = "R"
    group: str | None = None


@dataclass
class Table:
    columns: tuple[Column, ...]
    rows: list[tuple[tuple[Value, ...], bool]] = field(default_factory=list)

    def add(self, *values: Value, bold: bool = False) -> None:
        if len(values) != len(self.columns):
            raise ValueError("a row has one value per column")
        self.rows.append((values, bold))


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    tables: list[tuple[str | None, Table]] = field(default_factory=list)


@dataclass
class Document:
    issuer: tuple[str, ...]
    number_line: str
    motto: tuple[str, str]
    place_and_date: str
    title: tuple[str, ...]
    sections: list[Section]
    notes: list[str]
    signature: tuple[str, ...]
    recipients: tuple[str, ...]
    file_title: str


# -- the document ------------------------------------------------------------------------------


def issuer_lines(issuer: str) -> tuple[str, ...]:
    """``Hội Khuyến học phường Đồng Đăng`` → ``("HỘI KHUYẾN HỌC", "PHƯỜNG ĐỒNG ĐĂNG")``."""
    head = "Hội Khuyến học"
    if issuer.startswith(head + " "):
        return (head.upper(), issuer[len(head) + 1 :].upper())
    return (issuer.upper(),)


def period_text(report: Mapping[str, Any]) -> str:
    first, last = report["from_year"], report["to_year"]
    return f"năm {last}" if first == last else f"giai đoạn {first} - {last}"


def compose(report: Mapping[str, Any]) -> Document:
    """The report as its paper layout."""
    unit = report["unit"]
    notes: list[str] = []
    sections = [
        organisation(report),
        models(report),
        community(report),
        fund_and_awards(report),
        progress(report),
    ]
    if report.get("children"):
        sections.append(children(report, notes))
    for number_, section in enumerate(sections, start=1):
        section.heading = f"{ROMAN[number_]}. {section.heading}"
    notes[:0] = list(report.get("notes") or [])
    notes += renamed(report)
    if any(
        v is None for s in sections for _, t in s.tables for values, _ in t.rows for v in values
    ):
        notes.append(UNKNOWN_NOTE)
    title: tuple[str, ...] = (
        "BÁO CÁO",
        f"Kết quả công tác khuyến học, khuyến tài, xây dựng xã hội học tập {period_text(report)}",
        f"trên địa bàn {in_text(unit['name'])}",
    )
    if report["to_year"] > report["from_year"]:
        title += ("(Sơ kết thực hiện Kết luận số 49-KL/TW của Ban Bí thư)",)
    day = str(report["generated_on"])  # ISO; a date object reads the same
    where = place(unit["name"])
    return Document(
        issuer=issuer_lines(report["issuer"]),
        number_line="Số:       /BC-HKH",
        motto=MOTTO,
        place_and_date=f"{where}, {long_day(day)}" if where else long_day(day).capitalize(),
        title=title,
        sections=sections,
        notes=notes,
        signature=SIGNATURE,
        recipients=(
            RECIPIENTS_ABOVE,
            f"Cấp ủy, Ủy ban nhân dân {in_text(unit['name'])} (để báo cáo);",
            "Lưu: VT.",
        ),
        file_title=f"Báo cáo {period_text(report)} – {report['issuer']}",
    )


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}


def renamed(report: Mapping[str, Any]) -> list[str]:
    """A note naming the unit as each year knew it, when its name changed in the period."""
    names = {int(y): n for y, n in (report["unit"].get("names") or {}).items()}
    if len(set(names.values())) < 2:
        return []
    spans: list[tuple[int, int, str]] = []
    for year in sorted(names):
        if spans and spans[-1][2] == names[year] and spans[-1][1] == year - 1:
            spans[-1] = (spans[-1][0], year, names[year])
        else:
            spans.append((year, year, names[year]))
    parts = [f"{a}: {n}" if a == b else f"{a} - {b}: {n}" for a, b, n in spans]
    return ["Tên đơn vị theo từng năm: " + "; ".join(parts) + "."]


# -- the sections ------------------------------------------------------------------------------


def organisation(report: Mapping[str, Any]) -> Section:
    table = Table(
        (
            Column("STT", 12, "C"),
            Column("Chỉ tiêu", 150, "L"),
            Column("Số liệu", 45),
            Column("Ghi chú", 70, "L"),
        )
    )
    at = f"năm {report['to_year']}"
    rows: list[tuple[str, Value, str]] = [
        (f"Chi hội, ban khuyến học: {b['kind_name']}", b["count"], "") for b in report["branches"]
    ]
    for index, (label, value, note) in enumerate(rows, start=1):
        table.add(str(index), label, value, note)
    table.add("", "Tổng số chi hội, ban khuyến học", report["branches_total"], at, bold=True)
    table.add("", "Số hội viên", report["members"], at)
    table.add("", "Dân số", report["population"], at)
    table.add("", "Số hộ gia đình", report["households"], at)
    table.add(
        "",
        "Tỷ lệ hội viên so với dân số",
        share(report["members_share_of_population"]),
        "số hội viên / dân số",
    )
    return Section("TỔ CHỨC HỘI", tables=[(None, table)])


def models(report: Mapping[str, Any]) -> Section:
    table = Table(
        (
            Column("Năm", 14, "C"),
            Column("Danh hiệu", 50, "L"),
            Column("Số đăng ký", 24),
            Column("Tổng số", 24, group="Được công nhận"),
            Column("Mức 1", 18, group="Được công nhận"),
            Column("Mức 2", 18, group="Được công nhận"),
            Column("Tỷ lệ % so với số đăng ký", 27),
            Column("Tổng số", 24, group="Mẫu số (toàn địa bàn)"),
            Column("Tính trên", 42, "L", group="Mẫu số (toàn địa bàn)"),
            Column("Tỷ lệ % so với mẫu số", 36),
        )
    )
    for row in report["titles"]:
        table.add(
            str(row["year"]),
            row.get("title_name") or TITLE_NAMES.get(row["title"], row["title"]),
            row["registered"],
            row["recognised"],
            row["recognised_level_1"],
            row["recognised_level_2"],
            share(row["rate_of_registered"]),
            row["denominator"],
            row.get("denominator_name") or UNKNOWN,
            share(row["rate_of_denominator"]),
        )
    lines = [
        "Tỷ lệ so với số đăng ký = số được công nhận / số đăng ký; tỷ lệ so với mẫu số = số được "
        "công nhận / tổng số trên địa bàn (hộ gia đình, dòng họ, thôn, đơn vị, người lớn) như các "
        "chỉ tiêu của Quyết định 387/QĐ-TTg và 677/QĐ-TTg tính."
    ]
    return Section("KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP", lines, [(None, table)])


def community(report: Mapping[str, Any]) -> Section:
    table = Table(
        (
            Column("Năm", 30, "C"),
            Column("Mức độ", 40, "C"),
            Column("Xếp loại", 60, "C"),
            Column("Căn cứ đánh giá", 147, "L"),
        )
    )
    for row in report["community_ratings"]:
        level = row.get("level")
        table.add(
            str(row["year"]),
            f"Mức độ {level}" if level else ("" if row.get("label") else None),  # TT 44: no level
            row.get("label"),
            row.get("source") or "",
        )
    return Section("CỘNG ĐỒNG HỌC TẬP CẤP XÃ", tables=[(None, table)])


def fund_and_awards(report: Mapping[str, Any]) -> Section:
    fund = report["fund"]
    money = Table(
        (
            Column("Năm", 40, "C"),
            Column("Tiền ủng hộ nhận được (đồng)", 79),
            Column("Đã chi (đồng)", 79),
            Column("Số dư cuối năm (đồng)", 79),
        )
    )
    for row in fund["by_year"]:
        money.add(str(row["year"]), row["donations_total"], row["disbursed_total"], row["balance"])
    money.add(
        "Cả giai đoạn",
        fund["donations_total"],
        fund["disbursed_total"],
        fund["balance"],
        bold=True,
    )
    awards = report["awards"]
    given = Table(
        (
            Column("Năm", 40, "C"),
            Column("Số lượt học sinh, sinh viên được khen thưởng", 118),
            Column("Số tiền (đồng)", 119),
        )
    )
    for row in awards["by_year"]:
        given.add(str(row["year"]), row["count"], row["amount"])
    given.add("Cả giai đoạn", awards["count"], awards["amount"], bold=True)
    return Section(
        "QUỸ KHUYẾN HỌC VÀ KHEN THƯỞNG",
        tables=[
            ("1. Quỹ khuyến học", money),
            ("2. Khen thưởng học sinh, sinh viên (học bổng, giải thưởng, tân sinh viên)", given),
        ],
    )


def _target_label(target: Mapping[str, Any]) -> str:
    label = f"{target['label']} ({target['decision']})"
    if target.get("overridden_by_province"):
        label += "; mục tiêu của tỉnh"
    if target.get("mountain"):
        label += "; mức vùng miền núi"
    return label


def verdict(row: Mapping[str, Any]) -> str:
    target = row["target"]
    said = MET[row.get("met")]
    if target.get("provisional"):
        reason = target.get("provisional_reason")
        said += f" ({PROVISIONAL}: {reason})" if reason else f" ({PROVISIONAL})"
    return said


def progress(report: Mapping[str, Any]) -> Section:
    table = Table(
        (
            Column("STT", 10, "C"),
            Column("Chỉ tiêu (văn bản)", 80, "L"),
            Column("Mục tiêu", 18),
            Column("Năm", 13, "C"),
            Column("Số lượng", 22, group="Tử số"),
            Column("Là số", 28, "L", group="Tử số"),
            Column("Số lượng", 22, group="Mẫu số"),
            Column("Là số", 24, "L", group="Mẫu số"),
            Column("Tỷ lệ đạt được", 20),
            Column("Đánh giá", 40, "L"),
        )
    )
    for index, row in enumerate(report["progress"], start=1):
        target = row["target"]
        table.add(
            str(index),
            _target_label(target),
            share(target.get("share")),
            str(target["milestone_year"]),
            row["numerator"],
            row.get("numerator_name") or "",
            row["denominator"],
            row.get("denominator_name") or "",
            share(row["share"]),
            verdict(row),
        )
    lines = [f"Số liệu năm {report['to_year']}, so với mục tiêu của mốc năm ghi ở cột “Năm”."]
    return Section("TIẾN ĐỘ SO VỚI MỤC TIÊU", lines, [(None, table)])


def _total(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def children(report: Mapping[str, Any], notes: list[str]) -> Section:
    columns = [
        Column("STT", 9, "C"),
        Column("Đơn vị", 44, "L"),
        Column("Dân số", 18),
        Column("Số hộ", 17),
        Column("Hội viên", 17),
    ]
    for title in CHILD_TITLES:
        columns += [
            Column("Đăng ký", 14, group=TITLE_SHORT[title]),
            Column("Công nhận", 14, group=TITLE_SHORT[title]),
        ]
    columns.append(Column("Ủng hộ quỹ (đồng)", 32))
    table = Table(tuple(columns))
    found = report["children"]
    for index, child in enumerate(found, start=1):
        registered, recognised = child.get("registered") or {}, child.get("recognised") or {}
        per_title: list[Value] = []
        for title in CHILD_TITLES:
            per_title += [registered.get(title, 0), recognised.get(title, 0)]
        table.add(
            str(index),
            child["name"],
            child.get("population"),
            child.get("households"),
            child.get("members"),
            *per_title,
            child.get("donations_total"),
        )
    sums: list[Value] = []
    for key in ("population", "households", "members"):
        sums.append(_total([c.get(key) for c in found]))
    for title in CHILD_TITLES:
        for part in ("registered", "recognised"):
            sums.append(sum((c.get(part) or {}).get(title, 0) for c in found))
    sums.append(_total([c.get("donations_total") for c in found]))
    table.add("", "Tổng cộng", *sums, bold=True)
    if any(v is None for v in sums):
        notes.append(TOTAL_UNKNOWN_NOTE)
    names = ", ".join(f"{TITLE_SHORT[t]}: {TITLE_NAMES[t]}" for t in CHILD_TITLES)
    lines = [
        f"Theo bản đồ hành chính năm {report['to_year']}; số liệu năm {report['to_year']}. {names}."
    ]
    return Section("CÁC ĐƠN VỊ TRỰC THUỘC", lines, [(None, table)])
