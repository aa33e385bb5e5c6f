"""The figures scoring computes itself for computed indicators."""

import pytest

from services.scoring.computed import commune_shares, member_shares
from services.scoring.criteria_sets import load_shipped, select
from services.scoring.engine import assess


def test_a_units_share_is_its_members_holding_the_title_over_its_declared_members():
    assert member_shares(4, 2) == {"members_citizen_share": 0.5, "learners_citizen_share": 0.5}


@pytest.mark.parametrize("declared", [None, 0])
def test_no_share_without_a_declared_number_of_members(declared):
    assert member_shares(declared, 3) == {}


def test_a_share_stays_between_zero_and_one():
    assert member_shares(1, 3)["members_citizen_share"] == 1.0
    assert member_shares(5, -1)["members_citizen_share"] == 0.0


def _citizen(member_of="lu-1", status="REGISTERED", recognition=None):
    from khuyenhoc.tenancy import UnitPath
    from services.scoring.domain import Assessment, AssessmentStatus

    return Assessment(
        "20-CITIZEN-2024-ci-1",
        "ci-1",
        "citizen",
        "CITIZEN",
        2024,
        UnitPath.parse("20/183/06184"),
        AssessmentStatus(status),
        member_of,
    )


def test_a_members_recognition_moves_its_units_count_and_nothing_else_does():
    from services.scoring.domain import MEMBERS_RECOGNISED, members_counter_id

    unit_counter = members_counter_id("20", "lu-1", 2024)
    counts = _citizen().counts_moved({"recognised": 1, "recognised_level_1": 1})
    assert counts[unit_counter][0] == {MEMBERS_RECOGNISED: 1}
    assert set(counts) == {unit_counter, "20|06184|2024|CITIZEN"}
    assert _citizen().counts_moved({"recognised": -1})[unit_counter][0] == {MEMBERS_RECOGNISED: -1}
    assert unit_counter not in _citizen().counts_moved({"reviewed": 1})
    assert set(_citizen(member_of=None).counts_moved({"recognised": 1})) == {
        "20|06184|2024|CITIZEN"
    }
    assert _citizen().counts_moved({}) == {}


def test_commune_shares_are_recognised_over_registered_per_title():
    totals = {
        "FAMILY": {"registered": 8, "recognised": 6},
        "UNIT": {"registered": 0, "recognised": 0},
        "COMMUNITY": {"registered": 4, "recognised": 1},
    }
    assert commune_shares(totals) == {
        "families_recognised_share": 0.75,
        "communities_recognised_share": 0.25,
    }


@pytest.mark.parametrize(
    ("recognised", "status", "level"),
    [(8, "not_recognised", None), (9, "recognised", 1), (10, "recognised", 2)],
)
def test_tt24_levels_follow_the_computed_share(recognised, status, level):
    criteria = select(load_shipped(), "UNIT", 2024, level="district")
    verdict = assess(
        criteria, {"c1.i1": True, "c2.i1": True, "c3.i2": True}, member_shares(10, recognised)
    )
    assert (verdict.status, verdict.level) == (status, level)
