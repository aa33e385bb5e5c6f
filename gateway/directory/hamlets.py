"""Hamlets (thôn, bản, ấp, tổ dân phố, khu phố) under a commune: opened, renamed and closed by
officers in their subtree; they are units of the directory (children of their commune)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import BRANCH_MANAGERS, require_role
from gateway.directory.types import OrgUnit
from gateway.mutations import Write, in_subtree, mutation, send, unit


class HamletKind(graphene.Enum):
    """The kind of a hamlet-level residential area (thôn, tổ dân phố, ấp, bản, khu phố)."""

    THON = "thon"
    BAN = "ban"
    AP = "ap"
    TO_DAN_PHO = "to_dan_pho"
    KHU_PHO = "khu_pho"

    @property
    def description(self) -> str:
        return {
            "THON": "Thôn: a village (rural)",
            "BAN": "Bản: a village of the northern mountains",
            "AP": "Ấp: a hamlet (southern provinces)",
            "TO_DAN_PHO": "Tổ dân phố: a residential group of a ward or town",
            "KHU_PHO": "Khu phố: a urban quarter",
        }[self.name]


class CreateHamletInput(graphene.InputObjectType):
    """A new hamlet (thôn, tổ dân phố) in a commune."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    name = graphene.String(required=True, description="The hamlet's name (tên thôn, tổ dân phố)")
    kind = graphene.Field(HamletKind, description="Default: from the name's first word, else thôn")
    opened_on = graphene.Date(description="Default: existed before the platform (every year)")


class RenameHamletInput(graphene.InputObjectType):
    """A new name for a hamlet (thôn) from a day on."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The hamlet's code (mã thôn)")
    name = graphene.String(required=True, description="The new name (tên mới)")
    on = graphene.Date(description="The day it takes effect (ngày), YYYY-MM-DD; default today")


class CloseHamletInput(graphene.InputObjectType):
    """Closes a hamlet (thôn) from a day on (e.g. merged away)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    code = graphene.String(required=True, description="The hamlet's code (mã thôn)")
    on = graphene.Date(required=True, description="The day it takes effect (ngày), YYYY-MM-DD")


class HamletResult(graphene.ObjectType):
    """A hamlet (thôn) as recorded."""

    hamlet = graphene.Field(OrgUnit, required=True, description="The hamlet (thôn) as now recorded")
    created = graphene.Boolean(description="False when the commune had a hamlet of that name")


def _hamlet_mutation(
    name: str, input_type: type[graphene.InputObjectType], method: str, field: str, doc: str
) -> type[graphene.Mutation]:
    return mutation(
        name,
        HamletResult,
        send("registration", method),
        input=input_type,
        lookup=unit(field),
        check=in_subtree(BRANCH_MANAGERS),
        doc=doc,
    )


CreateHamlet = _hamlet_mutation(
    "CreateHamlet",
    CreateHamletInput,
    "create_hamlet",
    "commune_code",
    "Thêm thôn/tổ dân phố: a new hamlet in a commune, from its opening day.",
)
RenameHamlet = _hamlet_mutation(
    "RenameHamlet",
    RenameHamletInput,
    "rename_hamlet",
    "code",
    "Đổi tên thôn: the hamlet's new name from a day on (its code stays).",
)
CloseHamlet = _hamlet_mutation(
    "CloseHamlet",
    CloseHamletInput,
    "close_hamlet",
    "code",
    "Giải thể/sáp nhập thôn: the hamlet ends on a day; its history stays.",
)

MUTATIONS: dict[str, Any] = {
    "create_hamlet": CreateHamlet.Field(),
    "rename_hamlet": RenameHamlet.Field(),
    "close_hamlet": CloseHamlet.Field(),
}


class ImportHamletsInput(graphene.InputObjectType):
    """A spreadsheet of hamlets (danh sách thôn, tổ dân phố) of a province."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    file_name = graphene.String(required=True, description="…xlsx or …csv")
    content = graphene.String(required=True, description="The file, base64-encoded")


class HamletsImported(graphene.ObjectType):
    """What an import of hamlets recorded."""

    created = graphene.Int(
        required=True,
        description="Hamlets created (số thôn thêm mới)",
    )
    existing = graphene.Int(required=True, description="Rows naming a hamlet already there")


def _check_importer(write: Write) -> None:
    require_role(write.caller, BRANCH_MANAGERS)


def _import(write: Write) -> Any:
    payload = {**write.payload(), "scope": str(write.caller.unit_path)}
    return write.rpc.registration.import_hamlets(payload)


ImportHamlets = mutation(
    "ImportHamlets",
    HamletsImported,
    _import,
    input=ImportHamletsInput,
    check=_check_importer,
    doc="Hamlets from a sheet (/files/templates/hamlets.xlsx): communes outside the caller's "
    "subtree are refused; a file with any error creates nothing.",
)
MUTATIONS["import_hamlets"] = ImportHamlets.Field()


class SetBranchHamletInput(graphene.InputObjectType):
    """Ties an association branch (chi hội) to the hamlet (thôn) it serves."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    branch_code = graphene.String(required=True, description="A residential branch")
    hamlet_code = graphene.String(required=True, description="A hamlet of the same commune")


class BranchHamlet(graphene.ObjectType):
    """A branch (chi hội) and the hamlet (thôn) it serves."""

    branch = graphene.Field(OrgUnit, required=True, description="The branch (chi hội)")
    hamlet_code = graphene.String(
        required=True,
        resolver=lambda r, i: r["branch"]["hamletCode"],
        description="The hamlet's code (mã thôn), <commune>-T<nn>",
    )


SetBranchHamlet = mutation(
    "SetBranchHamlet",
    BranchHamlet,
    send("registration", "attach_branch_hamlet"),
    input=SetBranchHamletInput,
    lookup=unit("branch_code"),
    check=in_subtree(BRANCH_MANAGERS),
    answer=lambda result, write: result,
    doc="A residential branch (chi hội khu dân cư/thôn) names its hamlet.",
)
MUTATIONS["set_branch_hamlet"] = SetBranchHamlet.Field()
