"""``khuyenhoc schema export|check``: the GraphQL schema clients rely on, as one committed file.

``contracts/schema.graphql`` is the contract: the gateway's schema printed as SDL, types, fields
and arguments sorted by name. ``export`` rewrites it from the live schema, but refuses a breaking
or dangerous change (graphql-core's ``find_breaking_changes`` / ``find_dangerous_changes``
against the file as it stands) that ``contracts/schema-changes.yaml`` does not declare.
``check`` writes nothing and fails when the file differs from the live schema or when such a
change is undeclared. See contracts/README.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    lexicographic_sort_schema,
    print_schema,
)

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
SCHEMA_FILE = CONTRACTS / "schema.graphql"
CHANGES_FILE = CONTRACTS / "schema-changes.yaml"
UNDESCRIBED_FILE = CONTRACTS / "undescribed.txt"
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def live_schema() -> GraphQLSchema:
    from gateway.schema import schema  # noqa: PLC0415 - only the schema commands load the gateway

    return schema.graphql_schema


def printed(graphql_schema: GraphQLSchema) -> str:
    """The SDL of the contract: everything sorted by name, so a diff shows only real changes."""
    return print_schema(lexicographic_sort_schema(graphql_schema))


@dataclass(frozen=True)
class Change:
    kind: str  # "breaking" or "dangerous"
    type: str  # graphql-core's BreakingChangeType / DangerousChangeType name
    description: str  # as graphql-core prints it, e.g. "Query.unit was removed."


def changes(old_sdl: str, new_sdl: str) -> list[Change]:
    """The breaking and dangerous changes from the SDL ``old_sdl`` to the SDL ``new_sdl`` (both
    built from SDL: graphene's own scalar classes would otherwise read as changed kinds)."""
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    return [
        Change("breaking", c.type.name, c.description) for c in find_breaking_changes(old, new)
    ] + [Change("dangerous", c.type.name, c.description) for c in find_dangerous_changes(old, new)]


def declared(path: Path = CHANGES_FILE) -> list[dict[str, Any]]:
    """The changelog's entries (``date``, ``change``, ``reason``), oldest first."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(document.get("changes") or [])


def undeclared(found: Iterable[Change], entries: list[dict[str, Any]]) -> list[Change]:
    """The changes no changelog entry declares (by graphql-core's exact description)."""
    known = {str(entry.get("change", "")).strip() for entry in entries}
    return [change for change in found if change.description not in known]


def described(graphql_schema: GraphQLSchema) -> dict[str, bool]:
    """Every type, field, argument and enum value clients see, by name (``Type``,
    ``Type.field``, ``Type.field(argument:)``, ``Enum.VALUE``), and whether it has a description.
    Built-in scalars and introspection types are graphql-core's, not ours."""
    found: dict[str, bool] = {}
    for name, type_ in sorted(graphql_schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN:
            continue
        found[name] = bool(type_.description)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in sorted(type_.fields.items()):
                found[f"{name}.{field_name}"] = bool(field.description)
                for arg_name, arg in sorted(field.args.items()):
                    found[f"{name}.{field_name}({arg_name}:)"] = bool(arg.description)
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, input_field in sorted(type_.fields.items()):
                found[f"{name}.{field_name}"] = bool(input_field.description)
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in sorted(type_.values.items()):
                found[f"{name}.{value_name}"] = bool(value.description)
    return found


def coverage(graphql_schema: GraphQLSchema) -> dict[str, tuple[int, int]]:
    """(described, all) per kind: ``type``, ``field``, ``argument``, ``enum value``."""
    kinds: dict[str, tuple[int, int]] = {}
    enum_values = {
        f"{name}.{value}"
        for name, type_ in graphql_schema.type_map.items()
        if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
        for value in type_.values
    }
    for name, has in described(graphql_schema).items():
        kind = (
            "argument"
            if name.endswith(":)")
            else "enum value"
            if name in enum_values
            else "field"
            if "." in name
            else "type"
        )
        done, every = kinds.get(kind, (0, 0))
        kinds[kind] = (done + has, every + 1)
    return kinds


def undescribed_floor(path: Path = UNDESCRIBED_FILE) -> list[str]:
    """The names still without a description when the floor was last lowered (may only shrink)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _shrink_floor(graphql_schema: GraphQLSchema) -> None:
    """Drop from the floor the names described since; never add one (the test refuses those)."""
    if not UNDESCRIBED_FILE.exists():
        return
    has = described(graphql_schema)
    text = UNDESCRIBED_FILE.read_text(encoding="utf-8")
    kept = [
        line
        for line in text.splitlines()
        if not line.strip() or line.startswith("#") or not has.get(line.strip(), False)
    ]
    shrunk = "\n".join(kept) + "\n"
    if shrunk != text:
        UNDESCRIBED_FILE.write_text(shrunk, encoding="utf-8")
        print(f"{UNDESCRIBED_FILE.name}: {len(text.splitlines()) - len(kept)} tên đã có mô tả.")


def _report(missing: list[Change]) -> None:
    print("Thay đổi chưa khai báo trong contracts/schema-changes.yaml:")
    for change in missing:
        print(f"  - [{change.kind}] {change.description}")


def export(args: argparse.Namespace) -> int:
    schema = live_schema()
    text = printed(schema)
    if not args.check:
        _shrink_floor(schema)
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else None
    if current is not None:
        missing = undeclared(changes(current, text), declared())
        if missing and not args.check:
            _report(missing)
            print("Khai báo chúng (date, change, reason) rồi chạy lại; tệp chưa được ghi.")
            return 1
        if args.check:
            if missing:
                _report(missing)
            if current != text:
                print(f"{SCHEMA_FILE.name} khác lược đồ đang chạy: chạy `make schema`.")
            return 0 if current == text and not missing else 1
    if current == text:
        print(f"{SCHEMA_FILE.name}: không đổi.")
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"Đã ghi {SCHEMA_FILE}.")
    return 0


def add_commands(subparsers: Any) -> None:
    schema = subparsers.add_parser("schema", help="the GraphQL contract (contracts/schema.graphql)")
    actions = schema.add_subparsers(dest="action", required=True)
    for name, helptext, check in (
        ("export", "write the live schema to contracts/schema.graphql", False),
        ("check", "fail when the file or the changelog is behind the live schema", True),
    ):
        action = actions.add_parser(name, help=helptext)
        action.set_defaults(handler=export, check=check)
