"""The report dict (gateway/reports/compose.py) over an in-memory fake of the services' RPCs:
every figure is what the fake holds, a province's equals the sum of its communes', a commune
formed in 2025 reports its predecessors' 2024 figures under their names, unknown numbers stay
None, and the calls stay O(years), not one per child per year per figure."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from gateway.reports.compose import ReportYearsError, build_report, issuer
from khuyenhoc.vocabulary import TITLES
from services.scoring.domain.progress import progress
from services.scoring.targets import load_shipped

SHAPE_KEYS = {
    "unit", "issuer", "from_year", "to_year", "generated_on", "population", "households",
    "members", "members_share_of_population", "branches", "branches_total", "titles",
    "community_ratings", "awards", "fund", "progress", "progress_by_year", "children", "notes",
}  # fmt: skip

PROVINCE = {"_id": "20:2025:20", "tenant": "20", "scheme": "2025", "code": "20",
            "name": "Tỉnh Lạng Sơn", "level": "province", "path": "20", "parent_code": None,
            "valid_from": "2025-07-01", "valid_to": None, "predecessors": []}  # fmt: skip
OLD_A = {"_id": "20:2024:06184", "tenant": "20", "code": "06184", "name": "Thị trấn Đồng Đăng",
         "level": "commune", "path": "20/183/06184"}  # fmt: skip
OLD_B = {"_id": "20:2024:06190", "tenant": "20", "code": "06190", "name": "Xã Hoàng Đồng",
         "level": "commune", "path": "20/183/06190"}  # fmt: skip
COMMUNE_A = {"_id": "20:2025:06184", "tenant": "20", "scheme": "2025", "code": "06184",
             "name": "Phường Đồng Đăng", "level": "commune", "path": "20/06184",
             "parent_code": "20", "valid_from": "2025-07-01", "valid_to": None,
             "predecessors": [{"id": OLD_A["_id"], "path": OLD_A["path"]},
                              {"id": OLD_B["_id"], "path": OLD_B["path"]}]}  # fmt: skip
COMMUNE_B = {"_id": "20:2024:06187", "tenant": "20", "scheme": "2024", "code": "06187",
             "name": "Xã Tân Liên", "level": "commune", "path": "20/06187", "parent_code": "20",
             "valid_from": None, "valid_to": None, "predecessors": []}  # fmt: skip
BRANCH = {"_id": "20:b:1", "tenant": "20", "code": "06187-001", "name": "Chi hội thôn Nà Pàn",
          "level": "branch", "path": "20/06187/06187-001"}  # fmt: skip
UNITS = {u["_id"]: u for u in (PROVINCE, OLD_A, OLD_B, COMMUNE_A, COMMUNE_B, BRANCH)}

# Figures at leaf paths, per year; every level's figure is the sum at or below it.
STATS = {
    ("20/183/06184", 2024): {"FAMILY": {"registered": 100, "recognised": 90},
                             "COMMUNE_COMMUNITY": {"registered": 1, "recognised": 1,
                                                   "recognised_level_2": 1}},
    ("20/183/06190", 2024): {"FAMILY": {"registered": 50, "recognised": 40}},
    ("20/06184", 2025): {"FAMILY": {"registered": 160, "recognised": 150},
                         "CITIZEN": {"registered": 30, "recognised": 20}},
    ("20/06187", 2024): {"FAMILY": {"registered": 10, "recognised": 7},
                         "COMMUNE_COMMUNITY": {"registered": 1, "recognised": 1,
                                               "recognised_level_2": 1}},
    ("20/06187", 2025): {"FAMILY": {"registered": 12, "recognised": 12}},
    ("20/06187", 2023): {"COMMUNE_COMMUNITY": {"registered": 1, "recognised": 1,
                                               "recognised_level_2": 1}},
}  # fmt: skip
ASSOCIATION = {("20/06184", 2025): {"members": 300, "branches": 3},
               ("20/06187", 2025): {"members": 40, "branches": 1}}  # fmt: skip
KINDS = {("20/06184", 2025): {"residential": 2, "school": 1},
         ("20/06187", 2025): {"clan": 1}}  # fmt: skip
DENOMINATORS = {("20/06184", 2025): {"population": 1000, "households": 250, "adults": 600},
                ("20/183/06184", 2024): {"population": 700, "households": 180},
                ("20/183/06190", 2024): {"population": 280, "households": 60},
                ("20/06187", 2025): {"population": 200, "households": 40}}  # fmt: skip
FUND = {("20/183/06184", 2024): {"donations_total": 5_000_000, "disbursed_total": 1_000_000,
                                 "balance": 4_000_000, "awards_count": 3,
                                 "awards_amount": 900_000},
        ("20/06184", 2025): {"donations_total": 2_000_000, "disbursed_total": 500_000,
                             "balance": 5_500_000, "awards_count": 2, "awards_amount": 400_000},
        ("20/06187", 2025): {"donations_total": 300_000, "disbursed_total": 0,
                             "balance": 300_000}}  # fmt: skip


def below(path: str, leaf: str) -> bool:
    return leaf == path or leaf.startswith(path + "/")


def rolled(table: dict, path: str, year: int) -> dict:
    total: dict = {}
    for (leaf, y), value in table.items():
        if y == year and below(path, leaf):
            add(total, value)
    return total


def add(total: dict, value: dict) -> None:
    for key, item in value.items():
        if isinstance(item, dict):
            add(total.setdefault(key, {}), item)
        elif isinstance(item, int):
            total[key] = total.get(key, 0) + item


class Registration:
    def __init__(self, calls: Counter) -> None:
        self.calls = calls

    def get_unit(self, code: str, tenant: str | None = None, at: str | None = None):
        self.calls["get_unit"] += 1
        return next(u for u in (COMMUNE_A, COMMUNE_B, PROVINCE) if u["code"] == code)

    def get_units(self, ids: list[str]) -> list[dict]:
        self.calls["get_units"] += 1
        return [UNITS[i] for i in ids]

    def children_many(self, ids: list[str]) -> dict:
        self.calls["children_many"] += 1
        kids = {PROVINCE["_id"]: [COMMUNE_A, COMMUNE_B], COMMUNE_B["_id"]: [BRANCH]}
        return {i: kids.get(i, []) for i in ids}

    def figure_paths_many(self, ids: list[str], year: int) -> dict:
        self.calls["figure_paths_many"] += 1
        answer = {}
        for i in ids:
            unit = UNITS[i]
            start = unit.get("valid_from")
            early = start and year < int(start[:4]) and unit.get("predecessors")
            answer[i] = [p["path"] for p in unit["predecessors"]] if early else [unit["path"]]
        return answer

    def unit_figures_many(self, tenant: str, paths: list[str], year: int) -> dict:
        self.calls["unit_figures_many"] += 1
        return {p: rolled(ASSOCIATION, p, year) for p in paths}

    def branch_kinds_many(self, tenant: str, paths: list[str], year: int) -> dict:
        self.calls["branch_kinds_many"] += 1
        return {p: rolled(KINDS, p, year) for p in paths}

    def denominators_of(self, tenant: str, paths: list[str], year: int) -> dict:
        self.calls["denominators_of"] += 1
        total: dict = {}
        for path in paths:
            add(total, rolled(DENOMINATORS, path, year))
        answer: dict[str, Any] = {k: total.get(k) for k in ("population", "households",
                                                            "adults", "clans", "hamlets",
                                                            "units", "staff")}  # fmt: skip
        return {**answer, "mountain": False, "sources": [], "incomplete": False}

    def denominators_many(self, tenant: str, paths: list[str], year: int) -> dict:
        self.calls["denominators_many"] += 1
        answers = {}
        for path in paths:
            self.calls["denominators_of"] -= 1  # the same answer, not a call of its own
            answers[path] = self.denominators_of(tenant, [path], year)
        return answers


class Scoring:
    def __init__(self, calls: Counter) -> None:
        self.calls = calls

    def stats_many(self, tenant: str, paths: list[str], year: int) -> dict:
        self.calls["stats_many"] += 1
        return {p: rolled(STATS, p, year) for p in paths}

    def progress_of(self, tenant, paths, year, denominators, mountain) -> list[dict]:
        """The real rules over the shipped targets, on the fake's counters."""
        self.calls["progress_of"] += 1
        figures: dict = {}
        for path in paths:
            add(figures, rolled(STATS, path, year))
        return progress(load_shipped(), [], year, figures, denominators, mountain)

    def rating_levels(self, title: str, years: list[int], tenant: str) -> list[dict]:
        self.calls["rating_levels"] += 1
        old = [{"level": 1, "rating": "Trung bình"}, {"level": 2, "rating": "Khá"},
               {"level": 3, "rating": "Tốt"}]  # fmt: skip
        new = [{"level": 1, "rating": "Khá"}, {"level": 2, "rating": "Tốt"}]
        return [
            {"year": y, "decision": "25/2023/TT-BGDĐT" if y >= 2024 else "44/2014/TT-BGDĐT",
             "levels": new if y >= 2024 else old}
            for y in years
        ]  # fmt: skip


