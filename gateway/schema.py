"""The GraphQL schema: one graph over the services, answering at every level of the hierarchy.

Each sub-package (one per service, plus the directory of units) exports ``QUERIES`` and
``MUTATIONS``: the root fields it adds, by name. This module only assembles them. Resolvers
translate: they call the services over RPC (``info.context.rpc``) and map results; rules stay in
the services. Access is checked in :mod:`gateway.access`; every mutation runs through
:func:`gateway.mutations.mutation`. See gateway/README.md.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene.utils.orderedtype import OrderedType

from gateway import accounts, directory, federated, fund, notification, registration, scoring
from gateway.access import guard_personal_data
from gateway.reports import query as reports
from gateway.years import guard_year_arguments

# The order of the root fields clients see (graphene orders fields by their creation, which
# would otherwise follow the order modules happen to be imported in).
PARTS = (directory, scoring, registration, notification, fund, reports, accounts, federated)


ROOT_DESCRIPTIONS = {
    "Query": (
        "Reads (truy vấn) of the Khuyến học platform: the directory of units (đơn vị) is public, "
        "figures and records need a bearer token whose unit reaches the data."
    ),
    "Mutation": (
        "Writes (thay đổi dữ liệu): every one needs a bearer token, runs in the caller's "
        "province (tenant) and answers bad input with BAD_USER_INPUT and field errors, changing "
        "nothing. Send them over POST."
    ),
}


def _root(name: str, fields: dict[str, Any]) -> type[graphene.ObjectType]:
    for field in fields.values():
        field.creation_counter = OrderedType.gen_counter()
    return type(name, (graphene.ObjectType,), {**fields, "__doc__": ROOT_DESCRIPTIONS[name]})


def _merged(kind: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in PARTS:
        fields: dict[str, Any] = getattr(part, kind)
        clash = merged.keys() & fields.keys()
        if clash:
            raise ValueError(f"{part.__name__} redefines {sorted(clash)}")
        merged.update(fields)
    return merged


Query = _root("Query", _merged("QUERIES"))
Mutation = _root("Mutation", _merged("MUTATIONS"))

schema = graphene.Schema(query=Query, mutation=Mutation)
# What a partner's token may not read, in one place (gateway.access): personal data.
guard_personal_data(schema.graphql_schema)
YEAR_GUARDED = guard_year_arguments(schema.graphql_schema)
