"""marshmallow schemas at scoring's edge: self-assessments and reviews, Vietnamese errors."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from khuyenhoc.text import clean
from khuyenhoc.validation import MessageCatalogue, field_messages
from services.scoring.domain import STAGES

MESSAGES = MessageCatalogue(
    {
        "tenant_format": "Mã tỉnh phải gồm 2 chữ số.",
        "enrolment_not_found": "Không tìm thấy đăng ký đang hiệu lực này.",
        "no_criteria_set": "Chưa có bộ tiêu chí áp dụng cho danh hiệu, năm và nhóm này.",
        "invalid_answer": "Điểm hoặc kết quả chỉ số không hợp lệ.",
        "answer_value": "Mỗi chỉ số nhận một số điểm (số nguyên) hoặc đạt / không đạt.",
        "minutes_required": "Cần biên bản họp bình xét.",
        "too_long": "Quá dài.",
        "stage": "Giai đoạn phải là self_assessment hoặc review.",
    }
)
_BASE = field_messages(MESSAGES)


class ScoreSchema(Schema):
    """``submitSelfAssessment`` / ``recordReview``: indicator answers, optional figures for
    computed indicators, the labour group where forms differ, the review's minutes."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": MESSAGES["unknown_field"], "type": MESSAGES["invalid_input"]}

    tenant = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[0-9]{2}$", error=MESSAGES["tenant_format"]),
    )
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