class Fund:
    def __init__(self, calls: Counter) -> None:
        self.calls = calls

    def report_figures_many(self, tenant, paths, first, last) -> dict:
        self.calls["report_figures_many"] += 1
        # years come back as strings over the wire (JSON object keys)
        return {p: {str(y): rolled(FUND, p, y) for y in range(first, last + 1)} for p in paths}


class FakeRpc:
    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.registration = Registration(self.calls)
        self.scoring = Scoring(self.calls)
        self.fund = Fund(self.calls)


TODAY = date(2026, 1, 15)


def report(unit: dict, first: int = 2024, last: int = 2025) -> tuple[dict, Counter]:
    rpc = FakeRpc()
    return build_report(rpc, unit, first, last, today=TODAY), rpc.calls


def title(found: dict, name: str, year: int) -> dict:
    return next(r for r in found["titles"] if r["title"] == name and r["year"] == year)


def test_the_report_has_every_key_of_the_shape() -> None:
    found, _ = report(COMMUNE_A)
    assert set(found) == SHAPE_KEYS
    assert found["generated_on"] == "2026-01-15"
    assert len(found["titles"]) == 2 * len(TITLES)
    assert [r["year"] for r in found["titles"][: len(TITLES)]] == [2024] * len(TITLES)
    assert [r["title"] for r in found["titles"][: len(TITLES)]] == list(TITLES)


