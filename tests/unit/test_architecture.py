"""The direction of dependencies, pinned: ``ops`` (composition roots: CLI, runners) →
``gateway`` and ``services.*`` → ``khuyenhoc`` (shared plumbing and published language).
Services never import each other or the gateway; the gateway imports no service; only stores
touch the database driver; and domain rules import no transport or driver at all, so nameko,
eventlet or pymongo can be replaced without touching them."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("khuyenhoc", "gateway", "services", "ops")

RULES = (
    "shared package imports nothing above it",
    "a service imports no other service, no gateway, no ops",
    "the gateway imports no service and no ops",
    "only stores import the database driver",
    "function-level imports state their reason",
    "no import cycles",
    "stores are built for one tenant",
)
# A store over the raw database (every tenant) must say so in its name: the outbox relay's,
# sweeps' and the public directory's kind of work, never a caller's.
CROSS_TENANT_PREFIXES = ("AllTenants", "Public")


def _sources() -> dict[str, str]:
    """Every module of the four packages, by dotted name, with its source text."""
    sources = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(p for p in parts if p != "__init__")
            sources[name] = path.read_text(encoding="utf-8")
    return sources


def _imports(source: str) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in the source."""
    tree = ast.parse(source)
    top_level = {id(node) for node in tree.body}
    for stmt in tree.body:  # `if TYPE_CHECKING:` blocks count as module level
        if isinstance(stmt, ast.If):
            top_level.update(id(node) for node in stmt.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in top_level
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno, id(node) in top_level


def _is_store(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last in ("store", "stores") or last.endswith("_store") or ".stores." in module


def _violations(module: str, source: str) -> Iterator[tuple[str, str]]:
    lines = source.splitlines()
    top = module.split(".")[0]
    own_service = module.split(".")[:2] if top == "services" else None
    for imported, line, module_level in _imports(source):
        target = imported.split(".")
        if top == "khuyenhoc" and target[0] in ("services", "gateway", "ops"):
            yield "shared package imports nothing above it", imported
        if own_service and (
            target[0] in ("gateway", "ops")
            or (target[0] == "services" and len(target) > 1 and target[:2] != own_service)
        ):
            yield "a service imports no other service, no gateway, no ops", imported
        if top == "gateway" and target[0] in ("services", "ops"):
            yield "the gateway imports no service and no ops", imported
        if (
            target[0] == "pymongo"
            and top != "ops"
            and not (_is_store(module) or module in ("khuyenhoc.storage", "khuyenhoc.outbox"))
        ):
            yield "only stores import the database driver", imported
        if not module_level and "# noqa: PLC0415 - " not in lines[line - 1]:
            yield "function-level imports state their reason", imported


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of modules that reach each other (function-level imports included)."""
    reach: dict[str, set[str]] = {}

    def reachable(start: str) -> set[str]:
        if start not in reach:
            seen: set[str] = set()
            todo = [start]
            while todo:
                for nxt in graph.get(todo.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            reach[start] = seen
        return reach[start]

    return {(a, b) for a in graph for b in reachable(a) if a < b and a in reachable(b)}


def _raw_database_stores(module: str, source: str) -> Iterator[str]:
    """Classes of a store module whose constructor takes the raw ``Database``."""
    if not _is_store(module):
        return
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                hints = [ast.unparse(a.annotation) for a in item.args.args if a.annotation]
                if any(h.split(".")[-1] == "Database" for h in hints):
                    yield node.name


def _found(sources: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {rule: set() for rule in RULES}
    graph: dict[str, set[str]] = {}
    for module, source in sources.items():
        for rule, imported in _violations(module, source):
            found[rule].add((module, imported))
        graph[module] = {m for m, _, _ in _imports(source) if m in sources}
        for name in _raw_database_stores(module, source):
            if not name.startswith(CROSS_TENANT_PREFIXES):
                found["stores are built for one tenant"].add((module, name))
    found["no import cycles"] = _cycles(graph)
    return found


@pytest.fixture(scope="module")
def found() -> dict[str, set[tuple[str, str]]]:
    return _found(_sources())


@pytest.mark.parametrize("rule", RULES)
def test_dependencies_point_one_way(rule, found):
    assert not found[rule], f"{rule}: {sorted(found[rule])}"


PROBE = """
from pymongo.database import Database
import gateway.access


def late():
    import services.fund.domain


class Leaky:
    def __init__(self, db: Database) -> None: ...


class AllTenantsSweep:
    def __init__(self, db: Database) -> None: ...
"""


def test_the_rules_catch_what_they_name():
    """The checks themselves can fail: each rule, shown a module that breaks it."""
    caught = _found(
        {
            "services.registration.probe_store": PROBE,
            "services.registration.domain_probe": "import pymongo\n",
            "khuyenhoc.probe": "from ops import cli\n",
            "gateway.probe": "import services.scoring.engine\n",
            "gateway.a": "import gateway.b\n",
            "gateway.b": "import gateway.a\n",
        }
    )
    store = "services.registration.probe_store"
    assert caught == {
        "shared package imports nothing above it": {("khuyenhoc.probe", "ops")},
        "a service imports no other service, no gateway, no ops": {
            (store, "gateway.access"),
            (store, "services.fund.domain"),
        },
        "the gateway imports no service and no ops": {("gateway.probe", "services.scoring.engine")},
        "only stores import the database driver": {
            ("services.registration.domain_probe", "pymongo")
        },
        "function-level imports state their reason": {(store, "services.fund.domain")},
        "no import cycles": {("gateway.a", "gateway.b")},
        "stores are built for one tenant": {(store, "Leaky")},
    }


PURE_MODULES = [
    "services.registration.enrolment.domain",
    "services.registration.enrolment.service",
    "services.registration.association.domain",
    "services.registration.directory.hierarchy",
    "services.registration.lists.imports",
    "services.registration.lists.reading",
    "services.registration.schemas",
    "services.scoring.domain",
    "services.scoring.service",
    "services.scoring.engine",
    "services.scoring.computed",
    "services.scoring.ports",
    "services.scoring.messages",
    "services.scoring.set_registry",
    "services.scoring.set_versions",
    "services.scoring.history",
    "services.fund.ledger",
    "services.notification.domain",
    "services.notification.sms",
    "services.notification.signing",
    "services.notification.service",
    "services.notification.delivery",
    "services.notification.reminders",
    "services.notification.ports",
    "services.notification.records",
    "services.notification.messages",
    "services.fund.domain",
    "services.fund.publication",
    "services.fund.service",
    "services.fund.schemas",
    "services.fund.documents",
    "services.fund.messages",
    "services.fund.records",
    "services.fund.answers",
    "khuyenhoc.envelope",
    "khuyenhoc.events",
    "khuyenhoc.tenancy",
    "khuyenhoc.text",
    "khuyenhoc.validation",
    "khuyenhoc.sheets",
    "khuyenhoc.sheets.reading",
    "khuyenhoc.sheets.writing",
]
FORBIDDEN = ("eventlet", "nameko", "kombu", "pymongo")


@pytest.mark.parametrize("module", PURE_MODULES)
def test_module_imports_no_io_framework(module):
    # a fresh interpreter: this test process has them all loaded already
    probe = f"import sys, {module}; print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} pulls in {done.stdout.strip()}"
