"""The public posting (niêm yết) of proposal lists: public queries, no token.

A list is on the public page while its posting period runs and for a while after it ended
(marked ended); each row is the subject's name — full or initials as the province says
(scoring answers ``names``), kind, title, year and the level proposed. Never phones, IDs or
addresses: names come from registration's ``enrolment_names`` and only the name is kept."""

from __future__ import annotations

import re
from typing import Any

import graphene

from gateway.enums import NamePolicy, SubjectKind
from gateway.vocabulary import Title
from khuyenhoc.text import initials

MAX_PAGE = 200
_PROPOSAL_ID = re.compile(r"^[0-9]{2}:[A-Za-z0-9_-]{1,32}:[A-Z_]{1,40}:[0-9]{4}$")


def shown_name(name: str | None, policy: str) -> str | None:
    if not name:
        return None
    return initials(name) if policy == "initials" else name


class PostingState(graphene.Enum):
    """Whether a proposal list is still posted (niêm yết) or its period ended."""

    RUNNING = "running"
    ENDED = "ended"

    @property
    def description(self) -> str:
        return {
            "RUNNING": "Still posted (đang niêm yết)",
            "ENDED": "The posting period is over (đã hết niêm yết)",
        }[self.name]


class PostingRow(graphene.ObjectType):
    """A subject on a posted proposal list, as the public sees it."""

    name = graphene.String(description="Full name or initials, as the province posts them")
    subject_kind = graphene.Field(
        SubjectKind, required=True, description="Kind of subject (loại đối tượng)"
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    level = graphene.Int(description="Mức độ proposed")


class Posting(graphene.ObjectType):
    """A proposal list (danh sách đề nghị công nhận) as posted publicly."""

    id = graphene.String(required=True, description="Opaque, stable id")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    unit_name = graphene.String(description="The unit's name (tên đơn vị)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    posted_from = graphene.String(required=True, description="First day posted (YYYY-MM-DD)")
    posting_ends = graphene.String(required=True, description="Last day posted (YYYY-MM-DD)")
    posting_days = graphene.Int(description="Days a proposal list stays posted (số ngày niêm yết)")
    posting_basis = graphene.String(
        required=True, description="Where the posting period comes from (Vietnamese)"
    )
    state = graphene.Field(PostingState, required=True, description="State of the process")
    ended = graphene.Boolean(
        required=True, description="The posting period is over (đã hết niêm yết)"
    )
    decided = graphene.Boolean(
        required=True,
        description="A recognition decision (quyết định công nhận) has been recorded for it",
    )
    names = graphene.Field(
        NamePolicy, required=True, description="How names are shown (cách hiện tên)"
    )
    total = graphene.Int(required=True, description="Subjects on the list")
    provisional = graphene.Boolean(
        required=True,
        description="The list was judged under a provisional criteria set",
        resolver=lambda root, info: bool(root.get("provisional")),
    )
    provisional_reason = graphene.String(description="Why that set is provisional (Vietnamese)")
    rows = graphene.List(
        graphene.NonNull(PostingRow),
        required=True,
        description="The subjects on the list, a page at a time (see nextCursor)",
    )
    next_cursor = graphene.String(description="Pass as `after` to posting(id) for more rows")


def _with_names(
    rpc: Any, tenant: str, posting: dict[str, Any], unit: dict[str, Any] | None
) -> dict[str, Any]:
    """The posting with each row's name as the province posts it, and nothing else of who
    the subjects are."""
    ids = [row["enrolment_id"] for row in posting["rows"]]
    named = rpc.registration.enrolment_names(tenant, ids) if ids else {}
    rows = [
        {
            "name": shown_name(
                (named.get(row["enrolment_id"]) or {}).get("name"), posting["names"]
            ),
            "subject_kind": posting["subject_kind"] or "",
            "title": posting["title"],
            "year": posting["year"],
            "level": row["level"],
        }
        for row in posting["rows"]
    ]
    return {
        **posting,
        "rows": rows,
        "unit_name": (unit or {}).get("name"),
        "ended": posting["state"] == "ended",
    }


def _first(first: int | None) -> int:
    return max(1, min(first or MAX_PAGE, MAX_PAGE))


def resolve_posting(
    root: Any, info: Any, id: str, after: str | None = None, first: int | None = None
) -> dict[str, Any] | None:
    """Public: a list while posted (or lately ended); None otherwise."""
    if not _PROPOSAL_ID.match(id):
        return None
    tenant, unit_code = id.split(":")[:2]
    rpc = info.context.rpc
    found = rpc.scoring.posting(tenant, id, after, _first(first))
    if found is None:
        return None
    return _with_names(rpc, tenant, found, rpc.registration.get_unit(unit_code, tenant))


def resolve_postings(
    root: Any, info: Any, unit_code: str, year: int, first: int | None = None
) -> list[dict[str, Any]]:
    """Public: the unit's lists of a year on the public page today (the unit code is
    national: it names its province)."""
    rpc = info.context.rpc
    unit = rpc.registration.get_unit(unit_code)
    if unit is None:
        return []
    tenant = unit["tenant"]
    found = rpc.scoring.postings(tenant, unit_code, year, _first(first))
    return [_with_names(rpc, tenant, posting, unit) for posting in found]


QUERIES: dict[str, Any] = {
    "posting": graphene.Field(
        Posting,
        id=graphene.String(required=True, description="The proposal list's id"),
        after=graphene.String(description="The `nextCursor` of the previous page"),
        first=graphene.Int(description=f"Rows per page (at most {MAX_PAGE})"),
        resolver=resolve_posting,
        description="Niêm yết (public, no token): a proposal list while it is posted",
    ),
    "postings": graphene.List(
        graphene.NonNull(Posting),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        first=graphene.Int(description=f"Rows per list (at most {MAX_PAGE})"),
        resolver=resolve_postings,
        description="Niêm yết (public, no token): a unit's proposal lists now posted",
    ),
}
