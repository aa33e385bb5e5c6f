"""The security matrix cannot forget an operation: every root field of the schema is public
(with its reason), on the caller's own session, or held by listed roles; every one with
required arguments has minimal ones, and the document the matrix sends validates."""

from __future__ import annotations

import pytest
from graphql import GraphQLNonNull, OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values

from gateway.schema import schema
from tests.security_matrix import ALLOWED, ARGS, PUBLIC, SELF, Targets, document, operations

GRAPH = schema.graphql_schema
OPERATIONS = operations(GRAPH)


def test_every_operation_is_public_own_session_or_held_by_roles():
    listed = [PUBLIC.keys(), SELF.keys(), ALLOWED.keys()]
    missing = [name for name in OPERATIONS if not any(name in keys for keys in listed)]
    assert missing == [], f"add these operations to tests/security_matrix.py: {missing}"
    twice = [name for name in OPERATIONS if sum(name in keys for keys in listed) > 1]
    assert twice == []
    stale = [name for keys in listed for name in keys if name not in OPERATIONS]
    assert stale == [], f"no longer in the schema: {stale}"


def test_every_operation_with_required_arguments_has_them():
    needing = {
        name
        for name, (_, field) in OPERATIONS.items()
        if any(
            isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
            for arg in field.args.values()
        )
    }
    assert sorted(needing - ARGS.keys()) == []
    assert sorted(ARGS.keys() - OPERATIONS.keys()) == []


def test_no_role_holds_every_right_to_everything():
    """A refusal column exists for most operations: the matrix is not vacuous."""
    narrow = [name for name, roles in ALLOWED.items() if len(roles) < 8]
    assert len(narrow) >= len(ALLOWED) - 5


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_matrix_document_validates(name):
    given = ARGS[name](Targets("06226")) if name in ARGS else {}
    parsed = parse(document(GRAPH, name, given))
    assert validate(GRAPH, parsed) == []
    (operation,) = parsed.definitions
    assert isinstance(operation, OperationDefinitionNode)
    coerced = get_variable_values(GRAPH, operation.variable_definitions or (), given)
    assert isinstance(coerced, dict), coerced
