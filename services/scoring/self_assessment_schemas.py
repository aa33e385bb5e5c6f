"""marshmallow schema of ``submitSelfAssessments``: households' self-assessments entered as one
list (at most 2,000 rows), with Vietnamese field errors."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from khuyenhoc.validation import EdgeSchema, field_messages, tenant_field
from khuyenhoc.vocabulary import TITLES
from services.scoring.domain.self_assessments import (
    MAX_ROWS,
    SelfAssessmentRow,
    SelfAssessmentsRequest,
)
from services.scoring.schemas import answer_values, kept, optional_text_field, text_field
from services.scoring.self_assessments import SELF_ASSESSMENT_MESSAGES as MESSAGES

_BASE: dict[str, Any] = field_messages(MESSAGES)


class SelfAssessmentRowSchema(EdgeSchema):
    """A household's form: its enrolment, the answers per indicator, its figures and group."""

    enrolment_id = text_field(200, data_key="enrolmentId")
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        error_messages=_BASE,
        validate=answer_values,
    )
    figures = fields.Dict(
        keys=fields.String(), values=fields.Float(), load_default=dict, error_messages=_BASE
    )
    group = optional_text_field(50)


class SelfAssessmentsSchema(EdgeSchema):
    """``submitSelfAssessments``: the unit the forms were collected in (its code and path, as
    the gateway looked it up), the title and year, the rows, who entered them."""

    tenant = tenant_field()
    unit_code = text_field(32, data_key="unitCode")
    unit_path = text_field(200, data_key="unitPath")
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
    by = optional_text_field(200)

    @post_load
    def request(self, data: dict[str, Any], **kwargs: Any) -> SelfAssessmentsRequest:
        rows = tuple(
            SelfAssessmentRow(
                enrolment_id=row["enrolment_id"].strip(),
                answers=row["answers"],
                figures=row["figures"],
                group=kept(row["group"]),
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
            by=kept(data["by"]),
        )
