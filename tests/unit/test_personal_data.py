"""Personal data in the GraphQL schema: every field whose name looks personal is catalogued in
gateway.access (personal, or public with why), and every field a partner may not read is
guarded in the schema itself, so a new field or root cannot forget the rule."""

from __future__ import annotations

import re

from graphql import GraphQLObjectType

from gateway import access
from gateway.schema import schema

GRAPH = schema.graphql_schema
# Words a field holding a person's data is named with (English and the platform's own).
LOOKS_PERSONAL = re.compile(
    r"(?i)(name|phone|email|national|birth|address|holder|guardian|username|school|grade|"
    r"contact|recipient|signer|chair|secretary|attendee|By$|^text$|^note$|^members$)"
)


def _object_fields() -> list[tuple[str, str]]:
    return [
        (type_name, field_name)
        for type_name, kind in GRAPH.type_map.items()
        if isinstance(kind, GraphQLObjectType)
        and not type_name.startswith("__")
        and kind not in (GRAPH.query_type, GRAPH.mutation_type)
        for field_name in kind.fields
    ]


def _classified(type_name: str, field_name: str) -> bool:
    return (
        field_name in access.PERSONAL_FIELDS.get(type_name, {})
        or f"{type_name}.{field_name}" in access.NOT_PERSONAL
        or f"*.{field_name}" in access.NOT_PERSONAL
    )


def test_every_field_that_looks_personal_is_catalogued():
    found = [(t, f) for t, f in _object_fields() if LOOKS_PERSONAL.search(f)]
    assert len(found) > 60  # the pattern still finds the schema's names, phones, e-mails
    assert [f"{t}.{f}" for t, f in found if not _classified(t, f)] == []


def test_the_catalogue_names_fields_that_exist():
    every = set(_object_fields())
    listed = {
        (t, f)
        for catalogue in (access.PERSONAL_FIELDS, access.PARTNER_REFUSED)
        for t, fields in catalogue.items()
        for f in fields
    }
    assert sorted(listed - every) == []
    exact = {tuple(key.split(".")) for key in access.NOT_PERSONAL if not key.startswith("*.")}
    assert sorted(exact - every) == []
    roots = set(GRAPH.query_type.fields) | set(GRAPH.mutation_type.fields)
    assert sorted((access.PARTNER_QUERIES | access.PARTNER_MUTATIONS) - roots) == []


def test_every_field_a_partner_may_not_read_is_guarded_in_the_schema():
    def guarded(kind: GraphQLObjectType, name: str) -> bool:
        return bool(getattr(kind.fields[name].resolve, "partner_guard", False))

    for type_name, field_name in _object_fields():
        kind = GRAPH.type_map[type_name]
        assert guarded(kind, field_name) == access.partner_refused(type_name, field_name), (
            f"{type_name}.{field_name}"
        )
    for root, allowed in (
        (GRAPH.query_type, access.PARTNER_QUERIES),
        (GRAPH.mutation_type, access.PARTNER_MUTATIONS),
    ):
        for name in root.fields:
            assert guarded(root, name) == (name not in allowed), f"{root.name}.{name}"


def test_a_partner_reads_no_personal_field_through_the_roots_it_may_use():
    """Walk every type reachable from a partner's roots through the fields it may read: no
    personal field is readable on the way (the guard answers FORBIDDEN)."""
    from graphql import get_named_type  # noqa: PLC0415 - this test only

    seen: set[str] = set()
    todo = [GRAPH.query_type.fields[name].type for name in access.PARTNER_QUERIES]
    readable_personal = []
    while todo:
        kind = get_named_type(todo.pop())
        if not isinstance(kind, GraphQLObjectType) or kind.name in seen:
            continue
        seen.add(kind.name)
        for field_name, field in kind.fields.items():
            if access.partner_refused(kind.name, field_name):
                continue
            if field_name in access.PERSONAL_FIELDS.get(kind.name, {}):
                readable_personal.append(f"{kind.name}.{field_name}")
            todo.append(field.type)
    assert "OrgUnit" in seen and "Fund" in seen and "PublicStatement" in seen
    assert {"Subject", "Donation", "Donor", "Disbursement", "Registration"}.isdisjoint(seen)
    assert readable_personal == []
