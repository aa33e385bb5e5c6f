"""The decision's list as a spreadsheet: ``decideRecognitionFromSheet`` (the list of a paper
decision uploaded as .xlsx/.csv: enrolment id and optional level; a wrong row decides nothing
and comes back with its row number, and as an .xlsx error report) and the export of a
decision's list (``/files/decision-lists/<decision id>.xlsx``, served by ``gateway.files``)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.mutations import mutation, record
from gateway.scoring.decisions import decision_payload, signing_authority
from gateway.scoring.mutations import Decision


class DecideSheetInput(graphene.InputObjectType):
    """A recognition decision (quyết định công nhận) with its list as a filled-in spreadsheet."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    proposal_id = graphene.String(
        required=True, description="The proposal list's id (danh sách đề nghị công nhận)"
    )
    decision_number = graphene.String(required=True, description="e.g. 123/QĐ-UBND")
    decision_date = graphene.Date(required=True, description="Ngày ký: its real day")
    signer = graphene.String(required=True, description="Who signed (người ký)")
    signer_position = graphene.String(
        description="The signer's position (chức vụ), e.g. Chủ tịch UBND xã"
    )
    authority = graphene.String(description="Default: the caller's People's Committee")
    sheet_file_name = graphene.String(required=True, description="e.g. danh-sach-qd.xlsx")
    sheet = graphene.String(
        required=True,
        description="The list (.xlsx or .csv, base64, ≤ 5 MB, ≤ 5,000 rows): columns "
        "'Mã đăng ký' and optionally 'Mức độ'",
    )


class SheetRowError(graphene.ObjectType):
    """Why one row of a decision's spreadsheet was refused."""

    row = graphene.Int(required=True, description="The row number the officer sees")
    enrolment_id = graphene.String(description="The registration's id (mã đăng ký)")
    column = graphene.String(required=True, description="The column (cột) of the refused cell")
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class DecisionFromSheet(graphene.ObjectType):
    """A decision recorded from a spreadsheet, or the rows refused and the error report."""

    decision = graphene.Field(Decision, description="The decision taken (no row was wrong)")
    row_errors = graphene.List(
        graphene.NonNull(SheetRowError), required=True, description="Nothing decided if any"
    )
    error_report = graphene.String(description="The rows refused as an .xlsx, base64")


def _answer(result: dict[str, Any], write: Any) -> dict[str, Any]:
    return {
        "decision": result.get("decision"),
        "row_errors": result.get("row_errors") or [],
        "error_report": result.get("error_report"),
    }


DecideRecognitionFromSheet = mutation(
    "DecideRecognitionFromSheet",
    DecisionFromSheet,
    lambda write: write.rpc.scoring.decide_sheet(decision_payload(write)),
    input=DecideSheetInput,
    lookup=record("scoring", "proposal", "proposal_id"),
    check=signing_authority,
    answer=_answer,
    doc="Quyết định công nhận whose list is a spreadsheet; the same rules as "
    "decideRecognition, every row checked first.",
)

MUTATIONS: dict[str, Any] = {
    "decide_recognition_from_sheet": DecideRecognitionFromSheet.Field(),
}
