"""The public posting (niêm yết) of proposal lists: which lists of a unit are on the public
page today (running, or ended within the days a province shows them), a page of a list's
rows at a time. Names are not scoring's: the gateway asks registration for them and shows
them as ``names`` says (full or initials)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from services.scoring.domain import (
    DEFAULT_SHOWN_AFTER_DAYS,
    TITLE_KINDS,
    Proposal,
    names_policy,
    posting_state,
)

if TYPE_CHECKING:  # adapters are passed in
    from services.scoring.ports import Proposals

MAX_PAGE = 200


@dataclass(frozen=True)
class Posting:
    """A posted list as the public sees it, with one page of its rows."""

    proposal: Proposal
    state: str  # running | ended
    names: str  # full | initials
    rows: list[dict[str, Any]]  # {enrolment_id, level}
    next_cursor: str | None

    @property
    def subject_kind(self) -> str | None:
        return TITLE_KINDS.get(self.proposal.title)


def _shown(proposal: Proposal, today: date, settings: Mapping[str, Any]) -> str | None:
    days = settings.get("shown_after_days")
    shown_after = DEFAULT_SHOWN_AFTER_DAYS if days is None else int(days)
    return posting_state(proposal.first_posted, proposal.posting_ends, today, shown_after)


def page(
    proposal: Proposal, after: str | None, first: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Rows after the cursor (an offset in the list), at most ``MAX_PAGE``."""
    start = int(after) if after and after.isdigit() else 0
    size = max(1, min(first, MAX_PAGE))
    chosen = proposal.enrolments[start : start + size]
    levels = proposal.levels or []
    rows = [
        {"enrolment_id": e, "level": levels[n] if n < len(levels) else None}
        for n, e in enumerate(chosen, start)
    ]
    end = start + len(chosen)
    return rows, (str(end) if end < len(proposal.enrolments) else None)


def posting(
    proposals: Proposals,
    proposal_id: str,
    today: date,
    settings: Mapping[str, Any],
    after: str | None = None,
    first: int = MAX_PAGE,
) -> Posting | None:
    """A list on the public page today, or None (not posted, no longer shown, not there)."""
    found = proposals.get(proposal_id)
    state = _shown(found, today, settings) if found else None
    if found is None or state is None:
        return None
    rows, cursor = page(found, after, first)
    names = names_policy(settings.get("names"), TITLE_KINDS.get(found.title))
    return Posting(found, state, names, rows, cursor)


def of_unit(
    proposals: Proposals,
    unit_code: str,
    year: int,
    today: date,
    settings: Mapping[str, Any],
    first: int = MAX_PAGE,
) -> list[Posting]:
    """The unit's lists of a year on the public page today, by title, first page each."""
    found = []
    for _, proposal in sorted(proposals.of_unit(unit_code, year).items()):
        state = _shown(proposal, today, settings)
        if state is None:
            continue
        rows, cursor = page(proposal, None, first)
        names = names_policy(settings.get("names"), TITLE_KINDS.get(proposal.title))
        found.append(Posting(proposal, state, names, rows, cursor))
    return found
