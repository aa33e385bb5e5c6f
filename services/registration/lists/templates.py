"""The import templates officers fill in."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from services.registration.lists.columns import EXAMPLES, TITLES, Column
from services.registration.lists.matching import columns_of, labels_of
from services.registration.lists.problems import REASONS
from services.registration.lists.writing import (
    BOLD,
    EXAMPLE,
    HEADER_FILL,
    REQUIRED,
    TITLE,
    WRAP,
    save,
    width,
)


def _rule(column: Column) -> str:
    if column.value == "choice":
        return "Một trong: " + "; ".join(labels_of(column)) + "."
    return {
        "text": "Chữ.",
        "int": "Số nguyên, ví dụ 4.",
        "year": "Năm có 4 chữ số, ví dụ 1985.",
        "phone": "Số điện thoại 10 hoặc 11 chữ số, ví dụ 0912345678.",
        "digits": "Đúng 12 chữ số. Định dạng ô là Văn bản để không mất số 0 ở đầu.",
    }[column.value]


def template(kind: str) -> bytes:
    """The .xlsx officers fill in: what the reader reads best, with the rules on a hidden sheet
    (hidden so it never gets in the way of the list) and drop-down lists for choice columns."""
    columns = columns_of(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    guide = wb.create_sheet("Hướng dẫn")
    guide.sheet_state = "hidden"

    last = get_column_letter(len(columns) + 1)
    ws["A1"] = TITLES[kind]
    ws["A1"].font = TITLE
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = (
        "Cột tên màu đỏ là bắt buộc. Dòng chữ nghiêng màu xám là ví dụ: hãy ghi đè hoặc xóa "
        "trước khi nộp."
    )
    ws["A2"].font = Font(italic=True)
    ws.merge_cells(f"A2:{last}2")

    headers = ["STT", *(c.header for c in columns)]
    example = EXAMPLES[kind]
    for index, text in enumerate(headers, start=1):
        column = columns[index - 2] if index > 1 else None
        cell = ws.cell(row=3, column=index, value=text)
        cell.font = REQUIRED if column and column.required else BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sample = ws.cell(row=4, column=index, value=example[column.field] if column else 1)
        sample.font = EXAMPLE
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width([text, str(sample.value)[:40]])
        if column and column.value in ("phone", "digits"):
            sample.number_format = "@"  # keep leading zeros of what officers type
            ws.column_dimensions[letter].number_format = "@"
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "A4"

    guide.append(["HƯỚNG DẪN ĐIỀN " + TITLES[kind]])
    guide["A1"].font = TITLE
    guide.append(["Cột", "Bắt buộc", "Giá trị hợp lệ"])
    for cell in guide[2]:
        cell.font = BOLD
    for column in columns:
        guide.append([column.header, "Có" if column.required else "Không", _rule(column)])
    guide.append([])
    guide.append(
        ["Dữ liệu đọc từ trang tính đầu tiên đang hiển thị, bắt đầu ngay dưới dòng tên cột."]
    )
    guide.append(["Có thể giữ cột STT, các dòng tiêu đề và dòng “Tổng cộng”: chúng được bỏ qua."])
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80

    list_col = 5  # drop-down values live to the right of the rules, one column per choice
    for index, column in enumerate(columns, start=2):
        if column.value != "choice":
            continue
        labels = labels_of(column)
        guide.cell(row=2, column=list_col, value=column.header).font = BOLD
        for offset, label in enumerate(labels, start=3):
            guide.cell(row=offset, column=list_col, value=label)
        letter = get_column_letter(list_col)
        source = f"'Hướng dẫn'!${letter}$3:${letter}${2 + len(labels)}"
        # a warning, not a stop: the spellings in Column.choices are accepted on import too
        check = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=column.header[:32],
            error=REASONS["bad_choice"],
        )
        target = get_column_letter(index)
        check.add(f"{target}4:{target}5000")
        ws.add_data_validation(check)
        list_col += 1
    return save(wb)
