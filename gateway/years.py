"""One rule for every year a client asks about: 2000 to next year, as a field error.

The platform holds nothing before 2000 (registration years start there) and plans at most a
year ahead, so a year outside that range is a mistake. Answered as it stood, a year such as 1800
found no unit for its date and came back FORBIDDEN, which reads like a rights problem. Every
root and object field taking ``year``, ``fromYear`` or ``toYear`` is guarded here, once, when the
schema is built (:func:`guard_year_arguments`), so a new field cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from graphql import (
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
)

from gateway.messages import message
from gateway.wire import field_error

FIRST_YEAR = 2000
YEAR_ARGUMENTS = ("year", "fromYear", "toYear")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def last_year(today: date | None = None) -> int:
    """Next year, in Vietnam's calendar."""
    return (today or datetime.now(VIETNAM).date()).year + 1


def year_problem(year: Any, today: date | None = None) -> str | None:
    """The Vietnamese reason ``year`` is refused (None when it is plausible)."""
    plausible = isinstance(year, int) and not isinstance(year, bool)
    if plausible and FIRST_YEAR <= year <= last_year(today):
        return None
    return message("year_range", low=FIRST_YEAR, high=last_year(today))


def check_year(year: Any, field: str = "year", today: date | None = None) -> None:
    """A BAD_USER_INPUT field error on ``field`` for a year outside 2000..next year."""
    problem = year_problem(year, today)
    if problem:
        raise field_error(field, "year_range", problem)


def guard_year_arguments(schema: GraphQLSchema) -> list[str]:
    """Wrap the resolver of every field with a year argument; returns ``Type.field`` names."""
    guarded = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            years = {
                argument.out_name or wire: wire
                for wire, argument in field.args.items()
                if wire in YEAR_ARGUMENTS
            }
            nested = {
                argument.out_name or wire: year.out_name or "year"
                for wire, argument in field.args.items()
                if (year := _input_year(argument.type)) is not None
            }
            if years or nested:
                field.resolve = _guarded(field.resolve or default_field_resolver, years, nested)
                guarded.append(f"{type_.name}.{name}")
    return sorted(guarded)


def _input_year(kind: Any) -> Any:
    """The ``year`` field of an input object argument (the year a form registers or proposes
    for); ``fromYear``/``toYear`` inside inputs are plans that may reach further ahead."""
    named = get_named_type(kind)
    return named.fields.get("year") if isinstance(named, GraphQLInputObjectType) else None


def _guarded(
    resolve: Callable[..., Any], years: dict[str, str], nested: dict[str, str]
) -> Callable[..., Any]:
    @wraps(resolve)
    def checked(root: Any, info: Any, **args: Any) -> Any:
        for argument, wire in years.items():
            if args.get(argument) is not None:
                check_year(args[argument], wire)
        for argument, out_name in nested.items():
            given = args.get(argument)
            if isinstance(given, dict) and given.get(out_name) is not None:
                check_year(given[out_name], "year")
        return resolve(root, info, **args)

    return checked
