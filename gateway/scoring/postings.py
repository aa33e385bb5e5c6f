"""The public posting (niêm yết) of proposal lists: public queries, no token.

A list is on the public page while its posting period runs and for a while after it ended
(marked ended); each row is the subject's name — full or initials as the province says
(scoring answers ``names``), kind, title, year and the level proposed. Never phones, IDs or
addresses: names come from registration's ``enrolment_names`` and only the name is kept."""

from __future__ import annotations

import re
from typing import Any

import graphene

from gateway.pagination import DEFAULT_FIRST, connection, cursor_page, page_arguments
from gateway.vocabulary import Title
from khuyenhoc.text import initials

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
    subject_kind = graphene.String(required=True, description="Kind of subject (loại đối tượng)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    level = graphene.Int(description="Mức độ proposed")


PostingRowConnection = connection(
    PostingRow,
    "PostingRow",
    "the subjects on a posted list (danh sách niêm yết)",
    total="Subjects on the whole list (tổng số đối tượng)",
)


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
    names = graphene.String(required=True, description="full | initials")
    total = graphene.Int(required=True, description="Subjects on the list")
    provisional = graphene.Boolean(
        required=True,
        description="The list was judged under a provisional criteria set",
        resolver=lambda root, info: bool(root.get("provisional")),
    )
    provisional_reason = graphene.String(description="Why that set is provisional (Vietnamese)")
    rows = graphene.Field(
        graphene.NonNull(PostingRowConnection),
        **page_arguments("rows (dòng)"),
        description="The subjects on the list (đối tượng đề nghị), a page at a time",
    )

    @staticmethod
    def resolve_rows(
        posting: dict[str, Any], info: Any, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> dict[str, Any]:
        """The first page comes with the posting (asked with it); later pages, or another
        size, ask scoring again for the same list."""
        rpc = info.context.rpc
        tenant = posting["id"].split(":")[0]

        def fetch(cursor: Any, size: int) -> tuple[list[Any], Any]:
            if cursor is None and size == DEFAULT_FIRST:
                return posting["rows"], posting.get("next_cursor")
            found = rpc.scoring.posting(tenant, posting["id"], cursor, size)
            if found is None:
                return [], None
            return _with_names(rpc, tenant, found, None)["rows"], found.get("next_cursor")

        return cursor_page(
            "postingRows", posting["id"], first, after, fetch, total=posting["total"]
        )


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


def resolve_posting(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    """Public: a list while posted (or lately ended); None otherwise."""
    if not _PROPOSAL_ID.match(id):
        return None
    tenant, unit_code = id.split(":")[:2]
    rpc = info.context.rpc
    found = rpc.scoring.posting(tenant, id, None, DEFAULT_FIRST)
    if found is None:
        return None
    return _with_names(rpc, tenant, found, rpc.registration.get_unit(unit_code, tenant))


def resolve_postings(root: Any, info: Any, unit_code: str, year: int) -> list[dict[str, Any]]:
    """Public: the unit's lists of a year on the public page today (the unit code is
    national: it names its province). A plain list: a unit posts a few lists a year (one per
    title and round); each list's rows are a connection."""
    rpc = info.context.rpc
    unit = rpc.registration.get_unit(unit_code)
    if unit is None:
        return []
    tenant = unit["tenant"]
    found = rpc.scoring.postings(tenant, unit_code, year, DEFAULT_FIRST)
    return [_with_names(rpc, tenant, posting, unit) for posting in found]


QUERIES: dict[str, Any] = {
    "posting": graphene.Field(
        Posting,
        id=graphene.String(required=True, description="The proposal list's id"),
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
        resolver=resolve_postings,
        description="Niêm yết (public, no token): a unit's proposal lists now posted",
    ),
}
