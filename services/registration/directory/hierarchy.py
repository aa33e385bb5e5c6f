"""Rules of the directory over time: which version of a unit is meant at a date, and where a
unit's figures for a year live when it was formed by a reorganisation.

A unit code may denote several units over time (a 2025 commune often keeps the code of one of
the communes it absorbed), so every unit is a *version*: (tenant, scheme, code) with a validity
interval. Pure: documents in, answers out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from services.registration.errors import Refused
from services.registration.messages import ENDED_TEXTS

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


def counts(link: dict[str, Any]) -> bool:
    """Whether a predecessor link carries the predecessor's figures. A split commune's figures
    go to exactly one of its successors (``counts: true``); the others keep the link as "một
    phần" (``counts: false``). Links stored before ``counts`` existed: a whole one counts."""
    return bool(link.get("counts", not link.get("partial")))


def figure_paths(unit: dict[str, Any], year: int) -> list[str]:
    """Where the unit's figures for ``year`` are kept: its own path, or, for a year before the
    unit existed, the paths of the units it was formed from that carry their figures to it
    (a split predecessor counts at one successor only, so sums over a year's map are exact)."""
    start = _day(unit.get("valid_from"))
    predecessors = unit.get("predecessors") or []
    if start is not None and year < start.year and predecessors:
        return [p["path"] for p in predecessors if p.get("path") and counts(p)]
    return [unit["path"]]


def ended_before(unit: dict[str, Any], day: date) -> bool:
    """Whether the unit had ended before ``day`` (a write dated then must go elsewhere)."""
    end = _day(unit.get("valid_to"))
    return end is not None and end < day


def not_yet_on(unit: dict[str, Any], day: date) -> bool:
    """Whether the unit began after ``day`` (its code named another unit, or none, then)."""
    start = _day(unit.get("valid_from"))
    return start is not None and day < start


def vietnamese_day(value: str | date) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return day.strftime("%d/%m/%Y")


def named_links(links: Iterable[dict[str, Any]]) -> str:
    """Linked units as users read them: "Xã Đồng Đăng (06184)", joined with "và"/commas."""
    names = [
        f"{link['name']} ({link['code']})" if link.get("name") else str(link.get("code"))
        for link in links
    ]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def ended_text(unit: dict[str, Any], templates: dict[str, str]) -> str:
    """Why a write into an ended unit is refused, naming its successors (templates: ``merged``
    with {name}, {successors}, {day}; ``ended`` with {name}, {day})."""
    end = _day(unit.get("valid_to"))
    day = vietnamese_day(end + timedelta(days=1)) if end else ""
    successors = unit.get("successors") or []
    if successors:
        return templates["merged"].format(
            name=unit.get("name") or unit.get("code"), successors=named_links(successors), day=day
        )
    return templates["ended"].format(name=unit.get("name") or unit.get("code"), day=day)


def inherited_paths(
    unit: dict[str, Any], by_ids: Callable[[list[str]], dict[str, dict[str, Any]]]
) -> list[str]:
    """The paths of every unit the unit was formed from, transitively (a predecessor's
    predecessors too): whose records its officers now keep. Only those units' own subtrees,
    never their old parents'. ``by_ids`` reads units by version id (one read per generation)."""
    seen: set[str] = {unit["_id"]}
    found: list[str] = []
    pending = [link for link in unit.get("predecessors") or []]
    while pending:
        ids = [link["id"] for link in pending if link.get("id") and link["id"] not in seen]
        seen.update(ids)
        units = by_ids(ids) if ids else {}
        pending = []
        for unit_id_ in ids:
            older = units.get(unit_id_)
            if older is None:
                continue
            if older.get("path") and older["path"] not in found:
                found.append(older["path"])
            pending.extend(older.get("predecessors") or [])
    return found


def refuse_if_ended(
    unit: dict[str, Any], day: date, field: str, texts: dict[str, str] | None = None
) -> None:
    """Refuse (on ``field``) a write dated ``day`` into a unit that had ended by then, saying
    where it went."""
    if ended_before(unit, day):
        raise Refused(field, "unit_ended", text=ended_text(unit, texts or ENDED_TEXTS))
