"""marshmallow dump schemas of scoring's RPC answers: one shape per answer, named once here
instead of dictionaries built in the entrypoint. Field names are the answers' as they always
were (the gateway reads them)."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from marshmallow import Schema, fields

from khuyenhoc.sheets import reason_text
from khuyenhoc.validation import FieldError, wire_name
from services.scoring.criteria_sets import CriteriaSet
from services.scoring.domain import AssessmentRecord, DecisionDocument, Proposal
from services.scoring.domain.list_review import ListReview
from services.scoring.domain.list_review import RowError as ReviewRowError
from services.scoring.history import HistoryImport
from services.scoring.messages import MESSAGES, SHEET_REASONS, field_error
from services.scoring.service import Decided
from services.scoring.set_registry import version_of


class AssessmentAnswer(Schema):
    """An assessment as clients see it: no counting bookkeeping, no outbox."""

    id = fields.String(data_key="_id")
    tenant = fields.String()
    subject_id = fields.String()
    subject_kind = fields.String()
    title = fields.String()
    year = fields.Integer()
    unit_code = fields.String()
    unitpath = fields.String()
    status = fields.String()
    self_assessment = fields.Raw(allow_none=True)
    review = fields.Raw(allow_none=True)
    recognition = fields.Raw(allow_none=True)
    evidence = fields.Raw(allow_none=True)
    # The verdict that counts (the review's, else the self-assessment's) was judged under a
    # provisional set: the flag and the set's reason, at the top of the answer.
    provisional = fields.Function(lambda r: bool((_counting_verdict(r) or {}).get("provisional")))
    provisional_reason = fields.Function(
        lambda r: (_counting_verdict(r) or {}).get("provisional_reason")
    )


def _counting_verdict(record: AssessmentRecord) -> dict[str, Any] | None:
    stage = record.review or record.self_assessment
    verdict: dict[str, Any] | None = (stage or {}).get("verdict")
    return verdict


class ProposalAnswer(Schema):
    id = fields.String(data_key="_id")
    tenant = fields.String()
    unit_code = fields.String()
    unitpath = fields.String()
    title = fields.String()
    year = fields.Integer()
    enrolments = fields.List(fields.String())
    proposed_at = fields.String()
    posting_ends = fields.String()
    decided = fields.Raw(allow_none=True)
    posted_from = fields.Function(lambda p: p.first_posted)
    posting_days = fields.Integer(allow_none=True)
    posting_default = fields.Boolean()
    posting_basis = fields.Function(
        lambda p: MESSAGES[
            "posting_default_basis" if p.posting_default else "posting_province_basis"
        ]
    )
    decisions = fields.Function(lambda p: list(p.decisions))
    provisional = fields.Function(lambda p: p.provisional_reason is not None)
    provisional_reason = fields.Function(lambda p: p.provisional_reason or None)


class IndicatorSummary(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    kind = fields.String()
    max_points = fields.Integer(data_key="maxPoints", allow_none=True)
    min_points = fields.Integer(data_key="minPoints", allow_none=True)
    level = fields.Integer()
    provisional = fields.Boolean()


class CriteriaSetSummary(Schema):
    """What a client shows before scoring: the set's identity, provisional status, indicators."""

    id = fields.String()
    title = fields.String()
    issuer = fields.String()
    decision = fields.Function(lambda s: s.decision.number)
    provisional = fields.Boolean()
    sources = fields.Function(lambda s: list(s.sources))
    group = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    valid_from = fields.Integer(data_key="validFrom")
    valid_to = fields.Integer(data_key="validTo", allow_none=True)
    total_points = fields.Integer(data_key="totalPoints", allow_none=True)
    pass_mark = fields.Integer(data_key="passMark", allow_none=True)
    indicators = fields.Function(lambda s: IndicatorSummary(many=True).dump(s.indicators()))
    provisional_reason = fields.String(data_key="provisionalReason", allow_none=True)
    version = fields.Function(version_of)
    meeting_decides = fields.Boolean(data_key="meetingDecides")
    criteria = fields.Function(
        lambda s: [
            {
                "id": c.id,
                "name": c.name,
                "maxPoints": c.max_points,
                "indicators": [i.id for i in c.indicators],
            }
            for c in s.criteria
        ]
    )


