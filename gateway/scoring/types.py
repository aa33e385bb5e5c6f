"""GraphQL types of scoring: criteria sets, assessments with their verdicts, recognitions."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.vocabulary import Title
from gateway.wire import key


class Reason(graphene.ObjectType):
    """A reason of a verdict: a stable key and the Vietnamese text."""

    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class IndicatorVerdict(graphene.ObjectType):
    """The verdict on one indicator (chỉ số) of a criteria set."""

    id = graphene.String(required=True, description="Opaque, stable id")
    kind = graphene.String(
        required=True,
        description="How the indicator is judged (loại chỉ số)",
    )
    level = graphene.Int(
        required=True,
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings",
    )
    points = graphene.Int(description="Points scored (điểm)")
    max_points = graphene.Int(description="Highest points possible (điểm tối đa)")
    min_points = graphene.Int(description="Lowest passing points (điểm tối thiểu)")
    below_floor = graphene.Boolean(
        description="Points below the indicator's minimum (dưới mức tối thiểu)"
    )
    met = graphene.Boolean(description="The indicator is met (đạt)")
    value = graphene.Float(description="Value (giá trị)")
    reasons = graphene.List(
        graphene.NonNull(Reason), required=True, description="Why, in Vietnamese (lý do)"
    )
    name = graphene.String(description="The indicator's Vietnamese wording (never its id)")


class CriterionVerdict(graphene.ObjectType):
    """The verdict on one criterion (tiêu chí), its indicators included."""

    id = graphene.String(required=True, description="Opaque, stable id")
    name = graphene.String(description="The criterion's name (tên tiêu chí)")
    points = graphene.Int(description="Points scored (điểm)")
    max_points = graphene.Int(description="Highest points possible (điểm tối đa)")
    indicators = graphene.List(
        graphene.NonNull(IndicatorVerdict), required=True, description="The indicators (chỉ số)"
    )


class Verdict(graphene.ObjectType):
    """The engine's answer: recognised (criteria met), not_recognised or undecidable, with why."""

    status = graphene.String(
        required=True,
        description="The verdict (kết quả): recognised, not_recognised or undecidable",
    )
    level = graphene.Int(
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings"
    )
    total = graphene.Int(
        description="Total points (tổng điểm); null when the set does not score points"
    )
    provisional = graphene.Boolean(
        required=True, description="The set's numbers are not all official"
    )
    set_id = graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)")
    missing = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Indicators without a result yet (chỉ số chưa có kết quả)",
    )
    unknown_parameters = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Names the criteria set does not know, ignored",
    )
    reasons = graphene.List(
        graphene.NonNull(Reason), required=True, description="Why, in Vietnamese (lý do)"
    )
    explanation = graphene.List(
        graphene.NonNull(CriterionVerdict),
        required=True,
        description="Criterion by criterion (giải thích theo tiêu chí)",
    )
    provisional_reason = graphene.String(description="Why the set is provisional (Vietnamese)")
    decided_by_meeting = graphene.Boolean(
        required=True,
        description="The review meeting's vote decided, standing in for numbers (pass mark, "
        "floors) the platform lacks: provisional",
    )

    @staticmethod
    def resolve_decided_by_meeting(root: dict[str, Any], info: Any) -> bool:
        return bool(root.get("decided_by_meeting"))


class Figure(graphene.ObjectType):
    """A figure (số liệu) an indicator was computed from."""

    name = graphene.String(
        required=True, description="The figure's name (tên số liệu) in the criteria set"
    )
    value = graphene.Float(required=True, description="Value (giá trị)")


