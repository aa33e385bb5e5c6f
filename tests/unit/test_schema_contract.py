"""The GraphQL contract: contracts/schema.graphql is the live schema, and a breaking or
dangerous change since the branch left main is declared in contracts/schema-changes.yaml
(workflow in contracts/README.md)."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest

from ops.schema import (
    CHANGES_FILE,
    SCHEMA_FILE,
    changes,
    declared,
    live_schema,
    printed,
    undeclared,
)

ROOT = Path(__file__).resolve().parents[2]
# Where the contract lived before it moved to contracts/ (read at older base commits only).
FORMER_PATH = "tests/data/gateway_schema.graphql"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def base_contract() -> str | None:
    """The contract where this branch left main (main itself: its own last commit)."""
    for ref in ("main", "origin/main", "HEAD"):
        base = _git("merge-base", "HEAD", ref)
        if not base:
            continue
        for path in (SCHEMA_FILE.relative_to(ROOT).as_posix(), FORMER_PATH):
            text = _git("show", f"{base.strip()}:{path}")
            if text is not None:
                return text
    return None


def test_the_committed_contract_is_the_live_schema():
    """Additions are committed too: `make schema` rewrites the file (never edit it by hand)."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed(live_schema())


def test_no_undeclared_breaking_or_dangerous_change_since_main():
    base = base_contract()
    if base is None:
        pytest.skip("not a git checkout: `khuyenhoc schema check` guards the contract instead")
    missing = undeclared(changes(base, printed(live_schema())), declared())
    assert [f"[{c.kind}] {c.description}" for c in missing] == []


def test_every_declared_change_says_when_what_and_why():
    for entry in declared():
        assert set(entry) >= {"date", "change", "reason"}, entry
        assert isinstance(entry["date"], datetime.date), entry
        assert str(entry["change"]).strip() and str(entry["reason"]).strip(), entry


OLD = """type Query {
  unit(code: String!): Unit
}

type Unit {
  code: String!
  name: String
}

enum Title {
  FAMILY
}
"""


def test_a_removed_field_is_a_breaking_change_until_declared():
    new = OLD.replace("  name: String\n", "")
    found = changes(OLD, new)
    assert [(c.kind, c.description) for c in found] == [("breaking", "Unit.name was removed.")]
    assert undeclared(found, []) == found
    entry = {"date": datetime.date(2026, 12, 1), "change": "Unit.name was removed.", "reason": "x"}
    assert undeclared(found, [entry]) == []


def test_a_new_enum_value_is_dangerous_and_a_new_field_is_neither():
    new = OLD.replace("  FAMILY\n", "  FAMILY\n  CLAN\n").replace(
        "  name: String\n", "  name: String\n  path: String\n"
    )
    assert [(c.kind, c.description) for c in changes(OLD, new)] == [
        ("dangerous", "CLAN was added to enum type Title.")
    ]


def test_the_changelog_is_read_from_contracts():
    assert CHANGES_FILE.parent == SCHEMA_FILE.parent == ROOT / "contracts"
