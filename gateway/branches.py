"""GraphQL mutations of the association's branches (chi hội) and their members."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS, REGISTRARS, scoped_unit
from gateway.errors import input_error, wire_input
from gateway.types import OrgUnit, key
from khuyenhoc.auth import Role


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


class AddMemberInput(graphene.InputObjectType):
    tenant = graphene.String()
    branch_code = graphene.String(required=True)
    full_name = graphene.String(required=True)
    birth_year = graphene.Int()
    year = graphene.Int(required=True)
    joined_on = graphene.Date()


class Membership(graphene.ObjectType):
    member_id = graphene.String(required=True, resolver=key("memberId"))
    branch_code = graphene.String(required=True, resolver=key("branchCode"))
    year = graphene.Int(required=True)
    created = graphene.Boolean(required=True, description="False when already a member that year")


class BranchResult(graphene.ObjectType):
    branch = graphene.Field(OrgUnit, required=True)
    created = graphene.Boolean(description="False when a branch of that name already existed")


class BranchMembers(graphene.ObjectType):
    code = graphene.String(required=True)
    year = graphene.Int(required=True)
    count = graphene.Int(required=True)


def _branch_mutation(
    name: str,
    input_type: type[graphene.InputObjectType],
    output: type[graphene.ObjectType],
    method: str,
    code_field: str,
    roles: frozenset[Role],
    answer: str | None = None,
) -> type[graphene.Mutation]:
    """A mutation that checks the caller's reach over the unit named by ``code_field``, then
    calls ``registration.<method>``; the four branch mutations differ only in these."""

    def mutate(root: Any, info: Any, input: dict[str, Any]) -> Any:
        tenant, _ = scoped_unit(info, input.get("tenant"), input[code_field], roles)
        call = getattr(info.context.rpc.registration, method)
        result = call(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        return result[answer] if answer else result

    arguments = type("Arguments", (), {"input": input_type(required=True)})
    return type(
        name,
        (graphene.Mutation,),
        {"Arguments": arguments, "Output": output, "mutate": staticmethod(mutate)},
    )


CreateBranch = _branch_mutation(
    "CreateBranch",
    CreateBranchInput,
    BranchResult,
    "create_branch",
    "commune_code",
    BRANCH_MANAGERS,
)
RenameBranch = _branch_mutation(
    "RenameBranch", RenameBranchInput, BranchResult, "rename_branch", "code", BRANCH_MANAGERS
)
CloseBranch = _branch_mutation(
    "CloseBranch", CloseBranchInput, BranchResult, "close_branch", "code", BRANCH_MANAGERS
)
SetBranchMembers = _branch_mutation(
    "SetBranchMembers",
    BranchMembersInput,
    BranchMembers,
    "set_branch_members",
    "code",
    REGISTRARS,
    answer="members",
)
AddMember = _branch_mutation(
    "AddMember",
    AddMemberInput,
    Membership,
    "add_member",
    "branch_code",
    REGISTRARS,
    answer="member",
)
