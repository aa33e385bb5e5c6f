"""Every Vietnamese text registration shows its users, keyed by English keys: the rules and
use cases name a key (see ``errors.Refused``), the edge and the spreadsheets turn it into text.
Texts are NFC; clients switch on the keys, never on the texts."""

from __future__ import annotations

from khuyenhoc.validation import MessageCatalogue

# Errors of a request, per field (with the generic ones of ``khuyenhoc.validation``).
MESSAGES = MessageCatalogue(
    {
        "blank": "Không được để trống.",
        "too_long": "Quá dài: tối đa 120 ký tự.",
        "commune_format": "Mã xã/phường/thị trấn phải gồm 5 chữ số.",
        "commune_not_found": "Không tìm thấy xã/phường/thị trấn này trong tỉnh đã chọn.",
        "year_range": "Năm đăng ký phải từ năm 2000 đến năm sau năm hiện tại.",
        "birth_year_range": "Năm sinh không hợp lệ.",
        "phone_format": "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).",
        "too_many_members": "Một hộ gia đình có tối đa 30 thành viên.",
        "branch_format": "Mã chi hội không hợp lệ.",
        "count_range": "Số lượng phải từ 0 đến 1.000.000.",
        "unit_format": "Mã đơn vị phải gồm 2 chữ số (tỉnh), 3 chữ số (huyện) hoặc 5 chữ số (xã).",
        "unit_not_found": "Không tìm thấy đơn vị hành chính này trong tỉnh đã chọn.",
        "unit_kind": "Loại đơn vị phải là một trong: agency, school, enterprise, armed_forces.",
        "unit_level": "Cấp phải là commune (xã), district (huyện) hoặc province (tỉnh).",
        "national_id_format": "Số căn cước công dân phải gồm đúng 12 chữ số.",
        "labour_group": "Nhóm lao động phải là một trong: rural, worker, professional.",
        "age_out_of_bounds": "Tuổi không nằm trong khoảng tỉnh quy định cho Công dân học tập.",
        "enrolment_not_found": "Không tìm thấy đăng ký này.",
        "already_withdrawn": "Đăng ký này đã được rút trước đó.",
        "reason_too_long": "Lý do quá dài: tối đa 500 ký tự.",
        "import_kind": "Loại danh sách phải là household, clan, community, learning_unit "
        "hoặc citizen.",
        "file_too_large": "Tệp quá lớn: tối đa 50 MB.",
        "file_name": "Tên tệp phải kết thúc bằng .xlsx hoặc .csv.",
        "branch_not_found": "Không tìm thấy chi hội này trong tỉnh đã chọn.",
        "branch_kind": "Loại chi hội phải là một trong: residential, school, clan, agency, board.",
        "name_taken": "Xã này đã có một chi hội đang hoạt động với tên này.",
        "branch_closed": "Chi hội này đã giải thể.",
        "date_before_opening": "Ngày này sớm hơn ngày thành lập chi hội.",
        "member_count_range": "Số hội viên phải từ 0 đến 1.000.000.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
        "learning_unit_not_found": "Không tìm thấy đơn vị học tập này trong tỉnh đã chọn.",
    }
)

# Why one cell of an imported list could not be read (the error report's "reason" column).
CELL_PROBLEMS: dict[str, str] = {
    "formula_without_value": "Ô chứa công thức nhưng không có giá trị đã tính.",
    "formula_error": "Ô chứa công thức bị lỗi (ví dụ #N/A, #VALUE!).",
    "not_a_number": "Phải là một số nguyên, ví dụ 4.",
    "not_a_year": "Năm không hợp lệ: cần năm có 4 chữ số, từ 1900 đến 2100.",
    "bad_choice": "Giá trị không có trong danh sách cho phép (xem trang “Hướng dẫn” của tệp mẫu).",
    "bad_phone": "Số điện thoại không hợp lệ: cần 10 hoặc 11 chữ số, ví dụ 0912345678.",
    "bad_digits": (
        "Số CCCD phải gồm đúng 12 chữ số. Nếu ô được nhập dạng số, Excel có thể làm mất số 0 "
        "ở đầu: hãy định dạng cột là Văn bản (Text) rồi nhập lại."
    ),
}

# Why a whole file was refused; ``{rows}`` and ``{headers}`` are filled in.
FILE_PROBLEMS: dict[str, str] = {
    "unreadable_file": "Không đọc được tệp. Hãy nộp tệp Excel (.xlsx) hoặc tệp CSV (UTF-8).",
    "unsupported_format": (
        "Tệp Excel 97-2003 (.xls) hoặc tệp có đặt mật khẩu chưa được hỗ trợ. Hãy mở tệp trong "
        "Excel, bỏ mật khẩu nếu có, rồi lưu lại dưới dạng Excel Workbook (.xlsx)."
    ),
    "bad_encoding": (
        "Tệp CSV phải dùng bảng mã UTF-8. Trong Excel, hãy chọn Lưu dưới dạng "
        "“CSV UTF-8 (Comma delimited)”, hoặc nộp tệp .xlsx."
    ),
    "too_large": "Tệp quá lớn để xử lý.",
    "empty_file": "Tệp không có dữ liệu.",
    "no_sheet": "Tệp không có trang tính nào đang hiển thị.",
    "no_header": (
        "Không tìm thấy dòng tên cột trong {rows} dòng đầu của tệp. Hãy dùng tệp mẫu, "
        "hoặc đặt tên cột như: {headers}."
    ),
    "missing_columns": "Thiếu cột bắt buộc: {headers}.",
}

# The officers' paper record of a unit's registrations (the export).
EXPORT_COLUMNS = (
    ("number", "STT"),
    ("name", "Họ tên / Tên"),
    ("kind", "Loại"),
    ("title", "Danh hiệu"),
    ("address", "Thôn/Tổ dân phố"),
    ("status", "Trạng thái"),
    ("enrolment", "Mã đăng ký"),
)
EXPORT_KINDS = {
    "household": "Hộ gia đình",
    "clan": "Dòng họ",
    "community": "Thôn/Tổ dân phố",
    "learning_unit": "Đơn vị",
    "citizen": "Công dân",
}
EXPORT_TITLES = {
    "FAMILY": "Gia đình học tập",
    "CLAN": "Dòng họ học tập",
    "COMMUNITY": "Cộng đồng học tập",
    "UNIT": "Đơn vị học tập",
    "CITIZEN": "Công dân học tập",
    "COMMUNE_COMMUNITY": "Cộng đồng học tập cấp xã",
}
EXPORT_STATUSES = {"ENROLLED": "Đã đăng ký", "WITHDRAWN": "Đã rút đăng ký"}
EXPORT_HEADING = "DANH SÁCH ĐĂNG KÝ DANH HIỆU HỌC TẬP NĂM {year} — ĐƠN VỊ {code}"
