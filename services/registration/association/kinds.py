"""Branches by kind (chi hội khu dân cư, trường học, dòng họ, cơ quan...) of many units for a
year: what a report's "branches by kind" table reads. One read of the province's branches,
then counted per unit by the roll-up's own predicate (``path_N == code``): O(units), never one
read per unit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from khuyenhoc.storage import TenantDatabase
from khuyenhoc.tenancy import UnitPath
from services.registration.association.domain import BranchKind, active_in

UNITS = "units"


def kinds_many(
    branches: Iterable[dict[str, Any]], paths: list[UnitPath], year: int
) -> dict[str, dict[str, int]]:
    """``{path: {kind: count}}`` of the branches open in ``year`` at or below each unit; every
    kind is present (0 when none), a branch without a kind counts as ``residential``."""
    open_ = [b for b in branches if active_in(b, year)]
    answer: dict[str, dict[str, int]] = {}
    for path in paths:
        counts = dict.fromkeys((k.value for k in BranchKind), 0)
        for branch in open_:
            if branch.get(f"path_{path.depth}") == path.code:
                kind = branch.get("kind") or BranchKind.RESIDENTIAL.value
                counts[kind] = counts.get(kind, 0) + 1
        answer[str(path)] = counts
    return answer


def province_branches(db: TenantDatabase) -> list[dict[str, Any]]:
    """The province's branches, open or closed, with what counting needs."""
    projection = {"kind": 1, "valid_from": 1, "valid_to": 1, **{f"path_{d}": 1 for d in range(4)}}
    return list(db[UNITS].find({"level": "branch"}, projection))
