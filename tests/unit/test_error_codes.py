"""contracts/errors.md lists every error code and field-error key clients can meet: a key in a
messages module but not in the document (or documented but gone) fails here."""

from __future__ import annotations

import re
from pathlib import Path

from tests.unit.error_catalogues import CATALOGUES

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "contracts" / "errors.md"
SECTION = re.compile(r"^### (.+?)\s*$", re.MULTILINE)
ROW = re.compile(r"^\| `([A-Za-z_][A-Za-z0-9_.]*)` \|", re.MULTILINE)


def documented() -> dict[str, set[str]]:
    """The keys of each ``### `<module>: <catalogue>` `` section's table (by heading)."""
    text = DOCUMENT.read_text(encoding="utf-8")
    heads = list(SECTION.finditer(text))
    sections = {}
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : after.start() if after else len(text)]
        sections[head.group(1).strip("`")] = set(ROW.findall(body))
    return sections


def test_every_catalogue_has_its_section():
    assert set(CATALOGUES) <= set(documented())


def test_every_key_of_every_catalogue_is_documented_and_nothing_else():
    sections = documented()
    differences = {
        title: {
            "undocumented": sorted(set(catalogue) - sections.get(title, set())),
            "gone": sorted(sections.get(title, set()) - set(catalogue)),
        }
        for title, catalogue in CATALOGUES.items()
    }
    assert {t: d for t, d in differences.items() if d["undocumented"] or d["gone"]} == {}


def _sources() -> list[Path]:
    return [
        path for top in ("gateway", "services", "khuyenhoc") for path in (ROOT / top).rglob("*.py")
    ]


def test_every_key_written_out_in_code_is_documented():
    """Keys answered with a literal (``{"key": "hamlets_file", ...}``) rather than a catalogue."""
    literal = re.compile(r"""["']key["']\s*:\s*["']([a-z_]+)["']""")
    written = {key for path in _sources() for key in literal.findall(path.read_text("utf-8"))}
    every = set().union(*documented().values())
    assert written  # the pattern still finds the gateway's own literal keys
    assert sorted(written - every) == []


def test_every_extensions_code_is_documented():
    code = re.compile(r"""["']code["']\s*:\s*["']([A-Z_]{4,})["']""")
    answered = {c for path in _sources() for c in code.findall(path.read_text("utf-8"))}
    text = DOCUMENT.read_text(encoding="utf-8")
    table = text[text.index("## `extensions.code`") : text.index("## Field-error keys")]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.MULTILINE))
    assert answered >= {"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "INTERNAL_SERVER_ERROR"}
    assert listed == answered
