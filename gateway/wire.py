"""The gateway's one convention for the wire: names, enums, dates and errors.

graphene hands resolvers snake_case names and enum members; the services speak camelCase wire
names, plain strings and ISO dates, and answer ``{"errors": [...]}`` for bad input. Every
translation between the two goes through this module, so it happens one way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from enum import Enum
from typing import Any

from graphql import GraphQLError

from gateway.messages import message
from khuyenhoc.validation import wire_name

INVALID_MESSAGE = message("invalid_input")
UNIT_NOT_FOUND_MESSAGE = message("unit_not_found")

# --- names --------------------------------------------------------------------------------------


def wire_input(value: Any, drop: Collection[str] = ()) -> Any:
    """A mutation's input as the services' schemas expect it: camelCase names, no nulls, dates
    as ISO strings, enum members as their values; keys named in ``drop`` (snake_case) are left
    out at every level."""
    if isinstance(value, dict):
        return {
            wire_name(k): wire_input(v, drop)
            for k, v in value.items()
            if v is not None and k not in drop
        }
    if isinstance(value, list):
        return [wire_input(v, drop) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def key(name: str) -> Callable[[dict[str, Any], Any], Any]:
    """A resolver reading ``name`` from a service's answer (where its wire name differs from the
    field's GraphQL name)."""
    return lambda root, info: root[name]


def enum_value(value: Any) -> Any:
    """An argument graphene may hand over as an enum member or as its plain value."""
    return value.value if isinstance(value, Enum) else value


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- errors -------------------------------------------------------------------------------------


def input_error(errors: list[dict[str, Any]], message: str = INVALID_MESSAGE) -> GraphQLError:
    """One error for the operation, with every field message (English key, Vietnamese text)."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "fields": errors})


def field_error(field: str, key_: str, message: str) -> GraphQLError:
    """A bad-input error on one field (``field``: its wire name)."""
    return input_error([{"field": field, "key": key_, "message": message}])


def unit_not_found(field: str = "unitCode") -> GraphQLError:
    """The one answer for a unit code that names no unit of the caller's tenant."""
    return field_error(field, "unit_not_found", UNIT_NOT_FOUND_MESSAGE)


def answer(result: dict[str, Any], name: str | None = None) -> Any:
    """A service's answer to a write: its field errors raised as one input error, else the
    part named ``name`` (the whole answer without one)."""
    if "errors" in result:
        raise input_error(result["errors"])
    return result[name] if name else result


# --- shapes shared by several services ----------------------------------------------------------


def wire_unit(unit: dict[str, Any]) -> dict[str, Any]:
    """A directory unit as another service's RPC takes it (code, path, name, level)."""
    return {
        "code": unit["code"],
        "path": unit["path"],
        "name": unit.get("name"),
        "level": unit.get("level"),
    }
