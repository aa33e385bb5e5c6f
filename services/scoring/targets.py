"""Programme targets as data: the YAML files of ``targets/`` (QĐ 281, 387, 677/QĐ-TTg), read
and validated like the criteria sets (``criteria_sets``). A number the sources do not give is
not filled in; every target names its sources (``targets/SOURCES.md`` lists them). Only
``load_shipped`` touches the file system.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from khuyenhoc.vocabulary import FIGURES, TITLES
from services.scoring.domain.progress import DENOMINATORS, Decision, Target

TARGETS_DIR = Path(__file__).parent / "targets"


class TargetError(ValueError):
    """A target is malformed; the message starts with the path of the problem."""


def _fail(path: str, message: str) -> TargetError:
    return TargetError(f"{path}: {message}")


def _get(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise _fail(f"{path}.{key}", "is required")
    return data[key]


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _maybe_text(value: Any, path: str) -> str | None:
    return None if value is None else _text(value, path)


def _year(value: Any, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1990 <= value <= 2100:
        raise _fail(path, "must be a year")
    return value


def _share(value: Any, path: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= 1
    ):
        raise _fail(path, "must be a share above 0 and at most 1")
    return float(value)


def _date(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _fail(path, "must be a date (YYYY-MM-DD) or null")


def parse_target(data: Any, path: str = "target") -> Target:
    """Validate one mapping into a Target; errors name the faulty path."""
    if not isinstance(data, Mapping):
        raise _fail(path, "must be a mapping")
    decision = _get(data, "decision", path)
    if not isinstance(decision, Mapping):
        raise _fail(f"{path}.decision", "must be a mapping")
    title = data.get("title")
    if title is not None and title not in TITLES:
        raise _fail(f"{path}.title", f"must be one of {sorted(TITLES)} or null")
    numerator = _get(data, "numerator", path)
    numerator_title = numerator_figure = numerator_missing = None
    if numerator is None:
        numerator_missing = _text(data.get("numerator_missing"), f"{path}.numerator_missing")
    else:
        if not isinstance(numerator, Mapping):
            raise _fail(f"{path}.numerator", "must be a mapping {title, figure} or null")
        numerator_title = _get(numerator, "title", f"{path}.numerator")
        numerator_figure = _get(numerator, "figure", f"{path}.numerator")
        if numerator_title not in TITLES:
            raise _fail(f"{path}.numerator.title", f"must be one of {sorted(TITLES)}")
        if numerator_figure not in FIGURES:
            raise _fail(f"{path}.numerator.figure", f"must be one of {list(FIGURES)}")
        if data.get("numerator_missing") is not None:
            raise _fail(f"{path}.numerator_missing", "only a target without a numerator has one")
    denominator = _get(data, "denominator", path)
    if denominator not in DENOMINATORS:
        raise _fail(f"{path}.denominator", f"must be one of {sorted(DENOMINATORS)}")
    share = _share(_get(data, "share", path), f"{path}.share")
    mountain = data.get("mountain_share")
    mountain_share = None if mountain is None else _share(mountain, f"{path}.mountain_share")
    valid_from = _year(_get(data, "valid_from", path), f"{path}.valid_from")
    valid_to = _year(_get(data, "valid_to", path), f"{path}.valid_to")
    if valid_to < valid_from:
        raise _fail(f"{path}.valid_to", f"must not be before valid_from ({valid_from})")
    milestone = _year(_get(data, "milestone_year", path), f"{path}.milestone_year")
    provisional = _get(data, "provisional", path)
    if not isinstance(provisional, bool):
        raise _fail(f"{path}.provisional", "must be true or false")
    reason = _maybe_text(data.get("provisional_reason"), f"{path}.provisional_reason")
    if provisional != (reason is not None):
        raise _fail(
            f"{path}.provisional_reason",
            "is required when provisional is true (say why), and only then",
        )
    sources = _get(data, "sources", path)
    if not isinstance(sources, list) or not sources:
        raise _fail(f"{path}.sources", "must be a non-empty list")
    return Target(
        code=_text(_get(data, "code", path), f"{path}.code"),
        decision=Decision(
            number=_text(_get(decision, "number", f"{path}.decision"), f"{path}.decision.number"),
            date=_date(decision.get("date"), f"{path}.decision.date"),
            issuer=_text(_get(decision, "issuer", f"{path}.decision"), f"{path}.decision.issuer"),
        ),
        programme=_text(_get(data, "programme", path), f"{path}.programme"),
        title=title,
        label=_text(_get(data, "label", path), f"{path}.label"),
        numerator_title=numerator_title,
        numerator_figure=numerator_figure,
        numerator_name=_text(_get(data, "numerator_name", path), f"{path}.numerator_name"),
        numerator_missing=numerator_missing,
        denominator=denominator,
        share=share,
        mountain_share=mountain_share,
        valid_from=valid_from,
        valid_to=valid_to,
        milestone_year=milestone,
        provisional=provisional,
        provisional_reason=reason,
        sources=tuple(_text(s, f"{path}.sources[{n}]") for n, s in enumerate(sources)),
    )


def parse_document(document: Any, origin: str = "") -> list[Target]:
    """A YAML document holds one target (a mapping) or several (a list)."""
    items = document if isinstance(document, list) else [document]
    return [parse_target(item, f"{origin}[{n}]") for n, item in enumerate(items)]


def load_file(path: Path) -> list[Target]:
    with path.open(encoding="utf-8") as handle:
        return parse_document(yaml.safe_load(handle), origin=path.name)


@cache
def _shipped() -> tuple[Target, ...]:
    targets = [t for path in sorted(TARGETS_DIR.glob("*.yaml")) for t in load_file(path)]
    codes = [t.code for t in targets]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise TargetError(f"shipped targets: duplicate codes {duplicates}")
    return tuple(targets)


def load_shipped() -> list[Target]:
    """The targets shipped with the service, read once per process."""
    return list(_shipped())


def by_code(code: str) -> Target | None:
    return next((t for t in _shipped() if t.code == code), None)
