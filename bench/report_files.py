"""The time to render a province's five-year report as .xlsx and PDF (issue 14): a synthetic
report with 200 communes below it (100,000 households), 5 years, every section filled.

    .venv/bin/python -m bench.report_files [--communes 200] [--years 5]

Prints the seconds each file takes (no assertion: the machine is shared). Only the files are
timed; building the report's figures is ``gateway.reports.compose``'s and benched there."""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from gateway.reports.pdf import report_pdf
from gateway.reports.xlsx import report_xlsx
from khuyenhoc.vocabulary import TITLE_NAMES, TITLES

HOUSEHOLDS = 100_000
DENOMINATOR_NAMES = {
    "FAMILY": "hộ gia đình",
    "CLAN": "dòng họ",
    "COMMUNITY": "thôn, tổ dân phố",
    "COMMUNE_COMMUNITY": "xã, phường",
    "UNIT": "cơ quan, trường học, doanh nghiệp",
    "CITIZEN": "người lớn",
}
SYLLABLES = ("Hòa", "Bình", "Tân", "Phú", "Đồng", "Xuân", "Thạch", "Lộc", "Yên", "Quảng", "Hữu")


def province_report(communes: int = 200, years: int = 5, seed: int = 14) -> dict[str, Any]:
    """A province's report as ``build_report`` answers it, with ``communes`` children."""
    rng = random.Random(seed)
    first, last = 2026 - years, 2025
    per = HOUSEHOLDS // communes
    children = []
    for index in range(communes):
        name = f"Xã {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {index + 1}"
        registered = {t: rng.randint(0, per) for t in ("FAMILY", "CITIZEN")}
        registered |= {t: rng.randint(0, 12) for t in ("CLAN", "COMMUNITY", "UNIT")}
        children.append(
            {
                "code": f"{10000 + index}",
                "name": name,
                "population": per * 4 if index % 17 else None,
                "households": per,
                "members": per,
                "registered": registered,
                "recognised": {t: n * 9 // 10 for t, n in registered.items()},
                "donations_total": rng.randint(0, 200) * 1_000_000,
            }
        )
    titles = []
    for year in range(first, last + 1):
        for title in TITLES:
            count = rng.randint(1000, HOUSEHOLDS)
            recognised = count * 9 // 10
            titles.append(
                {
                    "title": title,
                    "title_name": TITLE_NAMES[title],
                    "year": year,
                    "registered": count,
                    "recognised": recognised,
                    "recognised_level_1": 0,
                    "recognised_level_2": 0,
                    "rate_of_registered": recognised / count,
                    "denominator": HOUSEHOLDS if title == "FAMILY" else None,
                    "denominator_name": DENOMINATOR_NAMES[title],
                    "rate_of_denominator": recognised / HOUSEHOLDS if title == "FAMILY" else None,
                }
            )
    fund_years = [
        {
            "year": y,
            "donations_total": 5_020_000_000,
            "disbursed_total": 4_100_000_000,
            "balance": 920_000_000 * (y - first + 1),
        }
        for y in range(first, last + 1)
    ]
    target = {
        "code": "QD387.FAMILY.2025",
        "decision": "Quyết định 387/QĐ-TTg ngày 25/3/2022",
        "label": "Tỷ lệ hộ gia đình đạt danh hiệu Gia đình học tập",
        "share": 0.70,
        "milestone_year": 2025,
        "source": "",
        "provisional": False,
        "provisional_reason": None,
        "mountain": False,
        "overridden_by_province": False,
    }
    progress = [
        {
            "target": target,
            "numerator": 71_000,
            "numerator_name": "gia đình được công nhận",
            "denominator": HOUSEHOLDS,
            "denominator_name": "hộ gia đình",
            "share": 0.71,
            "met": True,
        }
    ]
    return {
        "unit": {
            "code": "20",
            "name": "Tỉnh Lạng Sơn",
            "level": "province",
            "path": "20",
            "tenant": "20",
            "scheme": "2025",
            "names": {},
        },
        "issuer": "Hội Khuyến học tỉnh Lạng Sơn",
        "from_year": first,
        "to_year": last,
        "generated_on": "2026-11-30",
        "population": HOUSEHOLDS * 4,
        "households": HOUSEHOLDS,
        "members": 110_000,
        "members_share_of_population": 0.275,
        "branches": [
            {"kind": "residential", "kind_name": "Chi hội khu dân cư/thôn", "count": 1800}
        ],
        "branches_total": 1800,
        "titles": titles,
        "community_ratings": [
            {"year": y, "level": None, "label": None, "source": None}
            for y in range(first, last + 1)
        ],
        "awards": {
            "count": 41_600,
            "amount": 7_618_000_000,
            "by_year": [
                {"year": y, "count": 8320, "amount": 1_523_600_000} for y in range(first, last + 1)
            ],
        },
        "fund": {
            "donations_total": 25_100_000_000,
            "disbursed_total": 20_500_000_000,
            "balance": fund_years[-1]["balance"],
            "by_year": fund_years,
        },
        "progress": progress,
        "progress_by_year": {last: progress},
        "children": children,
        "notes": [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    report = province_report(args.communes, args.years)
    for name, render in (("xlsx", report_xlsx), ("pdf", report_pdf)):
        started = time.perf_counter()
        content = render(report)
        took = time.perf_counter() - started
        print(
            f"{name}: {took:.2f} s, {len(content) / 1024:.0f} KiB "
            f"({args.communes} communes, {args.years} years)"
        )


if __name__ == "__main__":
    main()
