"""The shipped criteria sets, the parser's error paths and the selection of the set in force."""

import copy
from dataclasses import replace

import pytest

from services.scoring.criteria_sets import (
    CRITERIA_DIR,
    CriteriaSetError,
    load_file,
    load_shipped,
    parse_set,
    select,
)

EXPECTED = {
    "qd448-family-2016",
    "qd448-family-2021",
    "qd448-clan-2016",
    "qd448-clan-2021",
    "qd448-community-2016",
    "qd448-community-2021",
    "qd448-unit-2016",
    "qd448-unit-2021",
    "qd244-citizen-2022-rural",
    "qd244-citizen-2022-worker",
    "qd244-citizen-2022-professional",
    "qd324-citizen-2024-rural",
    "qd324-citizen-2024-worker",
    "qd324-citizen-2024-professional",
    "tt25-commune-community-2024",
    "tt44-commune-community-2014",
    "tt22-learning-unit-2020",
    "tt22-learning-unit-2020-province",
    "tt24-learning-unit-2024",
    "tt24-learning-unit-2024-province",
    "tt24-learning-unit-2024-provincial-school",
}

VALID = {
    "id": "x",
    "title": "CITIZEN",
    "issuer": "Hội Khuyến học tỉnh X",
    "decision": {"number": "1/QĐ-X", "date": "2023-01-02"},
    "valid_from": 2023,
    "valid_to": 2025,
    "provisional": False,
    "sources": ["own decision"],
    "total_points": 20,
    "pass_mark": 15,
    "criteria": [
        {
            "id": "c1",
            "max_points": 10,
            "indicators": [{"id": "c1.i1", "kind": "points", "max_points": 10, "min_points": 5}],
        },
        {
            "id": "c2",
            "max_points": 10,
            "indicators": [{"id": "c2.i1", "kind": "points", "max_points": 10, "min_points": 5}],
        },
    ],
}


@pytest.mark.parametrize("path", sorted(CRITERIA_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_parses(path):
    assert load_file(path)


def test_shipped_ids():
    assert {s.id for s in load_shipped()} == EXPECTED
    assert load_shipped() == load_shipped()


def test_provisional_sets_name_their_sources():
    for criteria_set in load_shipped():
        assert criteria_set.sources, criteria_set.id
        provisional_items = any(i.provisional for i in criteria_set.indicators())
        assert criteria_set.provisional or not provisional_items, criteria_set.id


def test_known_numbers_are_shipped():
    sets = {s.id: s for s in load_shipped()}
    citizen = sets["qd244-citizen-2022-rural"]
    assert (citizen.pass_mark, citizen.total_points) == (80, 100)
    assert all(i.min_points == 5 and i.max_points is None for i in citizen.indicators())
    assert sets["tt25-commune-community-2024"].validity_years == 3
    assert sets["tt25-commune-community-2024"].upgrade_after_months == 12
    unit = sets["tt24-learning-unit-2024"].indicator("c3.i1")
    assert (unit.target(1), unit.target(2)) == (0.90, 0.95)
    assert sets["qd448-family-2016"].pass_mark is None


def test_valid_mapping_parses():
    parsed = parse_set(VALID)
    assert parsed.pass_mark == 15 and [i.id for i in parsed.indicators()] == ["c1.i1", "c2.i1"]


def _broken(mutate) -> dict:
    data = copy.deepcopy(VALID)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["criteria"][1]["indicators"][0].update(max_points=0),
            "criteria[1].indicators[0].max_points: must be a positive integer or null",
        ),
        (
            lambda d: d["criteria"][0]["indicators"][0].update(kind="stars"),
            "criteria[0].indicators[0].kind: must be one of",
        ),
        (
            lambda d: d["criteria"][0]["indicators"][0].update(min_points=11),
            "criteria[0].indicators[0].min_points: must not exceed max_points",
        ),
        (
            lambda d: d["criteria"][1]["indicators"][0].update(id="c1.i1"),
            "criteria[1].indicators[0].id: duplicate id",
        ),
        (
            lambda d: d["criteria"][0].update(max_points=9),
            "criteria[0].max_points: is 9 but its indicators add up to 10",
        ),
        (lambda d: d.update(total_points=30), "total_points: is 30 but the criteria add up to 20"),
        (lambda d: d.update(pass_mark=21), "pass_mark: must not exceed total_points"),
        (lambda d: d.pop("pass_mark"), "pass_mark: is required"),
        (lambda d: d.update(title="HOUSE"), "title: must be one of"),
        (lambda d: d.update(valid_to=2020), "valid_to: must not be before valid_from"),
        (lambda d: d.update(sources=[]), "sources: must be a non-empty list"),
        (lambda d: d["decision"].update(date="28/7/2022"), "decision.date: must be a date"),
        (
            lambda d: d["criteria"][0]["indicators"][0].pop("min_points"),
            "criteria[0].indicators[0].min_points: is required",
        ),
        (
            lambda d: d["criteria"][0]["indicators"][0].update(level=2),
            "criteria[0].indicators[0].level: must be one of the set's levels",
        ),
    ],
)
def test_parser_errors_name_the_path(mutate, message):
    with pytest.raises(CriteriaSetError) as raised:
        parse_set(_broken(mutate))
    assert str(raised.value).startswith(message), str(raised.value)


