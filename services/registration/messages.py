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
        "birth_year_range": "Năm sinh phải từ năm 1900 đến năm hiện tại.",
        "citizen_age_implausible": (
            "Năm sinh không hợp lý: công dân phải từ 6 đến 120 tuổi trong năm đăng ký."
        ),
        "head_age_implausible": (
            "Năm sinh của chủ hộ không hợp lý: chủ hộ phải từ 15 tuổi trở lên trong năm đăng ký."
        ),
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
        "not_correctable": "Không sửa được thông tin này của đăng ký (chỉ rút rồi đăng ký lại).",
        "reason_too_long": "Lý do quá dài: tối đa 500 ký tự.",
        "import_kind": "Loại danh sách phải là household, clan, community, learning_unit "
        "hoặc citizen.",
        "file_too_large": "Tệp quá lớn: tối đa 50 MB.",
        "import_too_large": "Tệp danh sách quá lớn: mỗi lần nhập tối đa {most}; hãy chia tệp.",
        "import_too_many_rows": (
            "Tệp danh sách có quá nhiều dòng: mỗi lần nhập tối đa {most} dòng dữ liệu; "
            "hãy chia tệp."
        ),
        "file_name": "Tên tệp phải kết thúc bằng .xlsx hoặc .csv.",
        "branch_not_found": "Không tìm thấy chi hội này trong tỉnh đã chọn.",
        "branch_kind": "Loại chi hội phải là một trong: residential, school, clan, agency, board.",
        "name_taken": "Xã này đã có một chi hội đang hoạt động với tên này.",
        "branch_closed": "Chi hội này đã giải thể.",
        "date_before_opening": "Ngày này sớm hơn ngày thành lập chi hội.",
        "member_count_range": "Số hội viên phải từ 0 đến 1.000.000.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
        "learning_unit_not_found": "Không tìm thấy đơn vị học tập này trong tỉnh đã chọn.",
        # denominators (dân số, hộ gia đình, ...) and hamlets (thôn, tổ dân phố)
        "denominator_year_range": "Năm phải từ năm 2000 đến năm sau năm hiện tại.",
        "figure_range": "Số liệu phải là số nguyên từ 0 đến 200.000.000.",
        "source_blank": "Hãy ghi nguồn số liệu (ví dụ: Niên giám thống kê 2024, báo cáo UBND xã).",
        "no_figures": "Hãy nhập ít nhất một số liệu (dân số, số hộ, ...) hoặc vùng miền núi.",
        "denominator_unit_format": "Mã đơn vị không hợp lệ (tỉnh 2 chữ số, huyện 3, xã 5, "
        "thôn dạng 12345-T01).",
        "hamlet_format": "Mã thôn, tổ dân phố không hợp lệ (dạng 12345-T01).",
        "hamlet_kind": "Loại phải là một trong: thon, ban, ap, to_dan_pho, khu_pho.",
        "hamlet_not_found": "Không tìm thấy thôn, tổ dân phố này trong tỉnh đã chọn.",
        "hamlet_closed": "Thôn, tổ dân phố này đã giải thể hoặc sáp nhập.",
        "hamlet_name_taken": "Xã này đã có một thôn, tổ dân phố đang hoạt động với tên này.",
        "hamlet_date_before_opening": "Ngày này sớm hơn ngày thành lập thôn, tổ dân phố.",
        "commune_ended": "Xã/phường này đã không còn tồn tại vào ngày đã chọn.",
        "community_taken": "Thôn, tổ dân phố này đã đăng ký Cộng đồng học tập trong năm này.",
        "branch_not_residential": "Chỉ chi hội khu dân cư/thôn mới gắn với một thôn, tổ dân phố.",
        "hamlets_file": "Tệp danh sách thôn có lỗi; không thôn nào được ghi. Xem danh sách lỗi.",
        "denominators_file": "Tệp số liệu có lỗi; không số liệu nào được ghi. Xem danh sách lỗi.",
        "unit_ended": "Đơn vị này không còn tồn tại; hãy chọn đơn vị mới.",
        "same_commune": "Chi hội đã thuộc xã/phường này.",
    }
)

# A write into a unit that has ended (the 2025 reform, a local merger, a moved branch): the
# text names where it went ({successors}: "Xã Đồng Đăng (06184)"), {day}: its first day there.
ENDED_TEXTS = {
    "merged": "{name} đã sáp nhập vào {successors} từ ngày {day}; hãy chọn đơn vị mới.",
    "ended": "{name} không còn tồn tại từ ngày {day}; hãy chọn đơn vị mới.",
}
BRANCH_MOVED_TEXTS = {
    "merged": "{name} đã chuyển sang {successors} từ ngày {day}; hãy chọn chi hội mới.",
    "ended": "{name} đã giải thể từ ngày {day}.",
}

# The texts of unreadable cells and refused files are the shared toolkit's
# (khuyenhoc.sheets.messages).

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
