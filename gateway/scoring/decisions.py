"""The decision as a document (quyết định công nhận): who may sign it, what is sent, and the
queries reading decisions (``decision(id)``, ``decisions(unitCode, year)``).

Who signs is the province's configuration per title (scoring's ``authorities`` RPC: the
province's setting, else the criteria set's ``decided_by``, else the default): the caller's
own unit must be the one the rule names (``gateway.access.may_decide``); the level of the
caller's unit comes from the directory."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import READERS, authenticated, readable_unit, require_authority, require_scope
from gateway.mutations import Write
from gateway.vocabulary import Title
from gateway.wire import key
from khuyenhoc.auth import Role
from khuyenhoc.tenancy import UnitPath

# Who reads decisions in their subtree: the officers and auditors, and the authorities.
DECISION_READERS: frozenset[Role] = READERS | {Role.AUTHORITY}


def _caller_unit(write: Write) -> dict[str, Any] | None:
    unit: dict[str, Any] | None = write.rpc.registration.get_unit(
        write.caller.unit_path.code, write.tenant
    )
    return unit


def signing_authority(write: Write) -> None:
    """The check of a decision or revocation: the caller holds the authority configured for
    the target's title (and year); an unknown target is left for scoring to answer."""
    found = write.found or {}
    rules = write.rpc.scoring.authorities(write.tenant, found.get("title") or "", found.get("year"))
    level = None
    if write.path is not None and any("@" in rule for rule in rules):
        level = (_caller_unit(write) or {}).get("level")
    require_authority(write.caller, write.path, rules, level)


def issuing_authority(unit: dict[str, Any] | None) -> str | None:
    """ "Thị trấn Đồng Đăng" → "UBND thị trấn Đồng Đăng" (cơ quan ban hành, by default the
    People's Committee of the caller's unit)."""
    name = (unit or {}).get("name")
    if not name:
        return None
    return f"UBND {name[:1].lower()}{name[1:]}"


def decision_payload(write: Write) -> dict[str, Any]:
    """A decision as scoring takes it: with who entered it and, unless given, the caller's
    People's Committee as the issuing authority."""
    payload = write.payload()
    payload["enteredBy"] = write.caller.subject
    if not payload.get("authority"):
        authority = issuing_authority(_caller_unit(write))
        if authority:
            payload["authority"] = authority
    return payload


def decide(write: Write) -> Any:
    """``scoring.decide``."""
    return write.rpc.scoring.decide(decision_payload(write))


# --- types --------------------------------------------------------------------------------------


class DecisionSubject(graphene.ObjectType):
    """A subject recognised by a decision, with its level."""

    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    level = graphene.Int(description="Mức độ recognised")
    provisional = graphene.Boolean(
        required=True, description="Judged under a provisional criteria set"
    )


class DecisionSkip(graphene.ObjectType):
    """A subject of the proposal list a decision left out, and why."""

    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class DecisionFile(graphene.ObjectType):
    """The scanned decision document (bản quét quyết định)."""

    id = graphene.String(required=True, description="Opaque, stable id")
    file_name = graphene.String(required=True, description="File name (tên tệp)")
    content_type = graphene.String(
        required=True, description="Media type of the file, e.g. application/pdf"
    )
    size = graphene.Int(required=True, description="Size of the file in bytes")
    url = graphene.String(required=True, description="Download (with a token)")


class DecisionDocument(graphene.ObjectType):
    """Quyết định công nhận as signed, for one proposal list (or the rest of it)."""

    id = graphene.String(required=True, resolver=key("_id"), description="Opaque, stable id")
    proposal_id = graphene.String(
        required=True, description="The proposal list's id (danh sách đề nghị công nhận)"
    )
    number = graphene.String(required=True, description="Số quyết định, e.g. 123/QĐ-UBND")
    date = graphene.String(required=True, description="Ngày ký (YYYY-MM-DD): its real day")
    signer = graphene.String(required=True, description="Người ký")
    signer_position = graphene.String(description="Chức vụ, e.g. Chủ tịch UBND xã")
    authority = graphene.String(description="Cơ quan ban hành, e.g. UBND xã Đồng Đăng")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    subjects = graphene.List(
        graphene.NonNull(DecisionSubject),
        required=True,
        description="The subjects it recognises (đối tượng được công nhận)",
    )
    skipped = graphene.List(
        graphene.NonNull(DecisionSkip), required=True, description="What was left out, and why"
    )
    provisional = graphene.Boolean(
        required=True, description="Some verdict on it rests on a provisional criteria set"
    )
    provisional_reason = graphene.String(description="Why (Vietnamese)")
    entered_by = graphene.String(description="Who entered it")
    entered_at = graphene.String(description="When it was entered on the platform (ISO 8601)")
    file = graphene.Field(DecisionFile, description="The scanned decision")

    @staticmethod
    def resolve_file(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
        found = root.get("file")
        return {**found, "url": f"/files/decisions/{root['_id']}"} if found else None


# --- queries ------------------------------------------------------------------------------------


def resolve_decision(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    caller = authenticated(info)
    found: dict[str, Any] | None = info.context.rpc.scoring.decision(caller.tenant, id)
    if found is not None:
        require_scope(info, UnitPath.parse(found["unitpath"]), DECISION_READERS)
    return found


def resolve_decisions(root: Any, info: Any, unit_code: str, year: int) -> list[dict[str, Any]]:
    caller = authenticated(info)
    unit = info.context.rpc.registration.get_unit(unit_code, caller.tenant)
    readable_unit(info, unit, DECISION_READERS)
    found: list[dict[str, Any]] = info.context.rpc.scoring.decisions(caller.tenant, unit_code, year)
    return found


QUERIES: dict[str, Any] = {
    "decision": graphene.Field(
        DecisionDocument,
        id=graphene.String(required=True, description="Opaque, stable id"),
        resolver=resolve_decision,
        description="Quyết định công nhận (officers, auditors and authorities in reach)",
    ),
    "decisions": graphene.List(
        graphene.NonNull(DecisionDocument),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        resolver=resolve_decisions,
        description="The decisions on a unit's proposal lists of a year",
    ),
}