class DecisionDocumentAnswer(Schema):
    """The decision as a document (snake_case names, like the other answers)."""

    id = fields.String(data_key="_id")
    tenant = fields.String()
    proposal_id = fields.String()
    number = fields.String()
    date = fields.String()
    signer = fields.String()
    signer_position = fields.String(allow_none=True)
    authority = fields.String(allow_none=True)
    unit_code = fields.String()
    unitpath = fields.String()
    title = fields.String()
    year = fields.Integer()
    subjects = fields.Raw()
    skipped = fields.Function(
        lambda d: [
            {**asdict(field_error(s["enrolment_id"], s["key"])), "enrolment_id": s["enrolment_id"]}
            for s in d.skipped
        ]
    )
    provisional = fields.Boolean()
    provisional_reason = fields.String(allow_none=True)
    entered_by = fields.String(allow_none=True)
    entered_at = fields.String(allow_none=True)
    file = fields.Function(
        lambda d: (
            {k: d.file[k] for k in ("id", "file_name", "content_type", "size")} if d.file else None
        )
    )


class DecisionAnswer(Schema):
    recognised = fields.List(fields.String())
    skipped = fields.List(fields.String())
    reasons = fields.Function(
        lambda d: [asdict(field_error(enrolment, key)) for enrolment, key in d.reasons]
    )
    document = fields.Function(
        lambda d: DecisionDocumentAnswer().dump(d.document) if d.document else None
    )
    repeated = fields.Boolean()


def assessment(record: AssessmentRecord) -> dict[str, Any]:
    answer: dict[str, Any] = AssessmentAnswer().dump(record)
    return answer


def proposal(found: Proposal) -> dict[str, Any]:
    answer: dict[str, Any] = ProposalAnswer().dump(found)
    return answer


def criteria_sets(sets: list[CriteriaSet]) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = CriteriaSetSummary(many=True).dump(sets)
    return answer


def decision(decided: Decided) -> dict[str, Any]:
    answer: dict[str, Any] = DecisionAnswer().dump(decided)
    return answer


def evidence_file(found: dict[str, Any]) -> dict[str, Any]:
    """An evidence file's metadata, its unit, and its content in base64."""
    return {**found, "content": base64.b64encode(found["content"]).decode("ascii")}


def decision_document(found: DecisionDocument) -> dict[str, Any]:
    answer: dict[str, Any] = DecisionDocumentAnswer().dump(found)
    return answer


def posting(found: Any) -> dict[str, Any]:
    """A posted list for the public page: no names (the gateway adds them), no unit path."""
    proposal = found.proposal
    return {
        "id": proposal.id,
        "unit_code": proposal.unit_code,
        "title": proposal.title,
        "year": proposal.year,
        "posted_from": proposal.first_posted,
        "posting_ends": proposal.posting_ends,
        "posting_days": proposal.posting_days,
        "posting_basis": MESSAGES[
            "posting_default_basis" if proposal.posting_default else "posting_province_basis"
        ],
        "state": found.state,
        "decided": bool(proposal.decided),
        "subject_kind": found.subject_kind,
        "names": found.names,
        "total": len(proposal.enrolments),
        "provisional": proposal.provisional_reason is not None,
        "provisional_reason": proposal.provisional_reason or None,
        "rows": found.rows,
        "next_cursor": found.next_cursor,
    }


class CertificateAnswer(Schema):
    """A certificate (giấy công nhận) as the gateway prints and verifies it: no names (the
    gateway asks registration, in the caller's scope), no personal data."""

    number = fields.String()
    code = fields.String()
    enrolment_id = fields.String()
    subject_id = fields.String()
    subject_kind = fields.String()
    title = fields.String()
    year = fields.Integer()
    level = fields.Integer(allow_none=True)
    decision_number = fields.String()
    decision_date = fields.String()
    signer = fields.String()
    signer_position = fields.String(allow_none=True)
    authority = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    status = fields.String()
    revoked_on = fields.String(allow_none=True)
    unit_code = fields.String()
    unitpath = fields.String()
    provisional = fields.Boolean()


