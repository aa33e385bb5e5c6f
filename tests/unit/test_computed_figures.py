"""The figures scoring computes itself for computed indicators."""

import pytest

from services.scoring.computed import commune_shares, member_shares
from services.scoring.criteria_sets import load_shipped, select
from services.scoring.engine import assess


def member(title="CITIZEN", status="REGISTERED", recognition=None):
    return {"title": title, "status": status, "recognition": recognition}


HELD = {"level": None, "decision_number": "1/QĐ"}


def test_a_units_share_counts_recognised_citizens_still_holding_the_title():
    members = [
        member(recognition=HELD),
        member(recognition=HELD),
        member(recognition={**HELD, "revoked": {"reason": "Khai man"}}),  # revoked
        member(status="WITHDRAWN", recognition=HELD),  # withdrawn after the decision
        member(),  # reviewed or not, but not recognised
        member(title="FAMILY", recognition=HELD),  # not a learning citizen
    ]
    assert member_shares(4, members) == {
        "members_citizen_share": 0.5,
        "learners_citizen_share": 0.5,
    }


@pytest.mark.parametrize("declared", [None, 0])
def test_no_share_without_a_declared_number_of_members(declared):
    assert member_shares(declared, [member(recognition=HELD)]) == {}


def test_a_share_never_exceeds_one():
    assert member_shares(1, [member(recognition=HELD)] * 3)["members_citizen_share"] == 1.0


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
    criteria = select(load_shipped(), "UNIT", 2024)
    members = [member(recognition=HELD)] * recognised + [member()] * (10 - recognised)
    verdict = assess(criteria, {"c1.i1": True, "c3.i1": True}, member_shares(10, members))
    assert (verdict.status, verdict.level) == (status, level)