def test_computed_targets_must_cover_levels_and_rise():
    data = _broken(lambda d: None)
    data.update(title="UNIT", levels=[{"level": 1}, {"level": 2}])
    data.pop("pass_mark"), data.pop("total_points")
    data["criteria"] = [
        {
            "id": "c1",
            "indicators": [
                {"id": "s", "kind": "computed", "figure": "share", "targets": {1: 0.95, 2: 0.9}}
            ],
        }
    ]
    with pytest.raises(CriteriaSetError, match=r"^criteria\[0\].indicators\[0\].targets: a higher"):
        parse_set(data)
    data["criteria"][0]["indicators"][0]["targets"] = {1: 0.9}
    with pytest.raises(CriteriaSetError, match="for each level"):
        parse_set(data)


def test_select_by_year_group_and_tenant_override():
    shipped = load_shipped()
    assert select(shipped, "FAMILY", 2018).id == "qd448-family-2016"
    assert select(shipped, "FAMILY", 2015) is None
    assert select(shipped, "FAMILY", 2021).id == "qd448-family-2021"  # the labelled fallback
    assert select(shipped, "CITIZEN", 2023, group="worker").id == "qd244-citizen-2022-worker"
    assert select(shipped, "CITIZEN", 2024, group="worker").id == "qd324-citizen-2024-worker"
    assert select(shipped, "CITIZEN", 2021, group="worker") is None
    assert select(shipped, "UNIT", 2025, level="district").id == "tt24-learning-unit-2024"
    assert select(shipped, "UNIT", 2025, level="commune").id == "qd448-unit-2021"
    assert select(shipped, "UNIT", 2025) is None  # a unit's level decides its set
    school = select(shipped, "UNIT", 2025, group="provincial_school", level="province")
    assert school.group == "provincial_school"
    assert select(shipped, "COMMUNE_COMMUNITY", 2030, level="commune").validity_years == 3

    family = select(shipped, "FAMILY", 2018)
    own = replace(family, id="lang-son-family-2016", pass_mark=70, provisional=False)
    assert select([own, *shipped], "FAMILY", 2018).id == "lang-son-family-2016"
    assert select([*shipped, own], "FAMILY", 2018).id == "qd448-family-2016"


def test_meeting_decides_is_optional_boolean_and_only_for_a_provisional_set():
    assert parse_set(VALID).meeting_decides is False
    provisional = {**VALID, "provisional": True, "provisional_reason": "Chưa có điểm đạt."}
    assert parse_set({**provisional, "meeting_decides": True}).meeting_decides is True
    with pytest.raises(CriteriaSetError, match=r"^meeting_decides: must be true or false"):
        parse_set({**provisional, "meeting_decides": "yes"})
    with pytest.raises(CriteriaSetError, match=r"^meeting_decides: only a provisional set") as err:
        parse_set({**VALID, "meeting_decides": True})
    from services.scoring.set_registry import vietnamese_error  # noqa: PLC0415 - an upload's words

    assert vietnamese_error(str(err.value)) == (
        "Tại meeting_decides: chỉ bộ tiêu chí tạm thời (provisional: true) mới có."
    )
