"""What can be wrong with a list: file-level errors (the whole file is refused) and the
cell-level reasons reported per row, in Vietnamese."""

from __future__ import annotations

REASONS: dict[str, str] = {
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

_FILE_ERRORS = {
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


class SpreadsheetError(ValueError):
    """The file as a whole cannot be imported; `key` says why, the message says it in Vietnamese."""

    def __init__(self, key: str, missing: tuple[str, ...] = (), **params: object) -> None:
        self.key = key
        self.missing = missing  # template headers of the missing required columns
        super().__init__(_FILE_ERRORS[key].format(**params))
