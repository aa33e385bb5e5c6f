"""Variables of the wrong type, answered like every other bad input.

graphql-core coerces variables itself and words a refusal in English without a code
("Variable '$input' got invalid value …"). Coercing them here first turns each refusal into a
``BAD_USER_INPUT`` field error in Vietnamese naming the input field, so a form can show it.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, get_operation_ast
from graphql.execution.values import get_variable_values

from gateway.messages import message
from gateway.wire import input_error

_AT = re.compile(r"^Variable '\$(?P<variable>[^']+)' got invalid value .*? at '(?P<path>[^']+)';")
_WHOLE = re.compile(r"^Variable '\$(?P<variable>[^']+)'")
_NAMED_FIELD = re.compile(r"^Field '(?P<field>[^']+)' (of required type|is not defined)")
_ENUM = re.compile(r"^Value '(?P<value>[^']*)' does not exist in '(?P<enum>[^']+)' enum")

# The first pattern found in graphql-core's reason picks the key (English) of the message.
_REASONS: tuple[tuple[str, str], ...] = (
    ("non 32-bit signed integer", "coerce_int_range"),
    ("Int cannot represent", "coerce_int"),
    ("Float cannot represent", "coerce_float"),
    ("String cannot represent", "coerce_string"),
    ("Boolean cannot represent", "coerce_boolean"),
    ("ID cannot represent", "coerce_string"),
    ("does not exist in", "coerce_enum"),
    ("of required type", "coerce_required"),
    ("must not be null", "coerce_required"),
    ("is not defined by type", "coerce_unknown_field"),
    ("to be a mapping", "coerce_object"),
)
MOST_ENUM_VALUES_LISTED = 25


def coercion_refusal(
    graphql_schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> GraphQLError | None:
    """``None`` when the variables fit the operation, else one BAD_USER_INPUT error listing
    every field that does not (nothing executed)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or not operation.variable_definitions:
        return None
    coerced = get_variable_values(
        graphql_schema, operation.variable_definitions, variables or {}, max_errors=20
    )
    if not isinstance(coerced, list):
        return None
    return input_error([_field_error(graphql_schema, error) for error in coerced])


def _field_error(graphql_schema: GraphQLSchema, error: GraphQLError) -> dict[str, str]:
    own = error.original_error
    fields = (own.extensions or {}).get("fields") if isinstance(own, GraphQLError) else None
    if fields:
        return dict(fields[0])  # a scalar's own field error (Money)
    text = error.message
    reason = str(error.original_error) if error.original_error is not None else text
    found = _AT.match(text)
    if found:
        field = found.group("path").split(".")[-1]
    else:
        whole = _WHOLE.match(text)
        field = whole.group("variable") if whole else "input"
    named = _NAMED_FIELD.match(reason)
    if named:
        field = named.group("field")
    key = next((key for marker, key in _REASONS if marker in reason), "coerce_invalid")
    return {"field": field, "key": key, "message": _text(graphql_schema, key, reason)}


def _text(graphql_schema: GraphQLSchema, key: str, reason: str) -> str:
    if key != "coerce_enum":
        return message(key)
    found = _ENUM.match(reason)
    kind = graphql_schema.type_map.get(found.group("enum")) if found else None
    values = list(getattr(kind, "values", {}) or {})
    listed = ", ".join(values[:MOST_ENUM_VALUES_LISTED]) + (
        "…" if len(values) > MOST_ENUM_VALUES_LISTED else ""
    )
    return message("coerce_enum", value=found.group("value") if found else "", allowed=listed)
