"""The rule engine: a pure function from a criteria set and an assessment to a verdict.

Policy on incomplete input (chosen so that no verdict rests on a guess, and no failure waits):
- A definite failure at level 1 is `not_recognised` ("chưa đạt") even when other answers are
  missing or the set leaves numbers null: a score below its floor, an indicator not met, a
  computed share below its known target, or a total that cannot reach the pass mark even with
  full marks on every missing indicator. The reasons list what is still missing too.
- Otherwise level 1 is decided only on complete data and the numbers the decision uses: an
  indicator not supplied makes the verdict `undecidable` with the id in `missing`; a number the
  set leaves null that the rule needs (pass mark, floor, target, a level's mark) makes it
  `undecidable` with the parameter in `unknown_parameters`, and the message says the platform
  lacks that number (not that the official rules do). Only a verdict that could still go either
  way is `undecidable`. A null the rule does not use does not block it: an unknown maximum (the
  points are still checked against the known limits, ≥ 0 and the set's / criterion's total) is
  listed in `unknown_parameters` and explained, and the verdict is decided (QĐ 244/324: ≥ 80 of
  100, no indicator below 5, whatever each indicator's maximum is).
- A set with `meeting_decides` (its pass mark / floors are not public, e.g. QĐ 448): when only
  such unknown numbers keep level 1 open (every answer given, no definite failure), the review
  meeting's vote decides: `meeting_agrees=True` → `recognised` (level 1), flagged
  `decided_by_meeting`; False → `not_recognised`; None (a self-assessment) → `undecidable`,
  waiting for the meeting. A definite failure stays "chưa đạt" whatever the meeting says.
- A higher level that cannot be decided does not take away the level below: the verdict stays
  `recognised` at the lower level and says why the next one was not examined
  (`level_undecidable`); a higher level definitely failed says `level_not_reached`.
- Messages name an indicator by its Vietnamese name ("chỉ số N của tiêu chí M" when the set
  gives none), never by its id.
- Values out of range (points above the maximum or negative, a bool for points, an unknown id) are
  the caller's error: `AssessmentError`, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from services.scoring.criteria_sets import CriteriaSet, Indicator
from services.scoring.messages import REASONS

RECOGNISED = "recognised"
NOT_RECOGNISED = "not_recognised"
UNDECIDABLE = "undecidable"


class AssessmentError(ValueError):
    """The assessment itself is wrong (the caller's error), e.g. points above the maximum."""


@dataclass(frozen=True)
class Reason:
    key: str  # stable, English
    message: str  # Vietnamese, for people


def _reason(key: str, text: str | None = None, **values: object) -> Reason:
    """A reason by its key, worded by the text ``text`` (the key's own by default) of
    ``messages.REASONS``."""
    return Reason(key, REASONS[text or key].format(**values))


@dataclass(frozen=True)
class IndicatorExplanation:
    id: str
    kind: str
    level: int
    points: int | None = None
    max_points: int | None = None
    min_points: int | None = None
    below_floor: bool | None = None
    met: bool | None = None
    value: float | None = None
    targets: tuple[tuple[int, float | None], ...] = ()
    reasons: tuple[Reason, ...] = ()
    name: str | None = None  # how people are shown the indicator (Vietnamese), see ``labels``


@dataclass(frozen=True)
class CriterionExplanation:
    id: str
    name: str | None
    points: int | None  # sum of the criterion's points, None if incomplete or not a points set
    max_points: int | None
    indicators: tuple[IndicatorExplanation, ...]


@dataclass(frozen=True)
class Verdict:
    status: str
    level: int | None
    total: int | None
    explanation: tuple[CriterionExplanation, ...]
    reasons: tuple[Reason, ...]  # set-level reasons: pass mark, levels, the conclusion
    missing: tuple[str, ...]
    unknown_parameters: tuple[str, ...]
    provisional: bool
    set_id: str
    provisional_reason: str | None = None
    # The review meeting's vote decided, standing in for numbers the platform lacks (provisional).
    decided_by_meeting: bool = False

    @property
    def recognised(self) -> bool:
        return self.status == RECOGNISED


# --- input checks --------------------------------------------------------------------------------


def _check_assessment(
    criteria_set: CriteriaSet, assessment: Mapping[str, object], figures: Mapping[str, float]
) -> None:
    """The caller's errors, worded in Vietnamese and naming indicators by their names."""
    named = labels(criteria_set)
    for key, value in assessment.items():
        indicator = criteria_set.indicator(key)
        if indicator is None:
            raise AssessmentError(REASONS["answer_unknown_indicator"].format(key=key))
        name = named[key]
        if indicator.kind == "computed":
            raise AssessmentError(REASONS["answer_computed"].format(name=name))
        if indicator.kind == "met" and not isinstance(value, bool):
            raise AssessmentError(REASONS["answer_met"].format(name=name))
        if indicator.kind == "points":
            _check_points(indicator, value, name)
    _check_sums(criteria_set, assessment)
    for value in figures.values():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise AssessmentError(REASONS["answer_figure"])


def _check_points(indicator: Indicator, value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AssessmentError(REASONS["answer_points_integer"].format(name=name))
    if value < 0:
        raise AssessmentError(REASONS["answer_points_negative"].format(name=name, value=value))
    if indicator.max_points is not None and value > indicator.max_points:
        text = REASONS["answer_points_above_max"]
        raise AssessmentError(text.format(name=name, value=value, most=indicator.max_points))


def _check_sums(criteria_set: CriteriaSet, assessment: Mapping[str, object]) -> None:
    """Points may not add up to more than a known total (the set's, a criterion's): the limit
    that still holds when the indicators' own maxima are not known. Runs after each value was
    checked, so the points given are integers."""
    sums = []
    for criterion in criteria_set.criteria:
        given = [assessment.get(i.id) for i in criterion.indicators if i.kind == "points"]
        sums.append(sum(p for p in given if isinstance(p, int)))
    most = criteria_set.total_points
    if most is not None and sum(sums) > most:
        raise AssessmentError(REASONS["total_above_max"].format(points=sum(sums), most=most))
    for c_n, (criterion, points) in enumerate(
        zip(criteria_set.criteria, sums, strict=True), start=1
    ):
        if criterion.max_points is not None and points > criterion.max_points:
            name = criterion.name or f"tiêu chí {c_n}"
            text = REASONS["criterion_above_max"]
            raise AssessmentError(text.format(name=name, points=points, most=criterion.max_points))


# --- per-indicator evaluation --------------------------------------------------------------------


def labels(criteria_set: CriteriaSet) -> dict[str, str]:
    """How messages name each indicator: its Vietnamese name, else its place in the set."""
    named: dict[str, str] = {}
    for c_n, criterion in enumerate(criteria_set.criteria, start=1):
        for i_n, indicator in enumerate(criterion.indicators, start=1):
            named[indicator.id] = indicator.name or f"chỉ số {i_n} của tiêu chí {c_n}"
    return named


@dataclass(frozen=True)
class _Outcome:
    """What one indicator says about each level: True passes, False fails, None undecided."""

    explanation: IndicatorExplanation
    passes: dict[int, bool | None]
    unknown: tuple[tuple[int, str], ...]  # (level from which it matters, parameter)
    missing: bool
    noted: tuple[str, ...] = ()  # unknown parameters the decision does not use (a maximum)


def _pct(share: float) -> str:
    return f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def _points(ind: Indicator, value: object, levels: list[int], name: str) -> _Outcome:
    # The floor decides; the maximum only bounds the input (known totals still do), so an
    # unknown maximum is noted, not a reason to wait.
    unknown = ((1, f"{ind.id}.min_points"),) if ind.min_points is None else ()
    noted = (f"{ind.id}.max_points",) if ind.max_points is None else ()
    base: dict[str, Any] = {"id": ind.id, "kind": ind.kind, "level": ind.level}
    limits: dict[str, Any] = {"max_points": ind.max_points, "min_points": ind.min_points}
    if value is None:
        reasons = (_reason("missing_indicator", name=name), *_max_unknown(ind, name))
        exp = IndicatorExplanation(**base, **limits, reasons=reasons)
        return _Outcome(exp, dict.fromkeys(levels), unknown, missing=True, noted=noted)
    assert isinstance(value, int)
    below = None if ind.min_points is None else value < ind.min_points
    of_max = f"/{ind.max_points}" if ind.max_points is not None else ""
    if below:
        reason = _reason("below_floor", name=name, value=value, floor=ind.min_points)
    elif below is None:
        reason = _reason("floor_unknown", name=name, value=value, of_max=of_max)
    else:
        reason = _reason("points_given", name=name, value=value, of_max=of_max)
    reasons = (reason, *_max_unknown(ind, name))
    exp = IndicatorExplanation(**base, points=value, **limits, below_floor=below, reasons=reasons)
    passing: bool | None = None if below is None else not below
    return _Outcome(exp, dict.fromkeys(levels, passing), unknown, missing=False, noted=noted)


def _max_unknown(ind: Indicator, name: str) -> tuple[Reason, ...]:
    return () if ind.max_points is not None else (_reason("max_unknown", name=name),)


def _met(ind: Indicator, value: object, levels: list[int], name: str) -> _Outcome:
    base: dict[str, Any] = {"id": ind.id, "kind": ind.kind, "level": ind.level}
    passes: dict[int, bool | None]
    if value is None:
        reason = _reason("missing_indicator", name=name)
        passes = {lv: (None if lv >= ind.level else True) for lv in levels}
        return _Outcome(IndicatorExplanation(**base, reasons=(reason,)), passes, (), missing=True)
    met = bool(value)
    reason = _reason("met" if met else "not_met", name=name)
    passes = {lv: (met if lv >= ind.level else True) for lv in levels}
    exp = IndicatorExplanation(**base, met=met, reasons=(reason,))
    return _Outcome(exp, passes, (), missing=False)


def _computed(ind: Indicator, value: float | None, levels: list[int], name: str) -> _Outcome:
    base: dict[str, Any] = {
        "id": ind.id,
        "kind": ind.kind,
        "level": ind.level,
        "targets": ind.targets,
    }
    unknown = tuple((lv, f"{ind.id}.targets.{lv}") for lv, target in ind.targets if target is None)
    passes: dict[int, bool | None]
    if value is None:
        reason = _reason("missing_indicator", "missing_figure", name=name)
        passes = {lv: (None if lv >= ind.level else True) for lv in levels}
        return _Outcome(IndicatorExplanation(**base, reasons=(reason,)), passes, unknown, True)
    passes = {}
    reasons = []
    for lv in levels:
        target = ind.target(lv)
        if lv < ind.level:
            passes[lv] = True
        elif target is None:
            passes[lv] = None
            reasons.append(_reason("target_unknown", name=name, level=lv))
        else:
            passes[lv] = value >= target
            key = "target_reached" if passes[lv] else "below_target"
            share, needed = _pct(value), _pct(target)
            reasons.append(_reason(key, name=name, share=share, target=needed, level=lv))
    exp = IndicatorExplanation(**base, value=float(value), reasons=tuple(reasons))
    return _Outcome(exp, passes, unknown, missing=False)


def _evaluate(
    ind: Indicator,
    assessment: Mapping[str, object],
    figures: Mapping[str, float],
    levels: list[int],
    name: str,
) -> _Outcome:
    if ind.kind == "points":
        outcome = _points(ind, assessment.get(ind.id), levels, name)
    elif ind.kind == "met":
        outcome = _met(ind, assessment.get(ind.id), levels, name)
    else:
        assert ind.figure is not None
        outcome = _computed(ind, figures.get(ind.figure), levels, name)
    return replace(outcome, explanation=replace(outcome.explanation, name=name))


# --- the verdict ---------------------------------------------------------------------------------


def _best_total(criteria_set: CriteriaSet, outcomes: Mapping[str, _Outcome]) -> int | None:
    """The highest total still possible: the points given plus full marks on every missing
    points indicator; None when a missing indicator's maximum is unknown."""
    best = 0
    for indicator in criteria_set.indicators():
        if indicator.kind != "points":
            continue
        given = outcomes[indicator.id].explanation.points
        most = given if given is not None else indicator.max_points
        if most is None:
            return None
        best += most
    return best


def _pass_mark(
    criteria_set: CriteriaSet, total: int | None, best: int | None
) -> tuple[bool | None, tuple[str, ...], tuple[Reason, ...]]:
    """Whether the total reaches the pass mark (None: cannot tell), unknown params, reasons."""
    if not criteria_set.has_points:
        return True, (), ()
    mark = criteria_set.pass_mark
    if mark is None:
        reason = _reason("pass_mark_unknown")
        return None, ("pass_mark",), (reason,)
    if total is None:
        if best is not None and best < mark:
            return False, (), (_reason("cannot_reach_pass_mark", best=best, mark=mark),)
        return None, (), ()
    if total >= mark:
        return True, (), (_reason("pass_mark_reached", total=total, mark=mark),)
    reason = _reason("below_pass_mark", total=total, mark=mark)
    return False, (), (reason,)


def _level_marks(
    criteria_set: CriteriaSet, total: int | None, set_ok: bool | None, best: int | None
) -> tuple[dict[int, bool | None], dict[int, list[str]], tuple[Reason, ...]]:
    """Per level: whether the total reaches what the level needs (the set's pass mark and the
    level's own, for sets rated by total points), the unknown parameters, and reasons."""
    passes: dict[int, bool | None] = {}
    unknown: dict[int, list[str]] = {}
    reasons: list[Reason] = []
    for lv in criteria_set.levels or ():
        passes[lv.level], unknown[lv.level] = set_ok, []
        if not lv.has_pass_mark or not criteria_set.has_points:
            continue
        if lv.pass_mark is None:
            passes[lv.level] = None
            unknown[lv.level].append(f"levels.{lv.level}.pass_mark")
            reasons.append(_reason("level_mark_unknown", level=lv.level))
        elif total is not None and set_ok is not False:
            passes[lv.level] = None if set_ok is None else total >= lv.pass_mark
            if passes[lv.level] is False:
                reasons.append(
                    _reason("below_level_mark", total=total, mark=lv.pass_mark, level=lv.level)
                )
        elif total is None and set_ok is not False and best is not None and best < lv.pass_mark:
            passes[lv.level] = False
            reasons.append(
                _reason("cannot_reach_level_mark", best=best, mark=lv.pass_mark, level=lv.level)
            )
    return passes, unknown, tuple(reasons)


def _level_state(outcomes: list[_Outcome], level: int, pass_ok: bool | None) -> bool | None:
    """False when a requirement of the level definitely fails (whatever is still missing), True
    when every one passes, None otherwise."""
    states = [o.passes[level] for o in outcomes] + [pass_ok]
    if False in states:
        return False
    if None in states:
        return None
    return True


def _conclusion(status: str, level: int | None) -> Reason:
    if status == RECOGNISED and level is not None:
        return _reason(RECOGNISED, "recognised_at_level", level=level)
    return _reason(status)


def assess(
    criteria_set: CriteriaSet,
    assessment: Mapping[str, object],
    figures: Mapping[str, float] | None = None,
    meeting_agrees: bool | None = None,
) -> Verdict:
    """Apply a criteria set to one subject's assessment (indicator id → points or met) and the
    caller's computed figures (e.g. {"members_citizen_share": 0.93}). Pure and deterministic.
    ``meeting_agrees`` is the review meeting's vote (None: no vote, e.g. a self-assessment); it
    decides only under a ``meeting_decides`` set, and only what the set's numbers cannot."""
    figures = figures or {}
    _check_assessment(criteria_set, assessment, figures)
    levels = [lv.level for lv in criteria_set.levels] or [1]
    named = labels(criteria_set)
    outcomes = {
        i.id: _evaluate(i, assessment, figures, levels, named[i.id])
        for i in criteria_set.indicators()
    }
    points = [o.explanation.points for o in outcomes.values() if o.explanation.kind == "points"]
    total = _sum_known(points)
    best = _best_total(criteria_set, outcomes)
    pass_ok, pass_unknown, reasons = _pass_mark(criteria_set, total, best)
    marks, mark_unknown, mark_reasons = _level_marks(criteria_set, total, pass_ok, best)
    reasons += mark_reasons
    pass_by_level = {lv: marks.get(lv, pass_ok) for lv in levels}
    unknown_by_level = {lv: [*pass_unknown, *mark_unknown.get(lv, ())] for lv in levels}
    for outcome in outcomes.values():
        for from_level, param in outcome.unknown:
            for lv in levels:
                if lv >= max(from_level, 1):
                    unknown_by_level[lv].append(param)
    missing_by_level = {
        lv: [i for i, o in outcomes.items() if o.missing and o.passes[lv] is None] for lv in levels
    }
    meeting = meeting_agrees if criteria_set.meeting_decides else _NO_MEETING
    status, reached, level_reasons, by_meeting = _decide(
        list(outcomes.values()),
        levels,
        pass_by_level,
        unknown_by_level,
        missing_by_level,
        meeting,
    )
    named_levels = bool(criteria_set.levels)
    level = reached if named_levels and status == RECOGNISED else None
    noted = [p for o in outcomes.values() for p in o.noted]
    all_unknown = sorted({p for params in unknown_by_level.values() for p in params} | {*noted})
    missing = [named[i] for i, o in outcomes.items() if o.missing]
    still_missing = (
        (_reason("still_missing", names="; ".join(f"“{n}”" for n in missing)),)
        if status == NOT_RECOGNISED and missing
        else ()
    )
    return Verdict(
        status=status,
        level=level,
        total=total,
        explanation=_explain(criteria_set, outcomes),
        reasons=tuple(reasons)
        + by_meeting
        + (level_reasons if named_levels else ())
        + still_missing
        + (_conclusion(status, level),),
        missing=tuple(i for i, o in outcomes.items() if o.missing),
        unknown_parameters=tuple(all_unknown),
        provisional=criteria_set.provisional,
        set_id=criteria_set.id,
        provisional_reason=criteria_set.provisional_reason,
        decided_by_meeting=any(r.key in _MEETING_DECIDED for r in by_meeting),
    )


class _NoMeeting:
    """The set does not let the meeting decide (its rule is known, or not a review matter)."""


_NO_MEETING = _NoMeeting()
_MEETING_DECIDED = frozenset({"decided_by_meeting", "meeting_disagrees"})


def _decide(
    outcomes: list[_Outcome],
    levels: list[int],
    pass_by_level: dict[int, bool | None],
    unknown_by_level: dict[int, list[str]],
    missing_by_level: dict[int, list[str]],
    meeting: bool | None | _NoMeeting = _NO_MEETING,
) -> tuple[str, int | None, tuple[Reason, ...], tuple[Reason, ...]]:
    """Walk the levels upwards; the first level decides the status, later ones only raise it.
    A definite failure decides before anything missing or unknown does; then, under a
    ``meeting_decides`` set, the meeting's vote stands in for the unknown numbers of level 1
    (the last tuple says so)."""
    reached: int | None = None
    reasons: list[Reason] = []
    by_meeting: tuple[Reason, ...] = ()
    for lv in levels:
        state = _level_state(outcomes, lv, pass_by_level[lv])
        if state is False:
            if reached is None:
                return NOT_RECOGNISED, None, tuple(reasons), by_meeting
            reasons.append(_reason("level_not_reached", level=lv))
            break
        if unknown_by_level[lv] or missing_by_level[lv] or state is None:
            only_unknown = not missing_by_level[lv]
            if reached is None and only_unknown and not isinstance(meeting, _NoMeeting):
                if meeting is None:
                    return UNDECIDABLE, None, tuple(reasons), (_reason("awaiting_meeting"),)
                if meeting is False:
                    return NOT_RECOGNISED, None, tuple(reasons), (_reason("meeting_disagrees"),)
                by_meeting = (_reason("decided_by_meeting"),)
                reached = lv
                reasons.append(_reason("level_reached_by_meeting", level=lv))
                continue
            if reached is None:
                return UNDECIDABLE, None, tuple(reasons), by_meeting
            reasons.append(_reason("level_undecidable", level=lv))
            break
        reached = lv
        reasons.append(_reason("level_reached", level=lv))
    return RECOGNISED, reached, tuple(reasons), by_meeting


def _explain(
    criteria_set: CriteriaSet, outcomes: Mapping[str, _Outcome]
) -> tuple[CriterionExplanation, ...]:
    explained = []
    for criterion in criteria_set.criteria:
        items = tuple(outcomes[i.id].explanation for i in criterion.indicators)
        points = [e.points for e in items if e.kind == "points"]
        explained.append(
            CriterionExplanation(
                id=criterion.id,
                name=criterion.name,
                points=_sum_known(points),
                max_points=criterion.max_points,
                indicators=items,
            )
        )
    return tuple(explained)


def _sum_known(points: list[int | None]) -> int | None:
    """The sum of points when every one is known (and there are some); None otherwise."""
    known = [p for p in points if p is not None]
    return sum(known) if points and len(known) == len(points) else None
