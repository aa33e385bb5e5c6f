"""GraphQL mutations of the association's branches (chi hội) and their members."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS, REGISTRARS, scoped_unit
from gateway.errors import input_error, wire_input
from gateway.types import OrgUnit


class BranchKind(graphene.Enum):
    RESIDENTIAL = "residential"
    SCHOOL = "school"
    CLAN = "clan"
    AGENCY = "agency"
    BOARD = "board"


class CreateBranchInput(graphene.InputObjectType):
    tenant = graphene.String()
    commune_code = graphene.String(required=True)
    name = graphene.String(required=True)
    kind = graphene.Field(BranchKind, required=True)
    opened_on = graphene.Date()


class RenameBranchInput(graphene.InputObjectType):
    tenant = graphene.String()
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    on = graphene.Date()


class CloseBranchInput(graphene.InputObjectType):
    tenant = graphene.String()
    code = graphene.String(required=True)
    on = graphene.Date(required=True)


class BranchMembersInput(graphene.InputObjectType):
    tenant = graphene.String()
    code = graphene.String(required=True)
    year = graphene.Int(required=True)
    count = graphene.Int(required=True)


class BranchResult(graphene.ObjectType):
    branch = graphene.Field(OrgUnit, required=True)
    created = graphene.Boolean(description="False when a branch of that name already existed")


class BranchMembers(graphene.ObjectType):
    code = graphene.String(required=True)
    year = graphene.Int(required=True)
    count = graphene.Int(required=True)


def _call(info: Any, method: str, input: dict[str, Any], code_field: str, roles: Any) -> Any:
    tenant, _ = scoped_unit(info, input.get("tenant"), input[code_field], roles)
    result = getattr(info.context.rpc.registration, method)(wire_input({**input, "tenant": tenant}))
    if "errors" in result:
        raise input_error(result["errors"])
    return result


class CreateBranch(graphene.Mutation):
    class Arguments:
        input = CreateBranchInput(required=True)

    Output = BranchResult

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return _call(info, "create_branch", input, "commune_code", BRANCH_MANAGERS)


class RenameBranch(graphene.Mutation):
    class Arguments:
        input = RenameBranchInput(required=True)

    Output = BranchResult

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return _call(info, "rename_branch", input, "code", BRANCH_MANAGERS)


class CloseBranch(graphene.Mutation):
    class Arguments:
        input = CloseBranchInput(required=True)

    Output = BranchResult

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return _call(info, "close_branch", input, "code", BRANCH_MANAGERS)


class SetBranchMembers(graphene.Mutation):
    class Arguments:
        input = BranchMembersInput(required=True)

    Output = BranchMembers

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return _call(info, "set_branch_members", input, "code", REGISTRARS)["members"]