def certificates(found: Any, part: int, size: int) -> dict[str, Any]:
    """Part ``part`` (from 1, of ``size``) of a decided list's certificates, with the list."""
    every = found.certificates
    start = (part - 1) * size
    return {
        "proposal": proposal(found.proposal),
        "total": len(every),
        "part": part,
        "parts": max(1, -(-len(every) // size)),
        "certificates": CertificateAnswer(many=True).dump(every[start : start + size]),
    }


def certificate(found: Any) -> dict[str, Any]:
    answer: dict[str, Any] = CertificateAnswer().dump(found)
    return answer


class StoredSetAnswer(Schema):
    """A province's stored criteria-set version (``set_registry.describe``)."""

    set_id = fields.String()
    version = fields.Integer()
    title = fields.String()
    status = fields.String()
    effective_from_years = fields.List(fields.Integer())
    valid_from = fields.Integer()
    valid_to = fields.Integer(allow_none=True)
    group = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    provisional = fields.Boolean()
    provisional_reason = fields.String(allow_none=True)
    uploaded_by = fields.String(allow_none=True)
    uploaded_at = fields.String()
    activated_by = fields.String(allow_none=True)
    activated_at = fields.String(allow_none=True)
    yaml = fields.String()


class FiguresProvisionalAnswer(Schema):
    provisional = fields.Boolean()
    provisional_reason = fields.String(allow_none=True)
    set_ids = fields.List(fields.String())


def stored_set(described: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = StoredSetAnswer().dump(described)
    return answer


def figures_provisional(found: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = FiguresProvisionalAnswer().dump(found)
    return answer


class HistoryImportAnswer(Schema):
    """What a history import did; ``errors``: per row, the field (wire name), key and message."""

    rows = fields.Integer()
    imported = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.Function(
        lambda d: [
            {"row": e.row, **asdict(field_error(wire_name(e.field), e.key))} for e in d.errors
        ]
    )


def history_import(done: HistoryImport) -> dict[str, Any]:
    answer: dict[str, Any] = HistoryImportAnswer().dump(done)
    return answer


def row_errors(errors: Any, report: bytes) -> dict[str, Any]:
    """The rows of a decision's list refused, each with its Vietnamese reason, and the error
    report (.xlsx, base64)."""
    return {
        "row_errors": [
            {
                "row": e.row,
                "enrolment_id": e.enrolment_id,
                "column": e.header,
                "key": e.key,
                "message": reason_text(e.key, SHEET_REASONS),
            }
            for e in errors
        ],
        "error_report": base64.b64encode(report).decode("ascii"),
    }


class ListReviewFileAnswer(Schema):
    id = fields.String()
    file_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ListReviewRowAnswer(Schema):
    row = fields.Integer()
    enrolment_id = fields.String()
    agreed = fields.Boolean()
    adopted = fields.Boolean()
    note = fields.String(allow_none=True)
    status = fields.String()
    level = fields.Integer(allow_none=True)
    total = fields.Integer(allow_none=True)
    set_id = fields.String()
    provisional = fields.Boolean()
    skipped = fields.String(allow_none=True)


class ListReviewAnswer(Schema):
    """A list review (biên bản bình xét) as kept, with every row's outcome."""

    id = fields.String()
    tenant = fields.String()
    unit_code = fields.String()
    unitpath = fields.String()
    title = fields.String()
    year = fields.Integer()
    document_id = fields.String()
    meeting_date = fields.String()
    minutes = fields.String()
    minutes_file = fields.Nested(ListReviewFileAnswer, allow_none=True)
    chair = fields.String(allow_none=True)
    secretary = fields.String(allow_none=True)
    attendees = fields.Integer(allow_none=True)
    by = fields.String(allow_none=True)
    at = fields.String()
    state = fields.String()
    rows = fields.List(fields.Nested(ListReviewRowAnswer))


def list_review(found: ListReview) -> dict[str, Any]:
    answer: dict[str, Any] = ListReviewAnswer().dump(found)
    return answer


def review_row_errors(errors: list[ReviewRowError]) -> list[dict[str, Any]]:
    """Row-level refusals as field errors (``rows.<index>.<field>``, index from 0 like the
    schema's own) that also name the row (from 1) and its enrolment."""
    answer = []
    for error in errors:
        message = MESSAGES[error.key]
        if error.detail:
            message = f"{message} {error.detail}"
        found = FieldError(f"rows.{error.row - 1}.{wire_name(error.field)}", error.key, message)
        answer.append({**asdict(found), "row": error.row, "enrolmentId": error.enrolment_id})
    return answer


def with_rows(errors: list[dict[str, Any]], payload: Any) -> list[dict[str, Any]]:
    """The schema's field errors on rows (``rows.<index>.…``) also name the row and its
    enrolment, as the rows refused by the use case do."""
    given = payload.get("rows") if isinstance(payload, dict) else None
    rows = given if isinstance(given, list) else []
    named = []
    for error in errors:
        parts = error["field"].split(".")
        if len(parts) >= 2 and parts[0] == "rows" and parts[1].isdigit():
            index = int(parts[1])
            row = rows[index] if index < len(rows) and isinstance(rows[index], dict) else {}
            enrolment = row.get("enrolmentId")
            error = {
                **error,
                "row": index + 1,
                "enrolmentId": enrolment if isinstance(enrolment, str) else None,
            }
        named.append(error)
    return named
