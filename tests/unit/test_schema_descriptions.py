"""Descriptions in the GraphQL contract: every type, field, argument and enum value has one,
except the names contracts/undescribed.txt still lists — a floor that may only shrink."""

from __future__ import annotations

from graphql import build_schema

from ops.schema import coverage, described, live_schema, undescribed_floor


def test_nothing_new_is_undescribed_and_the_floor_keeps_up():
    live = {name for name, has in described(live_schema()).items() if not has}
    floor = undescribed_floor()
    assert len(floor) == len(set(floor)), "a name is listed twice"
    assert {
        "undescribed, not on the floor (describe it)": sorted(live - set(floor)),
        "described or gone, still on the floor (run `make schema`)": sorted(set(floor) - live),
    } == {
        "undescribed, not on the floor (describe it)": [],
        "described or gone, still on the floor (run `make schema`)": [],
    }


def test_every_kind_of_name_is_measured():
    sdl = """
    "A household (hộ gia đình)"
    type Household {
      "Its head's name"
      head(
        "Upper case"
        upper: Boolean
        plain: Boolean
      ): String
      address: String
    }
    type Query { household: Household }
    input HouseholdInput { "The head" head: String, address: String }
    enum Kind { "One" ONE TWO }
    """
    schema = build_schema(sdl)
    assert {name for name, has in described(schema).items() if not has} == {
        "Household.address",
        "Household.head(plain:)",
        "HouseholdInput",
        "HouseholdInput.address",
        "Kind",
        "Kind.TWO",
        "Query",
        "Query.household",
    }
    assert coverage(schema) == {
        "type": (1, 4),
        "field": (2, 5),
        "argument": (1, 2),
        "enum value": (1, 2),
    }
