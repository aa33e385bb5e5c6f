"""Criteria sets as data: frozen dataclasses, a validating parser and the set selection.

Criteria are issued per period and adapted by provinces, so nothing here is hard-coded: a set is
read from a mapping (a YAML file), and a tenant's own set can be passed to `select` ahead of the
shipped ones. A number the sources do not give is `None` (YAML `null`); the engine then refuses to
decide rather than guess. Only `load_shipped` touches the file system.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from khuyenhoc.vocabulary import TITLES

CRITERIA_DIR = Path(__file__).parent / "criteria"
KINDS = frozenset({"points", "met", "computed"})


class CriteriaSetError(ValueError):
    """A criteria set is malformed; the message starts with the path of the problem."""


@dataclass(frozen=True)
class Decision:
    number: str
    date: dt.date | None  # None: the signing date is not known from our sources


@dataclass(frozen=True)
class Level:
    level: int
    name: str | None
    rating: str | None  # e.g. "Khá", "Tốt"
    # A level reached by total points (TT 44/2014's Tốt / Khá / Trung bình): the total it needs
    # on top of the set's pass mark; ``has_pass_mark`` with None = required but not known.
    pass_mark: int | None = None
    has_pass_mark: bool = False


@dataclass(frozen=True)
class Indicator:
    id: str
    kind: str  # points | met | computed
    name: str | None  # official Vietnamese wording; None when not known
    description: str | None  # English, free text
    provisional: bool
    level: int  # the lowest level that requires this indicator
    max_points: int | None = None  # points: None = unknown
    min_points: int | None = None  # points: floor, 0 = none, None = unknown
    figure: str | None = None  # computed: the key of `figures` holding the value
    targets: tuple[tuple[int, float | None], ...] = ()  # computed: (level, target) pairs

    def target(self, level: int) -> float | None:
        """The computed indicator's target for a level (None when unknown)."""
        return dict(self.targets).get(level)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str | None
    description: str | None
    max_points: int | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    title: str
    issuer: str
    decision: Decision
    effective: dt.date | None
    valid_from: int
    valid_to: int | None  # None: open-ended, in force until replaced
    level: str | None  # administrative level of the rated subject; None = any
    group: str | None  # labour group or variant; None = any
    provisional: bool
    sources: tuple[str, ...]
    validity_years: int | None
    upgrade_after_months: int | None
    total_points: int | None
    pass_mark: int | None
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    notes: tuple[str, ...] = ()
    # Why the set is provisional, in Vietnamese, shown wherever a verdict under it appears.
    provisional_reason: str | None = None
    # Who signs recognitions under this set (rules of ``domain.recognition.DEFAULT_AUTHORITIES``),
    # when the set names it; a province's TENANT_SETTINGS[t].authorities wins over it.
    decided_by: tuple[str, ...] = ()
    # The pass mark / floors are not public: where only they keep a verdict open, the review
    # meeting's vote (bình xét) decides, provisionally (``engine.assess(meeting_agrees=...)``).
    meeting_decides: bool = False

    def indicators(self) -> Iterator[Indicator]:
        for criterion in self.criteria:
            yield from criterion.indicators

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators() if i.id == indicator_id), None)

    @property
    def has_points(self) -> bool:
        return any(i.kind == "points" for i in self.indicators())

    def in_force(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


# --- parsing -------------------------------------------------------------------------------------

_MISSING = object()


def _fail(path: str, message: str) -> CriteriaSetError:
    return CriteriaSetError(f"{path}: {message}")


def _get(data: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
    if key in data:
        return data[key]
    if default is _MISSING:
        raise _fail(_join(path, key), "is required")
    return default


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(path or "<set>", "must be a mapping")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _maybe_text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string or null")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _maybe_int(value: Any, path: str, minimum: int) -> int | None:
    if value is None:
        return None
    return _int_or(value, path, minimum, " or null")


def _int(value: Any, path: str, minimum: int) -> int:
    return _int_or(value, path, minimum, "")


def _int_or(value: Any, path: str, minimum: int, alternative: str) -> int:
    if not _is_int(value) or value < minimum:
        kind = "a positive integer" if minimum > 0 else "a non-negative integer"
        raise _fail(path, f"must be {kind}{alternative}")
    number: int = value
    return number


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def _date(value: Any, path: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(path, "must be a date (YYYY-MM-DD) or null")


def _list(value: Any, path: str, non_empty: bool = True) -> Sequence[Any]:
    if not isinstance(value, list) or (non_empty and not value):
        raise _fail(path, "must be a non-empty list" if non_empty else "must be a list")
    return value


def _levels(value: Any) -> tuple[Level, ...]:
    levels = []
    for n, raw in enumerate(_list(value, "levels", non_empty=False)):
        path = f"levels[{n}]"
        item = _mapping(raw, path)
        number = _int(_get(item, "level", path), f"{path}.level", 1)
        if number != n + 1:
            raise _fail(f"{path}.level", f"must be {n + 1}: levels are numbered 1, 2, ... in order")
        name = _maybe_text(item.get("name"), f"{path}.name")
        rating = _maybe_text(item.get("rating"), f"{path}.rating")
        has_mark = "pass_mark" in item
        mark = _maybe_int(item.get("pass_mark"), f"{path}.pass_mark", 1)
        levels.append(Level(number, name, rating, mark, has_mark))
    known = [(lv.level, lv.pass_mark) for lv in levels if lv.pass_mark is not None]
    for (_, lower), (number, higher) in zip(known, known[1:], strict=False):
        if higher < lower:
            raise _fail(f"levels[{number - 1}].pass_mark", "must not fall as the level rises")
    return tuple(levels)


def _targets(
    value: Any, path: str, level_numbers: Sequence[int]
) -> tuple[tuple[int, float | None], ...]:
    targets: Mapping[Any, Any] = _mapping(value, path)  # YAML keys: level numbers
    if sorted(targets) != list(level_numbers):
        raise _fail(path, f"must give a target (or null) for each level {list(level_numbers)}")
    pairs: list[tuple[int, float | None]] = []
    for number in level_numbers:
        target = targets[number]
        if target is not None and (
            isinstance(target, bool)
            or not isinstance(target, int | float)
            or not math.isfinite(target)
            or not 0 <= target <= 1
        ):
            raise _fail(f"{path}.{number}", "must be a share between 0 and 1, or null")
        pairs.append((number, None if target is None else float(target)))
    known = [t for _, t in pairs if t is not None]
    if known != sorted(known):
        raise _fail(path, "a higher level cannot have a lower target")
    return tuple(pairs)


def _indicator(raw: Any, path: str, level_numbers: Sequence[int]) -> Indicator:
    item = _mapping(raw, path)
    ident = _text(_get(item, "id", path), f"{path}.id")
    kind = _get(item, "kind", path)
    if kind not in KINDS:
        raise _fail(f"{path}.kind", f"must be one of {sorted(KINDS)}")
    level = _int(item.get("level", 1), f"{path}.level", 1)
    if level not in level_numbers:
        raise _fail(f"{path}.level", f"must be one of the set's levels {list(level_numbers)}")
    common = {
        "id": ident,
        "kind": kind,
        "name": _maybe_text(item.get("name"), f"{path}.name"),
        "description": _maybe_text(item.get("description"), f"{path}.description"),
        "provisional": _bool(item.get("provisional", False), f"{path}.provisional"),
        "level": level,
    }
    if kind == "points":
        if level != 1:
            raise _fail(f"{path}.level", "points indicators count towards every level: must be 1")
        most = _maybe_int(_get(item, "max_points", path), f"{path}.max_points", 1)
        least = _maybe_int(_get(item, "min_points", path), f"{path}.min_points", 0)
        if most is not None and least is not None and least > most:
            raise _fail(f"{path}.min_points", f"must not exceed max_points ({most})")
        return Indicator(**common, max_points=most, min_points=least)
    if kind == "computed":
        figure = _text(_get(item, "figure", path), f"{path}.figure")
        targets = _targets(_get(item, "targets", path), f"{path}.targets", level_numbers)
        return Indicator(**common, figure=figure, targets=targets)
    return Indicator(**common)


def _criterion(raw: Any, path: str, level_numbers: Sequence[int]) -> Criterion:
    item = _mapping(raw, path)
    indicators = tuple(
        _indicator(ind, f"{path}.indicators[{n}]", level_numbers)
        for n, ind in enumerate(_list(_get(item, "indicators", path), f"{path}.indicators"))
    )
    most = _maybe_int(item.get("max_points"), f"{path}.max_points", 1)
    maxima = [i.max_points for i in indicators if i.kind == "points"]
    known = [m for m in maxima if m is not None]
    if most is not None and maxima and len(known) == len(maxima) and sum(known) != most:
        raise _fail(f"{path}.max_points", f"is {most} but its indicators add up to {sum(known)}")
    return Criterion(
        id=_text(_get(item, "id", path), f"{path}.id"),
        name=_maybe_text(item.get("name"), f"{path}.name"),
        description=_maybe_text(item.get("description"), f"{path}.description"),
        max_points=most,
        indicators=indicators,
    )


def _check_ids(criteria: Sequence[Criterion]) -> None:
    seen: set[str] = set()
    for c_n, criterion in enumerate(criteria):
        if criterion.id in seen:
            raise _fail(f"criteria[{c_n}].id", f"duplicate id {criterion.id!r}")
        seen.add(criterion.id)
        for i_n, indicator in enumerate(criterion.indicators):
            if indicator.id in seen:
                raise _fail(
                    f"criteria[{c_n}].indicators[{i_n}].id", f"duplicate id {indicator.id!r}"
                )
            seen.add(indicator.id)


def _check_points(
    data: Mapping[str, Any], criteria: Sequence[Criterion], levels: Sequence[Level]
) -> tuple[int | None, int | None]:
    has_points = any(i.kind == "points" for c in criteria for i in c.indicators)
    total = _maybe_int(data.get("total_points"), "total_points", 1)
    if not has_points:
        if data.get("pass_mark") is not None or total is not None:
            raise _fail("pass_mark", "only a set with points indicators has points")
        if any(lv.has_pass_mark for lv in levels):
            raise _fail("levels", "only a set with points indicators has pass marks per level")
        return None, None
    pass_mark = _maybe_int(_get(data, "pass_mark", ""), "pass_mark", 1)
    maxima = [c.max_points for c in criteria]
    known = [m for m in maxima if m is not None]
    if total is not None and len(known) == len(maxima) and sum(known) != total:
        raise _fail("total_points", f"is {total} but the criteria add up to {sum(known)}")
    if total is not None and pass_mark is not None and pass_mark > total:
        raise _fail("pass_mark", f"must not exceed total_points ({total})")
    for lv in levels:
        if total is not None and lv.pass_mark is not None and lv.pass_mark > total:
            raise _fail(f"levels[{lv.level - 1}].pass_mark", f"must not exceed {total}")
    return total, pass_mark


def parse_set(data: Mapping[str, Any]) -> CriteriaSet:
    """Validate a mapping (one YAML document) into a CriteriaSet; errors name the faulty path."""
    data = _mapping(data, "")
    levels = _levels(data.get("levels", []))
    level_numbers = [lv.level for lv in levels] or [1]
    raw_criteria = _list(_get(data, "criteria", ""), "criteria")
    criteria = tuple(
        _criterion(c, f"criteria[{n}]", level_numbers) for n, c in enumerate(raw_criteria)
    )
    _check_ids(criteria)
    total, pass_mark = _check_points(data, criteria, levels)
    decision = _mapping(_get(data, "decision", ""), "decision")
    title = _get(data, "title", "")
    if title not in TITLES:
        raise _fail("title", f"must be one of {sorted(TITLES)}")
    valid_from = _int(_get(data, "valid_from", ""), "valid_from", 1)
    valid_to = _maybe_int(_get(data, "valid_to", ""), "valid_to", 1)
    if valid_to is not None and valid_to < valid_from:
        raise _fail("valid_to", f"must not be before valid_from ({valid_from})")
    provisional = _bool(_get(data, "provisional", ""), "provisional")
    provisional_reason = _maybe_text(data.get("provisional_reason"), "provisional_reason")
    if provisional and provisional_reason is None:
        raise _fail("provisional_reason", "is required when provisional is true (say why)")
    if not provisional and provisional_reason is not None:
        raise _fail("provisional_reason", "only a provisional set has one")
    meeting_decides = _bool(data.get("meeting_decides", False), "meeting_decides")
    if meeting_decides and not provisional:
        raise _fail("meeting_decides", "only a provisional set has one")
    sources = tuple(
        _text(s, f"sources[{n}]") for n, s in enumerate(_list(_get(data, "sources", ""), "sources"))
    )
    return CriteriaSet(
        id=_text(_get(data, "id", ""), "id"),
        title=title,
        issuer=_text(_get(data, "issuer", ""), "issuer"),
        decision=Decision(
            number=_text(_get(decision, "number", "decision"), "decision.number"),
            date=_date(decision.get("date"), "decision.date"),
        ),
        effective=_date(data.get("effective"), "effective"),
        valid_from=valid_from,
        valid_to=valid_to,
        level=_maybe_text(data.get("level"), "level"),
        group=_maybe_text(data.get("group"), "group"),
        provisional=provisional,
        provisional_reason=provisional_reason,
        meeting_decides=meeting_decides,
        sources=sources,
        validity_years=_maybe_int(data.get("validity_years"), "validity_years", 1),
        upgrade_after_months=_maybe_int(
            data.get("upgrade_after_months"), "upgrade_after_months", 1
        ),
        total_points=total,
        pass_mark=pass_mark,
        levels=levels,
        criteria=criteria,
        notes=tuple(
            _text(s, f"notes[{n}]")
            for n, s in enumerate(_list(data.get("notes", []), "notes", non_empty=False))
        ),
        decided_by=_decided_by(data.get("decided_by")),
    )


_AUTHORITY_RULE = re.compile(r"^[a-z_]+(@(commune|district|province)|:(same|parent|above))?$")


def _decided_by(value: Any) -> tuple[str, ...]:
    """Optional ``decided_by``: a list of rules such as ``authority@commune``."""
    if value is None:
        return ()
    rules = tuple(
        _text(r, f"decided_by[{n}]")
        for n, r in enumerate(_list(value, "decided_by", non_empty=False))
    )
    for n, rule in enumerate(rules):
        if not _AUTHORITY_RULE.match(rule):
            raise _fail(
                f"decided_by[{n}]",
                "must be a role, optionally @commune, @district, @province, :same, :parent "
                "or :above",
            )
    return rules


def parse_document(document: Any, origin: str = "") -> list[CriteriaSet]:
    """A YAML document holds one set (a mapping) or several (a list, e.g. one per labour group)."""
    items = document if isinstance(document, list) else [document]
    sets = []
    for n, item in enumerate(items):
        try:
            sets.append(parse_set(item))
        except CriteriaSetError as error:
            where = f"{origin}[{n}]" if isinstance(document, list) else origin
            raise CriteriaSetError(f"{where}: {error}" if where else str(error)) from None
    return sets


def load_file(path: Path) -> list[CriteriaSet]:
    """Read one YAML file of criteria sets (a province's own file, or a shipped one)."""
    with path.open(encoding="utf-8") as handle:
        return parse_document(yaml.safe_load(handle), origin=path.name)


@cache
def _shipped() -> tuple[CriteriaSet, ...]:
    sets = [s for path in sorted(CRITERIA_DIR.glob("*.yaml")) for s in load_file(path)]
    ids = [s.id for s in sets]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CriteriaSetError(f"shipped criteria: duplicate set ids {duplicates}")
    return tuple(sets)


def load_shipped() -> list[CriteriaSet]:
    """The sets shipped with the service, read once per process."""
    return list(_shipped())


# --- selection -----------------------------------------------------------------------------------


def _matches(wanted: str | None, have: str | None) -> int | None:
    """Specificity of a match: 2 exact, 1 the set applies to any, None no match."""
    if have is None:
        return 1
    return 2 if wanted == have else None


def select(
    sets: Sequence[CriteriaSet],
    title: str,
    year: int,
    group: str | None = None,
    level: str | None = None,
) -> CriteriaSet | None:
    """The set in force for a title and year. A set made for the given group/level beats one that
    applies to any; among equals the earlier one in `sets` wins, so a tenant passes its own sets
    first (`select(own + load_shipped(), ...)`) to override the shipped ones."""
    best: tuple[int, int] | None = None
    chosen = None
    for position, candidate in enumerate(sets):
        if candidate.title != title or not candidate.in_force(year):
            continue
        by_group, by_level = _matches(group, candidate.group), _matches(level, candidate.level)
        if by_group is None or by_level is None:
            continue
        rank = (by_group + by_level, -position)
        if best is None or rank > best:
            best, chosen = rank, candidate
    return chosen
