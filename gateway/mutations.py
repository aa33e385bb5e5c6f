"""The one way a mutation runs: look up → check scope → RPC → answer.

Every mutation of the schema is made by :func:`mutation`, so refusals (UNAUTHENTICATED,
FORBIDDEN) and field errors (BAD_USER_INPUT with ``extensions.fields``) are raised the same way
and in the same order everywhere:

1. the caller must hold a token; the write's tenant defaults to the caller's and must be it;
2. ``lookup`` finds the target (a unit, an enrolment, a proposal...) in that tenant;
3. ``check`` decides whether the caller may act on it (the rules live in :mod:`gateway.access`);
4. an absent target is the ``missing`` field error when given, else left for the service to
   answer per field (so nothing tells one tenant what another holds);
5. ``call`` makes the RPC; field errors of the service's answer are raised, and ``answer``
   picks (or builds) what the client gets.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import graphene
from graphql import GraphQLError

from gateway.access import authenticated, require_reach, write_tenant
from gateway.messages import message
from gateway.wire import field_error, input_error, wire_input
from khuyenhoc.auth import Caller, Role
from khuyenhoc.validation import wire_name


@dataclass(frozen=True)
class Write:
    """A mutation on its way: who asks, in which tenant, with what, about which target."""

    info: Any
    caller: Caller
    tenant: str
    input: dict[str, Any]
    found: dict[str, Any] | None = None
    path: str | None = None

    @property
    def rpc(self) -> Any:
        """The services' RPC proxies (``registration``, ``scoring``, ``notification``, ``fund``)."""
        return self.info.context.rpc

    def payload(self, drop: Collection[str] = ()) -> dict[str, Any]:
        """The input in the services' wire names, for the write's tenant (``drop``: input
        fields the service does not take)."""
        return wire_input({**self.input, "tenant": self.tenant}, drop)


Vet = Callable[[dict[str, Any], dict[str, Any]], GraphQLError | None]


@dataclass(frozen=True)
class Lookup:
    """How a mutation finds its target in the write's tenant, and where its unit path is;
    ``vet`` refuses a found target the write may not go into (a unit that has ended), after
    the scope check."""

    find: Callable[[Any, str, dict[str, Any]], dict[str, Any] | None]
    path_field: str
    vet: Vet | None = None


# Input fields that date a write (the first one given counts).
WRITE_DATES = (
    "on",
    "opened_on",
    "received_on",
    "paid_on",
    "joined_on",
    "decision_date",
    "meeting_date",
)


def write_day(values: dict[str, Any]) -> date:
    """The day a write is dated: its own date (:data:`WRITE_DATES`), else the day a
    registration for its ``year`` refers to (the end of that year, or today while it runs),
    else today."""
    today = date.today()
    for name in WRITE_DATES:
        given = values.get(name)
        if isinstance(given, date):
            return given
    year = values.get("year")
    if isinstance(year, int) and 1900 < year < 3000:
        return min(today, date(year, 12, 31))
    return today


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _named(links: list[dict[str, Any]]) -> str:
    names = [f"{x['name']} ({x['code']})" if x.get("name") else str(x["code"]) for x in links]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def ended_error(field: str, found: dict[str, Any], day: date) -> GraphQLError | None:
    """The field error for a write dated ``day`` into a unit that had ended by then, naming
    where it went; None while the unit exists (or for a closed branch without successor: the
    service answers that one)."""
    end = _day(found.get("valid_to"))
    if end is None or end >= day:
        return None
    successors = found.get("successors") or []
    name = found.get("name") or found.get("code")
    first = _vn(end + timedelta(days=1))
    if found.get("level") == "branch":
        if not successors:
            return None
        text = message("branch_moved", name=name, successors=_named(successors), day=first)
    elif successors:
        text = message("unit_merged", name=name, successors=_named(successors), day=first)
    else:
        text = message("unit_ended", name=name, day=first)
    return field_error(wire_name(field), "unit_ended", text)


def not_yet_error(field: str, found: dict[str, Any], day: date) -> GraphQLError | None:
    """The field error for a code that named no unit on ``day`` (a unit formed later under
    it), naming the units it was formed from."""
    start = _day(found.get("valid_from"))
    if start is None or start <= day:
        return None
    predecessors = found.get("predecessors") or []
    values = {"code": found.get("code"), "day": _vn(day)}
    if predecessors:
        text = message("unit_not_yet", predecessors=_named(predecessors), **values)
    else:
        text = message("unit_not_yet_none", **values)
    return field_error(wire_name(field), "unit_not_yet", text)


