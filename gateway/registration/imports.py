"""Bulk imports of a commune's list: start one, follow its progress."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS, authenticated, visible
from gateway.enums import ImportStatus, SubjectKind
from gateway.mutations import in_subtree, mutation, send, unit
from gateway.wire import key


class ImportJob(graphene.ObjectType):
    """An import of a commune's list; `done` of `total` rows so far (the total is an upper
    bound until the job is done)."""

    id = graphene.String(required=True, resolver=key("_id"), description="Opaque, stable id")
    kind = graphene.Field(SubjectKind, required=True, description="Kind of list (loại danh sách)")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    file_name = graphene.String(required=True, description="File name (tên tệp)")
    status = graphene.Field(ImportStatus, required=True, description="Where it stands (trạng thái)")
    total = graphene.Int(description="Rows in the file (an upper bound until the job is done)")
    done = graphene.Int(required=True, description="Rows handled so far")
    created = graphene.Int(
        required=True,
        description="Registrations created (số đăng ký mới)",
    )
    duplicates = graphene.Int(
        required=True, description="Rows already registered (trùng), left as they were"
    )
    failed = graphene.Int(required=True, description="Rows with at least one error")
    error_report_url = graphene.String(required=True, description="The rows in error, .xlsx")

    @staticmethod
    def resolve_error_report_url(job: dict[str, Any], info: Any) -> str:
        return f"/files/imports/{job['_id']}/errors.xlsx"


class StartImportInput(graphene.InputObjectType):
    """A spreadsheet of registrations (danh sách đăng ký) to import for a commune."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    commune_code = graphene.String(
        required=True, description="The commune's code (mã xã/phường/thị trấn), 5 digits"
    )
    kind = graphene.Field(SubjectKind, required=True, description="Kind of list (loại danh sách)")
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    file_name = graphene.String(required=True, description="…xlsx or …csv")
    content = graphene.String(required=True, description="The file, base64-encoded")


StartImport = mutation(
    "StartImport",
    ImportJob,
    send("registration", "start_import"),
    input=StartImportInput,
    lookup=unit("commune_code"),
    check=in_subtree(REGISTRARS),
    answer="job",
    doc="Nhập danh sách: starts importing a commune's spreadsheet of registrations; follow it "
    "with importJob(id).",
)


def resolve_import_job(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    """A job of the caller's tenant inside its reach; another tenant's job is simply absent."""
    caller = authenticated(info)
    return visible(info, info.context.rpc.registration.import_job(caller.tenant, id))


QUERIES: dict[str, Any] = {
    "import_job": graphene.Field(
        ImportJob,
        id=graphene.String(required=True, description="The import's id, as startImport answered"),
        resolver=resolve_import_job,
        description="A spreadsheet import (nhập danh sách) and its progress and row errors",
    ),
}
MUTATIONS: dict[str, Any] = {"start_import": StartImport.Field()}
