"""marshmallow schemas of what scoring is asked (self-assessments, reviews, decisions,
revocations, evidence), with Vietnamese field errors from ``messages``."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import clean
from khuyenhoc.validation import (
    Base64Bytes,
    EdgeSchema,
    InvalidInput,
    field_messages,
    tenant_field,
)
from khuyenhoc.vocabulary import TITLES
from services.scoring.domain import STAGES
from services.scoring.domain.history import MAX_ROWS as MAX_HISTORY_ROWS
from services.scoring.domain.history import HistoryRow, RowError
from services.scoring.domain.list_review import (
    MAX_ATTENDEES,
    MAX_MINUTES,
    MAX_NAME,
    MAX_NOTE,
    MAX_ROWS,
    ListReviewRequest,
    MinutesFile,
    ReviewRow,
)
from services.scoring.messages import MESSAGES

_BASE: dict[str, Any] = field_messages(MESSAGES)


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
    # Inner fields carry the Vietnamese messages too (an answer sent as null is one field error).
    answers = fields.Dict(
        keys=fields.String(error_messages=_BASE),
        values=fields.Raw(error_messages=_BASE),
        required=True,
        error_messages=_BASE,
    )
    figures = fields.Dict(
        keys=fields.String(error_messages=_BASE),
        values=fields.Float(error_messages=_BASE),
        load_default=dict,
        error_messages=_BASE,
    )
    group = fields.String(load_default=None, allow_none=True, error_messages=_BASE)
    minutes = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=20_000, error=MESSAGES["too_long"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)
    # The review meeting's vote (đồng ý đề nghị công nhận); None: not voted / a self-assessment.
    agree = fields.Boolean(load_default=None, allow_none=True, error_messages=_BASE)
    meeting_date = fields.Date(
        data_key="meetingDate",
        load_default=None,
        allow_none=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )

    @validates("answers")
    def check_answers(self, value: dict[str, Any], **kwargs: Any) -> None:
        if any(isinstance(v, float) or not isinstance(v, int | bool) for v in value.values()):
            raise ValidationError(MESSAGES["answer_value"])

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        if loaded.get("minutes"):
            loaded["minutes"] = clean(loaded["minutes"])
        if loaded["stage"] == "review" and not loaded.get("minutes"):
            raise ValidationError({"minutes": [MESSAGES["minutes_required"]]})
        return loaded


def text_field(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=max_length, error=MESSAGES["text_length"]),
        **kwargs,
    )


class DecideSchema(_Edge):
    """``decideRecognition``: the decision number, date and signer, for the list or a part."""

    proposal_id = text_field(200, data_key="proposalId")
    decision_number = text_field(100, data_key="decisionNumber")
    decision_date = fields.Date(
        data_key="decisionDate",
        required=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )
    signer = text_field(200)
    enrolment_ids = fields.List(
        fields.String(error_messages=_BASE),
        data_key="enrolmentIds",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=5000, error=MESSAGES["too_many_subjects"]),
    )
    # the decision as a document: the signer's position, the issuing authority, who entered
    # it, and its scanned file (PDF, JPEG, PNG; all optional)
    signer_position = fields.String(
        data_key="signerPosition",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["text_length"]),
    )
    authority = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["text_length"]),
    )
    entered_by = fields.String(
        data_key="enteredBy",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=200, error=MESSAGES["too_long"]),
    )
    file_name = fields.String(
        data_key="fileName",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["text_length"]),
    )
    content_type = fields.String(
        data_key="contentType", load_default=None, allow_none=True, error_messages=_BASE
    )
    content = Base64Bytes(load_default=None, allow_none=True, error_messages=_BASE)

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        for name in ("signer", "signer_position", "authority", "decision_number"):
            if loaded.get(name):
                loaded[name] = clean(loaded[name])
        scan = {k: loaded.pop(k) for k in ("file_name", "content_type", "content")}
        if scan["content"] is not None:
            if not scan["file_name"] or not scan["content_type"]:
                raise ValidationError({"fileName": [MESSAGES["text_length"]]})
            loaded["file"] = scan
        return loaded


class RevokeSchema(_Edge):
    enrolment_id = text_field(200, data_key="enrolmentId")
    reason = text_field(500)


class EvidenceSchema(_Edge):
    """``attachEvidence``: one file (base64 over the wire)."""

    enrolment_id = text_field(200, data_key="enrolmentId")
    file_name = text_field(200, data_key="fileName")
    content_type = text_field(200, data_key="contentType")
    content = Base64Bytes(required=True, error_messages=_BASE)


class PostedFromSchema(EdgeSchema):
    """``proposeRecognition(postedFrom)``: the real first day of a posting done on paper."""

    posted_from = fields.Date(
        data_key="postedFrom",
        load_default=None,
        allow_none=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )


class CriteriaSetUploadSchema(_Edge):
    """``uploadCriteriaSet`` / ``validateCriteriaSet``: a province's set as YAML text."""

    yaml = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=256 * 1024, error=MESSAGES["criteria_yaml_too_large"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)


