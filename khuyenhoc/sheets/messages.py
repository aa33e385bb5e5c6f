"""The Vietnamese texts of the spreadsheet toolkit: why a cell could not be read (reported per
row), why a whole file was refused, and the rule of each kind of column (templates' guides)."""

from __future__ import annotations

# Why one cell could not be read; reported per row, by key.
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
    "not_a_decimal": "Phải là một số, ví dụ 12 hoặc 12,5.",
    "ambiguous_number": (
        "Không rõ là số nào: hãy bỏ dấu phân cách hàng nghìn (ghi 1000, không ghi 1.000) và "
        "dùng dấu phẩy cho phần thập phân (ví dụ 12,5)."
    ),
    "not_a_bool": "Phải là “Có” hoặc “Không” (hoặc đánh dấu x cho “Có”).",
    "not_a_date": "Ngày không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2024.",
    "too_long": "Nội dung quá dài.",
    "missing_value": "Không được để trống.",
}

# Why a whole file was refused; ``{rows}``, ``{headers}`` and ``{limit}`` are filled in.
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
    "too_many_rows": "Tệp có quá nhiều dòng: tối đa {limit} dòng dữ liệu mỗi tệp.",
}

# What a column of each kind accepts, as a template's guide says it.
RULES: dict[str, str] = {
    "text": "Chữ.",
    "int": "Số nguyên, ví dụ 4.",
    "number": "Số, dùng dấu phẩy cho phần thập phân, ví dụ 12,5.",
    "year": "Năm có 4 chữ số, ví dụ 1985.",
    "phone": "Số điện thoại 10 hoặc 11 chữ số, ví dụ 0912345678.",
    "digits": "Đúng 12 chữ số. Định dạng ô là Văn bản để không mất số 0 ở đầu.",
    "bool": "“Có” hoặc “Không” (đánh dấu x cũng là “Có”).",
    "date": "Ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2024.",
    "choice": "Một trong: {labels}.",
}

# The words of written workbooks.
NUMBER_HEADER = "STT"
GUIDE_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh sách"
ERROR_SHEET = "Lỗi"
GUIDE_HEADERS = ("Cột", "Bắt buộc", "Giá trị hợp lệ")
YES, NO = "Có", "Không"
YES_OR_NO = "Có hoặc Không"  # the heading of the one list every yes/no column picks from
ERROR_HEADERS = ("Dòng", "Cột", "Lý do")
GUIDE_GENERAL = (
    "Dữ liệu đọc từ trang tính đầu tiên đang hiển thị, bắt đầu ngay dưới dòng tên cột.",
    "Có thể giữ cột STT, các dòng tiêu đề và dòng “Tổng cộng”: chúng được bỏ qua.",
)
