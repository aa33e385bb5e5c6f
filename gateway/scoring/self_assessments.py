"""Households' self-assessments (phiếu tự đánh giá) entered as one list: the bulk path a commune
officer uses for the paper forms collected in the unit. ``submitSelfAssessments`` (registrars in
reach of the unit) sends up to 2,000 rows in one request; each row is judged as
``submitSelfAssessment`` judges one, and must name an enrolment of the list's title and year
inside the unit (scoring checks every row against the unit looked up here, so the gateway makes
no call per row). Rows stand on their own: the answer counts the rows written, unchanged (the
same list sent again) and refused, and gives each row's outcome, a refusal with its field error
(``rows.<index>.<field>``, key, Vietnamese message). A list that cannot be read at all (no
rows, more than 2,000, a malformed row) is one ``BAD_USER_INPUT`` error and nothing is written.
"""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import REGISTRARS
from gateway.enums import SelfAssessmentOutcome, VerdictStatus
from gateway.mutations import Write, in_subtree, mutation, unit_for_year
from gateway.scoring.mutations import AnswerInput, FigureInput
from gateway.vocabulary import Title
from gateway.wire import enum_value, unit_not_found

# --- inputs -------------------------------------------------------------------------------------


class SelfAssessmentRowInput(graphene.InputObjectType):
    """Một phiếu tự đánh giá: một đối tượng (hộ gia đình...) tự chấm các chỉ số."""

    enrolment_id = graphene.String(required=True, description="Mã đăng ký của đối tượng")
    answers = graphene.List(
        graphene.NonNull(AnswerInput), required=True, description="Kết quả từng chỉ số"
    )
    figures = graphene.List(graphene.NonNull(FigureInput), description="Số liệu kèm kết quả")
    group = graphene.String(description="Nhóm đối tượng, nếu mẫu đánh giá khác nhau")


class SelfAssessmentsInput(graphene.InputObjectType):
    """Danh sách phiếu tự đánh giá thu ở một đơn vị (tối đa 2.000 dòng)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="Đơn vị thu phiếu (thôn, xã...)")
    title = graphene.Field(Title, required=True, description="Danh hiệu đăng ký")
    year = graphene.Int(required=True, description="Năm đánh giá")
    rows = graphene.List(
        graphene.NonNull(SelfAssessmentRowInput),
        required=True,
        description="One self-assessment per row (at most 2,000)",
    )
    by = graphene.String(description="Người nhập (mặc định: người gửi)")


# --- answers ------------------------------------------------------------------------------------


class SelfAssessmentRowError(graphene.ObjectType):
    """Why one row of a self-assessment batch was refused."""

    field = graphene.String(required=True, description="rows.<chỉ số dòng, từ 0>.<trường>")
    key = graphene.String(required=True, description="Stable, English")
    message = graphene.String(required=True, description="Vietnamese")


class SelfAssessmentRowOutcome(graphene.ObjectType):
    """Kết quả ghi một phiếu."""

    row = graphene.Int(required=True, description="Số thứ tự dòng trong danh sách (từ 1)")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    outcome = graphene.Field(
        SelfAssessmentOutcome, required=True, description="Whether it was recorded (kết quả ghi)"
    )
    status = graphene.Field(VerdictStatus, description="The verdict (kết quả) of a recorded row")
    level = graphene.Int(description="Mức độ")
    total = graphene.Int(description="Tổng điểm")
    set_id = graphene.String(description="Bộ tiêu chí áp dụng")
    provisional = graphene.Boolean(description="Bộ tiêu chí có số liệu chưa chính thức")
    error = graphene.Field(SelfAssessmentRowError, description="Vì sao dòng không được ghi")
    indicator = graphene.String(description="Chỉ số có kết quả không hợp lệ")


class SelfAssessmentsResult(graphene.ObjectType):
    """Kết quả nhập danh sách phiếu tự đánh giá."""

    request_id = graphene.String(
        required=True, description="Mã của danh sách (theo nội dung): gửi lại không ghi thêm gì"
    )
    written = graphene.Int(required=True, description="Số phiếu đã ghi")
    unchanged = graphene.Int(required=True, description="Số phiếu đã ghi từ lần gửi trước")
    refused = graphene.Int(required=True, description="Số phiếu không ghi được")
    rows = graphene.List(
        graphene.NonNull(SelfAssessmentRowOutcome),
        required=True,
        description="The outcome of each row",
    )


# --- what is sent -------------------------------------------------------------------------------


def _row(given: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "enrolmentId": given["enrolment_id"],
        "answers": {
            a["indicator"]: a["met"] if a.get("met") is not None else a.get("points")
            for a in given["answers"]
        },
        "figures": {f["name"]: f["value"] for f in given.get("figures") or []},
    }
    if given.get("group") is not None:
        row["group"] = given["group"]
    return row


def submit(write: Write) -> Any:
    """``scoring.submit_self_assessments``: the list, for the unit looked up (code and path)."""
    assert write.found is not None
    given = write.input
    return write.rpc.scoring.submit_self_assessments(
        {
            "tenant": write.tenant,
            "unitCode": write.found["code"],
            "unitPath": write.found["path"],
            "title": enum_value(given["title"]),
            "year": given["year"],
            "rows": [_row(row) for row in given["rows"]],
            "by": given.get("by") or write.caller.subject,
        }
    )


SubmitSelfAssessments = mutation(
    "SubmitSelfAssessments",
    SelfAssessmentsResult,
    submit,
    input=SelfAssessmentsInput,
    lookup=unit_for_year("unit_code"),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer="self_assessments",
    doc="Danh sách phiếu tự đánh giá của một đơn vị (tối đa 2.000 dòng): mỗi phiếu được chấm "
    "như submitSelfAssessment; phiếu hợp lệ được ghi, phiếu sai bị từ chối kèm lý do; gửi lại "
    "cùng danh sách không ghi thêm gì.",
)

MUTATIONS: dict[str, Any] = {"submit_self_assessments": SubmitSelfAssessments.Field()}
