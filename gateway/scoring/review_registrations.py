"""The year's registrations of a unit for one title, each with its stages and verdicts: what the
review screens (bình xét) list before and after the meeting. ``reviewRegistrations`` (registrars
and auditors in reach of the unit) names each registration (its household, clan, citizen...)
with two calls in all, however long the list: one to scoring, one to registration for names.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import READERS, authenticated, readable_unit
from gateway.pagination import check_first
from gateway.scoring.types import Assessment
from gateway.vocabulary import Title
from gateway.wire import enum_value

# A hamlet's or commune's list for one title fits in one meeting's minutes (2,000 rows).
MAX_REGISTRATIONS = 2000


class ReviewRegistration(graphene.ObjectType):
    """A registration (đăng ký) on a unit's list of the year, who it is and where it stands."""

    enrolment_id = graphene.String(
        required=True,
        resolver=lambda root, info: root["assessment"]["_id"],
        description="The registration's id (mã đăng ký)",
    )
    name = graphene.String(
        description="Who registered (tên hộ, dòng họ, công dân...), as registration knows it"
    )
    assessment = graphene.Field(
        Assessment,
        required=True,
        description="Its stages and verdicts (tự đánh giá, bình xét, công nhận)",
    )


def resolve_review_registrations(
    root: Any, info: Any, unit_code: str, title: Any, year: int, first: int = 500
) -> list[dict[str, Any]]:
    """The unit's own registrations (not those of the units below), by id."""
    caller = authenticated(info)
    unit = info.context.rpc.registration.unit_for_year(unit_code, caller.tenant, year)
    readable_unit(info, unit, READERS)
    first = check_first(first, MAX_REGISTRATIONS)  # refused outside 1..2,000, never clamped
    found: list[dict[str, Any]] = info.context.rpc.scoring.unit_assessments(
        caller.tenant, unit["code"], enum_value(title), year, first
    )
    ids = [a["_id"] for a in found]
    named = info.context.rpc.registration.enrolment_names(caller.tenant, ids) if ids else {}
    return [{"assessment": a, "name": (named.get(a["_id"]) or {}).get("name")} for a in found]


QUERIES: dict[str, Any] = {
    "review_registrations": graphene.List(
        graphene.NonNull(ReviewRegistration),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        title=graphene.Argument(
            Title, required=True, description="The learning title (danh hiệu học tập)"
        ),
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        first=graphene.Int(
            default_value=500,
            description="At most this many registrations (1 to 2,000), by id",
        ),
        resolver=resolve_review_registrations,
        description="Danh sách đăng ký của đơn vị trong năm theo danh hiệu, kèm tự đánh giá, "
        "bình xét và kết quả (registrars and auditors in reach)",
    ),
}
