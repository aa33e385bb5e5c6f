"""Progress against the programme targets (QĐ 281, 387, 677/QĐ-TTg): which targets apply to a
year, a province's own higher targets over the national ones, and each target's row — the
numerator, the denominator, the share, met or not. Pure: targets, figures and denominators in,
rows out. A number not known stays None (never 0): the row then says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from services.scoring.domain.assessment import Refused

# What each denominator counts (shares are of ALL households, clans, ..., not of those
# registered). ``citizens`` (learning citizens recognised) comes from scoring's own counters.
DENOMINATORS: dict[str, str] = {
    "households": "hộ gia đình",
    "clans": "dòng họ",
    "hamlets": "thôn, bản, tổ dân phố",
    "units": "cơ quan, trường học, doanh nghiệp trên địa bàn",
    "adults": "người lớn",
    "staff": "cán bộ, công chức, viên chức, người lao động của đơn vị học tập",
    "citizens": "người đạt danh hiệu Công dân học tập",
}
COUNTED_DENOMINATORS = {"citizens": ("CITIZEN", "recognised")}
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Decision:
    number: str
    date: str | None  # ISO date
    issuer: str

    def text(self) -> str:
        """ "Quyết định 387/QĐ-TTg ngày 25/3/2022" (the way reports name a decision)."""
        if not self.date:
            return f"Quyết định {self.number}"
        year, month, day = (int(part) for part in self.date.split("-"))
        return f"Quyết định {self.number} ngày {day}/{month}/{year}"


@dataclass(frozen=True)
class Target:
    code: str  # e.g. QD387.FAMILY.2025
    decision: Decision
    programme: str
    title: str | None  # the title the target is about (None: none of the platform's)
    label: str  # Vietnamese
    numerator_title: str | None  # the counter that gives the numerator; None: not recorded
    numerator_figure: str | None
    numerator_name: str
    numerator_missing: str | None  # why the platform has no numerator (Vietnamese)
    denominator: str  # a key of DENOMINATORS
    share: float
    mountain_share: float | None  # mountain / disadvantaged areas; None: the same share
    valid_from: int
    valid_to: int
    milestone_year: int
    provisional: bool
    provisional_reason: str | None
    sources: tuple[str, ...]
    overridden_by_province: bool = False
    national_share: float | None = None  # the national share a province's own one replaced

    def applies(self, year: int) -> bool:
        return self.valid_from <= year <= self.valid_to

    def share_for(self, mountain: bool) -> float:
        if mountain and self.mountain_share is not None:
            return self.mountain_share
        return self.share


@dataclass(frozen=True)
class ProvinceTarget:
    """A province's own target over a national one (``code``) for some years."""

    code: str
    share: float
    mountain_share: float | None
    from_year: int
    to_year: int
    source: str


def applicable(targets: Iterable[Target], year: int) -> list[Target]:
    """The targets a year is measured against: QĐ 281's for 2016–2020; QĐ 387 / 677's 2025
    milestone for 2021–2025 and their 2030 one for 2026–2030 (each target's years)."""
    return [t for t in targets if t.applies(year)]


def check_override(national: Target | None, own: ProvinceTarget) -> None:
    """A province may raise a national target, never lower it (Refused, nothing stored)."""
    if national is None:
        raise Refused("code", "target_unknown")
    if not MIN_YEAR <= own.from_year <= MAX_YEAR:
        raise Refused("from_year", "target_years")
    if not own.from_year <= own.to_year <= MAX_YEAR:
        raise Refused("to_year", "target_years")
    if own.from_year < national.valid_from or own.to_year > national.valid_to:
        raise Refused(
            "from_year", "target_years_outside", f"({national.valid_from}–{national.valid_to})."
        )
    for field, value in (("share", own.share), ("mountain_share", own.mountain_share)):
        if value is not None and not 0 < value <= 1:
            raise Refused(field, "target_share_range")
    if own.share < national.share:
        raise Refused("share", "target_below_national", _percent(national.share) + ".")
    floor = national.mountain_share if national.mountain_share is not None else national.share
    if own.mountain_share is not None and own.mountain_share < floor:
        raise Refused("mountain_share", "target_below_national", _percent(floor) + ".")


