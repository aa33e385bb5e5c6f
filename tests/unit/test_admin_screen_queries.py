"""The administration screens' GraphQL documents are valid against the exported schema, so a
change of the API (an enum, a connection) that breaks a screen fails here, not in an officer's
browser."""

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).parents[2]
SCREENS = ROOT / "gateway" / "static" / "app" / "screens"
MODULES = ["admin.js", "admin-province.js"]


def documents() -> list[tuple[str, str]]:
    """Every query or mutation held in a template literal, its placeholders filled in: the
    denominators' figures are the keys of DENOMINATOR_FIGURES."""
    found = []
    admin = (SCREENS / "admin.js").read_text(encoding="utf-8")
    block = admin.split("DENOMINATOR_FIGURES = [", 1)[1].split("];", 1)[0]
    figures = re.findall(r'\["(\w+)", "', block)
    for module in MODULES:
        text = (SCREENS / module).read_text(encoding="utf-8")
        for document in re.findall(r"`((?:query|mutation) \w+[^`]*)`", text):
            found.append(
                (
                    module,
                    re.sub(
                        r"\$\{[^}]*\}\)?\.join\(\" \"\)\}|\$\{[^}]*\}", " ".join(figures), document
                    ),
                )
            )
        found += [
            (module, plain) for plain in re.findall(r'"((?:query|mutation) \w+ \{[^"]*\})"', text)
        ]
    return found


@pytest.fixture(scope="module")
def schema():
    return build_schema((ROOT / "contracts" / "schema.graphql").read_text(encoding="utf-8"))


def test_the_modules_hold_their_documents():
    assert len(documents()) >= 25


@pytest.mark.parametrize(("module", "document"), documents())
def test_each_document_is_valid(schema, module, document):
    errors = validate(schema, parse(document))
    assert not errors, (module, document.split("{")[0], [error.message for error in errors])
