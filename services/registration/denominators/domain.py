"""Denominators as data: what the programme's targets are shares of, per unit and year, each
figure with its source and date.

The figures (names as QĐ 387/QĐ-TTg and QĐ 677/QĐ-TTg count them):

- ``population``  dân số (người)
- ``households``  hộ gia đình
- ``adults``      người lớn: the base of QĐ 677/QĐ-TTg's target "adults in learning families,
                  clans and communities holding CDHT" (as the domain brief quotes it; the
                  decision's own text was not found in our sources, so the Vietnamese label is
                  provisional, and which ages count is the province's: entered, never derived)
- ``clans``       dòng họ
- ``hamlets``     thôn, bản, ấp, tổ dân phố, khu phố
- ``units``       cơ quan, trường học, doanh nghiệp, đơn vị cấp xã (the ĐVHT target's base)
- ``staff``       cán bộ, công chức, viên chức, người lao động of those units

and a flag ``mountain`` (vùng miền núi / đặc biệt khó khăn: the targets' mountain variants).

Roll-up rule (pure, :func:`roll_up`): a unit's figure for a year is its own entry when one was
made; else the sum of the figures of the units directly below it (each by the same rule),
marked *incomplete* when some unit below has none; with nothing below, unknown (None, never
0). A hamlet (a directory unit) counts itself as one hamlet unless entered otherwise, so a
commune whose hamlets were never entered has as many as the directory lists that year
(source :data:`DIRECTORY_SOURCE`). The ``mountain`` flag is the unit's own entry, else its
nearest ancestor's, else False.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from khuyenhoc.tenancy import UnitPath

FIGURES = ("population", "households", "adults", "clans", "hamlets", "units", "staff")
FIGURE_NAMES = {
    "population": "dân số",
    "households": "hộ gia đình",
    "adults": "người lớn",
    "clans": "dòng họ",
    "hamlets": "thôn, tổ dân phố",
    "units": "cơ quan, trường học, doanh nghiệp cấp xã",
    "staff": "cán bộ, công chức, viên chức, người lao động",
}
DIRECTORY_SOURCE = "Danh mục thôn, tổ dân phố trên hệ thống"
HAMLET_LEVEL = "hamlet"

Entry = Mapping[str, Any]


def entry_id(tenant: str, path: str, year: int) -> str:
    return f"{tenant}:{path}:{year}"


def entry_document(
    existing: Entry | None,
    unit: Mapping[str, Any],
    year: int,
    figures: Mapping[str, int | None],
    source: str,
    as_of: date,
    mountain: bool | None = None,
) -> dict[str, Any]:
    """The unit's entry for ``year`` after an officer's (partial) update: the figures given
    replace those stored, with this source and date; the others are kept as they were."""
    path = UnitPath.parse(unit["path"])
    document: dict[str, Any] = dict(existing or {})
    sources: dict[str, Any] = dict(document.get("sources") or {})
    for name in FIGURES:
        if name in figures and figures[name] is not None:
            document[name] = int(figures[name])  # type: ignore[arg-type]
            sources[name] = {"source": source, "as_of": as_of.isoformat()}
    if mountain is not None:
        document["mountain"] = bool(mountain)
        sources["mountain"] = {"source": source, "as_of": as_of.isoformat()}
    document.update(
        {
            "_id": entry_id(path.tenant, str(path), year),
            "tenant": path.tenant,
            "unitpath": str(path),
            "unit_code": unit["code"],
            "year": year,
            "sources": sources,
            **path.depth_fields(),
        }
    )
    return document


@dataclass
class Figures:
    """A unit's denominators for a year, as :func:`roll_up` found them."""

    values: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(FIGURES))
    sources: list[dict[str, Any]] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    mountain: bool = False

    def as_answer(self) -> dict[str, Any]:
        return {
            **self.values,
            "mountain": self.mountain,
            "sources": self.sources,
            "incomplete": self.incomplete,
        }


