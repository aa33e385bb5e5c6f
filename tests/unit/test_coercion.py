"""Variables of the wrong type are BAD_USER_INPUT field errors in Vietnamese (gateway/coercion.py),
not graphql-core's English sentence without a code; nothing is executed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gateway.endpoint import execute_query

PROPOSE = "mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }"
GOOD = {"unitCode": "06184", "title": "FAMILY", "year": 2024}


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"year": "hai nghìn"}, "year", "coerce_int"),
        ({"year": 2**31}, "year", "coerce_int_range"),
        ({"title": "NOT_A_TITLE"}, "title", "coerce_enum"),
        ({"zz": 1}, "zz", "coerce_unknown_field"),
        ({"unitCode": ["06184"]}, "unitCode", "coerce_string"),
    ],
)
def test_a_wrong_variable_names_its_field_in_vietnamese(change, field, key):
    class Refusing:
        def __getattr__(self, name):
            raise AssertionError(f"nothing may be asked of a service ({name})")

    context = SimpleNamespace(caller=None, rpc=Refusing())
    result = execute_query(PROPOSE, {"input": {**GOOD, **change}}, None, context)
    (error,) = result.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    (problem,) = error.extensions["fields"]
    assert (problem["field"], problem["key"]) == (field, key)
    assert "Variable" not in problem["message"] and problem["message"][0].isupper()


def test_a_missing_input_and_a_list_for_an_object_are_field_errors():
    for variables, key in [({}, "coerce_required"), ({"input": [1]}, "coerce_object")]:
        (error,) = execute_query(PROPOSE, variables, None, SimpleNamespace(caller=None)).errors
        assert error.extensions["fields"][0] == {
            "field": "input",
            "key": key,
            "message": error.extensions["fields"][0]["message"],
        }


def test_the_enum_refusal_lists_the_allowed_values():
    (error,) = execute_query(
        PROPOSE, {"input": {**GOOD, "title": "X"}}, None, SimpleNamespace(caller=None)
    ).errors
    assert "FAMILY, CLAN" in error.extensions["fields"][0]["message"]
