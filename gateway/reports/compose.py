"""The report of a unit over some years (the five-year review, Kết luận 49-KL/TW), as one
dict: what the GraphQL ``report`` field answers and the xlsx / PDF files are drawn from
(/work/shared/lead/report_shape.md). Figures come through :mod:`gateway.reports.sources`;
this module only arranges them. Unknown numbers stay None, never an invented 0.

Cost: O(years) calls for the unit (figure paths, titles, denominators, progress per year; the
fund's years in one call) and O(years) for its children, read together as one generation —
with their denominators in one call (``Sources.denominators_each``).
The caller checks scope before calling :func:`build_report`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from gateway.loader import Figures, Unit
from gateway.reports.sources import Sources, summed
from khuyenhoc.vocabulary import FIGURES, TITLE_NAMES, TITLES

MAX_YEARS = 10
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# What a title's programme share is of (the denominator entered for the unit and year).
TITLE_DENOMINATORS: dict[str, str | None] = {
    "FAMILY": "households",
    "CLAN": "clans",
    "COMMUNITY": "hamlets",
    "COMMUNE_COMMUNITY": None,
    "UNIT": "units",
    "CITIZEN": "adults",
}
DENOMINATOR_NAMES = {
    "households": "hộ gia đình",
    "clans": "dòng họ",
    "hamlets": "thôn, bản, tổ dân phố",
    "units": "cơ quan, trường học, doanh nghiệp trên địa bàn",
    "adults": "người lớn",
}
BRANCH_KINDS = {  # the order the official tables list them in
    "residential": "Chi hội khu dân cư/thôn",
    "school": "Chi hội trường học",
    "clan": "Chi hội dòng họ",
    "agency": "Chi hội cơ quan/doanh nghiệp",
    "board": "Ban khuyến học",
}


class ReportYearsError(ValueError):
    """The period asked is not 1 to 10 years, first before last."""


def check_years(from_year: int, to_year: int) -> None:
    if from_year > to_year or to_year - from_year >= MAX_YEARS:
        raise ReportYearsError(f"{from_year}-{to_year}")


def vietnam_today() -> date:
    return datetime.now(UTC).astimezone(VIETNAM).date()


def build_report(
    rpc: Any, unit: dict, from_year: int, to_year: int, today: date | None = None
) -> dict:
    """The report of ``unit`` (a directory document) for ``from_year``..``to_year``."""
    check_years(from_year, to_year)
    today = today or vietnam_today()
    src = Sources(rpc)
    tenant = unit["tenant"]
    years = list(range(from_year, to_year + 1))
    paths = {y: src.figure_paths(unit, y) for y in years}
    titles = {y: src.titles(unit, y) for y in years}
    denominators = {y: src.denominators(tenant, paths[y], y) for y in years}
    notes: list[str] = []

    names = _names(src, unit, years, paths)
    last = denominators[to_year]
    association = src.association(unit, to_year)
    members = association.get("members")
    population = _number(last.get("population"))
    kinds = src.branch_kinds(tenant, paths[to_year], to_year)
    branches = [
        {"kind": kind, "kind_name": BRANCH_KINDS.get(kind, kind), "count": kinds[kind]}
        for kind in sorted(kinds, key=_kind_order)
    ]
    fund = src.fund_years(tenant, _union(paths.values()), from_year, to_year)
    fund_by_year = {y: summed(fund, paths[y], y) for y in years}
    progress_by_year = {y: src.progress(tenant, paths[y], y, denominators[y]) for y in years}

    report = {
        "unit": {
            "code": unit["code"],
            "name": unit["name"],
            "level": unit.get("level"),
            "path": unit["path"],
            "tenant": tenant,
            "scheme": unit.get("scheme"),
            "names": names,
        },
        "issuer": issuer(names[to_year]),
        "from_year": from_year,
        "to_year": to_year,
        "generated_on": today.isoformat(),
        "population": population,
        "households": _number(last.get("households")),
        "members": members,
        "members_share_of_population": _rate(members, population),
        "branches": branches,
        "branches_total": association.get("branches")
        if association.get("branches") is not None
        else sum(kinds.values()),
        "titles": [
            _title_row(title, y, titles[y].get(title) or {}, denominators[y])
            for y in years
            for title in TITLES
        ],
        "community_ratings": _ratings(src, unit, years, titles, paths, notes),
        "awards": _awards(fund_by_year, years),
        "fund": _fund(fund_by_year, years),
        "progress": progress_by_year[to_year],
        "progress_by_year": progress_by_year,
        "children": _children(src, unit, tenant, years, today),
        "notes": notes,
    }
    notes[:0] = _notes(unit, names, paths, denominators, report)
    return report


# -- pieces ----------------------------------------------------------------------------------


def issuer(name: str) -> str:
    """ "Hội Khuyến học phường Đồng Đăng": the unit's name with its kind in lower case."""
    return f"Hội Khuyến học {name[:1].lower()}{name[1:]}" if name else "Hội Khuyến học"


