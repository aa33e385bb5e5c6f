"""Mutations of the association's branches (chi hội) and their members."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS, REGISTRARS, require_reach
from gateway.directory.types import OrgUnit
from gateway.enums import BranchKind
from gateway.mutations import Write, in_subtree, mutation, send, unit
from gateway.wire import key
from khuyenhoc.auth import Role


class CreateBranchInput(graphene.InputObjectType):
    """A new association branch (chi hội) in a commune."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    name = graphene.String(
        required=True,
        description="The branch's name (tên chi hội), unique among the commune's open branches",
    )
    kind = graphene.Field(BranchKind, required=True, description="Kind of branch (loại chi hội)")
    opened_on = graphene.Date(description="Day it was founded (ngày thành lập); default today")


class RenameBranchInput(graphene.InputObjectType):
    """A new name for a branch (chi hội) from a day on."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The branch's code (mã chi hội)")
    name = graphene.String(required=True, description="The new name (tên mới)")
    on = graphene.Date(description="The day it takes effect (ngày), YYYY-MM-DD; default today")


class CloseBranchInput(graphene.InputObjectType):
    """Dissolves a branch (giải thể chi hội) from a day on."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The branch's code (mã chi hội)")
    on = graphene.Date(required=True, description="The day it takes effect (ngày), YYYY-MM-DD")


class BranchMembersInput(graphene.InputObjectType):
    """The number of members (số hội viên) of a branch for a year."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The branch's code (mã chi hội)")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")


class AddMemberInput(graphene.InputObjectType):
    """A member (hội viên) joining a branch for a year."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    branch_code = graphene.String(
        required=True, description="The branch's code (mã chi hội), <commune>-<nnn>"
    )
    full_name = graphene.String(required=True, description="Full name (họ và tên)")
    birth_year = graphene.Int(description="Year of birth (năm sinh)")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    joined_on = graphene.Date(description="Day the member joined (ngày kết nạp); default today")


class MoveBranchInput(graphene.InputObjectType):
    """Moves a branch (chi hội) to another commune from a day on (e.g. after a merger)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The branch (chi hội) to move")
    to_unit_code = graphene.String(required=True, description="The commune it goes to")
    on = graphene.Date(
        required=True, description="Its first day there (the old branch ends the day before)"
    )


class Membership(graphene.ObjectType):
    """A member's membership of a branch (hội viên chi hội) for a year."""

    member_id = graphene.String(
        required=True, resolver=key("memberId"), description="The member's id (hội viên), opaque"
    )
    branch_code = graphene.String(
        required=True,
        resolver=key("branchCode"),
        description="The branch's code (mã chi hội), <commune>-<nnn>",
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    created = graphene.Boolean(required=True, description="False when already a member that year")


class BranchResult(graphene.ObjectType):
    """A branch (chi hội) as recorded."""

    branch = graphene.Field(OrgUnit, required=True, description="The branch (chi hội)")
    created = graphene.Boolean(description="False when a branch of that name already existed")


class BranchMembers(graphene.ObjectType):
    """A branch's number of members for a year."""

    code = graphene.String(required=True, description="The branch's code (mã chi hội)")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    count = graphene.Int(required=True, description="Number (số lượng)")


def _branch_mutation(
    name: str,
    input_type: type[graphene.InputObjectType],
    output: type[graphene.ObjectType],
    method: str,
    code_field: str,
    roles: frozenset[Role],
    answer: str | None = None,
    doc: str | None = None,
) -> type[graphene.Mutation]:
    """A write on the unit named by ``code_field``, by ``roles`` in reach of it, through
    ``registration.<method>``; the branch mutations differ only in these."""
    return mutation(
        name,
        output,
        send("registration", method),
        input=input_type,
        lookup=unit(code_field),
        check=in_subtree(roles),
        answer=answer,
        doc=doc,
    )


CreateBranch = _branch_mutation(
    "CreateBranch",
    CreateBranchInput,
    BranchResult,
    "create_branch",
    "commune_code",
    BRANCH_MANAGERS,
    doc="Thành lập chi hội: a new association branch in a commune, from its opening day.",
)
RenameBranch = _branch_mutation(
    "RenameBranch",
    RenameBranchInput,
    BranchResult,
    "rename_branch",
    "code",
    BRANCH_MANAGERS,
    doc="Đổi tên chi hội: the branch's new name from a day on (its code stays).",
)
CloseBranch = _branch_mutation(
    "CloseBranch",
    CloseBranchInput,
    BranchResult,
    "close_branch",
    "code",
    BRANCH_MANAGERS,
    doc="Giải thể chi hội: the branch ends on a day; its history stays.",
)
SetBranchMembers = _branch_mutation(
    "SetBranchMembers",
    BranchMembersInput,
    BranchMembers,
    "set_branch_members",
    "code",
    REGISTRARS,
    answer="members",
    doc="Số hội viên: a branch's number of members for a year.",
)
AddMember = _branch_mutation(
    "AddMember",
    AddMemberInput,
    Membership,
    "add_member",
    "branch_code",
    REGISTRARS,
    answer="member",
    doc="Kết nạp hội viên: a member joins a branch for a year.",
)


def _covers_both(write: Write) -> None:
    """Moving a branch takes a branch manager in reach of the branch and of the commune it
    goes to (as the map stands on the move's day)."""
    require_reach(write.caller, write.path, BRANCH_MANAGERS)
    target = write.rpc.registration.get_unit(
        write.input["to_unit_code"], write.tenant, write.input["on"].isoformat()
    )
    if target is not None:
        require_reach(write.caller, target["path"], BRANCH_MANAGERS)


MoveBranch = mutation(
    "MoveBranch",
    BranchResult,
    send("registration", "move_branch"),
    input=MoveBranchInput,
    lookup=unit("code"),
    check=_covers_both,
    doc="Re-attach a branch to another commune in one step: a new branch under it (code "
    "<commune>-nnn, same name and kind, linked to the old one); the old one ends the day "
    "before, keeping its history; member counts of that year on go with it.",
)

MUTATIONS: dict[str, Any] = {
    "create_branch": CreateBranch.Field(),
    "rename_branch": RenameBranch.Field(),
    "close_branch": CloseBranch.Field(),
    "set_branch_members": SetBranchMembers.Field(),
    "add_member": AddMember.Field(),
    "move_branch": MoveBranch.Field(),
}
