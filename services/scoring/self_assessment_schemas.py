"""marshmallow schema of ``submitSelfAssessments``: households' self-assessments entered as one
list (at most 2,000 rows), with Vietnamese field errors."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from khuyenhoc.text import clean
from khuyenhoc.validation import EdgeSchema, field_messages, tenant_field
from khuyenhoc.vocabulary import TITLES
from services.scoring.domain.self_assessments import (
    MAX_ROWS,
    SelfAssessmentRow,
    SelfAssessmentsRequest,
)
from services.scoring.self_assessments import SELF_ASSESSMENT_MESSAGES as MESSAGES

_BASE: dict[str, Any] = field_messages(MESSAGES)


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=max_length, error=MESSAGES["text_length"]),
        **kwargs,
    )


def _optional_text(max_length: int) -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=max_length, error=MESSAGES["too_long"]),
    )


def _answer_values(value: dict[str, Any]) -> None:
    if any(isinstance(v, float) or not isinstance(v, int | bool) for v in value.values()):
        raise ValidationError(MESSAGES["answer_value"])


def _kept(text: str | None) -> str | None:
    """User text as kept: NFC, trimmed, spaces collapsed; empty is none."""
    return (clean(text) or None) if text is not None else None


class SelfAssessmentRowSchema(EdgeSchema):
    """A household's form: its enrolment, the answers per indicator, its figures and group."""

    enrolment_id = _text(200, data_key="enrolmentId")
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        error_messages=_BASE,
        validate=_answer_values,
    )
    figures = fields.Dict(
        keys=fields.String(), values=fields.Float(), load_default=dict, error_messages=_BASE
    )
    group = _optional_text(50)


class SelfAssessmentsSchema(EdgeSchema):
    """``submitSelfAssessments``: the unit the forms were collected in (its code and path, as
    the gateway looked it up), the title and year, the rows, who entered them."""

    tenant = tenant_field()
    unit_code = _text(32, data_key="unitCode")
    unit_path = _text(200, data_key="unitPath")
    title = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.OneOf(TITLES, error=MESSAGES["invalid"]),
    )
    year = fields.Integer(
        required=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(min=2000, max=2100, error=MESSAGES["invalid"]),
    )
    rows = fields.List(
        fields.Nested(SelfAssessmentRowSchema),
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=MAX_ROWS, error=MESSAGES["self_assessment_rows"]),
    )
    by = _optional_text(200)

    @post_load
    def request(self, data: dict[str, Any], **kwargs: Any) -> SelfAssessmentsRequest:
        rows = tuple(
            SelfAssessmentRow(
                enrolment_id=row["enrolment_id"].strip(),
                answers=row["answers"],
                figures=row["figures"],
                group=_kept(row["group"]),
            )
            for row in data["rows"]
        )
        return SelfAssessmentsRequest(
            tenant=data["tenant"],
            unit_code=data["unit_code"],
            unit_path=data["unit_path"],
            title=data["title"],
            year=data["year"],
            rows=rows,
            by=_kept(data["by"]),
        )
