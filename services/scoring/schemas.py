"""marshmallow schemas at scoring's edge: self-assessments and reviews, Vietnamese errors."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from khuyenhoc.text import clean
from khuyenhoc.validation import (
    Base64Bytes,
    EdgeSchema,
    MessageCatalogue,
    field_messages,
    tenant_field,
)
from services.scoring.domain import STAGES

MESSAGES = MessageCatalogue(
    {
        "enrolment_not_found": "Không tìm thấy đăng ký đang hiệu lực này.",
        "no_criteria_set": "Chưa có bộ tiêu chí áp dụng cho danh hiệu, năm và nhóm này.",
        "invalid_answer": "Điểm hoặc kết quả chỉ số không hợp lệ.",
        "answer_value": "Mỗi chỉ số nhận một số điểm (số nguyên) hoặc đạt / không đạt.",
        "minutes_required": "Cần biên bản họp bình xét.",
        "too_long": "Quá dài.",
        "stage": "Giai đoạn phải là self_assessment hoặc review.",
        "already_decided": "Danh sách đề nghị này đã có quyết định công nhận.",
        "nobody_eligible": "Chưa có đối tượng nào đủ điều kiện sau bình xét.",
        "proposal_not_found": "Không tìm thấy danh sách đề nghị này.",
        "posting_not_over": "Chưa hết thời gian niêm yết công khai danh sách.",
        "not_in_proposal": "Có đối tượng không nằm trong danh sách đề nghị.",
        "not_recognised": "Đối tượng này chưa được công nhận.",
        "already_revoked": "Danh hiệu này đã bị thu hồi trước đó.",
        "unit_not_found": "Không tìm thấy đơn vị này.",
        "text_length": "Không được để trống và không quá dài.",
        "too_many_files": "Mỗi hồ sơ có tối đa 20 tệp minh chứng.",
        "empty_file": "Tệp minh chứng rỗng.",
        "file_too_large": "Tệp minh chứng quá lớn: tối đa 10 MB.",
        "file_type": "Chỉ nhận minh chứng dạng PDF, JPEG, PNG, DOCX hoặc XLSX.",
        "file_content": "Nội dung tệp không đúng với loại tệp đã khai.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
        "not_eligible": "Không còn đủ điều kiện hoặc đã được công nhận.",
        "still_valid": "Đang giữ danh hiệu này ở mức bằng hoặc cao hơn, còn hiệu lực.",
        "upgrade_too_early": "Chưa đủ thời gian kể từ lần công nhận trước để đề nghị nâng mức.",
    }
)
_BASE = field_messages(MESSAGES)


class _Edge(EdgeSchema):
    tenant = tenant_field()


class ScoreSchema(_Edge):
    """``submitSelfAssessment`` / ``recordReview``: indicator answers, optional figures for
    computed indicators, the labour group where forms differ, the review's minutes."""

    enrolment_id = fields.String(
        data_key="enrolmentId",
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["enrolment_not_found"]),
    )
    stage = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.OneOf(STAGES, error=MESSAGES["stage"]),
    )
    answers = fields.Dict(
        keys=fields.String(), values=fields.Raw(), required=True, error_messages=_BASE
    )
    figures = fields.Dict(
        keys=fields.String(), values=fields.Float(), load_default=dict, error_messages=_BASE
    )
    group = fields.String(load_default=None, allow_none=True, error_messages=_BASE)
    minutes = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=20_000, error=MESSAGES["too_long"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)

    @validates("answers")
    def check_answers(self, value: dict[str, Any], **kwargs: Any) -> None:
        if any(isinstance(v, float) or not isinstance(v, int | bool) for v in value.values()):
            raise ValidationError(MESSAGES["answer_value"])

    def load(self, data: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        loaded = super().load(data, **kwargs)
        if loaded.get("minutes"):
            loaded["minutes"] = clean(loaded["minutes"])
        if loaded["stage"] == "review" and not loaded.get("minutes"):
            raise ValidationError({"minutes": [MESSAGES["minutes_required"]]})
        return loaded


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=max_length, error=MESSAGES["text_length"]),
        **kwargs,
    )


class DecideSchema(_Edge):
    """``decideRecognition``: the decision number, date and signer, for the list or a part."""

    proposal_id = _text(200, data_key="proposalId")
    decision_number = _text(100, data_key="decisionNumber")
    decision_date = fields.Date(
        data_key="decisionDate",
        required=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )
    signer = _text(200)
    enrolment_ids = fields.List(
        fields.String(),
        data_key="enrolmentIds",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
    )


class RevokeSchema(_Edge):
    enrolment_id = _text(200, data_key="enrolmentId")
    reason = _text(500)


class EvidenceSchema(_Edge):
    """``attachEvidence``: one file (base64 over the wire)."""

    enrolment_id = _text(200, data_key="enrolmentId")
    file_name = _text(200, data_key="fileName")
    content_type = _text(200, data_key="contentType")
    content = Base64Bytes(required=True, error_messages=_BASE)