def unit(field: str, ended_ok: bool = False) -> Lookup:
    """The unit whose code is the input's ``field``, as the directory stands today; a unit that
    had ended by the write's day (:func:`write_day`) is refused on ``field``, naming its
    successors (``ended_ok``: writes about a unit's past, such as its history)."""
    vet: Vet | None = None
    if not ended_ok:
        vet = lambda found, values: ended_error(field, found, write_day(values))  # noqa: E731
    return Lookup(
        lambda rpc, tenant, values: rpc.registration.get_unit(values[field], tenant),
        "path",
        vet,
    )


def unit_for_year(field: str) -> Lookup:
    """The unit whose code is ``field`` as the directory stood for a registration of the
    input's ``year``; one that had ended by then is refused, naming its successors."""
    return Lookup(
        lambda rpc, tenant, values: rpc.registration.unit_for_year(
            values[field], tenant, values["year"]
        ),
        "path",
        lambda found, values: ended_error(field, found, write_day({"year": values["year"]})),
    )


def unit_at(field: str, date_field: str) -> Lookup:
    """The unit whose code is ``field`` as the map stood on the input's ``date_field`` (a gift
    dated 2024 into a code lands on that code's 2024 version); a code that named no unit that
    day is refused, naming the units it was formed from, and one that had ended, naming its
    successors."""

    def on(values: dict[str, Any]) -> date:
        given = values.get(date_field)
        if isinstance(given, datetime):
            return given.date()
        return given if isinstance(given, date) else date.today()

    def vet(found: dict[str, Any], values: dict[str, Any]) -> GraphQLError | None:
        day = on(values)
        return not_yet_error(field, found, day) or ended_error(field, found, day)

    return Lookup(
        lambda rpc, tenant, values: rpc.registration.get_unit(
            values[field], tenant, on(values).isoformat()
        ),
        "path",
        vet,
    )


def record(service: str, method: str, field: str) -> Lookup:
    """A service's record (``<service>.<method>(tenant, input[field])``) with its ``unitpath``."""
    return Lookup(
        lambda rpc, tenant, values: getattr(getattr(rpc, service), method)(tenant, values[field]),
        "unitpath",
    )


def send(service: str, method: str) -> Callable[[Write], Any]:
    """The usual call: ``<service>.<method>(payload)``."""
    return lambda write: getattr(getattr(write.rpc, service), method)(write.payload())


Check = Callable[[Write], None]


def in_subtree(roles: Collection[Role]) -> Check:
    """The usual check: a target that exists lies in the caller's subtree, the caller holds one
    of ``roles``."""
    return lambda write: require_reach(write.caller, write.path, roles)


Answer = str | Callable[[Any, Write], Any] | None


def mutation(
    name: str,
    output: Any,
    call: Callable[[Write], Any],
    *,
    check: Check,
    input: type[graphene.InputObjectType] | None = None,
    arguments: dict[str, Any] | None = None,
    lookup: Lookup | None = None,
    missing: Callable[[], GraphQLError] | None = None,
    answer: Answer = None,
    doc: str | None = None,
) -> type[graphene.Mutation]:
    """A graphene mutation class named ``name``, taking ``input`` (or ``arguments``) and
    answering ``output``, that runs the steps of this module's docstring."""

    def mutate(root: Any, info: Any, **given: Any) -> Any:
        values: dict[str, Any] = given["input"] if input is not None else given
        caller = authenticated(info)
        tenant = write_tenant(caller, values.get("tenant"))
        found = lookup.find(info.context.rpc, tenant, values) if lookup else None
        path = found[lookup.path_field] if lookup and found else None
        write = Write(info, caller, tenant, values, found, path)
        check(write)
        if found is None and missing is not None:
            raise missing()
        if found is not None and lookup is not None and lookup.vet is not None:
            refused = lookup.vet(found, values)
            if refused is not None:
                raise refused
        result = call(write)
        if isinstance(result, dict) and "errors" in result:
            raise input_error(result["errors"])
        if callable(answer):
            return answer(result, write)
        return result[answer] if answer else result

    if input is not None:
        arguments = {
            "input": input(
                required=True,
                description=f"What the mutation takes: see {input._meta.name}.",
            )
        }
    namespace = {
        "Arguments": type("Arguments", (), dict(arguments or {})),
        "Output": output,
        "mutate": staticmethod(mutate),
        "__doc__": doc,
    }
    return type(name, (graphene.Mutation,), namespace)
