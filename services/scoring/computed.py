"""Figures the platform computes itself for a criteria set's ``computed`` indicators.

Nobody types these in: a learning unit's share of members who are learning citizens follows
the citizens' own recognitions, and a commune's shares of recognised families, clans, hamlets
and units follow its roll-ups. A set names the figure it needs (``figure:`` in its YAML); what
the platform computes wins over anything a caller supplies under the same name. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping

# TT 24/2023/TT-BGDĐT: the share of a unit's members (of a provincial school's learners)
# recognised as learning citizens in the year assessed.
MEMBER_SHARES = ("members_citizen_share", "learners_citizen_share")

# For a commune learning community (TT 25/2023, TT 44/2014): per title, the share of the
# subjects registered in the commune that year that were recognised. The platform knows the
# registered ones, not every household of the commune; a province wanting "of all households"
# supplies that figure itself under another name.
TITLE_SHARES = {
    "FAMILY": "families_recognised_share",
    "CLAN": "clans_recognised_share",
    "COMMUNITY": "communities_recognised_share",
    "UNIT": "units_recognised_share",
    "CITIZEN": "citizens_recognised_share",
}
ALL_FIGURES = (*MEMBER_SHARES, *TITLE_SHARES.values())


def member_shares(declared_members: int | None, recognised: int) -> dict[str, float]:
    """The unit's members recognised as learning citizens over the members it declared; none
    when it declared no number (the indicator then says its figure is missing)."""
    if not declared_members:
        return {}
    share = min(max(recognised, 0) / declared_members, 1.0)
    return dict.fromkeys(MEMBER_SHARES, share)


def commune_shares(totals: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Per title with registrations in the commune: recognised over registered."""
    shares = {}
    for title, figure in TITLE_SHARES.items():
        counted = totals.get(title) or {}
        if counted.get("registered"):
            shares[figure] = counted.get("recognised", 0) / counted["registered"]
    return shares