def _figures(field: str) -> Any:
    def resolve(record: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        given = record.get(field) or {}
        return [{"name": name, "value": value} for name, value in sorted(given.items())]

    return resolve


class StageRecord(graphene.ObjectType):
    """One stage of an assessment: self-assessment (tự đánh giá) or review (bình xét), with its
    verdict."""

    set_id = graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)")
    at = graphene.String(required=True, description="When it was recorded (ISO 8601)")
    by = graphene.String(description="Who recorded it")
    minutes = graphene.String(description="Biên bản họp bình xét (review only)")
    verdict = graphene.Field(
        Verdict, required=True, description="The verdict (kết quả) against the criteria set"
    )
    figures = graphene.List(
        graphene.NonNull(Figure),
        required=True,
        description="Figures entered for computed indicators",
        resolver=_figures("figures"),
    )
    computed_figures = graphene.List(
        graphene.NonNull(Figure),
        required=True,
        description="Figures the platform computed itself (a learning unit's share of learning "
        "citizens, a commune's shares of recognised families...); they win over entered ones",
        resolver=_figures("computed_figures"),
    )
    recomputed_at = graphene.String(
        description="When the platform last judged this stage again because its figures moved"
    )
    set_version = graphene.Int(
        description="The version of the province's set it was judged under (shipped: 1)"
    )
    agree = graphene.Boolean(
        description="Review only: the meeting agreed to propose recognition (null: no vote)"
    )

    @staticmethod
    def resolve_set_version(record: dict[str, Any], info: Any) -> int:
        return int(record.get("set_version") or 1)

    meeting_date = graphene.String(description="Ngày họp bình xét (review only)")
    review_id = graphene.String(description="Biên bản bình xét (listReview) ghi nhận dòng này")
    agreed = graphene.Boolean(description="Hội nghị đồng ý (false: không đồng ý, xem note)")
    note = graphene.String(description="Ghi chú của hội nghị bình xét")


class Revocation(graphene.ObjectType):
    """The revocation of a recognition (thu hồi công nhận)."""

    reason = graphene.String(required=True, description="Reason (lý do), in Vietnamese")
    at = graphene.String(required=True, description="When it was revoked (ISO 8601)")


class Recognition(graphene.ObjectType):
    """Quyết định công nhận: who decided, when, at which level, until when."""

    decision_number = graphene.String(
        required=True, description="The decision's number (số quyết định), e.g. 123/QĐ-UBND"
    )
    decision_date = graphene.String(
        required=True, description="The decision's date (ngày quyết định), YYYY-MM-DD"
    )
    signer = graphene.String(required=True, description="Who signed (người ký)")
    level = graphene.Int(
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings"
    )
    valid_until = graphene.String(
        description="Valid until (hiệu lực đến), YYYY-MM-DD; null without limit"
    )
    set_id = graphene.String(required=True, description="The criteria set's id (bộ tiêu chí)")
    revoked = graphene.Field(
        Revocation, description="The revocation (thu hồi), if the recognition was revoked"
    )
    imported = graphene.Boolean(
        required=True,
        description="Decided before the platform and imported (its signer may be empty)",
        resolver=lambda root, info: bool(root.get("imported")),
    )

    @staticmethod
    def resolve_signer(root: dict[str, Any], info: Any) -> str:
        return root.get("signer") or ""  # an imported record may name no signer

    provisional = graphene.Boolean(
        description="The verdict it rests on was judged under a provisional criteria set"
    )
    provisional_reason = graphene.String(description="Why that set is provisional (Vietnamese)")
    signer_position = graphene.String(description="Chức vụ người ký")
    authority = graphene.String(description="Cơ quan ban hành")
    decision_id = graphene.String(description="The decision document (query decision(id))")


class EvidenceInfo(graphene.ObjectType):
    """A file of evidence (minh chứng) attached to an assessment."""

    id = graphene.String(required=True, description="Opaque, stable id")
    file_name = graphene.String(required=True, description="File name (tên tệp)")
    content_type = graphene.String(
        required=True, description="Media type of the file, e.g. application/pdf"
    )
    size = graphene.Int(required=True, description="Size of the file in bytes")
    url = graphene.String(required=True, description="Download (with a token)")