def test_a_commune_formed_in_2025_reports_its_predecessors_2024() -> None:
    found, _ = report(COMMUNE_A)
    assert found["unit"]["names"] == {2024: "Thị trấn Đồng Đăng, Xã Hoàng Đồng",
                                      2025: "Phường Đồng Đăng"}  # fmt: skip
    assert found["issuer"] == "Hội Khuyến học phường Đồng Đăng"
    family_2024 = title(found, "FAMILY", 2024)
    assert (family_2024["registered"], family_2024["recognised"]) == (150, 130)
    assert family_2024["rate_of_registered"] == round(130 / 150, 4)
    assert family_2024["denominator"] == 240 and family_2024["denominator_name"] == "hộ gia đình"
    assert family_2024["rate_of_denominator"] == round(130 / 240, 4)
    family_2025 = title(found, "FAMILY", 2025)
    assert (family_2025["registered"], family_2025["recognised"]) == (160, 150)
    assert any("2024" in n and "Thị trấn Đồng Đăng" in n for n in found["notes"])


def test_the_figures_of_to_year() -> None:
    found, _ = report(COMMUNE_A)
    assert (found["population"], found["households"], found["members"]) == (1000, 250, 300)
    assert found["members_share_of_population"] == 0.3
    assert found["branches"] == [
        {"kind": "residential", "kind_name": "Chi hội khu dân cư/thôn", "count": 2},
        {"kind": "school", "kind_name": "Chi hội trường học", "count": 1},
    ]
    assert found["branches_total"] == 3
    assert found["awards"] == {
        "count": 5,
        "amount": 1_300_000,
        "by_year": [
            {"year": 2024, "count": 3, "amount": 900_000},
            {"year": 2025, "count": 2, "amount": 400_000},
        ],
    }
    assert found["fund"]["donations_total"] == 7_000_000
    assert found["fund"]["disbursed_total"] == 1_500_000
    assert found["fund"]["balance"] == 5_500_000
    family = found["progress"][0]
    assert family["target"]["code"] == "QD387.FAMILY.2025"
    assert (family["numerator"], family["denominator"], family["met"]) == (150, 250, False)
    adults = next(r for r in found["progress"] if r["target"]["code"] == "QD677.ADULTS.2025")
    assert (adults["numerator"], adults["denominator"]) == (20, 600)
    assert set(found["progress_by_year"]) == {2024, 2025}


