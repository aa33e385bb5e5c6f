"""Hamlets (thôn, bản, ấp, tổ dân phố, khu phố) under a commune: opened, renamed and closed by
officers in their subtree; they are units of the directory (children of their commune)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS
from gateway.directory.types import OrgUnit
from gateway.mutations import in_subtree, mutation, send, unit


class HamletKind(graphene.Enum):
    THON = "thon"
    BAN = "ban"
    AP = "ap"
    TO_DAN_PHO = "to_dan_pho"
    KHU_PHO = "khu_pho"


class CreateHamletInput(graphene.InputObjectType):
    tenant = graphene.String()
    commune_code = graphene.String(required=True)
    name = graphene.String(required=True)
    kind = graphene.Field(HamletKind, description="Default: from the name's first word, else thôn")
    opened_on = graphene.Date(description="Default: existed before the platform (every year)")


class RenameHamletInput(graphene.InputObjectType):
    tenant = graphene.String()
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    on = graphene.Date()


class CloseHamletInput(graphene.InputObjectType):
    tenant = graphene.String()
    code = graphene.String(required=True)
    on = graphene.Date(required=True)


class HamletResult(graphene.ObjectType):
    hamlet = graphene.Field(OrgUnit, required=True)
    created = graphene.Boolean(description="False when the commune had a hamlet of that name")


def _hamlet_mutation(
    name: str, input_type: type[graphene.InputObjectType], method: str, field: str
) -> type[graphene.Mutation]:
    return mutation(
        name,
        HamletResult,
        send("registration", method),
        input=input_type,
        lookup=unit(field),
        check=in_subtree(BRANCH_MANAGERS),
    )


CreateHamlet = _hamlet_mutation("CreateHamlet", CreateHamletInput, "create_hamlet", "commune_code")
RenameHamlet = _hamlet_mutation("RenameHamlet", RenameHamletInput, "rename_hamlet", "code")
CloseHamlet = _hamlet_mutation("CloseHamlet", CloseHamletInput, "close_hamlet", "code")

MUTATIONS: dict[str, Any] = {
    "create_hamlet": CreateHamlet.Field(),
    "rename_hamlet": RenameHamlet.Field(),
    "close_hamlet": CloseHamlet.Field(),
}
