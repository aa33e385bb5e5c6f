"""A province's own criteria sets, managed at run time by its admin: upload a YAML document
(validated like the shipped sets; each set becomes the next version of its id, a draft), check
one without storing it, activate a version from a year, list the versions.

Only the province admin of the tenant (role ``province_admin``, at the province) may; every
other role, another province's admin and anonymous callers are refused (FORBIDDEN /
UNAUTHENTICATED). Scoring picks an activation up at its next request: no restart.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import authenticated, forbidden, write_tenant
from gateway.enums import CriteriaSetStatus
from gateway.mutations import Write, mutation
from gateway.scoring.types import CriteriaSetInfo
from gateway.vocabulary import Title
from gateway.wire import answer
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath


class CriteriaSetVersion(graphene.ObjectType):
    """One version of a province's own set."""

    set_id = graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)")
    version = graphene.Int(required=True, description="Version number, from 1")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    status = graphene.Field(CriteriaSetStatus, required=True, description="Its state (trạng thái)")
    effective_from_years = graphene.List(
        graphene.NonNull(graphene.Int),
        required=True,
        description="The years it was activated from (active until the next activation)",
    )
    valid_from = graphene.Int(
        required=True, description="First year it applies to (áp dụng từ năm)"
    )
    valid_to = graphene.Int(description="Last year it applies to (đến năm); null while it lasts")
    group = graphene.String(
        description="Group of the criteria set (nhóm), e.g. rural, worker, professional"
    )
    level = graphene.String(
        description="Level (cấp): province, district, commune, branch or hamlet"
    )
    provisional = graphene.Boolean(
        required=True,
        description="Rests on a provisional criteria set or unofficial figures (tạm thời)",
    )
    provisional_reason = graphene.String(description="Why it is provisional, in Vietnamese")
    uploaded_by = graphene.String(description="Who uploaded it")
    uploaded_at = graphene.String(required=True, description="When it was uploaded (ISO 8601)")
    activated_by = graphene.String(description="Who activated it")
    activated_at = graphene.String(description="When it was last activated (ISO 8601)")
    yaml = graphene.String(description="The YAML as uploaded (criteriaSetVersion only)")


class UploadedCriteriaSets(graphene.ObjectType):
    """The criteria sets an upload stored, each as a draft version."""

    sets = graphene.List(
        graphene.NonNull(CriteriaSetVersion),
        required=True,
        description="The versions stored, as drafts",
    )


class UploadCriteriaSetInput(graphene.InputObjectType):
    """A YAML document of a province's own criteria sets (bộ tiêu chí)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    yaml = graphene.String(required=True, description="One set, or a list of sets (≤ 256 KB)")


class ActivateCriteriaSetInput(graphene.InputObjectType):
    """Activates a version of a province's criteria set from a year on."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    set_id = graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)")
    version = graphene.Int(required=True, description="Version number, from 1")
    effective_from_year = graphene.Int(
        required=True, description="In force from this year on; years before keep what they had"
    )


def _require_admin(caller: Caller, tenant: str) -> None:
    if caller.role != Role.PROVINCE_ADMIN or not caller.covers(UnitPath.parse(tenant)):
        raise forbidden()


def province_admin(write: Write) -> None:
    _require_admin(write.caller, write.tenant)


def _admin_tenant(info: Any, tenant: str | None) -> str:
    caller = authenticated(info)
    wanted = write_tenant(caller, tenant)
    _require_admin(caller, wanted)
    return wanted


def _with_by(method: str) -> Any:
    def call(write: Write) -> Any:
        payload = {**write.payload(), "by": write.caller.subject}
        return getattr(write.rpc.scoring, method)(payload)

    return call


UploadCriteriaSet = mutation(
    "UploadCriteriaSet",
    UploadedCriteriaSets,
    _with_by("upload_criteria_set"),
    input=UploadCriteriaSetInput,
    check=province_admin,
    doc="Keep a province's set (YAML) as the next version of its id, a draft.",
)
ActivateCriteriaSet = mutation(
    "ActivateCriteriaSet",
    CriteriaSetVersion,
    _with_by("activate_criteria_set"),
    input=ActivateCriteriaSetInput,
    check=province_admin,
    answer="set",
    doc="Put a stored version in force from a year on; verdicts already given keep theirs.",
)


def resolve_tenant_criteria_sets(
    root: Any, info: Any, tenant: str | None = None
) -> list[dict[str, Any]]:
    wanted = _admin_tenant(info, tenant)
    return info.context.rpc.scoring.tenant_criteria_sets(wanted)


def resolve_criteria_set_version(
    root: Any, info: Any, set_id: str, version: int, tenant: str | None = None
) -> dict[str, Any] | None:
    wanted = _admin_tenant(info, tenant)
    return info.context.rpc.scoring.criteria_set_version(wanted, set_id, version)


def resolve_validate_criteria_set(
    root: Any, info: Any, yaml: str, tenant: str | None = None
) -> list[dict[str, Any]]:
    wanted = _admin_tenant(info, tenant)
    result = info.context.rpc.scoring.validate_criteria_set({"tenant": wanted, "yaml": yaml})
    return answer(result, "sets")


QUERIES: dict[str, Any] = {
    "tenant_criteria_sets": graphene.List(
        graphene.NonNull(CriteriaSetVersion),
        required=True,
        tenant=graphene.String(
            description="Province code (mã tỉnh), 2 digits; default the caller's"
        ),
        resolver=resolve_tenant_criteria_sets,
        description="The province's own set versions with their status (province admin)",
    ),
    "criteria_set_version": graphene.Field(
        CriteriaSetVersion,
        set_id=graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)"),
        version=graphene.Int(required=True, description="Version number, from 1"),
        tenant=graphene.String(
            description="Province code (mã tỉnh), 2 digits; default the caller's"
        ),
        resolver=resolve_criteria_set_version,
        description="One version of the province's own set, with its YAML (province admin)",
    ),
    "validate_criteria_set": graphene.List(
        graphene.NonNull(CriteriaSetInfo),
        required=True,
        yaml=graphene.String(
            required=True, description="The YAML document of criteria sets (bộ tiêu chí) to check"
        ),
        tenant=graphene.String(
            description="Province code (mã tỉnh), 2 digits; default the caller's"
        ),
        resolver=resolve_validate_criteria_set,
        description="Check a set (YAML) without storing it: its summary or field errors",
    ),
}

MUTATIONS: dict[str, Any] = {
    "upload_criteria_set": UploadCriteriaSet.Field(),
    "activate_criteria_set": ActivateCriteriaSet.Field(),
}
