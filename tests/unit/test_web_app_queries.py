"""Every GraphQL document of the web app (gateway/static/app/: api.js and the screens) is valid
against the exported schema, so a change of the API (an enum, a connection, a renamed field)
that breaks a screen fails here, not in an officer's browser. A placeholder naming a constant of
the same module (``${SESSION_FIELDS}``) is filled in; the few documents built at run time are
listed, so a new one is noticed."""

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).parents[2]
APP = ROOT / "gateway" / "static" / "app"
# Built from data at run time: checked by the browser tests instead.
DYNAMIC = {
    ("admin.js", "Denominators"),  # one field per figure of DENOMINATOR_FIGURES
    ("decisions.js", "Verdicts"),  # one aliased assessment per registration shown
    ("home.js", "UnitHome"),  # one aliased title per TITLES
    ("registrations.js", "Register"),  # the mutation of the kind of registration chosen
}


def _constants(text: str) -> dict[str, str]:
    found = dict(re.findall(r"const (\w+) =\s*`([^`]*)`;", text))
    found.update(re.findall(r'const (\w+) =\s*"([^"]*)";', text))
    return found


def documents() -> tuple[list[tuple[str, str, str]], set[tuple[str, str]]]:
    """(module, operation name, document) for each complete document; the dynamic ones."""
    complete, dynamic = [], set()
    for path in sorted([*APP.glob("*.js"), *(APP / "screens").glob("*.js")]):
        text = path.read_text(encoding="utf-8")
        constants = _constants(text)
        held = re.findall(r"`((?:query|mutation) \w+[^`]*)`", text)
        held += re.findall(r'"((?:query|mutation) \w+[^"]*)"', text)
        for document in held:
            for _ in range(3):  # constants may name constants
                document = re.sub(
                    r"\$\{\s*(\w+)\s*\}",
                    lambda m: constants.get(m.group(1), m.group(0)),  # noqa: B023 - used at once
                    document,
                )
            name = re.match(r"(?:query|mutation) (\w+)", document)
            key = (path.name, name.group(1) if name else "")
            if "${" in document:
                dynamic.add(key)
            else:
                complete.append((*key, document))
    return complete, dynamic


@pytest.fixture(scope="module")
def schema():
    return build_schema((ROOT / "contracts" / "schema.graphql").read_text(encoding="utf-8"))


def test_the_app_holds_its_documents_and_only_the_known_dynamic_ones():
    complete, dynamic = documents()
    assert len(complete) >= 70
    assert dynamic == DYNAMIC


@pytest.mark.parametrize(("module", "operation", "document"), documents()[0])
def test_each_document_is_valid(schema, module, operation, document):
    errors = validate(schema, parse(document))
    assert not errors, (module, operation, [error.message for error in errors])
