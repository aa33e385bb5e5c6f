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


def _report(missing: list[Change]) -> None:
    print("Thay đổi chưa khai báo trong contracts/schema-changes.yaml:")
    for change in missing:
        print(f"  - [{change.kind}] {change.description}")


def export(args: argparse.Namespace) -> int:
    text = printed(live_schema())
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
