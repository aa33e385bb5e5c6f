"""The list review (biên bản bình xét): a hamlet or commune meeting reviews many subjects in one
document. ``recordListReview`` records it (registrars in reach of the meeting's unit);
``listReview(id)`` and ``listReviews(unitCode, year)`` read it back (registrars and auditors in
reach). The minutes file is downloaded at ``/files/list-reviews/minutes/<id>``.

Row-level refusals come back as one ``BAD_USER_INPUT`` error whose ``extensions.fields`` entries
(``rows.<index>.<field>``) also carry ``row`` (from 1) and ``enrolmentId``; nothing is recorded
then.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import graphene

from gateway.access import READERS, REGISTRARS, authenticated, readable_unit, require_scope
from gateway.enums import ListReviewRowStatus, ListReviewState
from gateway.mutations import Write, in_subtree, mutation, unit_for_year
from gateway.scoring.mutations import AnswerInput, FigureInput
from gateway.vocabulary import Title
from gateway.wire import enum_value, key, unit_not_found
from khuyenhoc.tenancy import UnitPath

# --- inputs -------------------------------------------------------------------------------------


class ListReviewRowInput(graphene.InputObjectType):
    """Một dòng của biên bản: một đối tượng được bình xét."""

    enrolment_id = graphene.String(required=True, description="Mã đăng ký của đối tượng")
    answers = graphene.List(
        graphene.NonNull(AnswerInput),
        description="Kết quả từng chỉ số do hội nghị chấm; bỏ trống để thông qua kết quả tự "
        "đánh giá",
    )
    figures = graphene.List(graphene.NonNull(FigureInput), description="Số liệu kèm kết quả")
    group = graphene.String(description="Nhóm đối tượng, nếu mẫu đánh giá khác nhau")
    agree = graphene.Boolean(
        description="Hội nghị đồng ý (mặc định); false: không đồng ý, cần ghi chú lý do"
    )
    note = graphene.String(description="Ghi chú; bắt buộc khi hội nghị không đồng ý")


class MinutesFileInput(graphene.InputObjectType):
    """The scanned or signed minutes of a review meeting (bản chụp biên bản)."""

    file_name = graphene.String(required=True, description="Tên tệp")
    content_type = graphene.String(
        required=True, description="application/pdf, image/jpeg hoặc image/png"
    )
    content = graphene.String(required=True, description="Nội dung tệp, mã hóa base64; ≤ 10 MB")


class ListReviewInput(graphene.InputObjectType):
    """Biên bản họp bình xét: một hội nghị, nhiều đối tượng (tối đa 2.000 dòng)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="Đơn vị tổ chức họp (thôn, xã...)")
    title = graphene.Field(Title, required=True, description="Danh hiệu được bình xét")
    year = graphene.Int(required=True, description="Năm đánh giá")
    document_id = graphene.String(
        required=True,
        description="Số/mã biên bản của đơn vị: gửi lại cùng mã và cùng nội dung không ghi "
        "thêm gì; cùng mã khác nội dung bị từ chối",
    )
    meeting_date = graphene.Date(
        required=True, description="Ngày họp: từ 01/01 năm đánh giá đến hôm nay"
    )
    minutes = graphene.String(required=True, description="Nội dung biên bản (≤ 20.000 ký tự)")
    minutes_file = graphene.Field(MinutesFileInput, description="Bản chụp/bản ký biên bản")
    chair = graphene.String(description="Chủ trì")
    secretary = graphene.String(description="Thư ký")
    attendees = graphene.Int(description="Số người dự họp")
    rows = graphene.List(
        graphene.NonNull(ListReviewRowInput),
        required=True,
        description="One row per subject reviewed",
    )


# --- answers ------------------------------------------------------------------------------------


class ListReviewRow(graphene.ObjectType):
    """Kết quả bình xét một đối tượng."""

    row = graphene.Int(required=True, description="Số thứ tự dòng trong biên bản")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    agreed = graphene.Boolean(required=True, description="Hội nghị đồng ý")
    adopted = graphene.Boolean(required=True, description="Hội nghị thông qua kết quả tự đánh giá")
    note = graphene.String(description="Ghi chú")
    status = graphene.Field(
        ListReviewRowStatus,
        required=True,
        description="The row's verdict (kết quả); SKIPPED: không ghi được (xem skipped)",
    )
    skipped = graphene.String(
        description="Vì sao dòng không ghi được dù đã hợp lệ lúc nhận (vd. enrolment_not_found: "
        "đăng ký đã rút trong lúc ghi)"
    )
    level = graphene.Int(description="Mức độ")
    total = graphene.Int(description="Tổng điểm")
    set_id = graphene.String(required=True, description="Bộ tiêu chí áp dụng")
    provisional = graphene.Boolean(
        required=True, description="Bộ tiêu chí có số liệu chưa chính thức"
    )


class ListReviewFile(graphene.ObjectType):
    """The minutes file of a list review (biên bản bình xét)."""

    file_name = graphene.String(required=True, description="File name (tên tệp)")
    content_type = graphene.String(
        required=True, description="Media type of the file, e.g. application/pdf"
    )
    size = graphene.Int(required=True, description="Size of the file in bytes")
    url = graphene.String(required=True, description="Tải về (cần mã truy cập)")


