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
from typing import Any

import graphene
from graphql import GraphQLError

from gateway.access import authenticated, require_reach, write_tenant
from gateway.wire import input_error, wire_input
from khuyenhoc.auth import Caller, Role


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


@dataclass(frozen=True)
class Lookup:
    """How a mutation finds its target in the write's tenant, and where its unit path is."""

    find: Callable[[Any, str, dict[str, Any]], dict[str, Any] | None]
    path_field: str


def unit(field: str) -> Lookup:
    """The unit whose code is the input's ``field``, as the directory stands today."""
    return Lookup(
        lambda rpc, tenant, values: rpc.registration.get_unit(values[field], tenant), "path"
    )


def unit_for_year(field: str) -> Lookup:
    """The unit whose code is ``field`` as the directory stood for a registration of the
    input's ``year``."""
    return Lookup(
        lambda rpc, tenant, values: rpc.registration.unit_for_year(
            values[field], tenant, values["year"]
        ),
        "path",
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
        result = call(write)
        if isinstance(result, dict) and "errors" in result:
            raise input_error(result["errors"])
        if callable(answer):
            return answer(result, write)
        return result[answer] if answer else result

    if input is not None:
        arguments = {"input": input(required=True)}
    namespace = {
        "Arguments": type("Arguments", (), dict(arguments or {})),
        "Output": output,
        "mutate": staticmethod(mutate),
        "__doc__": doc,
    }
    return type(name, (graphene.Mutation,), namespace)
