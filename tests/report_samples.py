"""A town's five-year report as ``gateway.reports.compose.build_report`` answers it (the shape
in the lead's report_shape), for the file tests: seed 004's town (Đồng Đăng, 2021-2025),
renamed a ward in 2025, with values not known and provisional progress rows."""

from __future__ import annotations

from typing import Any

YEARS = range(2021, 2026)
TITLE_NAMES = {
    "FAMILY": "Gia đình học tập",
    "CLAN": "Dòng họ học tập",
    "COMMUNITY": "Cộng đồng học tập cấp thôn",
    "COMMUNE_COMMUNITY": "Cộng đồng học tập cấp xã",
    "UNIT": "Đơn vị học tập",
    "CITIZEN": "Công dân học tập",
}
DENOMINATORS = {
    "FAMILY": (2480, "hộ gia đình"),
    "CLAN": (5, "dòng họ"),
    "COMMUNITY": (7, "thôn, tổ dân phố"),
    "COMMUNE_COMMUNITY": (1, "xã, phường"),
    "UNIT": (9, "cơ quan, trường học, doanh nghiệp"),
    "CITIZEN": (None, "người lớn"),
}
FAMILIES = {2021: 1250, 2022: 1280, 2023: 1300, 2024: 1302, 2025: 1310}  # 6,442 in all
RECOGNISED = {"CLAN": 3, "COMMUNITY": 7, "COMMUNE_COMMUNITY": 1, "UNIT": 7, "CITIZEN": 0}
AWARDS = {
    2021: (80, 15_000_000),
    2022: (82, 15_200_000),
    2023: (84, 15_300_000),
    2024: (85, 15_330_000),
    2025: (85, 15_350_000),
}  # 416 awards, 76,180,000 đồng


def _title_row(title: str, year: int) -> dict[str, Any]:
    recognised = FAMILIES[year] if title == "FAMILY" else RECOGNISED[title]
    registered = recognised + (40 if title == "FAMILY" else 0)
    if title == "CITIZEN":
        registered = 0
    denominator, name = DENOMINATORS[title]
    return {
        "title": title,
        "title_name": TITLE_NAMES[title],
        "year": year,
        "registered": registered,
        "recognised": recognised,
        "recognised_level_1": 0,
        "recognised_level_2": 1 if title == "COMMUNE_COMMUNITY" and year >= 2024 else 0,
        "rate_of_registered": recognised / registered if registered else None,
        "denominator": denominator,
        "denominator_name": name,
        "rate_of_denominator": recognised / denominator if denominator else None,
    }


def _target(code: str, label: str, share: float, **more: Any) -> dict[str, Any]:
    return {
        "code": code,
        "decision": "Quyết định 387/QĐ-TTg ngày 25/3/2022",
        "label": label,
        "share": share,
        "milestone_year": 2025,
        "source": "https://vanban.chinhphu.vn/",
        "provisional": False,
        "provisional_reason": None,
        "mountain": False,
        "overridden_by_province": False,
        **more,
    }


def progress_rows() -> list[dict[str, Any]]:
    return [
        {
            "target": _target(
                "QD387.FAMILY.2025", "Tỷ lệ hộ gia đình đạt danh hiệu Gia đình học tập", 0.70
            ),
            "numerator": 1310,
            "numerator_name": "gia đình được công nhận",
            "denominator": 2480,
            "denominator_name": "hộ gia đình",
            "share": 1310 / 2480,
            "met": False,
        },
        {
            "target": _target(
                "QD387.CLAN.2025", "Tỷ lệ dòng họ đạt danh hiệu Dòng họ học tập", 0.65
            ),
            "numerator": 3,
            "numerator_name": "dòng họ được công nhận",
            "denominator": 5,
            "denominator_name": "dòng họ",
            "share": 0.6,
            "met": False,
        },
        {
            "target": _target(
                "QD387.COMMUNITY.2025",
                "Tỷ lệ thôn, tổ dân phố đạt danh hiệu Cộng đồng học tập",
                0.65,
            ),
            "numerator": 7,
            "numerator_name": "thôn, tổ dân phố được công nhận",
            "denominator": 7,
            "denominator_name": "thôn, tổ dân phố",
            "share": 1.0,
            "met": True,
        },
        {
            "target": _target(
                "QD677.CITIZEN.2025",
                "Tỷ lệ người lớn trong gia đình, dòng họ, cộng đồng học tập đạt danh hiệu "
                "Công dân học tập",
                0.40,
                decision="Quyết định 677/QĐ-TTg ngày 03/6/2022",
                provisional=True,
                provisional_reason="chưa có số người lớn của phường",
            ),
            "numerator": 0,
            "numerator_name": "công dân học tập",
            "denominator": None,
            "denominator_name": "người lớn",
            "share": None,
            "met": None,
        },
    ]