@dataclass(frozen=True)
class Tree:
    """The directory below some unit for a year: each unit's children (paths) and level."""

    children: Mapping[str, list[str]]
    levels: Mapping[str, str]

    @classmethod
    def of(cls, units: Iterable[Mapping[str, Any]]) -> Tree:
        children: dict[str, list[str]] = {}
        levels: dict[str, str] = {}
        for unit in units:
            path = unit["path"]
            levels[path] = unit.get("level") or ""
            parent = path.rsplit("/", 1)[0] if "/" in path else None
            if parent is not None:
                children.setdefault(parent, []).append(path)
        return cls({p: sorted(set(c)) for p, c in children.items()}, levels)


def roll_up(path: str, tree: Tree, entries: Mapping[str, Entry]) -> Figures:
    """The unit's figures for the year by the module's rule (one pass over its subtree)."""
    memo: dict[str, dict[str, tuple[int | None, bool, list[dict[str, Any]]]]] = {}

    def figure(at: str, name: str) -> tuple[int | None, bool, list[dict[str, Any]]]:
        cached = memo.setdefault(at, {})
        if name in cached:
            return cached[name]
        own = entries.get(at)
        if own is not None and own.get(name) is not None:
            meta = (own.get("sources") or {}).get(name) or {}
            found: tuple[int | None, bool, list[dict[str, Any]]] = (
                int(own[name]),
                True,
                [_source(name, meta.get("source"), meta.get("as_of"), own.get("unit_code"))],
            )
        elif name == "hamlets" and tree.levels.get(at) == HAMLET_LEVEL:
            found = (1, True, [])
        else:
            found = _summed(name, [figure(child, name) for child in _below(at, tree)])
            if name == "hamlets" and found[0] and not found[2]:
                found = (found[0], found[1], [_source(name, DIRECTORY_SOURCE, None, _code(at))])
        cached[name] = found
        return found

    result = Figures()
    for name in FIGURES:
        value, complete, sources = figure(path, name)
        result.values[name] = value
        result.sources.extend(sources)
        if value is None or not complete:
            result.incomplete.append(name)
    result.mountain = mountain_of(path, entries)
    return result


def _below(path: str, tree: Tree) -> list[str]:
    return [c for c in tree.children.get(path, []) if tree.levels.get(c) != "branch"]


def _summed(
    name: str, parts: list[tuple[int | None, bool, list[dict[str, Any]]]]
) -> tuple[int | None, bool, list[dict[str, Any]]]:
    known = [p for p in parts if p[0] is not None]
    if not known:
        return None, False, []
    total = sum(int(p[0] or 0) for p in known)
    complete = len(known) == len(parts) and all(p[1] for p in known)
    sources = [s for p in known for s in p[2]]
    return total, complete, _unique(sources)


def mountain_of(path: str, entries: Mapping[str, Entry]) -> bool:
    """The unit's own flag, else its nearest ancestor's, else False."""
    codes = path.split("/")
    for depth in range(len(codes), 0, -1):
        entry = entries.get("/".join(codes[:depth]))
        if entry is not None and entry.get("mountain") is not None:
            return bool(entry["mountain"])
    return False


def summed(answers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Several units' answers as one (a unit whose figures for a year are its predecessors'):
    each figure the sum of the known ones, incomplete when one is unknown or incomplete;
    mountain when any is."""
    given = list(answers)
    result = Figures()
    if not given:
        result.incomplete = list(FIGURES)
        return result.as_answer()
    for name in FIGURES:
        values = [a.get(name) for a in given]
        known = [int(v) for v in values if v is not None]
        result.values[name] = sum(known) if known else None
        if len(known) < len(values) or any(name in (a.get("incomplete") or []) for a in given):
            result.incomplete.append(name)
    result.sources = _unique([s for a in given for s in a.get("sources") or []])
    result.mountain = any(bool(a.get("mountain")) for a in given)
    return result.as_answer()


def _source(name: str, source: Any, as_of: Any, unit_code: Any) -> dict[str, Any]:
    return {"figure": name, "source": source, "as_of": as_of, "unit_code": unit_code}


def _unique(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for s in sources:
        seen.setdefault((s["figure"], s["source"], s["as_of"], s["unit_code"]), s)
    return list(seen.values())


def _code(path: str) -> str:
    return path.rsplit("/", 1)[-1]
