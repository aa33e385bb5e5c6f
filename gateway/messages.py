"""All Vietnamese text the gateway itself says to users, keyed by English keys (the services'
own messages travel in their answers)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # access
    "unauthenticated": "Cần đăng nhập để xem hoặc thay đổi dữ liệu này.",
    "forbidden": "Bạn không có quyền với dữ liệu này.",
    "invalid_token": "Mã truy cập không hợp lệ hoặc đã hết hạn.",
    # signing in through the province's identity provider (gateway/oidc.py)
    "oidc_not_configured": "Hệ thống này chưa kết nối cổng định danh; hãy đăng nhập bằng mật khẩu.",
    "oidc_bad_request": "Thông tin trả về từ cổng định danh không hợp lệ; vui lòng đăng nhập lại.",
    "oidc_unreachable": "Không kết nối được cổng định danh; vui lòng thử lại sau ít phút.",
    "oidc_code_refused": (
        "Cổng định danh không chấp nhận lượt đăng nhập này (có thể đã hết hạn); "
        "vui lòng đăng nhập lại."
    ),
    "oidc_token_invalid": (
        "Không xác minh được thông tin đăng nhập từ cổng định danh; vui lòng đăng nhập lại."
    ),
    # input
    "invalid_input": "Dữ liệu không hợp lệ.",
    # variables of the wrong type (gateway/coercion.py)
    "coerce_int": "Phải là một số nguyên, viết bằng chữ số.",
    "coerce_int_range": "Số quá lớn: tối đa 2.147.483.647.",
    "coerce_float": "Phải là một số, viết bằng chữ số.",
    "coerce_string": "Phải là một chuỗi văn bản.",
    "coerce_boolean": "Phải là true (có) hoặc false (không).",
    "coerce_enum": "Giá trị '{value}' không có trong danh sách cho phép: {allowed}.",
    "coerce_required": "Bắt buộc phải có.",
    "coerce_unknown_field": "Trường này không có trong yêu cầu; hãy bỏ nó đi.",
    "coerce_object": "Phải là một nhóm trường (đối tượng), không phải một giá trị hay danh sách.",
    "coerce_invalid": "Giá trị không đúng kiểu.",
    "unit_not_found": "Không tìm thấy đơn vị này.",
    "subject_not_found": "Không tìm thấy đối tượng này.",
    "registration_reviewed": "Đăng ký này đã được bình xét hoặc công nhận; không sửa được nữa.",
    "amount": (
        "Số tiền phải là số nguyên đồng lớn hơn 0, viết bằng chữ số (chuỗi hoặc số nguyên), "
        "không quá 9.223.372.036.854.775.807."
    ),
    # HTTP
    "internal": "Lỗi hệ thống, vui lòng thử lại sau.",
    "bad_request": "Yêu cầu không hợp lệ: {reason}",
    "missing_query": "Thiếu truy vấn (query).",
    # files
    "template_not_found": "Không có mẫu cho loại danh sách này.",
    "import_not_found": "Không tìm thấy lượt nhập này.",
    "evidence_not_found": "Không tìm thấy minh chứng này.",
    "statement_file_not_found": "Không có tệp công khai này.",
    "receipt_not_found": "Không tìm thấy biên lai này.",
    "decision_file_not_found": "Không tìm thấy bản quét quyết định này.",
    "decision_not_found": "Không tìm thấy quyết định này.",
    # who signs a recognition decision
    "not_the_signer": (
        "Bạn không có thẩm quyền ký quyết định công nhận này: thuộc thẩm quyền của {who}."
    ),
    "signer_any": "cơ quan có thẩm quyền ở cấp của đơn vị đề nghị hoặc cấp trên",
    "signer_above": "cơ quan có thẩm quyền cấp trên của đơn vị đề nghị",
    "signer_same": "UBND cùng cấp với đơn vị đề nghị",
    "signer_parent": "UBND cấp trên trực tiếp của đơn vị đề nghị",
    "signer_commune": "UBND cấp xã nơi có đối tượng",
    "signer_district": "UBND cấp huyện nơi có đối tượng",
    "signer_province": "UBND cấp tỉnh",
    "certificates_not_found": "Không tìm thấy danh sách đã có quyết định công nhận này.",
    "certificate_part": "Số thứ tự phần của tệp phải là số nguyên từ 1.",
    # past years (history import)
    "too_many_history_rows": "Mỗi lần nhập tối đa 5.000 dòng.",
    "history_file_encoding": "Nội dung tệp phải được mã hóa base64.",
    "list_review_not_found": "Không tìm thấy biên bản bình xét này.",
    "review_sheet_not_found": "Chưa có bộ tiêu chí áp dụng cho danh hiệu và năm này.",
    # report files
    "report_period": (
        "Khoảng năm không hợp lệ: ghi dạng năm đầu-năm cuối (ví dụ 2021-2025), "
        "năm đầu không sau năm cuối, từ 2000 đến 2100."
    ),
    "report_too_long": "Báo cáo gồm tối đa {most} năm.",
    "report_file_kind": "Chỉ có tệp .xlsx hoặc .pdf.",
    "recognised_title": "Không có danh hiệu này.",
    "recognised_none": "Chưa có quyết định công nhận nào cho danh hiệu và năm này.",
    "recognised_source": (
        "Theo các quyết định công nhận đã ghi trên nền tảng và các công nhận của những năm trước "
        "nhập từ hồ sơ của xã; không gồm các trường hợp đã bị thu hồi."
    ),
    "recognised_unnamed": "Dấu “—”: không tìm thấy tên trong danh sách đăng ký.",
    # every year argument (gateway/years.py)
    "year_range": (
        "Năm phải từ {low} đến {high}: nền tảng có dữ liệu từ năm {low} "
        "và lập kế hoạch trước tối đa một năm."
    ),
    # reports
    "report_years": "Kỳ báo cáo từ 1 đến 10 năm, năm đầu không sau năm cuối.",
    # the 2025 reform and other changes of the map: a write into a unit that has ended
    "unit_merged": "{name} đã sáp nhập vào {successors} từ ngày {day}; hãy chọn đơn vị mới.",
    "unit_ended": "{name} không còn tồn tại từ ngày {day}; hãy chọn đơn vị mới.",
    "branch_moved": "{name} đã chuyển sang {successors} từ ngày {day}; hãy chọn chi hội mới.",
    "unit_not_yet": "Mã {code} chưa là đơn vị nào vào ngày {day}; khi đó là {predecessors}.",
    "unit_not_yet_none": "Mã {code} chưa là đơn vị nào vào ngày {day}.",
    # the fund's public files
    "honour_roll_file_not_found": "Không có tệp bảng vinh danh này.",
    # HTTP methods: a mutation changes data, so it is sent with POST only
    "mutation_over_get": (
        "Thao tác thay đổi dữ liệu (mutation) chỉ được gửi bằng phương thức POST, "
        "không gửi bằng GET."
    ),
    # accounts (the service's own rules answer in its messages)
    "account_not_found": "Không tìm thấy tài khoản này.",
    "own_account": "Không thể khóa, mở hay đặt lại mật khẩu cho chính tài khoản của mình.",
    # pages of a list (gateway/pagination.py)
    "page_size": "Số mục mỗi trang (first) phải từ 1 đến {most}.",
    "invalid_cursor": (
        "Con trỏ trang (after) không hợp lệ: hãy dùng đúng pageInfo.endCursor của trang trước "
        "trong cùng danh sách, hoặc bỏ trống để xem từ đầu."
    ),
    "cursor_version": (
        "Con trỏ trang (after) thuộc phiên bản cũ, không còn dùng được: hãy tải lại danh sách "
        "từ trang đầu."
    ),
    # bounds (gateway/limits.py, gateway/inputs.py, gateway/ratelimit.py, gateway/rpc_calls.py)
    "query_too_large": (
        "Truy vấn quá dài: tối đa {most} ký tự và {tokens} ký hiệu; hãy chia thành nhiều truy vấn."
    ),
    "query_too_complex": (
        "Truy vấn quá nặng nên không được thực hiện ({details}); hãy chia thành nhiều truy vấn nhỏ."
    ),
    "query_depth": "độ sâu {value}, tối đa {most}",
    "query_fields": "{value} trường, tối đa {most}",
    "query_aliases": "{value} bí danh (alias), tối đa {most}",
    "query_cost": "khối lượng ước tính {value}, tối đa {most}",
    "query_repeats": "{value} trường trùng tên trong một khối, tối đa {most}",
    "query_introspection": "phần tự mô tả (introspection) lồng {value} danh sách, tối đa {most}",
    "body_too_large": "Yêu cầu quá lớn: nội dung gửi lên tối đa {most} byte.",
    "rate_limited": "Quá nhiều yêu cầu trong thời gian ngắn; vui lòng thử lại sau {seconds} giây.",
    "service_unavailable": "Dịch vụ tạm thời không trả lời; vui lòng thử lại sau ít phút.",
    "control_character": (
        "Không được chứa ký tự điều khiển (như NUL, BEL, ESC); chỉ cho phép tab và xuống dòng."
    ),
    "too_many_items": "Danh sách gồm tối đa {most} mục.",
    "search_too_long": "Từ khóa tìm kiếm dài tối đa {most} ký tự.",
    # the public pages (gateway/web/public.py)
    "public_period_format": "Ngày phải viết dạng năm-tháng-ngày, ví dụ 2025-01-31 (tu và den).",
    "public_period_range": ("Kỳ công khai: ngày đầu không sau ngày cuối, dài tối đa {days} ngày."),
    "public_year": "Năm phải là số từ {low} đến {high}.",
    "public_posting_not_found": (
        "Không có danh sách này, hoặc danh sách đã hết thời gian công khai."
    ),
    "public_certificate_not_found": (
        "Không tìm thấy giấy công nhận có mã này. Xin kiểm tra lại mã in trên giấy."
    ),
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values) if values else MESSAGES[key]
