"""Programme targets as data (QĐ 281, 387, 677/QĐ-TTg) and the pure progress rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.scoring import targets
from services.scoring.domain import Refused
from services.scoring.domain.progress import (
    DENOMINATORS,
    ProvinceTarget,
    applicable,
    check_override,
    progress,
    progress_row,
    with_overrides,
)

SHIPPED = targets.load_shipped()


def by_code(code: str) -> targets.Target:
    found = targets.by_code(code)
    assert found is not None
    return found


def test_every_shipped_target_has_a_source_and_a_known_denominator() -> None:
    assert len(SHIPPED) == 18
    for target in SHIPPED:
        assert target.sources and all("http" in s for s in target.sources), target.code
        assert target.denominator in DENOMINATORS
        assert target.valid_from <= target.milestone_year == target.valid_to
        assert target.provisional == (target.provisional_reason is not None)
        assert (target.numerator_title is None) == (target.numerator_missing is not None)


def test_the_shipped_shares() -> None:
    expected = {
        "QD281.FAMILY.2020": (0.70, 0.60),
        "QD281.CLAN.2020": (0.50, 0.40),
        "QD281.COMMUNITY.2020": (0.60, 0.50),
        "QD281.UNIT.2020": (0.50, None),
        "QD387.FAMILY.2025": (0.70, None),
        "QD387.CLAN.2025": (0.65, None),
        "QD387.COMMUNITY.2025": (0.65, None),
        "QD387.UNIT.2025": (0.80, None),
        "QD387.FAMILY.2030": (0.80, None),
        "QD387.CLAN.2030": (0.75, None),
        "QD387.COMMUNITY.2030": (0.75, None),
        "QD387.UNIT.2030": (0.90, None),
        "QD677.ADULTS.2025": (0.40, None),
        "QD677.STAFF.2025": (0.60, None),
        "QD677.DIGITAL.2025": (0.70, None),
        "QD677.ADULTS.2030": (0.60, None),
        "QD677.STAFF.2030": (0.80, None),
        "QD677.DIGITAL.2030": (0.90, None),
    }
    assert {t.code: (t.share, t.mountain_share) for t in SHIPPED} == expected
    assert by_code("QD387.FAMILY.2025").decision.text() == "Quyết định 387/QĐ-TTg ngày 25/3/2022"
    assert by_code("QD677.ADULTS.2025").decision.date == "2022-06-03"
    assert by_code("QD281.FAMILY.2020").decision.date == "2014-02-20"
    # the 2030 shares of QĐ 387 come from a provincial plan's quotation: labelled
    assert by_code("QD387.FAMILY.2030").provisional
    assert "291/KH-UBND" in (by_code("QD387.FAMILY.2030").provisional_reason or "")
    assert not by_code("QD387.FAMILY.2025").provisional
    assert by_code("QD677.ADULTS.2025").provisional  # an approximation, said so


@pytest.mark.parametrize(
    ("year", "prefix", "milestone"),
    [(2016, "QD281", 2020), (2020, "QD281", 2020), (2021, "QD", 2025), (2025, "QD", 2025)]
    + [(2026, "QD", 2030), (2030, "QD", 2030)],
)
def test_which_targets_apply_to_a_year(year: int, prefix: str, milestone: int) -> None:
    chosen = applicable(SHIPPED, year)
    assert chosen and all(t.code.startswith(prefix) for t in chosen)
    assert {t.milestone_year for t in chosen} == {milestone}
    if year >= 2021:
        assert {t.code.split(".")[0] for t in chosen} == {"QD387", "QD677"}
        assert len(chosen) == 7


def test_no_target_before_2016_or_after_2030() -> None:
    assert applicable(SHIPPED, 2015) == []
    assert applicable(SHIPPED, 2031) == []


def test_a_row_is_recognised_over_all_households() -> None:
    row = progress_row(
        by_code("QD387.FAMILY.2025"),
        {"FAMILY": {"registered": 1300, "recognised": 1250}},
        {"households": 3200},
        mountain=False,
    )
    assert row["numerator"] == 1250 and row["denominator"] == 3200
    assert row["share"] == pytest.approx(1250 / 3200)
    assert row["met"] is False
    assert row["denominator_name"] == "hộ gia đình"
    assert row["target"]["source"].startswith("http")


def test_met_when_the_share_reaches_the_target() -> None:
    row = progress_row(
        by_code("QD387.FAMILY.2025"), {"FAMILY": {"recognised": 70}}, {"households": 100}, False
    )
    assert row["met"] is True


def test_mountain_areas_are_measured_against_their_own_share() -> None:
    family = by_code("QD281.FAMILY.2020")
    figures, denominators = {"FAMILY": {"recognised": 65}}, {"households": 100}
    assert progress_row(family, figures, denominators, mountain=False)["met"] is False
    row = progress_row(family, figures, denominators, mountain=True)
    assert row["met"] is True and row["target"]["share"] == 0.60 and row["target"]["mountain"]
    # no mountain variant: the same share
    unit = progress_row(by_code("QD281.UNIT.2020"), {}, {"units": 10}, mountain=True)
    assert unit["target"]["share"] == 0.50 and unit["target"]["mountain"] is False


def test_an_unknown_denominator_leaves_share_and_met_unknown() -> None:
    row = progress_row(by_code("QD387.CLAN.2025"), {"CLAN": {"recognised": 3}}, {}, False)
    assert row["numerator"] == 3
    assert row["denominator"] is None and row["share"] is None and row["met"] is None
    assert row["missing"] == ["Chưa nhập số dòng họ (mẫu số)."]


def test_a_numerator_the_platform_does_not_record_is_never_invented() -> None:
    rows = progress(SHIPPED, [], 2024, {"CITIZEN": {"recognised": 40}}, {"staff": 50}, False)
    staff = next(r for r in rows if r["target"]["code"] == "QD677.STAFF.2025")
    assert staff["numerator"] is None and staff["share"] is None and staff["met"] is None
    assert staff["denominator"] == 50
    assert "chưa ghi nhận" in staff["missing"][0]
    digital = next(r for r in rows if r["target"]["code"] == "QD677.DIGITAL.2025")
    assert digital["numerator"] is None and digital["denominator"] == 40


def test_the_adults_target_is_an_approximation_labelled_provisional() -> None:
    rows = progress(SHIPPED, [], 2023, {"CITIZEN": {"recognised": 40}}, {"adults": 200}, False)
    adults = next(r for r in rows if r["target"]["code"] == "QD677.ADULTS.2025")
    assert adults["share"] == pytest.approx(0.2) and adults["met"] is False
    assert adults["target"]["provisional"] and "người lớn" in adults["target"]["provisional_reason"]


def _own(**changes: object) -> ProvinceTarget:
    base = ProvinceTarget("QD387.FAMILY.2025", 0.85, None, 2023, 2025, "KH 12/KH-UBND")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_province_may_raise_a_target() -> None:
    national = by_code("QD387.FAMILY.2025")
    check_override(national, _own())
    rows = progress(
        SHIPPED, [_own()], 2024, {"FAMILY": {"recognised": 80}}, {"households": 100}, False
    )
    family = next(r for r in rows if r["target"]["code"] == "QD387.FAMILY.2025")
    assert family["target"]["share"] == 0.85 and family["target"]["overridden_by_province"]
    assert family["target"]["national_share"] == 0.70
    assert family["met"] is False
    # outside the province's years the national target stands
    before = with_overrides(applicable(SHIPPED, 2022), [_own()], 2022)
    assert not next(t for t in before if t.code == "QD387.FAMILY.2025").overridden_by_province


@pytest.mark.parametrize(
    ("own", "field", "key"),
    [
        (_own(share=0.65), "share", "target_below_national"),
        (
            _own(
                code="QD281.FAMILY.2020",
                share=0.8,
                mountain_share=0.5,
                from_year=2016,
                to_year=2020,
            ),
            "mountain_share",
            "target_below_national",
        ),
        (_own(from_year=2020), "from_year", "target_years_outside"),
        (_own(from_year=2025, to_year=2024), "to_year", "target_years"),
        (_own(from_year=1800), "from_year", "target_years"),
        (_own(share=1.5), "share", "target_share_range"),
    ],
)
def test_a_province_may_not_lower_a_target(own: ProvinceTarget, field: str, key: str) -> None:
    with pytest.raises(Refused) as refused:
        check_override(targets.by_code(own.code), own)
    assert (refused.value.field, refused.value.key) == (field, key)


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        check_override(None, _own(code="QD999"))
    assert refused.value.key == "target_unknown"


def test_a_malformed_target_names_its_path() -> None:
    with pytest.raises(targets.TargetError, match=r"x\[0\]\.denominator"):
        targets.parse_document([{**_raw(), "denominator": "people"}], origin="x")
    with pytest.raises(targets.TargetError, match="provisional_reason"):
        targets.parse_document([{**_raw(), "provisional": True}], origin="x")
    with pytest.raises(targets.TargetError, match="sources"):
        targets.parse_document([{**_raw(), "sources": []}], origin="x")
    with pytest.raises(targets.TargetError, match="numerator_missing"):
        targets.parse_document([{**_raw(), "numerator": None}], origin="x")


def _raw() -> dict[str, object]:
    return {
        "code": "X.FAMILY",
        "decision": {"number": "1/QĐ-UBND", "date": "2024-01-02", "issuer": "UBND tỉnh"},
        "programme": "Kế hoạch",
        "title": "FAMILY",
        "label": "Tỷ lệ",
        "numerator": {"title": "FAMILY", "figure": "recognised"},
        "numerator_name": "gia đình",
        "denominator": "households",
        "share": 0.7,
        "valid_from": 2021,
        "valid_to": 2025,
        "milestone_year": 2025,
        "provisional": False,
        "sources": ["https://example.org"],
    }


def test_the_raw_target_parses() -> None:
    assert targets.parse_document(_raw())[0].code == "X.FAMILY"
