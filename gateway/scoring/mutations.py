"""Mutations of scoring: self-assessments and reviews, evidence, proposals, decisions and
revocations.

Entering scores, evidence and proposals is for registrars in reach of the subject or unit; a
decision or a revocation belongs to the roles the province configures for the title
(:func:`gateway.access.require_authority`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene

from gateway.access import REGISTRARS
from gateway.mutations import Write, in_subtree, mutation, record, send, unit
from gateway.scoring.decisions import DecisionDocument, decide, signing_authority
from gateway.scoring.types import Assessment
from gateway.vocabulary import Title
from gateway.wire import enum_value, key, unit_not_found

# --- inputs and answers -------------------------------------------------------------------------


class AnswerInput(graphene.InputObjectType):
    """The result of one indicator (chỉ số): points, or met / not met."""

    indicator = graphene.String(
        required=True, description="The indicator's id (mã chỉ số) in the criteria set"
    )
    points = graphene.Int(description="Points scored (điểm)")
    met = graphene.Boolean(description="The indicator is met (đạt)")


class FigureInput(graphene.InputObjectType):
    """A figure (số liệu) an indicator is computed from."""

    name = graphene.String(
        required=True, description="The figure's name (tên số liệu) in the criteria set"
    )
    value = graphene.Float(required=True, description="Value (giá trị)")


class ScoreInput(graphene.InputObjectType):
    """A subject's self-assessment (tự đánh giá) against its criteria set."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    answers = graphene.List(
        graphene.NonNull(AnswerInput),
        required=True,
        description="The indicators' results (kết quả từng chỉ số)",
    )
    figures = graphene.List(
        graphene.NonNull(FigureInput),
        description="Figures the indicators are computed from (số liệu)",
    )
    group = graphene.String(description="Labour group where the forms differ (CITIZEN)")
    by = graphene.String(description="Who entered it")


class ReviewInput(ScoreInput):
    """A review meeting's verdict on one subject (bình xét)."""

    minutes = graphene.String(required=True, description="Biên bản họp bình xét")
    agree = graphene.Boolean(description="Hội nghị bình xét đồng ý đề nghị công nhận")
    meeting_date = graphene.Date(
        description="Ngày họp bình xét (mặc định: hôm nay); từ 01/01 năm đánh giá đến hôm nay"
    )


class ProposalSubject(graphene.ObjectType):
    """A subject on a proposal list with its full name, for the officers and authorities in reach
    (the public posting shows names as the province posts them)."""

    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    name = graphene.String(description="The subject's name (tên), null if the registration is gone")


def resolve_proposal_subjects(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
    """Who is on the list by name, in the list's order (one registration call)."""
    ids = list(root.get("enrolments") or [])
    named = info.context.rpc.registration.enrolment_names(root["tenant"], ids) if ids else {}
    return [{"enrolment_id": i, "name": (named.get(i) or {}).get("name")} for i in ids]


class Proposal(graphene.ObjectType):
    """A proposal list (danh sách đề nghị công nhận) of a unit for a title and year, posted publicly
    before the decision."""

    id = graphene.String(required=True, resolver=key("_id"), description="Opaque, stable id")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    enrolment_ids = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        resolver=key("enrolments"),
        description="The registrations proposed (mã đăng ký)",
    )
    posting_ends = graphene.String(required=True, description="Niêm yết until this day")
    posted_from = graphene.String(description="Niêm yết from this day (its real day)")
    posting_days = graphene.Int(description="Days a proposal list stays posted (số ngày niêm yết)")
    posting_basis = graphene.String(description="Where the posting period comes from")
    decision_ids = graphene.List(
        graphene.NonNull(graphene.String),
        description="Decision documents on this list",
        resolver=lambda root, info: root.get("decisions") or [],
    )
    provisional = graphene.Boolean(
        required=True,
        description="The list was judged under a provisional criteria set",
        resolver=lambda root, info: bool(root.get("provisional")),
    )
    provisional_reason = graphene.String(description="Why that set is provisional (Vietnamese)")
    subjects = graphene.List(
        graphene.NonNull(ProposalSubject),
        required=True,
        resolver=resolve_proposal_subjects,
        description="Who is proposed, by name (danh sách đề nghị với họ tên)",
    )


class ProposeInput(graphene.InputObjectType):
    """Proposes a unit's eligible subjects of a title and year for recognition."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    posted_from = graphene.Date(
        description="A posting done on paper: its real first day (not in the future; default today)"
    )


class DecideInput(graphene.InputObjectType):
    """A recognition decision (quyết định công nhận) on a proposal list."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    proposal_id = graphene.String(
        required=True, description="The proposal list's id (danh sách đề nghị công nhận)"
    )
    decision_number = graphene.String(required=True, description="e.g. 123/QĐ-UBND")
    decision_date = graphene.Date(
        required=True, description="The decision's date (ngày quyết định), YYYY-MM-DD"
    )
    signer = graphene.String(required=True, description="Who signed (người ký)")
    enrolment_ids = graphene.List(
        graphene.NonNull(graphene.String), description="Part of the list (default: all of it)"
    )
    signer_position = graphene.String(description="Chức vụ người ký, e.g. Chủ tịch UBND xã")
    authority = graphene.String(
        description="Cơ quan ban hành (default: the People's Committee of the caller's unit)"
    )
    file_name = graphene.String(description="The scanned decision (PDF, JPEG, PNG)")
    content_type = graphene.String(description="Media type of the file, e.g. application/pdf")
    content = graphene.String(description="The scanned decision, base64-encoded (≤ 10 MB)")


