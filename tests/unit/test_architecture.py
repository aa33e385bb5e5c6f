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

# Offenders still to fix; each rule's list must be empty when issue 11 closes.
ALLOWED: dict[str, set[tuple[str, str]]] = {
    "shared package imports nothing above it": {
        ("khuyenhoc.cli", "gateway.commands"),
        ("khuyenhoc.cli", "services.fund.commands"),
        ("khuyenhoc.cli", "services.notification.commands"),
        ("khuyenhoc.cli", "services.registration.commands"),
        ("khuyenhoc.platform", "gateway.commands"),
        ("khuyenhoc.platform", "services.registration.commands"),
    },
    "a service imports no other service, no gateway, no ops": set(),
    "the gateway imports no service and no ops": {
        ("gateway.commands", "services.registration.store"),
        ("gateway.entrypoint", "services.registration.spreadsheets"),
        ("gateway.registrations", "services.registration.hierarchy"),
        ("gateway.types", "services.registration.domain"),
        ("gateway.types", "services.registration.hierarchy"),
        ("gateway.types", "services.scoring.domain"),
    },
    "only stores import the database driver": {
        ("services.notification.inbox", "pymongo"),
        ("services.notification.inbox", "pymongo.database"),
        ("services.notification.inbox", "pymongo.errors"),
    },
    "function-level imports state their reason": {
        ("khuyenhoc.platform", "gateway.commands"),
        ("khuyenhoc.platform", "khuyenhoc.auth"),
        ("khuyenhoc.platform", "services.registration.commands"),
        ("services.scoring.criteria_sets", "yaml"),
    },
    "no import cycles": {("gateway.fund", "gateway.types")},
}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(p for p in parts if p != "__init__"), path


def _imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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


def _violations(module: str, path: Path) -> Iterator[tuple[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    top = module.split(".")[0]
    own_service = module.split(".")[:2] if top == "services" else None
    for imported, line, module_level in _imports(path):
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


def _found() -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {rule: set() for rule in ALLOWED}
    graph: dict[str, set[str]] = {}
    modules = dict(_modules())
    for module, path in modules.items():
        for rule, imported in _violations(module, path):
            found[rule].add((module, imported))
        graph[module] = {m for m, _, _ in _imports(path) if m in modules}
    found["no import cycles"] = _cycles(graph)
    return found


@pytest.mark.parametrize("rule", sorted(ALLOWED))
def test_dependencies_point_one_way(rule):
    found = _found()[rule]
    new = sorted(found - ALLOWED[rule])
    assert not new, f"{rule}: {new}"
    fixed = sorted(ALLOWED[rule] - found)
    assert not fixed, f"{rule}: fixed, take off the allow-list: {fixed}"


@pytest.mark.xfail(reason="issue 11 in progress: offenders are listed in ALLOWED", strict=True)
def test_the_allow_list_is_empty():
    """Issue 11's definition of done: drop the xfail mark when the lists are empty."""
    assert not any(ALLOWED.values()), {k: sorted(v) for k, v in ALLOWED.items() if v}


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
    "services.fund.ledger",
    "services.notification.domain",
    "services.notification.sms",
    "services.notification.signing",
    "services.notification.service",
    "services.notification.reminders",
    "services.fund.domain",
    "services.fund.publication",
    "services.fund.service",
    "services.fund.schemas",
    "services.fund.documents",
    "khuyenhoc.envelope",
    "khuyenhoc.events",
    "khuyenhoc.tenancy",
    "khuyenhoc.text",
    "khuyenhoc.validation",
]
FORBIDDEN = ("eventlet", "nameko", "kombu", "pymongo")


@pytest.mark.parametrize("module", PURE_MODULES)
def test_module_imports_no_io_framework(module):
    # a fresh interpreter: this test process has them all loaded already
    probe = f"import sys, {module}; print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} pulls in {done.stdout.strip()}"
