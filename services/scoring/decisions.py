"""Use cases of the decision as a document (quyết định công nhận): reading decisions, and who
signs them. Taking a decision is :func:`services.scoring.service.decide`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from services.scoring.criteria_sets import CriteriaSet
from services.scoring.domain import DecisionDocument, authorities_for

if TYPE_CHECKING:  # adapters are passed in
    from services.scoring.ports import Decisions, EvidenceFiles, Proposals

MAX_LISTED = 200  # decisions answered for one unit and year


def authorities(
    sets: Sequence[CriteriaSet], configured: Mapping[str, Any], title: str, year: int | None
) -> list[str]:
    """Who signs a title's decisions: the province's setting, else the ``decided_by`` of the
    set in force for ``year`` (the province's own sets first), else the default."""
    decided_by: tuple[str, ...] = ()
    if year is not None:
        in_force = (s for s in sets if s.title == title and s.in_force(year) and s.decided_by)
        decided_by = next((s.decided_by for s in in_force), ())
    return authorities_for(title, configured, decided_by)


def decision(decisions: Decisions, decision_id: str) -> DecisionDocument | None:
    return decisions.get(decision_id)


def of_unit(
    proposals: Proposals, decisions: Decisions, unit_code: str, year: int
) -> list[DecisionDocument]:
    """The decisions on a unit's lists of a year, by title then in the order taken: one read
    of the proposals (deterministic ids) and one of the decisions they name."""
    ids = [
        decision_id
        for _, proposal in sorted(proposals.of_unit(unit_code, year).items())
        for decision_id in proposal.decisions
    ]
    return decisions.many(ids[:MAX_LISTED])


def decision_file(
    decisions: Decisions, files: EvidenceFiles, decision_id: str
) -> dict[str, Any] | None:
    """A decision's scanned file with its metadata and the unit it belongs to; None when the
    tenant holds no such decision or file."""
    found = decisions.get(decision_id)
    meta = found.file if found else None
    if found is None or not meta:
        return None
    content = files.get(meta["id"], meta["chunks"])
    if content is None:
        return None
    return {**meta, "unitpath": found.unitpath, "content": content}
