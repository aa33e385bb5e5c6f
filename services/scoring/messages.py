"""Scoring's text for people, in Vietnamese, keyed by stable English keys: the domain and the
use cases raise keys (``domain.Refused``), the edge turns them into these messages and the
client's field names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from khuyenhoc.validation import FieldError, InvalidInput, MessageCatalogue, wire_name
from khuyenhoc.validation import answered as answered_invalid
from services.scoring.domain import Refused

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
        "posting_not_over": (
            "Chưa hết thời gian niêm yết công khai danh sách; niêm yết đến hết ngày"
        ),
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
        "recognised_on_paper": (
            "Đã được công nhận danh hiệu này cho năm này theo quyết định trước đây "
            "(đã nhập lịch sử)."
        ),
        "upgrade_too_early": "Chưa đủ thời gian kể từ lần công nhận trước để đề nghị nâng mức.",
        # the decision as a document, its day, the public posting
        "decision_in_future": "Ngày ký quyết định không được sau ngày hôm nay.",
        "decision_before_review": (
            "Ngày ký quyết định trước ngày họp bình xét của đối tượng trong danh sách; "
            "ngày họp bình xét muộn nhất:"
        ),
        "posted_in_future": "Ngày bắt đầu niêm yết không được sau ngày hôm nay.",
        "posted_before_year": "Ngày bắt đầu niêm yết không được trước năm đánh giá.",
        "decision_number_used": (
            "Số quyết định này đã được nhập cho danh sách với nội dung khác (ngày ký, người ký "
            "hoặc danh sách đối tượng)."
        ),
        "too_many_decisions": "Danh sách này đã có quá nhiều quyết định công nhận.",
        "decision_file_type": "Bản quét quyết định phải là tệp PDF, JPEG hoặc PNG.",
        "too_many_subjects": "Danh sách quá dài: tối đa 5.000 đối tượng.",
        "posting_default_basis": (
            "Mặc định 10 ngày, theo cách niêm yết công khai danh sách gia đình văn hóa "
            "(Nghị định 86/2023/NĐ-CP); tỉnh chưa quy định thời gian niêm yết riêng."
        ),
        "posting_province_basis": "Thời gian niêm yết do tỉnh quy định.",
        "sheet_unreadable": "Không đọc được tệp danh sách quyết định:",
        "sheet_empty": "Tệp danh sách quyết định không có dòng nào.",
        "sheet_rows": "Có dòng không hợp lệ trong danh sách; xem danh sách lỗi.",
        "not_decided": "Danh sách đề nghị này chưa có quyết định công nhận.",
        "too_many_certificates": "Danh sách quá lớn (trên 10.000 đối tượng) để lập giấy công nhận.",
        "certificate_part": "Phần này nằm ngoài danh sách giấy công nhận.",
        "criteria_yaml_empty": "Chưa có nội dung bộ tiêu chí (YAML).",
        "criteria_yaml_too_large": "Tệp bộ tiêu chí quá lớn: tối đa 256 KB.",
        "criteria_yaml_syntax": "Tệp bộ tiêu chí không đúng cú pháp YAML:",
        "criteria_yaml_too_many_sets": "Một tệp chứa tối đa 8 bộ tiêu chí.",
        "criteria_set_invalid": "Bộ tiêu chí không hợp lệ.",
        "criteria_set_id_format": (
            "Mã bộ tiêu chí chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới "
            "(tối đa 100 ký tự)."
        ),
        "criteria_set_id_shipped": (
            "Mã này trùng với một bộ tiêu chí có sẵn của nền tảng: bộ tiêu chí của tỉnh cần "
            "mã riêng (bộ của tỉnh được ưu tiên áp dụng theo danh hiệu, năm, nhóm và cấp)."
        ),
        "criteria_set_id_twice": "Một mã bộ tiêu chí xuất hiện hai lần trong tệp.",
        "criteria_set_too_many_versions": "Bộ tiêu chí này đã có quá nhiều phiên bản.",
        "criteria_set_not_found": "Không tìm thấy phiên bản bộ tiêu chí này của tỉnh.",
        "criteria_set_busy": "Bộ tiêu chí đang được kích hoạt đồng thời; vui lòng thử lại.",
        "year_out_of_range": "Năm áp dụng phải trong khoảng 1990–2100.",
        "after_set_validity": "Năm áp dụng nằm sau thời hạn hiệu lực của bộ tiêu chí",
        # past years (history import)
        "no_rows": "Danh sách không có dòng nào.",
        "too_many_rows": "Mỗi lần nhập tối đa 5.000 dòng.",
        "history_title": "Danh hiệu không hợp lệ.",
        "subject_not_found": "Không tìm thấy đối tượng này trong tỉnh.",
        "subject_out_of_reach": "Đối tượng này không thuộc đơn vị đang nhập dữ liệu.",
        "title_kind_mismatch": "Danh hiệu không phù hợp với loại đối tượng.",
        "history_year": "Năm công nhận phải từ năm 2000 đến trước năm hiện tại.",
        "decision_date_year": "Ngày ký quyết định phải trong năm được công nhận hoặc năm liền sau.",
        "level_required": "Bộ tiêu chí năm đó xếp mức độ: cần ghi mức độ được công nhận.",
        "level_not_applicable": "Danh hiệu năm đó không xếp mức độ: để trống mức độ.",
        "level_range": "Mức độ không có trong bộ tiêu chí năm đó.",
        "duplicate_row": "Đối tượng, danh hiệu và năm này đã có ở một dòng trước.",
        "live_assessment_exists": (
            "Đối tượng đã có hồ sơ đánh giá trên nền tảng cho danh hiệu và năm này."
        ),
        "history_conflict": (
            "Đã nhập công nhận này trước đó với số, ngày, mức độ hoặc người ký khác."
        ),
        # the list review (biên bản bình xét)
        "meeting_in_future": "Ngày họp bình xét không được sau ngày hôm nay.",
        "meeting_before_year": "Ngày họp bình xét không được trước ngày 01/01 của năm đánh giá.",
        "outside_unit": "Đăng ký này không thuộc đơn vị tổ chức họp bình xét.",
        "other_title_year": "Đăng ký này không thuộc danh hiệu hoặc năm của biên bản.",
        "review_duplicate_row": "Đăng ký này đã có ở một dòng trước của biên bản.",
        "no_self_assessment": (
            "Chưa có kết quả tự đánh giá để hội nghị thông qua: cần nhập kết quả từng chỉ số."
        ),
        "note_required": "Cần ghi rõ lý do khi hội nghị bình xét không đồng ý.",
        "already_recognised": "Đối tượng này đã có quyết định công nhận, không bình xét lại.",
        "document_conflict": "Mã biên bản này đã dùng cho một biên bản có nội dung khác.",
        "review_too_many_rows": "Mỗi biên bản có từ 1 đến 2.000 dòng.",
        "minutes_file_type": "Biên bản họp chỉ nhận tệp PDF, JPEG hoặc PNG.",
        "minutes_file_too_large": "Tệp biên bản họp quá lớn: tối đa 10 MB.",
        "minutes_file_content": "Nội dung tệp biên bản không đúng với loại tệp đã khai.",
        "minutes_file_empty": "Tệp biên bản họp rỗng.",
        "attendees_range": "Số người dự họp phải từ 0 đến 100.000.",
        "list_review_not_found": "Không tìm thấy biên bản bình xét này.",
        "rows_refused": "Biên bản có dòng không hợp lệ; chưa ghi nhận dòng nào.",
        # a province's own programme targets (setProvinceTarget)
        "target_unknown": "Không có mục tiêu quốc gia với mã này.",
        "target_years": "Năm áp dụng phải trong khoảng 2000–2100, năm đầu không sau năm cuối.",
        "target_years_outside": "Năm áp dụng phải nằm trong những năm của mục tiêu quốc gia",
        "target_share_range": "Tỷ lệ phải lớn hơn 0 và không quá 1 (100%).",
        "target_below_national": "Tỷ lệ của tỉnh không được thấp hơn mục tiêu quốc gia:",
        "target_source_required": "Cần ghi văn bản của tỉnh quy định mục tiêu này.",
    }
)

# How the engine words its reasons (a verdict keeps them, in Vietnamese, for people); the
# reason's key is the text's unless the engine names another text for the same key.
REASONS: dict[str, str] = {
    "missing_indicator": "Chưa có kết quả cho chỉ số “{name}”.",
    "missing_figure": "Chưa có số liệu để tính chỉ số “{name}”.",
    "below_floor": "Chỉ số “{name}” đạt {value} điểm, thấp hơn mức tối thiểu {floor} điểm.",
    "floor_unknown": (
        "Chỉ số “{name}” đạt {value}{of_max} điểm; nền tảng chưa có số liệu mức tối thiểu"
        " của chỉ số này."
    ),
    "max_unknown": "Nền tảng chưa có số liệu điểm tối đa của chỉ số “{name}”.",
    "points_given": "Chỉ số “{name}” đạt {value}{of_max} điểm.",
    "met": "Chỉ số “{name}” đạt.",
    "not_met": "Chỉ số “{name}” chưa đạt.",
    "target_unknown": ("Chỉ số “{name}”: nền tảng chưa có số liệu mức yêu cầu của mức độ {level}."),
    "target_reached": "Chỉ số “{name}”: {share}, đạt mức yêu cầu {target} của mức độ {level}.",
    "below_target": ("Chỉ số “{name}”: {share}, chưa đạt mức yêu cầu {target} của mức độ {level}."),
    "pass_mark_unknown": "Nền tảng chưa có số liệu điểm đạt (tổng điểm) của bộ tiêu chí này.",
    "pass_mark_reached": "Tổng điểm {total}, đạt mức {mark} điểm.",
    "below_pass_mark": "Tổng điểm {total}, thấp hơn mức đạt {mark} điểm.",
    "cannot_reach_pass_mark": (
        "Dù đạt điểm tối đa ở các chỉ số còn thiếu, tổng điểm cao nhất có thể là {best},"
        " thấp hơn mức đạt {mark} điểm."
    ),
    "level_mark_unknown": "Nền tảng chưa có số liệu tổng điểm cần có cho mức độ {level}.",
    "below_level_mark": "Tổng điểm {total}, thấp hơn {mark} điểm của mức độ {level}.",
    "cannot_reach_level_mark": (
        "Tổng điểm cao nhất có thể là {best}, thấp hơn {mark} điểm của mức độ {level}."
    ),
    "still_missing": "Còn thiếu kết quả của: {names}.",
    "recognised": "Đủ điều kiện công nhận.",
    "recognised_at_level": "Đủ điều kiện công nhận ở mức độ {level}.",
    "not_recognised": "Chưa đạt: chưa đủ điều kiện công nhận.",
    "undecidable": (
        "Chưa thể kết luận: còn thiếu kết quả hoặc nền tảng chưa có đủ số liệu của bộ tiêu chí."
    ),
    "level_undecidable": (
        "Chưa thể xét mức độ {level}: còn thiếu kết quả hoặc nền tảng chưa có đủ số liệu."
    ),
    "level_not_reached": "Chưa đạt mức độ {level}.",
    "level_reached": "Đạt các yêu cầu của mức độ {level}.",
    "decided_by_meeting": (
        "Điểm đạt (và các ngưỡng còn thiếu) của bộ tiêu chí này chưa có trong nguồn của nền tảng:"
        " hội nghị bình xét đã biểu quyết đồng ý đề nghị công nhận, kết quả theo biểu quyết"
        " (tạm thời)."
    ),
    "meeting_disagrees": "Hội nghị bình xét không đồng ý đề nghị công nhận.",
    "awaiting_meeting": (
        "Điểm đạt (và các ngưỡng còn thiếu) của bộ tiêu chí này chưa có trong nguồn của nền tảng:"
        " chờ hội nghị bình xét biểu quyết."
    ),
    "level_reached_by_meeting": "Mức độ {level} theo biểu quyết của hội nghị bình xét.",
    "criterion_above_max": (
        "Tổng điểm các chỉ số của “{name}” là {points}, vượt quá điểm tối đa {most} của tiêu chí."
    ),
    "total_above_max": "Tổng điểm {points} vượt quá tổng điểm tối đa {most} của bộ tiêu chí.",
    # What is wrong with an assessment (the caller's error, engine.AssessmentError)
    "answer_unknown_indicator": "Bộ tiêu chí đang áp dụng không có chỉ số “{key}”.",
    "answer_computed": "Chỉ số “{name}” do nền tảng tính từ số liệu, không nhập kết quả.",
    "answer_met": "Chỉ số “{name}” chỉ nhận kết quả đạt hoặc không đạt.",
    "answer_figure": "Mỗi số liệu nhập vào phải là một số.",
    "answer_points_integer": "Chỉ số “{name}” nhận số điểm là số nguyên.",
    "answer_points_negative": "Chỉ số “{name}”: số điểm không được âm ({value}).",
    "answer_points_above_max": "Chỉ số “{name}”: {value} điểm vượt quá điểm tối đa {most}.",
    "meeting_disagreed": "Hội nghị bình xét không đồng ý: {note}",
}


def field_error(field: str, key: str, detail: str = "") -> FieldError:
    message = MESSAGES[key]
    return FieldError(field, key, f"{message} {detail}" if detail else message)


def invalid_input(refused: Refused) -> InvalidInput:
    return InvalidInput([field_error(wire_name(refused.field), refused.key, refused.detail)])


def answered(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a use case for an RPC caller: invalid input and refusals come back as
    ``{"errors": [{field, key, message}]}``, never as a remote exception."""
    answer: dict[str, Any] = answered_invalid(run, (Refused, invalid_input))
    return answer


# Why a row of a decision's list is refused (the error report's "Lý do"); cell problems are
# khuyenhoc.sheets'.
SHEET_REASONS: dict[str, str] = {
    "not_in_proposal": "Đối tượng không có trong danh sách đề nghị công nhận.",
    "duplicate_row": "Đối tượng đã có ở một dòng trên.",
    "level_differs": "Mức độ khác với mức độ đã đề nghị sau bình xét.",
}
