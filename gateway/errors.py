"""GraphQL errors that carry field-level messages in ``extensions``."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from graphql import GraphQLError

INVALID_MESSAGE = "Dữ liệu không hợp lệ."


def input_error(errors: list[dict[str, Any]]) -> GraphQLError:
    """One error for the operation, with every field message (Vietnamese text, English key)."""
    return GraphQLError(INVALID_MESSAGE, extensions={"code": "BAD_USER_INPUT", "fields": errors})


def wire_input(value: Any) -> Any:
    """Back to the wire names the services' schemas expect (graphene hands us snake_case);
    dates travel as ISO strings."""
    if isinstance(value, dict):
        return {_camel(k): wire_input(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [wire_input(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
