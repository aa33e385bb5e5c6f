"""Where a report's figures come from: one small adapter per source (an RPC of a service), so
a renamed RPC or a changed answer is fixed here, in one place. Each adapter answers plain data
(figures summed over the paths that hold a unit's figures for a year: its own, or its
predecessors' for a year before it existed) and batches what a report asks for many units or
years into one call; the composer (:mod:`gateway.reports.compose`) only arranges them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gateway.loader import Figures, Loader, Unit

NOT_BELOW = frozenset({"branch", "hamlet"})  # children that are no level of the roll-ups
DENOMINATOR_KEYS = ("population", "households", "adults", "clans", "hamlets", "units", "staff")
FUND_KEYS = (
    "donations_total",
    "disbursed_total",
    "balance",
    "awards_count",
    "awards_amount",
    "fees_total",
)


class Sources:
    """A report's reads, over one request's :class:`gateway.loader.Loader` (units' children
    and figure paths come from the directory; siblings are read together)."""

    def __init__(self, rpc: Any, loader: Loader | None = None) -> None:
        self.rpc = rpc
        self.loader = loader or Loader(rpc)

    # -- the directory (registration) ---------------------------------------------------

    def unit_at(self, code: str, tenant: str, day: str) -> Unit | None:
        """The unit as the directory stood on ``day`` (ISO): the map a report's year is on."""
        found: Unit | None = self.rpc.registration.get_unit(code, tenant, day)
        return found

    def units(self, ids: list[str]) -> list[Unit]:
        """Units by their version ids (a unit's predecessors)."""
        if not ids:
            return []
        found: list[Unit] = self.rpc.registration.get_units(ids)
        return found

    def children(self, unit: Unit) -> list[Unit]:
        """The level below whose figures make the unit's (branches are not a level of the
        map; hamlets are, but only a commune's village communities are kept at them — its
        households, clans, units and citizens at the commune — so its figures are not its
        hamlets' summed): one call per generation."""
        return [c for c in self.loader.children(unit) if c.get("level") not in NOT_BELOW]

    def figure_paths(self, unit: Unit, year: int) -> list[str]:
        """Where the unit's figures for ``year`` are kept (its generation's asked at once)."""
        return self.loader.figure_paths(unit, year)

    def generation_paths(self, unit: Unit, year: int) -> list[str]:
        return self.loader.generation_paths(unit, year)

    # -- titles (scoring's counters) ----------------------------------------------------

    def titles(self, unit: Unit, year: int) -> Figures:
        """Figures per title of the unit for ``year`` (``scoring.stats_many``, its siblings'
        in the same call)."""
        paths = self.figure_paths(unit, year)
        return self.loader.stats(paths, self.generation_paths(unit, year), year)

    def rating_levels(self, tenant: str, years: list[int]) -> dict[int, dict[str, Any]]:
        """What the commune community's level numbers mean each year (the set in force)."""
        found = self.rpc.scoring.rating_levels("COMMUNE_COMMUNITY", years, tenant)
        return {int(item["year"]): item for item in found}

    def progress(
        self, tenant: str, paths: list[str], year: int, denominators: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Each programme target for ``year`` with numerator, denominator, share and met
        (``scoring.progress_of``)."""
        wanted = {k: denominators.get(k) for k in DENOMINATOR_KEYS}
        found: list[dict[str, Any]] = self.rpc.scoring.progress_of(
            tenant, paths, year, wanted, bool(denominators.get("mountain"))
        )
        return found

    # -- the association (registration) -------------------------------------------------

    def association(self, unit: Unit, year: int) -> dict[str, int]:
        """Members and branches of the unit (``registration.unit_figures_many``)."""
        paths = self.figure_paths(unit, year)
        return self.loader.association(paths, self.generation_paths(unit, year), year)

    def branch_kinds(self, tenant: str, paths: list[str], year: int) -> dict[str, int]:
        """Open branches by kind, summed over ``paths`` (``registration.branch_kinds_many``:
        ``{path: {kind: count}}``)."""
        found = self.rpc.registration.branch_kinds_many(tenant, paths, year) or {}
        total: dict[str, int] = {}
        for path in paths:
            for kind, count in (found.get(path) or {}).items():
                total[kind] = total.get(kind, 0) + int(count or 0)
        return total

    def denominators(self, tenant: str, paths: list[str], year: int) -> dict[str, Any]:
        """Population, households, adults, clans, hamlets, units, staff entered for the unit
        (``registration.denominators_of``, summed over ``paths``); None where not entered."""
        found: dict[str, Any] = self.rpc.registration.denominators_of(tenant, paths, year) or {}
        return found

    def denominators_each(
        self, tenant: str, paths_of: Mapping[str, list[str]], year: int
    ) -> dict[str, dict[str, Any]]:
        """:meth:`denominators` of many units (``{key: paths}``) in one call for those whose
        figures sit at one path (``registration.denominators_many``); a unit formed from
        several others for that year is summed by its own call."""
        single = {key: paths[0] for key, paths in paths_of.items() if len(paths) == 1}
        found: dict[str, Any] = {}
        if single:
            many = self.rpc.registration.denominators_many(tenant, list(single.values()), year)
            found = many or {}
        answer = {key: dict(found.get(path) or {}) for key, path in single.items()}
        for key, paths in paths_of.items():
            if key not in answer:
                answer[key] = self.denominators(tenant, paths, year)
        return answer

    # -- the fund -----------------------------------------------------------------------

    def fund_years(
        self, tenant: str, paths: list[str], first: int, last: int
    ) -> dict[str, dict[int, dict[str, int]]]:
        """The fund's figures per path and year (``fund.report_figures_many``: donations,
        disbursed, balance at the year's end, student awards' count and amount, fees)."""
        if not paths:
            return {}
        found = self.rpc.fund.report_figures_many(tenant, paths, first, last) or {}
        answer: dict[str, dict[int, dict[str, int]]] = {}
        for path in paths:
            years = found.get(path) or {}
            answer[path] = {int(year): dict(figures or {}) for year, figures in years.items()}
        return answer


def summed(
    per_path: Mapping[str, Mapping[int, Mapping[str, int]]], paths: Iterable[str], year: int
):
    """The fund's figures of one year summed over ``paths`` (None for a figure no path has)."""
    total: dict[str, int | None] = dict.fromkeys(FUND_KEYS)
    for path in dict.fromkeys(paths):
        for name, value in ((per_path.get(path) or {}).get(year) or {}).items():
            if name in total and value is not None:
                total[name] = (total[name] or 0) + int(value)
    return total
