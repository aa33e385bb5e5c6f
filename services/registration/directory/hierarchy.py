"""Rules of the directory over time: which version of a unit is meant at a date, and where a
unit's figures for a year live when it was formed by a reorganisation.

A unit code may denote several units over time (a 2025 commune often keeps the code of one of
the communes it absorbed), so every unit is a *version*: (tenant, scheme, code) with a validity
interval. Pure: documents in, answers out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

SCHEME_LEVELS: dict[str, tuple[str, ...]] = {
    "2024": ("province", "district", "commune", "branch"),  # before 1 July 2025
    "2025": ("province", "commune", "branch"),  # two-level local government
}


def unit_id(tenant: str, scheme: str, code: str, since: str | None = None) -> str:
    """One document per version of a unit: the same code can name different units over time.
    Units of an official list are keyed by their scheme; a unit formed later within a scheme
    (a local merger or split) also by the day it began."""
    return f"{tenant}:{scheme}:{code}" + (f"@{since}" if since else "")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def valid_at(unit: dict[str, Any], at: date) -> bool:
    start, end = _day(unit.get("valid_from")), _day(unit.get("valid_to"))
    return (start is None or start <= at) and (end is None or at <= end)


def pick_version(versions: Iterable[dict[str, Any]], at: date) -> dict[str, Any] | None:
    """The version valid at ``at``; if none was, the most recent one (a code asked for outside
    its lifetime still names that unit)."""
    candidates = list(versions)
    if not candidates:
        return None
    current = [unit for unit in candidates if valid_at(unit, at)]
    pool = current or candidates
    return max(pool, key=lambda unit: unit.get("valid_from") or "")


def reference_day(unit: dict[str, Any], today: date) -> date:
    """The day to read a unit's surroundings (parent, children) at: today while it exists,
    else its last day."""
    end = _day(unit.get("valid_to"))
    return end if end is not None and end < today else today


def registration_date(year: int, today: date) -> date:
    """The day whose directory a registration for ``year`` refers to: the end of that year, or
    today while the year is not over. Back-filled 2024 data so lands on the 2024 communes."""
    return min(today, date(year, 12, 31))


def keeps_own_figures(unit: dict[str, Any]) -> bool:
    """Whether every year's figures of the unit are at its own path: true unless the unit was
    formed from others (then its years before are theirs, see :func:`figure_paths`)."""
    return not unit.get("predecessors")


def figure_paths(unit: dict[str, Any], year: int) -> list[str]:
    """Where the unit's figures for ``year`` are kept: its own path, or, for a year before the
    unit existed, the paths of the units it was formed from (its history)."""
    start = _day(unit.get("valid_from"))
    predecessors = unit.get("predecessors") or []
    if start is not None and year < start.year and predecessors:
        return [p["path"] for p in predecessors if p.get("path")]
    return [unit["path"]]
