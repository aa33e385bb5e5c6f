"""The published vocabulary (:mod:`khuyenhoc.vocabulary`) as GraphQL types."""

from __future__ import annotations

import graphene

from khuyenhoc.vocabulary import Title as TitleName

TITLE_DESCRIPTIONS = {
    None: "Learning titles (danh hiệu học tập)",
    "FAMILY": "Gia đình học tập: a learning family (household)",
    "CLAN": "Dòng họ học tập: a learning clan",
    "COMMUNITY": "Cộng đồng học tập cấp thôn: a learning community of a village (hamlet)",
    "COMMUNE_COMMUNITY": "Cộng đồng học tập cấp xã: a commune's learning community",
    "UNIT": "Đơn vị học tập: a learning agency, school, enterprise or armed-forces unit",
    "CITIZEN": "Công dân học tập: a learning citizen",
}


def _describe(value: TitleName | None) -> str:
    """The type's description (for None) or a value's."""
    return TITLE_DESCRIPTIONS[None if value is None else value.name]


Title = graphene.Enum.from_enum(TitleName, description=_describe)
