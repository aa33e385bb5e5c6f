"""GraphQL errors that carry field-level messages in ``extensions``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

INVALID_MESSAGE = "Dữ liệu không hợp lệ."


def input_error(errors: list[dict[str, Any]]) -> GraphQLError:
    """One error for the operation, with every field message (Vietnamese text, English key)."""
    return GraphQLError(INVALID_MESSAGE, extensions={"code": "BAD_USER_INPUT", "fields": errors})
