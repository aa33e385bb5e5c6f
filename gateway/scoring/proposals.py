"""Reading one proposal list (danh sách đề nghị công nhận) on the officers' screens:
``proposal(id)``, with who is on it by full name. The public posting (``posting(id)``) shows
names only as the province posts them; this needs a token whose subtree holds the list's unit."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import authenticated, require_scope
from gateway.scoring.decisions import DECISION_READERS
from gateway.scoring.mutations import Proposal
from khuyenhoc.tenancy import UnitPath


def resolve_proposal(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    """The caller's tenant's list, if its unit is in the caller's reach (another tenant's: null;
    a sibling's: FORBIDDEN, as for decisions)."""
    caller = authenticated(info)
    found: dict[str, Any] | None = info.context.rpc.scoring.proposal(caller.tenant, id)
    if found is not None:
        require_scope(info, UnitPath.parse(found["unitpath"]), DECISION_READERS)
    return found


QUERIES: dict[str, Any] = {
    "proposal": graphene.Field(
        Proposal,
        id=graphene.String(
            required=True,
            description="The proposal list's id (mã danh sách đề nghị), tenant:unit:TITLE:year",
        ),
        resolver=resolve_proposal,
        description="Một danh sách đề nghị công nhận (officers, auditors and authorities in reach)",
    ),
}