class Skipped(graphene.ObjectType):
    """A subject left out, and why."""

    enrolment_id = graphene.String(
        required=True, resolver=key("field"), description="The registration's id (mã đăng ký)"
    )
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class Decision(graphene.ObjectType):
    """What a recognition decision recorded: the subjects recognised and those left out."""

    recognised = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Recognised by a decision (được công nhận)",
    )
    skipped = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="What was left out, and why"
    )
    reasons = graphene.List(
        graphene.NonNull(Skipped), required=True, description="Why each skipped one was skipped"
    )
    document = graphene.Field(DecisionDocument, description="The decision as kept")
    repeated = graphene.Boolean(description="The same decision was entered before: nothing new")


class RevokeInput(graphene.InputObjectType):
    """Revokes a recognition (thu hồi công nhận), with the reason."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    reason = graphene.String(required=True, description="Reason (lý do), in Vietnamese")


class EvidenceInput(graphene.InputObjectType):
    """A file of evidence (minh chứng) attached to an assessment."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    file_name = graphene.String(required=True, description="File name (tên tệp)")
    content_type = graphene.String(required=True, description="application/pdf, image/jpeg, …")
    content = graphene.String(required=True, description="The file, base64-encoded")


# --- who may and what is sent -------------------------------------------------------------------


def authority(write: Write) -> None:
    """The decision belongs to the roles the province configures for the target's title; an
    unknown target is left for scoring to answer."""
    signing_authority(write)


def score(stage: str) -> Callable[[Write], Any]:
    """``scoring.score``: the answers of one stage, keyed by indicator."""

    def call(write: Write) -> Any:
        given = write.input
        payload = {
            "tenant": write.tenant,
            "enrolmentId": given["enrolment_id"],
            "stage": stage,
            "answers": {
                a["indicator"]: a["met"] if a.get("met") is not None else a.get("points")
                for a in given["answers"]
            },
            "figures": {f["name"]: f["value"] for f in given.get("figures") or []},
            "group": given.get("group"),
            "by": given.get("by") or write.caller.subject,
        }
        if stage == "review":
            payload["minutes"] = given.get("minutes")
            payload["agree"] = given.get("agree")
            if given.get("meeting_date") is not None:
                payload["meetingDate"] = given["meeting_date"].isoformat()
        return write.rpc.scoring.score(payload)

    return call


def propose(write: Write) -> Any:
    assert write.found is not None
    unit_ = write.found
    title = enum_value(write.input["title"])
    posted_from = write.input.get("posted_from")
    return write.rpc.scoring.propose(
        write.tenant,
        unit_["code"],
        unit_["path"],
        title,
        write.input["year"],
        posted_from.isoformat() if posted_from else None,
    )


# --- mutations ----------------------------------------------------------------------------------

ASSESSMENT = record("scoring", "assessment", "enrolment_id")

SubmitSelfAssessment = mutation(
    "SubmitSelfAssessment",
    Assessment,
    score("self_assessment"),
    input=ScoreInput,
    lookup=ASSESSMENT,
    check=in_subtree(REGISTRARS),
    answer="assessment",
    doc="Tự đánh giá: a subject's self-assessment, scored against its criteria set.",
)
RecordReview = mutation(
    "RecordReview",
    Assessment,
    score("review"),
    input=ReviewInput,
    lookup=ASSESSMENT,
    check=in_subtree(REGISTRARS),
    answer="assessment",
    doc="Bình xét: the review meeting's verdict on one subject (the verdict that counts).",
)
AttachEvidence = mutation(
    "AttachEvidence",
    Assessment,
    send("scoring", "attach_evidence"),
    input=EvidenceInput,
    lookup=ASSESSMENT,
    check=in_subtree(REGISTRARS),
    answer="assessment",
    doc="Minh chứng: PDF, JPEG, PNG, DOCX or XLSX up to 10 MB, checked by content.",
)
ProposeRecognition = mutation(
    "ProposeRecognition",
    Proposal,
    propose,
    input=ProposeInput,
    lookup=unit("unit_code"),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer="proposal",
    doc="Đề nghị công nhận: the unit's reviewed, eligible subjects, posted publicly first.",
)
DecideRecognition = mutation(
    "DecideRecognition",
    Decision,
    decide,
    input=DecideInput,
    lookup=record("scoring", "proposal", "proposal_id"),
    check=authority,
    answer="decision",
    doc="Quyết định công nhận by the competent authority; each subject gets ``recognised``.",
)
RevokeRecognition = mutation(
    "RevokeRecognition",
    Assessment,
    send("scoring", "revoke"),
    input=RevokeInput,
    lookup=ASSESSMENT,
    check=authority,
    answer="assessment",
    doc="Thu hồi danh hiệu, with its reason; the record stays, marked revoked.",
)

MUTATIONS: dict[str, Any] = {
    "submit_self_assessment": SubmitSelfAssessment.Field(),
    "record_review": RecordReview.Field(),
    "attach_evidence": AttachEvidence.Field(),
    "propose_recognition": ProposeRecognition.Field(),
    "decide_recognition": DecideRecognition.Field(),
    "revoke_recognition": RevokeRecognition.Field(),
}