class CriteriaSetActivateSchema(_Edge):
    """``activateCriteriaSet``: a stored version, in force from a year."""

    set_id = fields.String(
        data_key="setId",
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=100, error=MESSAGES["criteria_set_not_found"]),
    )
    version = fields.Integer(
        required=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(min=1, max=1000, error=MESSAGES["criteria_set_not_found"]),
    )
    effective_from_year = fields.Integer(
        data_key="effectiveFromYear",
        required=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(min=1990, max=2100, error=MESSAGES["year_out_of_range"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)


class HistoryRowSchema(EdgeSchema):
    """One recognition of a past year (``importTitleHistory``): the subject as the gateway
    resolved it from registration (``subject`` null: no such subject in the tenant)."""

    row = fields.Integer(required=True, error_messages=_BASE)
    subject_id = text_field(200, data_key="subjectId")
    subject_kind = fields.String(
        data_key="subjectKind", load_default=None, allow_none=True, error_messages=_BASE
    )
    unit_path = fields.String(
        data_key="unitPath", load_default=None, allow_none=True, error_messages=_BASE
    )
    title = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.OneOf(TITLES, error=MESSAGES["history_title"]),
    )
    year = fields.Integer(required=True, error_messages=_BASE)
    decision_number = text_field(100, data_key="decisionNumber")
    decision_date = fields.Date(
        data_key="decisionDate",
        required=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )
    level = fields.Integer(load_default=None, allow_none=True, error_messages=_BASE)
    signer = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=200, error=MESSAGES["too_long"]),
    )

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        for name in ("subject_id", "decision_number", "signer"):
            if loaded.get(name):
                loaded[name] = clean(loaded[name])
        loaded["signer"] = loaded.get("signer") or None
        return loaded


class ImportHistorySchema(_Edge):
    """``import_history``: the importing unit's path (every subject must lie under it), the
    rows (each loaded on its own by :class:`HistoryRowSchema`, so errors name their row)."""

    scope = fields.String(required=True, error_messages=_BASE)
    rows = fields.List(
        fields.Dict(error_messages=_BASE),
        required=True,
        error_messages=_BASE,
        validate=validate.Length(max=MAX_HISTORY_ROWS, error=MESSAGES["too_many_rows"]),
    )
    by = fields.String(load_default=None, allow_none=True, error_messages=_BASE)
    dry_run = fields.Boolean(data_key="dryRun", load_default=False, error_messages=_BASE)


def load_history_rows(raw_rows: list[Any]) -> tuple[list[HistoryRow], list[RowError]]:
    """Each row loaded on its own: the rows read, and the errors of those that could not be
    (numbered as given, else by position from 1)."""
    rows: list[HistoryRow] = []
    errors: list[RowError] = []
    for position, raw in enumerate(raw_rows, start=1):
        given = {"row": position, **raw} if isinstance(raw, dict) else raw
        number = given.get("row", position) if isinstance(given, dict) else position
        try:
            rows.append(HistoryRow(**MESSAGES.load(HistoryRowSchema(), given)))
        except InvalidInput as exc:
            errors += [RowError(int(number), e.field, e.key) for e in exc.errors]
    return rows, errors


def load_scope(tenant: str, scope: str) -> UnitPath:
    """The importing unit's path, inside the caller's tenant."""
    try:
        path = UnitPath.parse(scope)
    except ValueError:
        path = None
    if path is None or path.tenant != tenant:
        raise InvalidInput([MESSAGES.error("scope", "unit_not_found")])
    return path


class DecideSheetSchema(DecideSchema):
    """``decideRecognitionFromSheet``: the decision with its list as a spreadsheet (.xlsx or
    .csv: enrolment id, optional level), instead of ``enrolmentIds``."""

    sheet_file_name = fields.String(
        data_key="sheetFileName",
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=200, error=MESSAGES["text_length"]),
    )
    sheet = Base64Bytes(required=True, error_messages=_BASE)

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        loaded.pop("enrolment_ids", None)
        return loaded


# --- the list review (biên bản bình xét) ---------------------------------------------------------


