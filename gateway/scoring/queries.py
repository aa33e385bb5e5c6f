"""Queries of scoring: the criteria sets in force (public) and an assessment (private)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import authenticated, visible
from gateway.scoring.types import Assessment, CriteriaSetInfo
from gateway.vocabulary import Title
from gateway.wire import enum_value


def resolve_criteria_sets(root: Any, info: Any, title: Any, year: int) -> list[dict[str, Any]]:
    """Public: criteria are published rules; a caller also sees its province's own sets."""
    caller = info.context.caller
    tenant = caller.tenant if caller else None
    return info.context.rpc.scoring.criteria_sets(enum_value(title), year, tenant)


def resolve_assessment(root: Any, info: Any, enrolment_id: str) -> dict[str, Any] | None:
    caller = authenticated(info)
    return visible(info, info.context.rpc.scoring.assessment(caller.tenant, enrolment_id))


QUERIES: dict[str, Any] = {
    "criteria_sets": graphene.List(
        graphene.NonNull(CriteriaSetInfo),
        required=True,
        title=graphene.Argument(
            Title, required=True, description="The learning title (danh hiệu học tập)"
        ),
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        resolver=resolve_criteria_sets,
        description="The criteria sets in force (public); provisional ones say so",
    ),
    "assessment": graphene.Field(
        Assessment,
        enrolment_id=graphene.String(
            required=True, description="The registration's id (mã đăng ký)"
        ),
        resolver=resolve_assessment,
        description="The assessment (đánh giá) of one registration: stages, verdicts, recognition",
    ),
}
