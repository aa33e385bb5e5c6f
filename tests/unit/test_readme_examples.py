"""Every GraphQL example in README.md works when pasted: it parses, holds exactly one operation,
that operation is named, and it validates against the gateway's schema."""

from __future__ import annotations

import re

import pytest
from graphql import OperationDefinitionNode, parse, validate

from gateway.schema import schema
from tests.conftest import REPO_ROOT

BLOCK = re.compile(r"^```graphql\n(.*?)^```", re.DOTALL | re.MULTILINE)


def examples() -> list[str]:
    return BLOCK.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_graphql_examples():
    assert len(examples()) >= 2


@pytest.mark.parametrize("text", examples(), ids=lambda text: text.split("{")[0].strip())
def test_each_example_is_one_named_operation_the_schema_accepts(text):
    document = parse(text)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1, "one operation per example, so it runs as pasted"
    assert operations[0].name is not None, "name the operation (query Name { … })"
    assert validate(schema.graphql_schema, document) == []


@pytest.mark.parametrize(
    "broken",
    [
        'mutation { a: __typename }\nquery { orgUnit(code: "20") { name } }',
        '{ orgUnit(code: "20") { name } }',
        'query Units { orgUnit(code: "20") { nameTypo } }',
    ],
)
def test_the_check_refuses_what_failed_as_pasted(broken):
    with pytest.raises(AssertionError):
        test_each_example_is_one_named_operation_the_schema_accepts(broken)