class Assessment(graphene.ObjectType):
    """The assessment (đánh giá) of a registration: self-assessment, review, recognition,
    evidence."""

    enrolment_id = graphene.String(
        required=True, resolver=key("_id"), description="The registration's id (mã đăng ký)"
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    status = graphene.String(
        required=True, description="The registration's state (trạng thái): REGISTERED or WITHDRAWN"
    )
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    self_assessment = graphene.Field(
        StageRecord, description="The self-assessment stage (tự đánh giá), once submitted"
    )
    review = graphene.Field(StageRecord, description="Bình xét: the verdict that counts")
    recognition = graphene.Field(
        Recognition, description="The recognition decision (quyết định công nhận), once decided"
    )
    evidence = graphene.List(
        graphene.NonNull(EvidenceInfo),
        required=True,
        description="Minh chứng of the self-assessment",
    )
    provisional = graphene.Boolean(
        required=True,
        description="The verdict that counts (review, else self-assessment) rests on a "
        "provisional set",
    )
    provisional_reason = graphene.String(description="Why that set is provisional")

    @staticmethod
    def resolve_provisional(root: dict[str, Any], info: Any) -> bool:
        return bool(root.get("provisional"))

    @staticmethod
    def resolve_provisional_reason(root: dict[str, Any], info: Any) -> str | None:
        reason: str | None = root.get("provisional_reason")
        return reason

    @staticmethod
    def resolve_evidence(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return [
            {**meta, "id": evidence_id, "url": f"/files/evidence/{root['_id']}/{evidence_id}"}
            for evidence_id, meta in sorted((root.get("evidence") or {}).items())
        ]


class IndicatorInfo(graphene.ObjectType):
    """An indicator (chỉ số) of a criteria set."""

    id = graphene.String(required=True, description="Opaque, stable id")
    name = graphene.String(description="The indicator's wording (nội dung chỉ số)")
    kind = graphene.String(
        required=True,
        description="How the indicator is judged (loại chỉ số)",
    )
    max_points = graphene.Int(
        resolver=key("maxPoints"), description="Highest points possible (điểm tối đa)"
    )
    min_points = graphene.Int(
        resolver=key("minPoints"), description="Lowest passing points (điểm tối thiểu)"
    )
    level = graphene.Int(
        required=True,
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings",
    )
    provisional = graphene.Boolean(
        required=True,
        description="Rests on a provisional criteria set or unofficial figures (tạm thời)",
    )


class CriterionInfo(graphene.ObjectType):
    """A criterion (tiêu chí) of a criteria set: its wording and the indicators under it."""

    id = graphene.String(required=True, description="Opaque, stable id")
    name = graphene.String(description="The criterion's wording (tên tiêu chí)")
    max_points = graphene.Int(
        resolver=key("maxPoints"), description="Highest points possible (điểm tối đa)"
    )
    indicators = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The ids of its indicators (mã chỉ số), in order",
    )


class CriteriaSetInfo(graphene.ObjectType):
    """A criteria set (bộ tiêu chí) in force: issuer, validity, indicators, pass mark."""

    id = graphene.String(required=True, description="Opaque, stable id")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    issuer = graphene.String(required=True, description="Who issued it (cơ quan ban hành)")
    decision = graphene.String(
        required=True, description="The document that issues the set (văn bản ban hành)"
    )
    provisional = graphene.Boolean(
        required=True,
        description="Rests on a provisional criteria set or unofficial figures (tạm thời)",
    )
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Where the figures come from (nguồn số liệu), in Vietnamese",
    )
    group = graphene.String(
        description="Group of the criteria set (nhóm), e.g. rural, worker, professional"
    )
    level = graphene.String(
        description="Administrative level of the subjects it rates (commune, district, "
        "province); null: any"
    )
    valid_from = graphene.Int(resolver=key("validFrom"), description="First year in force")
    valid_to = graphene.Int(resolver=key("validTo"), description="Last year in force (null: open)")
    total_points = graphene.Int(
        resolver=key("totalPoints"), description="The set's highest total (tổng điểm tối đa)"
    )
    pass_mark = graphene.Int(
        resolver=key("passMark"),
        description="Points needed to pass (điểm đạt), when the set scores points",
    )
    indicators = graphene.List(
        graphene.NonNull(IndicatorInfo), required=True, description="The indicators (chỉ số)"
    )
    provisional_reason = graphene.String(
        resolver=lambda root, info: root.get("provisionalReason"),
        description="Why the set is provisional",
    )
    version = graphene.Int(description="The province's version of its own set (shipped: 1)")
    meeting_decides = graphene.Boolean(
        resolver=lambda root, info: bool(root.get("meetingDecides")),
        description="Its pass mark / floors are not public: the review meeting's vote "
        "(agree) decides, provisionally",
    )
    criteria = graphene.List(
        graphene.NonNull(CriterionInfo),
        required=True,
        resolver=lambda root, info: root.get("criteria") or [],
        description="The criteria (tiêu chí), each with its indicators' ids",
    )