def _file(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
    found = root.get("minutes_file")
    if not found:
        return None
    return {**found, "url": f"/files/list-reviews/minutes/{quote(root['id'], safe='')}"}


class ListReview(graphene.ObjectType):
    """Biên bản bình xét đã ghi nhận."""

    id = graphene.String(required=True, description="Opaque, stable id")
    document_id = graphene.String(required=True, description="Số/mã biên bản của đơn vị")
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    unit_path = graphene.String(
        required=True,
        resolver=key("unitpath"),
        description="Codes from the province down to the unit, joined by / (e.g. 20/183/06184)",
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    meeting_date = graphene.String(required=True, description="Ngày họp")
    minutes = graphene.String(required=True, description="Nội dung biên bản")
    minutes_file = graphene.Field(
        ListReviewFile,
        resolver=_file,
        description="The scanned or signed minutes (bản chụp biên bản), if attached",
    )
    chair = graphene.String(description="Chủ trì")
    secretary = graphene.String(description="Thư ký")
    attendees = graphene.Int(description="Số người dự họp")
    by = graphene.String(description="Người nhập")
    at = graphene.String(required=True, description="Thời điểm ghi nhận")
    state = graphene.Field(
        ListReviewState,
        required=True,
        description="Recording (trạng thái ghi); APPLYING: biên bản lớn được ghi tiếp trong nền, "
        "xem lại bằng listReview",
    )
    rows = graphene.List(
        graphene.NonNull(ListReviewRow),
        required=True,
        description="The verdict on each subject (kết quả từng dòng)",
    )


class ListReviewSummary(graphene.ObjectType):
    """Một biên bản trong danh sách của đơn vị (không kèm các dòng)."""

    id = graphene.String(required=True, description="Opaque, stable id")
    document_id = graphene.String(
        required=True, description="The unit's own number of the minutes (số biên bản)"
    )
    unit_code = graphene.String(required=True, description="The unit's code (mã đơn vị)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    meeting_date = graphene.String(required=True, description="Day of the meeting (ngày họp)")
    state = graphene.Field(ListReviewState, required=True, description="Recording (trạng thái ghi)")
    at = graphene.String(required=True, description="When it was recorded (ISO 8601)")
    rows = graphene.Int(required=True, description="Số dòng")
    recognised = graphene.Int(
        required=True, description="Eligible subjects (số đối tượng đủ điều kiện)"
    )
    not_recognised = graphene.Int(required=True, description="Số đối tượng chưa đạt")
    undecidable = graphene.Int(required=True, description="Số đối tượng chưa thể kết luận")
    skipped = graphene.Int(
        required=True,
        description="Rows that could not be recorded (số dòng không ghi được)",
        resolver=lambda root, info: root.get("skipped") or 0,
    )


# --- what is sent -------------------------------------------------------------------------------


def _row(given: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"enrolmentId": given["enrolment_id"]}
    if given.get("answers") is not None:
        row["answers"] = {
            a["indicator"]: a["met"] if a.get("met") is not None else a.get("points")
            for a in given["answers"]
        }
    if given.get("figures") is not None:
        row["figures"] = {f["name"]: f["value"] for f in given["figures"]}
    for name in ("group", "agree", "note"):
        if given.get(name) is not None:
            row[name] = given[name]
    return row


def review_list(write: Write) -> Any:
    """``scoring.review_list``: the document, for the unit looked up (code and path)."""
    assert write.found is not None
    given = write.input
    payload = write.payload(drop=("rows", "minutes_file", "title"))
    payload.update(
        unitCode=write.found["code"],
        unitPath=write.found["path"],
        title=enum_value(given["title"]),
        rows=[_row(row) for row in given["rows"]],
        by=write.caller.subject,
    )
    if given.get("minutes_file") is not None:
        minutes_file = given["minutes_file"]
        payload["minutesFile"] = {
            "fileName": minutes_file["file_name"],
            "contentType": minutes_file["content_type"],
            "content": minutes_file["content"],
        }
    return write.rpc.scoring.review_list(payload)


RecordListReview = mutation(
    "RecordListReview",
    ListReview,
    review_list,
    input=ListReviewInput,
    lookup=unit_for_year("unit_code"),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer="list_review",
    doc="Biên bản bình xét: hội nghị của thôn/xã bình xét nhiều đối tượng trong một biên "
    "bản. Mọi dòng được kiểm tra trước; có dòng sai thì không ghi nhận dòng nào và lỗi nêu "
    "từng dòng.",
)


class ListReviewSheetInput(graphene.InputObjectType):
    """Biên bản bình xét nhập từ bảng tính: thông tin cuộc họp, và các dòng là bảng bình xét
    đã điền (tải mẫu điền sẵn ở /files/list-reviews/sheet/<mã đơn vị>/<danh hiệu>/<năm>.xlsx)."""

    tenant = graphene.String(description="Province code (mã tỉnh), 2 digits; default the caller's")
    unit_code = graphene.String(required=True, description="Đơn vị tổ chức họp (thôn, xã...)")
    title = graphene.Field(Title, required=True, description="Danh hiệu được bình xét")
    year = graphene.Int(required=True, description="Năm đánh giá")
    document_id = graphene.String(required=True, description="Số/mã biên bản của đơn vị")
    meeting_date = graphene.Date(required=True, description="Ngày họp")
    minutes = graphene.String(required=True, description="Nội dung biên bản")
    minutes_file = graphene.Field(MinutesFileInput, description="Bản chụp/bản ký biên bản")
    chair = graphene.String(description="Chủ trì")
    secretary = graphene.String(description="Thư ký")
    attendees = graphene.Int(description="Số người dự họp")
    file_name = graphene.String(required=True, description="Tên tệp bảng tính (.xlsx, .csv)")
    content = graphene.String(required=True, description="Bảng tính, mã hóa base64; ≤ 5 MB")


class SheetProblem(graphene.ObjectType):
    """A problem in one cell of an uploaded spreadsheet."""

    row = graphene.Int(required=True, description="Số dòng trong bảng tính")
    column = graphene.String(required=True, description="Cột")
    message = graphene.String(required=True, description="Lý do")


class ListReviewImport(graphene.ObjectType):
    """Kết quả nhập bảng bình xét: biên bản đã ghi nhận, hoặc các dòng lỗi (không ghi dòng
    nào) với tệp báo lỗi để tải về."""

    list_review = graphene.Field(
        ListReview, description="The list review recorded; null when rows were refused"
    )
    problems = graphene.List(
        graphene.NonNull(SheetProblem),
        required=True,
        description="The refused cells; empty when recorded",
    )
    error_report = graphene.String(description="Tải báo lỗi (.xlsx, cần mã truy cập)")


def review_list_sheet(write: Write) -> Any:
    assert write.found is not None
    payload = write.payload(drop=("minutes_file", "title"))
    payload.update(
        unitCode=write.found["code"],
        unitPath=write.found["path"],
        title=enum_value(write.input["title"]),
        by=write.caller.subject,
    )
    minutes_file = write.input.get("minutes_file")
    if minutes_file is not None:
        payload["minutesFile"] = {
            "fileName": minutes_file["file_name"],
            "contentType": minutes_file["content_type"],
            "content": minutes_file["content"],
        }
    return write.rpc.scoring.review_list_sheet(payload)


def imported(result: dict[str, Any], write: Write) -> dict[str, Any]:
    rejected = result.get("rejected")
    if rejected:
        url = f"/files/list-reviews/errors/{rejected['report_id']}.xlsx"
        return {"list_review": None, "problems": rejected["errors"], "error_report": url}
    return {"list_review": result["list_review"], "problems": [], "error_report": None}


ImportListReview = mutation(
    "ImportListReview",
    ListReviewImport,
    review_list_sheet,
    input=ListReviewSheetInput,
    lookup=unit_for_year("unit_code"),
    check=in_subtree(REGISTRARS),
    missing=unit_not_found,
    answer=imported,
    doc="Biên bản bình xét từ bảng bình xét đã điền: cùng kiểm tra như recordListReview; có "
    "dòng lỗi thì không ghi nhận dòng nào và trả về tệp báo lỗi theo từng dòng.",
)


# --- reading ------------------------------------------------------------------------------------


def resolve_list_review(root: Any, info: Any, id: str) -> dict[str, Any] | None:
    caller = authenticated(info)
    found: dict[str, Any] | None = info.context.rpc.scoring.list_review(caller.tenant, id)
    if found is not None:
        require_scope(info, UnitPath.parse(found["unitpath"]), READERS)
    return found


def resolve_list_reviews(root: Any, info: Any, unit_code: str, year: int) -> list[dict[str, Any]]:
    caller = authenticated(info)
    unit = info.context.rpc.registration.unit_for_year(unit_code, caller.tenant, year)
    readable_unit(info, unit, READERS)
    answer: list[dict[str, Any]] = info.context.rpc.scoring.list_reviews(
        caller.tenant, unit["code"], year
    )
    return answer


QUERIES: dict[str, Any] = {
    "list_review": graphene.Field(
        ListReview,
        id=graphene.String(required=True, description="Opaque, stable id"),
        resolver=resolve_list_review,
        description="Một biên bản bình xét với kết quả từng dòng",
    ),
    "list_reviews": graphene.List(
        graphene.NonNull(ListReviewSummary),
        required=True,
        unit_code=graphene.String(required=True, description="The unit's code (mã đơn vị)"),
        year=graphene.Int(
            required=True,
            description="Calendar year (năm) of the registration, assessment or record",
        ),
        resolver=resolve_list_reviews,
        description="Các biên bản bình xét của một đơn vị trong năm, theo ngày họp",
    ),
}

MUTATIONS: dict[str, Any] = {
    "record_list_review": RecordListReview.Field(),
    "import_list_review": ImportListReview.Field(),
}