def test_unknown_denominators_stay_none() -> None:
    found, _ = report(COMMUNE_A)
    citizen = title(found, "CITIZEN", 2025)
    assert citizen["denominator"] == 600 and citizen["denominator_name"] == "người lớn"
    clan = title(found, "CLAN", 2025)
    assert clan["denominator"] is None and clan["rate_of_denominator"] is None
    assert clan["rate_of_registered"] is None  # nothing registered: no rate, not 0
    community = title(found, "COMMUNE_COMMUNITY", 2025)
    assert community["denominator"] is None and community["denominator_name"] is None


def test_the_commune_community_rating_is_named_by_the_set_in_force() -> None:
    found, _ = report(COMMUNE_B)
    assert found["community_ratings"] == [
        {"year": 2024, "level": 2, "label": "Tốt", "source": "TT 25/2023/TT-BGDĐT"},
        {"year": 2025, "level": None, "label": None, "source": None},
    ]
    # before 2024, TT 44/2014's three ratings: level 2 is Khá
    old, _ = report(COMMUNE_B, 2023, 2024)
    assert old["community_ratings"][0] == {
        "year": 2023, "level": 2, "label": "Khá", "source": "TT 44/2014/TT-BGDĐT"
    }  # fmt: skip


def test_a_provinces_figures_are_the_sum_of_its_communes() -> None:
    found, _ = report(PROVINCE)
    assert found["issuer"] == "Hội Khuyến học tỉnh Lạng Sơn"
    children = found["children"]
    assert [c["code"] for c in children] == ["06184", "06187"]  # the branch is not a level
    for name in ("registered", "recognised"):
        for t in TITLES:
            assert title(found, t, 2025)[name] == sum(c[name][t] for c in children)
    assert found["population"] == sum(c["population"] for c in children) == 1200
    assert found["members"] == sum(c["members"] for c in children) == 340
    assert found["fund"]["donations_total"] == sum(c["donations_total"] for c in children)
    # several communes rated in 2024: no single level, said so
    assert found["community_ratings"][0]["level"] is None
    assert any("nhiều xã" in n for n in found["notes"])


def test_calls_grow_with_years_not_with_children_times_years() -> None:
    _, two = report(PROVINCE, 2024, 2025)
    _, ten = report(PROVINCE, 2016, 2025)
    assert ten["stats_many"] <= 10 + 1 and ten["report_figures_many"] == 2
    assert ten["figure_paths_many"] <= 2 * 10  # the province's, and its communes' together
    assert ten["unit_figures_many"] <= 2 and ten["children_many"] == 1
    # the unit's denominators once a year; its children's in one call for to_year
    assert ten["denominators_of"] == 10 and ten["denominators_many"] == 1


def test_the_period_is_one_to_ten_years() -> None:
    with pytest.raises(ReportYearsError):
        build_report(FakeRpc(), COMMUNE_A, 2016, 2026)
    with pytest.raises(ReportYearsError):
        build_report(FakeRpc(), COMMUNE_A, 2025, 2024)


def test_issuer_lower_cases_the_kind() -> None:
    assert issuer("Thành phố Hà Nội") == "Hội Khuyến học thành phố Hà Nội"
    assert issuer("Thị trấn Đồng Đăng") == "Hội Khuyến học thị trấn Đồng Đăng"
