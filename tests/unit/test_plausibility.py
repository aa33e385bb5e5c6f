"""Plausibility as field errors, nothing written: a citizen's age, a household head's, and every
year a client asks about (2000 to next year, never FORBIDDEN for a year such as 1800)."""

from datetime import UTC, date, datetime

import pytest
from graphql import GraphQLObjectType, get_named_type, graphql_sync

from gateway.schema import YEAR_GUARDED, schema
from gateway.years import YEAR_ARGUMENTS, check_year, year_problem
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment import service as enrolment
from services.registration.enrolment.domain import LabourGroup, SubjectKind
from services.registration.enrolment.service import RegisterCommand, RegistrationSettings
from services.registration.errors import Refused
from services.registration.schemas import refusal, row_reader
from tests.fakes_registration import World

NOW = datetime(2024, 5, 1, tzinfo=UTC)
OPEN = RegistrationSettings(id_key=b"k" * 32)  # no province bounds: only plausibility applies


def citizen(birth_year: int, year: int = 2024) -> RegisterCommand:
    fields = {
        "full_name": "Trần Thị Mai",
        "birth_year": birth_year,
        "national_id": "001190012345",
        "labour_group": LabourGroup.RURAL,
    }
    return RegisterCommand(SubjectKind.CITIZEN, "20", "06184", fields, year)


@pytest.fixture
def world() -> World:
    world = World()
    for code, level, path in (("183", "district", "20/183"), ("06184", "commune", "20/183/06184")):
        world.units[f"20:{code}"] = {
            "_id": f"20:{code}",
            "tenant": "20",
            "code": code,
            "name": f"Xã {code}",
            "level": level,
            "path": path,
            "depth": path.count("/"),
            "valid_from": None,
        }
    return world


@pytest.mark.parametrize("born", [2024, 2019, 1903])  # 0, 5 and 121 years old in 2024
def test_an_implausible_citizen_is_a_field_error_and_nothing_is_written(world, born):
    directory, registrations, _ = world.stores("20")
    with pytest.raises(Refused) as refused:
        enrolment.register(directory, registrations, citizen(born), OPEN, NOW)
    assert (refused.value.field, refused.value.key) == ("birth_year", "citizen_age_implausible")
    said = refusal(refused.value).errors[0]
    assert said.field == "birthYear"
    assert said.message.startswith("Năm sinh không hợp lý: công dân phải từ 6 đến 120 tuổi")
    assert world.subjects == {} and world.enrolments == {} and world.outbox == []


@pytest.mark.parametrize("born", [2018, 1904])  # 6 and 120 years old
def test_plausible_ages_are_left_to_the_provinces_bounds(born):
    enrolment.build_subject(citizen(born), OPEN)


def test_a_head_of_household_is_at_least_fifteen():
    fields = {"head_name": "Nguyễn Văn An", "address": "Thôn Đông", "head_birth_year": 2010}
    command = RegisterCommand(SubjectKind.HOUSEHOLD, "20", "06184", fields, 2024)
    with pytest.raises(Refused) as refused:
        enrolment.build_subject(command, OPEN)
    assert refused.value.key == "head_age_implausible"
    assert refusal(refused.value).errors[0].field == "headBirthYear"
    older = RegisterCommand(
        SubjectKind.HOUSEHOLD, "20", "06184", {**fields, "head_birth_year": 2009}, 2024
    )
    enrolment.build_subject(older, OPEN)


def test_an_imported_citizen_row_meets_the_same_rule():
    read = row_reader("citizen", "20", "06184", 2024, OPEN)
    row = {"fullName": "Trần Thị Mai", "birthYear": 2024, "nationalId": "001190012345"}
    with pytest.raises(InvalidInput) as refused:
        read({**row, "labourGroup": "rural"})
    assert refused.value.errors[0].key == "citizen_age_implausible"


def test_a_year_is_2000_to_next_year():
    today = date(2026, 12, 1)
    assert year_problem(2000, today) is None and year_problem(2027, today) is None
    for year in (1800, 1999, 2028, True, "2024"):
        assert year_problem(year, today) == (
            "Năm phải từ 2000 đến 2027: nền tảng có dữ liệu từ năm 2000 "
            "và lập kế hoạch trước tối đa một năm."
        )
    check_year(2026, today=today)


def test_every_field_taking_a_year_is_guarded():
    """Computed from the schema, so a field added later is guarded or this fails."""
    with_years = sorted(
        f"{type_.name}.{name}"
        for type_ in schema.graphql_schema.type_map.values()
        if isinstance(type_, GraphQLObjectType)
        for name, field in type_.fields.items()
        if set(field.args) & set(YEAR_ARGUMENTS)
        or any("year" in getattr(get_named_type(a.type), "fields", {}) for a in field.args.values())
    )
    assert with_years == YEAR_GUARDED
    assert {"Mutation.registerHousehold", "Mutation.proposeRecognition"} <= set(with_years)
    assert {"Query.decisions", "Query.report", "OrgUnit.stats", "Query.honourRoll"} <= set(
        with_years
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('{ decisions(unitCode: "06184", year: 1800) { __typename } }', "year"),
        ('{ postings(unitCode: "06184", year: 1800) { __typename } }', "year"),
        ('{ report(unitCode: "20", fromYear: 1800, toYear: 2024) { __typename } }', "fromYear"),
        ('{ honourRoll(unitCode: "20", year: 9999) { __typename } }', "year"),
    ],
)
def test_a_year_out_of_range_is_answered_before_anything_is_asked(query, field):
    """No context at all: the refusal comes before access checks and RPCs (not FORBIDDEN)."""
    answer = graphql_sync(schema.graphql_schema, query, context_value=None)
    assert answer.errors and len(answer.errors) == 1
    error = answer.errors[0].extensions
    assert error["code"] == "BAD_USER_INPUT"
    assert [(f["field"], f["key"]) for f in error["fields"]] == [(field, "year_range")]
