"""Denominators' use cases: an officer's entry (partial updates keep the other figures), an
imported sheet (all rows or none), and the roll-up of many units for a report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath, common_ancestor
from services.registration.denominators.domain import (
    FIGURES,
    Tree,
    entry_document,
    entry_id,
    roll_up,
    summed,
)
from services.registration.denominators.store import valid_in
from services.registration.directory.hierarchy import registration_date
from services.registration.errors import Refused

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.denominators.store import Denominators
    from services.registration.directory.store import DirectoryStore

MAX_PATHS = 2000
LEVELS = ("province", "district", "commune", "hamlet")


@dataclass(frozen=True)
class Entered:
    unit_code: str
    year: int
    document: dict[str, Any]


def entry_unit(directory: DirectoryStore, unit_code: str, year: int) -> dict[str, Any]:
    """The unit an entry for ``year`` is about: the directory as it stood that year."""
    unit = directory.get(unit_code, registration_date(year, date.today()))
    if unit is None or unit.get("level") not in LEVELS:
        raise Refused("unit_code", "unit_not_found")
    return unit


def set_denominators(
    directory: DirectoryStore,
    store: Denominators,
    unit_code: str,
    year: int,
    figures: Mapping[str, int | None],
    source: str,
    as_of: date,
    mountain: bool | None = None,
) -> Entered:
    unit = entry_unit(directory, unit_code, year)
    existing = store.get(entry_id(directory.tenant, unit["path"], year))
    document = entry_document(existing, unit, year, figures, source, as_of, mountain)
    store.put(document)
    return Entered(unit_code, year, document)


def denominators_many(
    store: Denominators, paths: list[str], year: int, today: date | None = None
) -> dict[str, dict[str, Any]]:
    """Each unit's figures for ``year`` (see the roll-up rule in the domain), read through one
    subtree read of the units' nearest common ancestor. Another tenant's paths answer every
    figure unknown."""
    wanted = [UnitPath.parse(p) for p in dict.fromkeys(paths)][:MAX_PATHS]
    own = [p for p in wanted if p.tenant == store.tenant]
    answer = {str(p): summed([]) for p in wanted}
    if not own:
        return answer
    ancestor = common_ancestor(own)
    day = registration_date(year, today or date.today()).isoformat()
    tree = Tree.of(valid_in(store.units_below(ancestor), day))
    entries = store.subtree(ancestor, year)
    for path in own:
        answer[str(path)] = roll_up(str(path), tree, entries).as_answer()
    return answer


def denominators_of(
    store: Denominators, paths: list[str], year: int, today: date | None = None
) -> dict[str, Any]:
    """The sum over ``paths`` (a unit's figure paths: its predecessors' for a year before it
    existed), each figure incomplete when one path lacks it."""
    found = denominators_many(store, paths, year, today)
    return summed(list(found.values()))


__all__ = ["FIGURES", "Entered", "denominators_many", "denominators_of", "set_denominators"]