def answer_values(value: dict[str, Any] | None) -> None:
    if value and any(isinstance(v, float) or not isinstance(v, int | bool) for v in value.values()):
        raise ValidationError(MESSAGES["answer_value"])


def optional_text_field(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Length(max=max_length, error=MESSAGES["too_long"]),
        **kwargs,
    )


def kept(text: str | None) -> str | None:
    """User text as kept: NFC, trimmed, spaces collapsed; empty is none."""
    return (clean(text) or None) if text is not None else None


def _kept_lines(text: str) -> str:
    """Minutes keep their lines: each cleaned, empty ones dropped."""
    return "\n".join(line for line in map(clean, text.splitlines()) if line)


class MinutesFileSchema(EdgeSchema):
    file_name = text_field(200, data_key="fileName")
    content_type = text_field(200, data_key="contentType")
    content = Base64Bytes(required=True, error_messages=_BASE)


class ReviewRowSchema(EdgeSchema):
    """A row: the enrolment, and the meeting's answers, or its agreement (the default: the
    self-assessment is adopted) or refusal (``agree: false`` with the reason in ``note``)."""

    enrolment_id = text_field(200, data_key="enrolmentId")
    answers = fields.Dict(
        keys=fields.String(error_messages=_BASE),
        values=fields.Raw(error_messages=_BASE),
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=answer_values,
    )
    figures = fields.Dict(
        keys=fields.String(error_messages=_BASE),
        values=fields.Float(error_messages=_BASE),
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
    )
    group = optional_text_field(50)
    agree = fields.Boolean(load_default=True, error_messages=_BASE)
    note = optional_text_field(MAX_NOTE)


class ListReviewSchema(_Edge):
    """``recordListReview``: one meeting's document (biên bản bình xét) with its rows."""

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
    document_id = text_field(100, data_key="documentId")
    meeting_date = fields.Date(
        data_key="meetingDate",
        required=True,
        error_messages={**_BASE, "invalid": MESSAGES["date_format"]},
    )
    minutes = fields.String(
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=MAX_MINUTES, error=MESSAGES["minutes_required"]),
    )
    minutes_file = fields.Nested(
        MinutesFileSchema,
        data_key="minutesFile",
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
    )
    chair = optional_text_field(MAX_NAME)
    secretary = optional_text_field(MAX_NAME)
    attendees = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=_BASE,
        validate=validate.Range(min=0, max=MAX_ATTENDEES, error=MESSAGES["attendees_range"]),
    )
    rows = fields.List(
        fields.Nested(ReviewRowSchema),
        required=True,
        error_messages=_BASE,
        validate=validate.Length(min=1, max=MAX_ROWS, error=MESSAGES["review_too_many_rows"]),
    )
    by = optional_text_field(MAX_NAME)

    @post_load
    def request(self, data: dict[str, Any], **kwargs: Any) -> ListReviewRequest:
        minutes = _kept_lines(data["minutes"])
        if not minutes:
            raise ValidationError({"minutes": [MESSAGES["minutes_required"]]})
        document_id = clean(data["document_id"])
        if not document_id:
            raise ValidationError({"documentId": [MESSAGES["text_length"]]})
        given = data.get("minutes_file")
        rows = tuple(
            ReviewRow(
                enrolment_id=row["enrolment_id"].strip(),
                answers=row["answers"],
                figures=row["figures"],
                group=kept(row["group"]),
                agree=row["agree"],
                note=kept(row["note"]),
            )
            for row in data["rows"]
        )
        return ListReviewRequest(
            tenant=data["tenant"],
            unit_code=data["unit_code"],
            unit_path=data["unit_path"],
            title=data["title"],
            year=data["year"],
            document_id=document_id,
            meeting_date=data["meeting_date"],
            minutes=minutes,
            rows=rows,
            minutes_file=MinutesFile(given["file_name"], given["content_type"], given["content"])
            if given
            else None,
            chair=kept(data["chair"]),
            secretary=kept(data["secretary"]),
            attendees=data["attendees"],
            by=kept(data["by"]),
        )


class ListReviewSheetSchema(ListReviewSchema):
    """``importListReview``: the document's meeting as fields, its rows as the review sheet
    (.xlsx or .csv, base64) filled in."""

    rows = fields.List(fields.Dict(error_messages=_BASE), load_default=list, error_messages=_BASE)
    file_name = text_field(200, data_key="fileName")
    content = Base64Bytes(required=True, error_messages=_BASE)

    @post_load
    def request(self, data: dict[str, Any], **kwargs: Any) -> Any:
        file_name, content = data.pop("file_name"), data.pop("content")
        return super().request({**data, "rows": []}, **kwargs), file_name, content