def town_report() -> dict[str, Any]:
    """Phường Đồng Đăng (the town of seed 004 before 1 July 2025), 2021-2025."""
    names = {year: "Thị trấn Đồng Đăng" for year in range(2021, 2025)}
    names[2025] = "Phường Đồng Đăng"
    by_year_fund = []
    balance = 12_000_000
    for year in YEARS:
        donations, disbursed = 30_000_000 + 1_000_000 * (year - 2021), 24_500_000
        balance += donations - disbursed
        by_year_fund.append(
            {
                "year": year,
                "donations_total": donations,
                "disbursed_total": disbursed,
                "balance": balance,
            }
        )
    return {
        "unit": {
            "code": "06184",
            "name": "Phường Đồng Đăng",
            "level": "commune",
            "path": "20/06184",
            "tenant": "20",
            "scheme": "2025",
            "names": names,
        },
        "issuer": "Hội Khuyến học phường Đồng Đăng",
        "from_year": 2021,
        "to_year": 2025,
        "generated_on": "2026-11-30",
        "population": 9230,
        "households": 2480,
        "members": 2698,
        "members_share_of_population": 0.2923,
        "branches": [
            {"kind": "residential", "kind_name": "Chi hội khu dân cư/thôn", "count": 7},
            {"kind": "school", "kind_name": "Chi hội trường học", "count": 3},
            {"kind": "clan", "kind_name": "Ban khuyến học dòng họ", "count": 3},
            {"kind": "board", "kind_name": "Ban khuyến học của phường", "count": 1},
        ],
        "branches_total": 14,
        "titles": [_title_row(title, year) for year in YEARS for title in TITLE_NAMES],
        "community_ratings": [
            {"year": year, "level": None, "label": "Tốt", "source": "TT 44/2014/TT-BGDĐT"}
            for year in range(2021, 2024)
        ]
        + [{"year": 2024, "level": 2, "label": "Tốt", "source": "TT 25/2023/TT-BGDĐT"}]
        + [{"year": 2025, "level": None, "label": None, "source": None}],
        "awards": {
            "count": sum(c for c, _ in AWARDS.values()),
            "amount": sum(a for _, a in AWARDS.values()),
            "by_year": [
                {"year": year, "count": count, "amount": amount}
                for year, (count, amount) in AWARDS.items()
            ],
        },
        "fund": {
            "donations_total": sum(r["donations_total"] for r in by_year_fund),
            "disbursed_total": sum(r["disbursed_total"] for r in by_year_fund),
            "balance": balance,
            "by_year": by_year_fund,
        },
        "progress": progress_rows(),
        "progress_by_year": {2025: progress_rows()},
        "children": [],
        "notes": [
            "Số liệu các năm 2021 - 2024 là của thị trấn Đồng Đăng trước khi sắp xếp đơn vị "
            "hành chính ngày 01/7/2025."
        ],
    }


def with_children(report: dict[str, Any]) -> dict[str, Any]:
    """The same report with three residential groups below it, one without population."""
    report["children"] = [
        {
            "code": "06184-01",
            "name": "Khối 1",
            "population": 1320,
            "households": 350,
            "members": 390,
            "registered": {"FAMILY": 190},
            "recognised": {"FAMILY": 181},
            "donations_total": 4_500_000,
        },
        {
            "code": "06184-02",
            "name": "Khối Tà Lài",
            "population": None,
            "households": 410,
            "members": 402,
            "registered": {"FAMILY": 230, "CLAN": 1},
            "recognised": {"FAMILY": 214, "CLAN": 1},
            "donations_total": 5_100_000,
        },
        {
            "code": "06184-03",
            "name": "Thôn Nà Chuông",
            "population": 1105,
            "households": 298,
            "members": 355,
            "registered": {"FAMILY": 170},
            "recognised": {"FAMILY": 166},
            "donations_total": 3_250_000,
        },
    ]
    return report