def with_overrides(
    targets: Sequence[Target], overrides: Iterable[ProvinceTarget], year: int
) -> list[Target]:
    """The targets with the province's own shares where it set one for ``year``."""
    own = {o.code: o for o in overrides if o.from_year <= year <= o.to_year}
    answer = []
    for target in targets:
        found = own.get(target.code)
        if found is None:
            answer.append(target)
            continue
        answer.append(
            replace(
                target,
                share=found.share,
                mountain_share=found.mountain_share
                if found.mountain_share is not None
                else target.mountain_share,
                sources=(found.source, *target.sources),
                overridden_by_province=True,
                national_share=target.share,
            )
        )
    return answer


def source_url(text: str) -> str:
    """The address in a source's text ("site — title: https://..."), or the text itself (a
    province's own text may be a decision number, not an address)."""
    found = [word for word in text.split() if word.startswith(("http://", "https://"))]
    return found[-1] if found else text


def _percent(share: float) -> str:
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    return None


def progress_row(
    target: Target,
    figures: Mapping[str, Mapping[str, int]],
    denominators: Mapping[str, Any],
    mountain: bool,
) -> dict[str, Any]:
    """One target's row: numerator (the counters), denominator (the figures entered), share,
    met. Unknown numbers are None, and ``missing`` says which is unknown and why."""
    missing: list[str] = []
    numerator: int | None = None
    if target.numerator_title is None or target.numerator_figure is None:
        missing.append(target.numerator_missing or "Nền tảng chưa ghi nhận tử số của mục tiêu này.")
    else:
        numerator = int(
            (figures.get(target.numerator_title) or {}).get(target.numerator_figure) or 0
        )
    counted = COUNTED_DENOMINATORS.get(target.denominator)
    denominator: int | None
    if counted is not None:
        denominator = int((figures.get(counted[0]) or {}).get(counted[1]) or 0)
    else:
        denominator = _count(denominators.get(target.denominator))
    if denominator is None:
        missing.append(f"Chưa nhập số {DENOMINATORS[target.denominator]} (mẫu số).")
    share = numerator / denominator if numerator is not None and denominator else None
    goal = target.share_for(mountain)
    return {
        "target": target_answer(target, mountain),
        "numerator": numerator,
        "numerator_name": target.numerator_name,
        "denominator": denominator,
        "denominator_name": DENOMINATORS[target.denominator],
        "share": share,
        "met": None if share is None else share >= goal,
        "missing": missing,
    }


def target_answer(target: Target, mountain: bool = False) -> dict[str, Any]:
    """A target as the report and the API show it (the share for the area asked)."""
    mountain_applies = mountain and target.mountain_share is not None
    return {
        "code": target.code,
        "decision": target.decision.text(),
        "decision_number": target.decision.number,
        "decision_date": target.decision.date,
        "issuer": target.decision.issuer,
        "programme": target.programme,
        "title": target.title,
        "label": target.label,
        "share": target.share_for(mountain),
        "national_share": target.national_share if target.overridden_by_province else target.share,
        "mountain_share": target.mountain_share,
        "milestone_year": target.milestone_year,
        "valid_from": target.valid_from,
        "valid_to": target.valid_to,
        "denominator": target.denominator,
        "source": source_url(target.sources[0]) if target.sources else None,
        "sources": list(target.sources),
        "provisional": target.provisional,
        "provisional_reason": target.provisional_reason,
        "mountain": mountain_applies,
        "overridden_by_province": target.overridden_by_province,
    }


def progress(
    targets: Sequence[Target],
    overrides: Iterable[ProvinceTarget],
    year: int,
    figures: Mapping[str, Mapping[str, int]],
    denominators: Mapping[str, Any],
    mountain: bool,
) -> list[dict[str, Any]]:
    """Every target applying to ``year`` (the province's own shares where set), in the order
    shipped, with its row."""
    chosen = with_overrides(applicable(targets, year), overrides, year)
    return [progress_row(t, figures, denominators, mountain) for t in chosen]
