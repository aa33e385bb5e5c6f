"""GraphQL of bulk imports: start one, follow its progress."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS, authenticated, require_scope, scoped_unit
from gateway.errors import input_error, wire_input
from gateway.types import key
from khuyenhoc.tenancy import UnitPath


class SubjectKind(graphene.Enum):
    HOUSEHOLD = "household"
    CLAN = "clan"
    COMMUNITY = "community"
    LEARNING_UNIT = "learning_unit"
    CITIZEN = "citizen"


class ImportJob(graphene.ObjectType):
    """An import of a commune's list; `done` of `total` rows so far (the total is an upper
    bound until the job is done)."""

    id = graphene.String(required=True, resolver=key("_id"))
    kind = graphene.String(required=True)
    year = graphene.Int(required=True)
    commune_code = graphene.String(required=True)
    file_name = graphene.String(required=True)
    status = graphene.String(required=True, description="PENDING, RUNNING, DONE or FAILED")
    total = graphene.Int()
    done = graphene.Int(required=True)
    created = graphene.Int(required=True)
    duplicates = graphene.Int(required=True)
    failed = graphene.Int(required=True, description="Rows with at least one error")
    error_report_url = graphene.String(required=True, description="The rows in error, .xlsx")

    @staticmethod
    def resolve_error_report_url(job: dict[str, Any], info: Any) -> str:
        return f"/files/imports/{job['_id']}/errors.xlsx"


class StartImportInput(graphene.InputObjectType):
    tenant = graphene.String()
    commune_code = graphene.String(required=True)
    kind = graphene.Field(SubjectKind, required=True)
    year = graphene.Int(required=True)
    file_name = graphene.String(required=True, description="…xlsx or …csv")
    content = graphene.String(required=True, description="The file, base64-encoded")


class StartImport(graphene.Mutation):
    class Arguments:
        input = StartImportInput(required=True)

    Output = ImportJob

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        tenant, _ = scoped_unit(info, input.get("tenant"), input["commune_code"], REGISTRARS)
        result = info.context.rpc.registration.start_import(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        return result["job"]


def resolve_import_job(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    """A job of the caller's tenant inside its reach; another tenant's job is simply absent."""
    caller = authenticated(info)
    job = info.context.rpc.registration.import_job(caller.tenant, id)
    if job is None:
        return None
    require_scope(info, UnitPath.parse(job["unitpath"]))
    return job
