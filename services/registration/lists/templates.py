"""The import templates officers fill in, and the error report of an import."""

from __future__ import annotations

from collections.abc import Iterable

from khuyenhoc.sheets import error_report, write_workbook
from services.registration.lists.columns import KIND_LABELS, TITLES, columns_of

NOTE = (
    "Cột tên màu đỏ là bắt buộc. Dòng chữ nghiêng màu xám là ví dụ: hãy ghi đè hoặc xóa "
    "trước khi nộp."
)


def template(kind: str) -> bytes:
    """The .xlsx officers fill in: what the reader reads best, with the rules on a hidden sheet
    and drop-down lists for choice columns."""
    return write_workbook(
        TITLES[kind], columns_of(kind), notes=[NOTE], example=True, guide=TITLES[kind]
    )


def import_errors(kind: str, errors: Iterable[tuple[int, str, str]]) -> bytes:
    """The problems of an import as an .xlsx the officer fixes the list from: (row number,
    header, reason key or text) each."""
    columns_of(kind)
    title = "DANH SÁCH LỖI KHI NHẬP TỆP ĐĂNG KÝ " + KIND_LABELS[kind].upper()
    return error_report(title, errors)