def _number(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    return int(value)


def _rate(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def _kind_order(kind: str) -> tuple[int, str]:
    order = list(BRANCH_KINDS)
    return (order.index(kind) if kind in order else len(order), kind)


def _union(groups: Iterable[list[str]]) -> list[str]:
    return list(dict.fromkeys(p for group in groups for p in group))


def _title_row(
    title: str, year: int, figures: dict[str, int], denominators: dict[str, Any]
) -> dict[str, Any]:
    counts = {name: int(figures.get(name) or 0) for name in FIGURES}
    key = TITLE_DENOMINATORS.get(title)
    denominator = _number(denominators.get(key)) if key else None
    return {
        "title": title,
        "title_name": TITLE_NAMES[title],
        "year": year,
        "registered": counts["registered"],
        "recognised": counts["recognised"],
        "recognised_level_1": counts["recognised_level_1"],
        "recognised_level_2": counts["recognised_level_2"],
        "rate_of_registered": _rate(counts["recognised"], counts["registered"]),
        "denominator": denominator,
        "denominator_name": DENOMINATOR_NAMES.get(key) if key else None,
        "rate_of_denominator": _rate(counts["recognised"], denominator),
    }


def _names(
    src: Sources, unit: Unit, years: list[int], paths: dict[int, list[str]]
) -> dict[int, str]:
    """The unit's name on each year's day: its predecessors' before it was formed."""
    own = [unit["path"]]
    earlier = [y for y in years if paths[y] != own]
    if not earlier:
        return {year: str(unit["name"]) for year in years}
    links = unit.get("predecessors") or []
    found = src.units([link["id"] for link in links if link.get("id")])
    by_path = {u["path"]: u["name"] for u in found}
    names = {}
    for year in years:
        if year in earlier:
            old = [by_path[p] for p in paths[year] if p in by_path]
            names[year] = ", ".join(dict.fromkeys(old)) or unit["name"]
        else:
            names[year] = unit["name"]
    return names


def _ratings(
    src: Sources,
    unit: Unit,
    years: list[int],
    titles: dict[int, Figures],
    paths: dict[int, list[str]],
    notes: list[str],
) -> list[dict[str, Any]]:
    """The commune community's rating each year: the level of its one recognition, named by
    the set in force that year (TT 44/2014: 1 Trung bình, 2 Khá, 3 Tốt until 2023; TT 25/2023:
    1 Khá, 2 Tốt). None where there is no single commune's recognition (a district, a
    province, a commune formed from several)."""
    levels: dict[int, int | None] = {}
    several = []
    for year in years:
        figures = titles[year].get("COMMUNE_COMMUNITY") or {}
        if int(figures.get("recognised") or 0) != 1:
            if int(figures.get("recognised") or 0) > 1:
                several.append(year)
            levels[year] = None
            continue
        held = [n for n in (3, 2, 1) if int(figures.get(f"recognised_level_{n}") or 0)]
        levels[year] = held[0] if held else None
    if several:
        notes.append(
            "Xếp loại Cộng đồng học tập cấp xã các năm "
            + ", ".join(map(str, several))
            + " không ghi một mức vì địa bàn gồm nhiều xã được công nhận (xem từng xã)."
        )
    meaning = src.rating_levels(unit["tenant"], years) if any(levels.values()) else {}
    rows = []
    for year in years:
        level = levels[year]
        found = meaning.get(year) or {}
        label = next(
            (lv.get("rating") for lv in found.get("levels") or [] if lv.get("level") == level),
            None,
        )
        rows.append(
            {
                "year": year,
                "level": level,
                "label": label if level is not None else None,
                "source": _decision_name(found.get("decision")) if level is not None else None,
            }
        )
    return rows


def _decision_name(number: str | None) -> str | None:
    if not number:
        return None
    if "/TT-" in number:
        return f"TT {number}"
    return f"QĐ {number}" if "/QĐ-" in number else number


def _awards(fund_by_year: dict[int, dict[str, int | None]], years: list[int]) -> dict:
    by_year = [
        {
            "year": y,
            "count": int(fund_by_year[y]["awards_count"] or 0),
            "amount": int(fund_by_year[y]["awards_amount"] or 0),
        }
        for y in years
    ]
    return {
        "count": sum(r["count"] for r in by_year),
        "amount": sum(r["amount"] for r in by_year),
        "by_year": by_year,
    }


def _fund(fund_by_year: dict[int, dict[str, int | None]], years: list[int]) -> dict:
    by_year = [
        {
            "year": y,
            "donations_total": int(fund_by_year[y]["donations_total"] or 0),
            "disbursed_total": int(fund_by_year[y]["disbursed_total"] or 0),
            "balance": int(fund_by_year[y]["balance"] or 0),
        }
        for y in years
    ]
    return {
        "donations_total": sum(r["donations_total"] for r in by_year),
        "disbursed_total": sum(r["disbursed_total"] for r in by_year),
        "balance": by_year[-1]["balance"],
        "by_year": by_year,
    }


def _children(
    src: Sources, unit: Unit, tenant: str, years: list[int], today: date
) -> list[dict[str, Any]]:
    """The level below on ``to_year``'s map, with their figures of ``to_year`` (members,
    titles, population and households) and their donations over the period."""
    to_year = years[-1]
    day = min(today, date(to_year, 12, 31)).isoformat()
    on_map = src.unit_at(unit["code"], tenant, day) or unit
    children = src.children(on_map)
    if not children:
        return []
    child_paths = {(c["_id"], y): src.figure_paths(c, y) for y in years for c in children}
    fund = src.fund_years(tenant, _union(child_paths.values()), years[0], to_year)
    counts = src.denominators_each(
        tenant, {c["_id"]: child_paths[(c["_id"], to_year)] for c in children}, to_year
    )
    rows = []
    for child in children:
        figures = src.titles(child, to_year)
        association = src.association(child, to_year)
        denominators = counts[child["_id"]]
        donations = sum(
            int(summed(fund, child_paths[(child["_id"], y)], y)["donations_total"] or 0)
            for y in years
        )
        rows.append(
            {
                "code": child["code"],
                "name": child["name"],
                "level": child.get("level"),
                "population": _number(denominators.get("population")),
                "households": _number(denominators.get("households")),
                "members": association.get("members"),
                "registered": {
                    t: int((figures.get(t) or {}).get("registered") or 0) for t in TITLES
                },
                "recognised": {
                    t: int((figures.get(t) or {}).get("recognised") or 0) for t in TITLES
                },
                "donations_total": donations,
            }
        )
    return rows


def _notes(
    unit: Unit,
    names: dict[int, str],
    paths: dict[int, list[str]],
    denominators: dict[int, dict[str, Any]],
    report: dict[str, Any],
) -> list[str]:
    """What a reader must know to read the figures right (Vietnamese)."""
    notes = []
    earlier = [y for y in names if paths[y] != [unit["path"]]]
    if earlier:
        notes.append(
            f"Số liệu các năm {_years(earlier)} của {unit['name']} lấy từ các đơn vị trước khi "
            f"sắp xếp: {names[earlier[-1]]}."
        )
    notes.append(
        "Tỷ lệ so với số đăng ký = số được công nhận / số đăng ký. Tỷ lệ so với mẫu số = số được "
        "công nhận / tổng số hộ gia đình, dòng họ, thôn (tổ dân phố), đơn vị, người lớn trên địa "
        "bàn: tỷ lệ dùng để so với mục tiêu của Chương trình (Quyết định 387/QĐ-TTg, 677/QĐ-TTg; "
        "2016–2020: Quyết định 281/QĐ-TTg)."
    )
    missing = [y for y, d in denominators.items() if d.get("households") is None]
    if missing:
        notes.append(
            "Chưa nhập mẫu số (số hộ, dòng họ, thôn, đơn vị, người lớn) các năm "
            f"{_years(missing)}: tỷ lệ so với mẫu số và tiến độ so với mục tiêu để trống."
        )
    short: dict[str, list[int]] = {}
    for year, found in denominators.items():
        for name in found.get("incomplete") or []:
            if name in DENOMINATOR_NAMES and found.get(name) is not None:
                short.setdefault(name, []).append(year)
    for name, years in short.items():
        notes.append(
            f"Số {DENOMINATOR_NAMES[name]} các năm {_years(years)} là tổng của các đơn vị trực "
            "thuộc đã nhập: có đơn vị chưa nhập, số thực tế có thể lớn hơn."
        )
    for row in report["progress"]:
        target = row["target"]
        if target.get("provisional"):
            notes.append(f"Mục tiêu {target['code']} tạm tính: {target['provisional_reason']}")
        for why in row.get("missing") or []:
            if row["numerator"] is None:
                notes.append(f"Mục tiêu {target['code']}: {why}")
    if report["children"]:
        notes.append(
            f"Các đơn vị trực thuộc theo bản đồ hành chính năm {report['to_year']}; số liệu của "
            f"năm {report['to_year']}, số tiền quỹ nhận ủng hộ tính cả giai đoạn."
        )
    return notes


# How each denominator is named in a note.
DENOMINATOR_NAMES = {
    "population": "dân",
    "households": "hộ gia đình",
    "adults": "người lớn",
    "clans": "dòng họ",
    "hamlets": "thôn, tổ dân phố",
    "units": "cơ quan, trường học, doanh nghiệp",
    "staff": "cán bộ, người lao động",
}


def _years(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))
