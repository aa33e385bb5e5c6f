"""The published vocabulary (:mod:`khuyenhoc.vocabulary`) as GraphQL types."""

from __future__ import annotations

import graphene

from khuyenhoc.vocabulary import Title as TitleName

Title = graphene.Enum.from_enum(TitleName, description="Learning titles (danh hiệu học tập)")
