"""One request's batched reads of units and their figures (the province page's loader).

graphene resolves a list's items one after another, so asking each unit's children and
figures when its field is resolved costs one RPC per unit (the province page made ~219).
Units answered together (one ``children`` call, one ``orgUnits`` search: a *generation*) are
remembered here; the first time one of them needs its children or figures, the whole
generation's are fetched in one batched RPC and kept for the rest of the request. A province
page (province → districts → communes) then costs a constant number of RPCs, whatever the
number of units. Nothing here decides access: resolvers still check scope per unit before
asking, and a figure fetched for a sibling is only answered through that sibling's resolver.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from khuyenhoc.tenancy import UnitPath

Unit = dict[str, Any]
Figures = dict[str, dict[str, int]]
CHUNK = 500  # ids or paths per batched call


def loader_of(info: Any) -> Loader:
    """The request's loader (made on first use; the context is per request)."""
    context = info.context
    found: Loader | None = getattr(context, "loader", None)
    if found is None:
        found = Loader(context.rpc)
        context.loader = found
    return found


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _by_tenant(paths: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path in dict.fromkeys(paths):
        grouped.setdefault(UnitPath.parse(path).tenant, []).append(path)
    return grouped


def add_figures(total: dict[str, int], more: dict[str, int]) -> None:
    for name, value in more.items():
        total[name] = total.get(name, 0) + value


class Loader:
    def __init__(self, rpc: Any) -> None:
        self.rpc = rpc
        self._generation: dict[str, list[Unit]] = {}
        self._children: dict[str, list[Unit]] = {}
        self._paths: dict[tuple[str, int], list[str]] = {}  # (unit id, year) → figure paths
        self._stats: dict[tuple[str, int], Figures] = {}  # (path, year) → figures per title
        self._association: dict[tuple[str, int], dict[str, int]] = {}  # (path, year)
        self._fund: dict[tuple[str, int, int], dict[str, int]] = {}  # (path, from, to)
        self._provisional: dict[tuple[str, str, int], dict[str, Any]] = {}
        self._batches: dict[tuple[int, int], list[str]] = {}  # (id(generation), year)
        self._kept: list[list[Unit]] = []

    # -- generations --------------------------------------------------------------------

    def adopt(self, units: list[Unit]) -> list[Unit]:
        """Units answered together: their children and figures are fetched together."""
        generation = [u for u in units if u and u.get("_id")]
        for unit in generation:
            self._generation.setdefault(unit["_id"], generation)
        return units

    def _kin(self, unit: Unit) -> list[Unit]:
        return self._generation.get(unit["_id"]) or [unit]

    # -- the directory ------------------------------------------------------------------

    def children(self, unit: Unit) -> list[Unit]:
        """The unit's children; its whole generation's are asked in the same call."""
        if unit["_id"] not in self._children:
            ids = list(
                dict.fromkeys(u["_id"] for u in self._kin(unit) if u["_id"] not in self._children)
            )
            if unit["_id"] not in ids:
                ids.append(unit["_id"])
            found: dict[str, list[Unit]] = {}
            for chunk in _chunks(ids):
                found.update(self.rpc.registration.children_many(chunk))
            born: list[Unit] = []
            for unit_id in ids:
                self._children[unit_id] = found.get(unit_id) or []
                born.extend(self._children[unit_id])
            self.adopt(born)
        return self._children[unit["_id"]]

    # -- figures ------------------------------------------------------------------------

    def figure_paths(self, unit: Unit, year: int) -> list[str]:
        """Where the unit's figures for ``year`` are kept (its generation's asked at once)."""
        if (unit["_id"], year) not in self._paths:
            kin = [unit, *self._kin(unit)]
            pending = {u["_id"]: u for u in kin if (u["_id"], year) not in self._paths}
            ask = []
            for unit_id, member in pending.items():
                if member.get("keeps_own_figures"):  # registration's answer: no history
                    self._paths[(unit_id, year)] = [member["path"]]
                else:
                    ask.append(unit_id)
            for chunk in _chunks(ask):
                found = self.rpc.registration.figure_paths_many(chunk, year)
                for unit_id in chunk:
                    self._paths[(unit_id, year)] = list(found.get(unit_id) or [])
        return self._paths[(unit["_id"], year)]

    def generation_paths(self, unit: Unit, year: int) -> list[str]:
        """The figure paths of the unit's whole generation (what a batched read asks); made
        once per generation and year."""
        kin = self._kin(unit)
        key = (id(kin), year)
        if key not in self._batches:
            self.figure_paths(unit, year)
            self._batches[key] = list(
                dict.fromkeys(
                    path
                    for member in [unit, *kin]
                    for path in self._paths.get((member["_id"], year), [])
                )
            )
            self._kept.append(kin)  # keeps id(kin) from being reused within the request
        return self._batches[key]

    def stats(self, paths: list[str], batch: list[str], year: int) -> Figures:
        """Figures per title summed over ``paths``; ``batch`` (which holds them) is read in
        one ``scoring.stats_many`` call per tenant."""
        missing = self._missing(self._stats, paths, batch, (year,))
        for tenant, tenant_paths in _by_tenant(missing).items():
            for chunk in _chunks(tenant_paths):
                found = self.rpc.scoring.stats_many(tenant, chunk, year)
                for path in chunk:
                    self._stats[(path, year)] = found.get(path) or {}
        figures: Figures = {}
        for path in paths:
            for title, counts in self._stats[(path, year)].items():
                add_figures(figures.setdefault(title, {}), counts)
        return figures

    def association(self, paths: list[str], batch: list[str], year: int) -> dict[str, int]:
        """Members and branches summed over ``paths`` (``batch`` read in one call per
        tenant)."""
        missing = self._missing(self._association, paths, batch, (year,))
        for tenant, tenant_paths in _by_tenant(missing).items():
            for chunk in _chunks(tenant_paths):
                found = self.rpc.registration.unit_figures_many(tenant, chunk, year)
                for path in chunk:
                    self._association[(path, year)] = found.get(path) or {}
        totals = {"members": 0, "branches": 0}
        for path in paths:
            for name in totals:
                totals[name] += self._association[(path, year)].get(name, 0)
        return totals

    def fund(self, paths: list[str], batch: list[str], first: int, last: int) -> dict[str, int]:
        """The fund's figures summed over ``paths`` (``batch`` read in one call per tenant)."""
        missing = [p for p in dict.fromkeys([*paths, *batch]) if (p, first, last) not in self._fund]
        for tenant, tenant_paths in _by_tenant(missing).items():
            for chunk in _chunks(tenant_paths):
                found = self.rpc.fund.stats_many(tenant, chunk, first, last)
                for path in chunk:
                    self._fund[(path, first, last)] = found.get(path) or {}
        totals: dict[str, int] = {}
        for path in paths:
            add_figures(totals, self._fund[(path, first, last)])
        return totals

    @staticmethod
    def _missing(
        cache: dict[Any, Any], paths: list[str], batch: list[str], rest: tuple[int, ...]
    ) -> list[str]:
        """The paths to read: none when ``paths`` are known, else the batch's unknown ones."""
        if all((p, *rest) in cache for p in paths):
            return []
        return [p for p in dict.fromkeys([*paths, *batch]) if (p, *rest) not in cache]

    def figures_provisional(self, tenant: str, title: str, year: int) -> dict[str, Any]:
        """Whether a title's figures rest on a provisional set: the same for every unit of the
        tenant, so asked once per request."""
        key = (tenant, title, year)
        if key not in self._provisional:
            self._provisional[key] = self.rpc.scoring.figures_provisional(tenant, title, year)
        return self._provisional[key]
