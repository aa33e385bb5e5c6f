"""docs/guarantees.md names the test behind each promise: every test it names must exist, so a
renamed or deleted test cannot leave a promise without proof."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "guarantees.md"
REFERENCE = re.compile(r"`(tests/[^`\s]+?)(?:::([A-Za-z_][A-Za-z0-9_]*))?`")


def references() -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in REFERENCE.finditer(DOCUMENT.read_text("utf-8"))]


def test_the_document_names_tests():
    assert len(references()) >= 30


def test_every_named_test_exists():
    missing = []
    for path, name in references():
        found = sorted(ROOT.glob(path))
        if not found:
            missing.append(path)
        elif name and not any(
            re.search(rf"^\s*def {name}\(", f.read_text("utf-8"), re.M) for f in found
        ):
            missing.append(f"{path}::{name}")
    assert missing == []
