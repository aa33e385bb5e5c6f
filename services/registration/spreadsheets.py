"""Registration lists as spreadsheets: reading what commune officers hand in, writing templates,
error reports and exports.

Officers keep their lists in Excel (or CSV saved from it) laid out for print: title rows above
the header, merged and two-level headers, an "STT" column, a "Tổng cộng" row, numbers typed as
text and phone numbers typed as numbers. Reading tolerates all of that and reports cell-level
problems with the row number the officer sees, so the list can be fixed in the file itself.
Files can be large (a whole commune), so rows are streamed, never loaded as a whole sheet.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import math
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import (
    CELL_TAG,
    DATA_TAG,
    FORMULA_TAG,
    INLINE_STRING,
    ROW_TAG,
    VALUE_TAG,
)
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from khuyenhoc.text import clean, search_key

SUBJECT_KINDS = ("household", "clan", "community", "learning_unit", "citizen")

HEADER_SCAN_ROWS = 20  # the header must start within this many rows from the top
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it


@dataclass(frozen=True)
class Column:
    """One column of a registration list, as templates write it and real files spell it."""

    field: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    value: str  # "text" | "int" | "year" | "phone" | "digits" | "choice"
    choices: dict[str, str] = dataclasses.field(default_factory=dict)


def _text(field: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, header, aliases, required, "text")


def _typed(value: str, field: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, header, aliases, required, value)


def _choice(
    field: str, header: str, choices: dict[str, str], *aliases: str, required: bool = False
) -> Column:
    return Column(field, header, aliases, required, "choice", choices)


_ADDRESS_ALIASES = ("Thôn", "Tổ dân phố", "Khu phố", "Địa chỉ", "Thôn, bản", "Thôn/Xóm", "Xóm")

# In each choices dict the first label of a value is the one templates offer; the others are
# spellings seen in real files.
UNIT_KINDS = {
    "Cơ quan": "agency",
    "Cơ quan, đơn vị": "agency",
    "Trường học": "school",
    "Trường": "school",
    "Nhà trường": "school",
    "Doanh nghiệp": "enterprise",
    "Công ty": "enterprise",
    "Đơn vị lực lượng vũ trang": "armed_forces",
    "Lực lượng vũ trang": "armed_forces",
    "LLVT": "armed_forces",
    "Đơn vị LLVT": "armed_forces",
}
UNIT_LEVELS = {
    "Xã": "commune",
    "Cấp xã": "commune",
    "Phường": "commune",
    "Thị trấn": "commune",
    "Huyện": "district",
    "Cấp huyện": "district",
    "Quận": "district",
    "Thị xã": "district",
}
LABOUR_GROUPS = {
    "Nông dân và lao động nông thôn": "rural",
    "Nông dân": "rural",
    "Lao động nông thôn": "rural",
    "Công nhân và lao động khác": "worker",
    "Công nhân": "worker",
    "Lao động khác": "worker",
    "Trình độ cao đẳng trở lên, cán bộ, công chức, viên chức, doanh nhân": "professional",
    "Cán bộ, công chức, viên chức": "professional",
    "CBCCVC": "professional",
    "Doanh nhân": "professional",
    "Trình độ cao đẳng trở lên": "professional",
}

COLUMNS: dict[str, tuple[Column, ...]] = {
    "household": (
        _text(
            "headName",
            "Họ và tên chủ hộ",
            "Chủ hộ",
            "Họ tên chủ hộ",
            "Họ và tên",
            "Họ tên",
            "Tên chủ hộ",
            required=True,
        ),
        _typed("year", "headBirthYear", "Năm sinh", "Năm sinh chủ hộ"),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES, required=True),
        _typed("phone", "phone", "Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"),
        _typed("int", "size", "Số nhân khẩu", "Nhân khẩu", "Số người", "Số khẩu"),
        _typed("int", "learners", "Số người đang đi học", "Số người đi học"),
    ),
    "clan": (
        _text("clanName", "Tên dòng họ", "Dòng họ", "Họ", required=True),
        _text(
            "headName", "Trưởng tộc", "Trưởng họ", "Tộc trưởng", "Họ tên trưởng tộc", required=True
        ),
        _typed("int", "households", "Số hộ", "Số hộ gia đình"),
        _typed("int", "people", "Số nhân khẩu", "Nhân khẩu", "Số khẩu"),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES),
    ),
    "community": (
        _text(
            "name",
            "Tên thôn/Tổ dân phố",
            "Thôn",
            "Tổ dân phố",
            "Cộng đồng",
            "Thôn/Tổ dân phố",
            "Tên thôn",
            "Thôn, bản",
            "Khu phố",
            required=True,
        ),
        _typed("int", "households", "Số hộ", "Số hộ gia đình"),
    ),
    "learning_unit": (
        _text("name", "Tên đơn vị", "Đơn vị", "Tên cơ quan, đơn vị", required=True),
        _choice("unitKind", "Loại đơn vị", UNIT_KINDS, "Loại hình", required=True),
        _choice("level", "Cấp", UNIT_LEVELS, "Cấp quản lý"),
        _typed("int", "staff", "Số cán bộ, nhân viên", "Số CBNV", "Số người", "Số CB, NV"),
    ),
    "citizen": (
        _text("fullName", "Họ và tên", "Họ tên", "Họ và tên công dân", required=True),
        _typed("year", "birthYear", "Năm sinh", required=True),
        _typed(
            "digits",
            "nationalId",
            "Số CCCD",
            "CCCD",
            "Số căn cước",
            "Căn cước công dân",
            "CMND",
            "Số CMND/CCCD",
            "Số định danh cá nhân",
            required=True,
        ),
        _choice("labourGroup", "Nhóm lao động", LABOUR_GROUPS, "Đối tượng", required=True),
        _text("address", "Thôn/Tổ dân phố", *_ADDRESS_ALIASES),
        _typed("phone", "phone", "Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"),
    ),
}

TITLES = {
    "household": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP",
    "clan": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG DÒNG HỌ HỌC TẬP",
    "community": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG CỘNG ĐỒNG HỌC TẬP CẤP THÔN, TỔ DÂN PHỐ",
    "learning_unit": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG ĐƠN VỊ HỌC TẬP",
    "citizen": "DANH SÁCH ĐĂNG KÝ XÂY DỰNG CÔNG DÂN HỌC TẬP",
}
_KIND_LABELS = {
    "household": "Gia đình học tập",
    "clan": "Dòng họ học tập",
    "community": "Cộng đồng học tập",
    "learning_unit": "Đơn vị học tập",
    "citizen": "Công dân học tập",
}
# One example row per kind, written in the template; it must read back without problems.
_EXAMPLES: dict[str, dict[str, object]] = {
    "household": {
        "headName": "Nguyễn Văn An",
        "headBirthYear": 1978,
        "address": "Thôn Đông",
        "phone": "0912345678",
        "size": 4,
        "learners": 2,
    },
    "clan": {
        "clanName": "Họ Nguyễn",
        "headName": "Nguyễn Văn Bình",
        "households": 45,
        "people": 180,
        "address": "Thôn Đông",
    },
    "community": {"name": "Thôn Đông", "households": 215},
    "learning_unit": {
        "name": "Trường Tiểu học Kim Đồng",
        "unitKind": "Trường học",
        "level": "Xã",
        "staff": 32,
    },
    "citizen": {
        "fullName": "Trần Thị Mai",
        "birthYear": 1990,
        "nationalId": "001190012345",
        "labourGroup": "Nông dân và lao động nông thôn",
        "address": "Thôn Đông",
        "phone": "0987654321",
    },
}

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


@dataclass(frozen=True)
class SheetRow:
    """One data row: the number the officer sees, the cleaned values and what could not be read."""

    number: int
    values: dict[str, object]
    problems: tuple[tuple[str, str], ...]


class SheetRows(Iterator[SheetRow]):
    """The data rows of one list, read lazily.

    `headers` maps each field found to the header as written in the file, so problems and
    service errors can name the column the officer knows; `header_row` is the (lowest) header
    row's number.
    """

    def __init__(self, rows: Iterator[SheetRow], headers: dict[str, str], header_row: int) -> None:
        self._rows = rows
        self.headers = headers
        self.header_row = header_row

    def __next__(self) -> SheetRow:
        return next(self._rows)

    def close(self) -> None:
        """Release the workbook early when not reading to the end."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()


def header_of(kind: str, field: str) -> str:
    """The template header for a field, to name a column in messages and exports."""
    for column in _columns(kind):
        if column.field == field:
            return column.header
    raise KeyError(f"{kind} has no field {field!r}")


# --------------------------------------------------------------------------- matching


_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces, BOM, soft hyphen
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _match_key(text: str) -> str:
    """Headers and choice labels compare by this key: case, diacritics, punctuation, "(*)"
    marks and notes in parentheses do not matter ("Năm sinh\\n(yyyy)" is "Năm sinh")."""
    key = search_key(_INVISIBLE.sub("", text))
    bare = _NOT_ALNUM.sub(" ", _PARENTHESISED.sub(" ", key)).strip()
    return bare or _NOT_ALNUM.sub(" ", key).strip()


def _columns(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ValueError(f"unknown subject kind {kind!r}; one of {SUBJECT_KINDS}") from None


def _unique_lookup(pairs: Iterable[tuple[str, str]], where: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for text, target in pairs:
        key = _match_key(text)
        if lookup.setdefault(key, target) != target:
            raise AssertionError(f"{where}: {text!r} would mean both {lookup[key]} and {target}")
    return lookup


_HEADER_LOOKUP = {
    kind: _unique_lookup(
        ((name, c.field) for c in columns for name in (c.header, *c.aliases)), kind
    )
    for kind, columns in COLUMNS.items()
}
_CHOICE_LOOKUP = {
    (kind, c.field): _unique_lookup(
        chain(c.choices.items(), ((v, v) for v in c.choices.values())), f"{kind}.{c.field}"
    )
    for kind, columns in COLUMNS.items()
    for c in columns
    if c.value == "choice"
}


def _labels(column: Column) -> list[str]:
    """The label offered for each allowed value (the first one listed for it)."""
    seen: dict[str, str] = {}
    for label, value in column.choices.items():
        seen.setdefault(value, label)
    return list(seen.values())


# --------------------------------------------------------------------------- cell values


class _FormulaWithoutValue:
    """A formula cell saved without its computed value (written by a program, never opened)."""

    def __repr__(self) -> str:
        return "<formula without value>"


_FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


@dataclass(frozen=True)
class _ErrorValue:
    """An Excel error result such as #N/A: not text, even though openpyxl gives it as text."""

    code: str


_Cells = dict[int, object]  # 1-based column -> raw value, sparse


def _as_text(raw: object) -> str:
    if isinstance(raw, str):
        return clean(_INVISIBLE.sub("", raw))
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == time(0):
        return raw.date().isoformat()
    if isinstance(raw, date | datetime):
        return raw.isoformat()
    return clean(str(raw))


def _text_of(raw: object) -> str:
    """Text already cleaned by _convert stays as it is."""
    return raw if isinstance(raw, str) else _as_text(raw)


_INT_TEXT = re.compile(r"([+-]?\d+)(?:[.,]0{1,2})?")  # "12", "12.0"; not "1.000" (a thousand?)


def _as_int(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        number = float(raw)
        if math.isfinite(number) and abs(number - round(number)) < 1e-9:
            return round(number)
        return None
    match = _INT_TEXT.fullmatch(_text_of(raw))
    return int(match.group(1)) if match else None


_PHONE_NOISE = re.compile(r"[\s.\-()]")


def _as_phone(raw: object) -> str | None:
    if isinstance(raw, float | Decimal) and not isinstance(raw, bool):
        number = _as_int(raw)
        text = str(number) if number is not None else ""
    else:
        text = _PHONE_NOISE.sub("", _text_of(raw))
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:  # "+84912345678" typed into Excel
        text = "0" + text[2:]
    if len(text) == 9 and text.isascii() and text.isdigit() and text[0] != "0":
        text = "0" + text  # the leading 0 Excel drops from a phone typed as a number
    return text if re.fullmatch(r"0[0-9]{9,10}", text) else None


def _as_digits(raw: object) -> str | None:
    if isinstance(raw, float | Decimal) and not isinstance(raw, bool):
        number = _as_int(raw)
        text = str(number) if number is not None else ""
    else:
        text = _PHONE_NOISE.sub("", _text_of(raw))
    return text if re.fullmatch(r"[0-9]{12}", text) else None


def _convert(kind: str, column: Column, raw: object) -> tuple[object, str | None]:
    """(value, problem key): the typed value, or None and why it could not be read."""
    if raw is _FORMULA_WITHOUT_VALUE:
        return None, "formula_without_value"
    if isinstance(raw, _ErrorValue):
        return None, "formula_error"
    if raw is None:
        return None, None
    if isinstance(raw, str):
        raw = _as_text(raw)
        if not raw:
            return None, None
    if column.value == "text":
        return _text_of(raw), None
    if column.value == "int":
        number = _as_int(raw)
        return (number, None) if number is not None else (None, "not_a_number")
    if column.value == "year":
        number = _as_int(raw)
        return (
            (number, None)
            if number is not None and 1900 <= number <= 2100
            else (None, "not_a_year")
        )
    if column.value == "phone":
        phone = _as_phone(raw)
        return (phone, None) if phone else (None, "bad_phone")
    if column.value == "digits":
        digits = _as_digits(raw)
        return (digits, None) if digits else (None, "bad_digits")
    if column.value == "choice":
        choice = _CHOICE_LOOKUP[kind, column.field].get(_match_key(_text_of(raw)))
        return (choice, None) if choice else (None, "bad_choice")
    raise AssertionError(f"unknown value type {column.value!r}")


def _is_blank(raw: object) -> bool:
    if not isinstance(raw, str):
        return raw is None
    text = raw.strip()
    return not text or (text[0] in _INVISIBLE_CHARS and not _INVISIBLE.sub("", text).strip())


# --------------------------------------------------------------------------- header detection


@dataclass(frozen=True)
class _Header:
    bottom: int  # the last header row; data starts below it
    columns: dict[str, tuple[int, str]]  # field -> (column, header as written)
    rank: tuple[int, ...]


def _header_text(raw: object) -> str:
    if raw is None or raw is _FORMULA_WITHOUT_VALUE or isinstance(raw, _ErrorValue):
        return ""
    return _as_text(raw)


def _match_header(kind: str, number: int, lower: _Cells, upper: _Cells | None) -> _Header:
    """Map fields to columns of one header row, or of a two-level header (upper, lower).

    In a two-level header a column's own name is in the lower row, and a column without a
    sub-header has its name in the upper row (a vertically merged cell keeps it there).
    """
    lookup = _HEADER_LOOKUP[kind]
    found: dict[str, tuple[int, str]] = {}
    cells = sorted(set(lower) | set(upper or ()))
    for col in cells:
        for source in (lower, upper or {}):
            text = _header_text(source.get(col))
            field = lookup.get(_match_key(text)) if text else None
            if field:
                found.setdefault(field, (col, text))
                break
    required = sum(1 for c in _columns(kind) if c.required and c.field in found)
    width = sum(1 for v in lower.values() if _header_text(v))
    rank = (len(found), required, 0 if upper else 1, width, -number)
    return _Header(number, found, rank)


def _find_header(kind: str, rows: list[tuple[int, _Cells]]) -> _Header | None:
    best: _Header | None = None
    for index, (number, cells) in enumerate(rows):
        if number > HEADER_SCAN_ROWS:
            break
        candidates = [_match_header(kind, number, cells, None)]
        if index + 1 < len(rows) and rows[index + 1][0] == number + 1:
            candidates.append(_match_header(kind, number + 1, rows[index + 1][1], cells))
        for candidate in candidates:
            if candidate.columns and (best is None or candidate.rank > best.rank):
                best = candidate
    return best


def _buffer_top(rows: Iterator[tuple[int, _Cells]]) -> list[tuple[int, _Cells]]:
    """The rows that may hold the header, plus the first one below them."""
    top: list[tuple[int, _Cells]] = []
    for number, cells in rows:
        top.append((number, cells))
        if number > HEADER_SCAN_ROWS:
            break
    return top


def _check_header(kind: str, header: _Header | None) -> _Header:
    columns = _columns(kind)
    if header is None:
        required = ", ".join(c.header for c in columns if c.required)
        raise SpreadsheetError("no_header", rows=HEADER_SCAN_ROWS, headers=required)
    missing = tuple(c.header for c in columns if c.required and c.field not in header.columns)
    if missing:
        raise SpreadsheetError("missing_columns", missing, headers=", ".join(missing))
    return header


# --------------------------------------------------------------------------- data rows

_COLUMN_NUMBER = re.compile(r"\(?(?:[0-9]{1,2}|[A-Za-z])\)?")
_TOTAL_WORDS = {"tổng", "cộng"}
_NOT_WORD = re.compile(r"[^\w]+")


def _is_column_numbering(cells: _Cells) -> bool:
    """The "(1) (2) (3)" or "A B 1 2" row printed forms put under the header."""
    texts = [_header_text(v) for v in cells.values() if not _is_blank(v)]
    return len(texts) >= 2 and all(_COLUMN_NUMBER.fullmatch(t) for t in texts)


def _is_total(cells: _Cells) -> bool:
    """A "Tổng cộng" / "Cộng:" row, told apart from names such as "Tổng công ty X",
    "Cộng đồng Y" or the surname "Tống"."""
    for col in sorted(cells):
        raw = cells[col]
        if not isinstance(raw, str) or not any(ch.isalpha() for ch in raw):
            continue
        words = _NOT_WORD.sub(" ", _as_text(raw).casefold()).split()
        if not words or words[0] not in _TOTAL_WORDS:
            return False
        return len(words) == 1 or words[1] in {"cộng", "số"} or words[1][0].isdigit()
    return False


def _data_rows(
    kind: str, header: _Header, rows: Iterator[tuple[int, _Cells]]
) -> Iterator[SheetRow]:
    by_field = {c.field: c for c in _columns(kind)}
    mapped = [(by_field[f], col, text) for f, (col, text) in header.columns.items()]
    first = True
    for number, cells in rows:
        if number <= header.bottom:
            continue
        raws = [(column, text, cells.get(col)) for column, col, text in mapped]
        if all(_is_blank(raw) for _, _, raw in raws):
            continue  # empty, or only a pre-filled STT
        if first:
            first = False
            if _is_column_numbering(cells):
                continue
        if _is_total(cells):
            continue
        values: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for column, text, raw in raws:
            value, problem = _convert(kind, column, raw)
            values[column.field] = value
            if problem:
                problems.append((text, problem))
        yield SheetRow(number, values, tuple(problems))


def _fill_merged(
    rows: Iterator[tuple[int, _Cells]], merges: Iterable[tuple[int, int, int, int]]
) -> Iterator[tuple[int, _Cells]]:
    """Copy a vertically merged cell's value down its range ("Thôn Đông" merged over all the
    hamlet's households), as the officer sees it; openpyxl only has it in the top cell."""
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for min_col, min_row, _max_col, max_row in merges:
        if max_row > min_row:
            starts[min_row].append((min_col, max_row))
    if not starts:
        yield from rows
        return
    active: dict[int, tuple[object, int]] = {}
    for number, cells in rows:
        for col, (value, last) in list(active.items()):
            if number > last:
                del active[col]
            elif cells.get(col) is None:
                cells[col] = value
        for col, last in starts.pop(number, ()):
            active[col] = (cells.get(col), last)
        yield number, cells


# --------------------------------------------------------------------------- xlsx

# What a damaged or hand-made .xlsx makes openpyxl or the XML parser raise.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    TypeError,
    ValueError,
)
_INLINE_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_INLINE_RUN = f"{{{SHEET_MAIN_NS}}}r"


@dataclass(frozen=True)
class _Book:
    """What reading cells needs from a workbook: its sheets, shared strings and date styles."""

    archive: zipfile.ZipFile
    sheets: tuple[tuple[str, str, str], ...]  # (name, state, path in the archive), in order
    shared_strings: list[str]
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: datetime


def _open_book(data: bytes) -> _Book:
    """Read the workbook part, shared strings and styles, but no sheet.

    openpyxl's read-only load_workbook would also size every sheet, which for a sheet without
    a stored <dimension> (openpyxl's write-only output) means parsing it all once more.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise SpreadsheetError("too_large")
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = tuple(
            (sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
    except SpreadsheetError:
        raise
    except Exception as exc:  # anything openpyxl trips on in a foreign file
        raise SpreadsheetError("unreadable_file") from exc
    wb = reader.wb
    return _Book(
        reader.archive,
        sheets,
        reader.shared_strings,
        frozenset(wb._date_formats),
        frozenset(wb._timedelta_formats),
        wb.epoch,
    )


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_ROW_NUMBER = re.compile(rb"[^>]*?\br=\"([0-9]+)\"")


@dataclass(frozen=True)
class _SheetScan:
    merges: set[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row)
    last_row: int | None  # the last <row> element's number, or None if there are none


def _scan_sheet(book: _Book, path: str) -> _SheetScan:
    """Merged ranges and the last row number, from one pass over the sheet XML as bytes.

    Merged ranges are stored after the cells, so they must be known before the cells are
    parsed; plain byte searches make this pass cheap. The last row gives the row estimate
    even where the stored <dimension> is missing or wrong.
    """
    merges: set[tuple[int, int, int, int]] = set()
    last_row: int | None = None
    tail = b""
    with book.archive.open(path) as src:
        while chunk := src.read(1 << 20):
            text = tail + chunk
            if b"mergeCell" in text:
                for ref in _MERGE_REF.findall(text):
                    merges.add(range_boundaries(ref.decode()))
            at = max(text.rfind(b"<row "), text.rfind(b":row "))
            if at >= 0 and (found := _ROW_NUMBER.match(text, at + 5)):
                last_row = int(found.group(1))
            tail = text[-256:]
    return _SheetScan(merges, last_row)


def _inline_text(node: Any) -> str:
    parts = [node.findtext(_INLINE_TEXT) or ""]
    parts.extend(run.findtext(_INLINE_TEXT) or "" for run in node.iterfind(_INLINE_RUN))
    return "".join(parts)


def _cell_value(book: _Book, cell: Any) -> object:
    """A cell's cached value: what Excel shows, not the formula behind it."""
    kind = cell.get("t") or "n"
    if kind == "inlineStr":
        node = cell.find(INLINE_STRING)
        return _inline_text(node) if node is not None else None
    raw = cell.findtext(VALUE_TAG)
    if not raw:
        if kind not in ("str", "s") and cell.find(FORMULA_TAG) is not None:
            return _FORMULA_WITHOUT_VALUE  # Excel itself saves an "" result as t="str"
        return None
    if kind == "s":
        return book.shared_strings[int(raw)]
    if kind == "str":
        return raw
    if kind == "b":
        return raw.strip() not in ("0", "false")
    if kind == "e":
        return _ErrorValue(raw)
    if kind == "d":
        return from_ISO8601(raw)
    number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
    style = int(cell.get("s") or 0)
    if style in book.date_styles:
        try:
            return from_excel(number, book.epoch, timedelta=style in book.timedelta_styles)
        except (OverflowError, ValueError):
            return _ErrorValue("#VALUE!")
    return number


def _xlsx_cells(book: _Book, path: str) -> Iterator[tuple[int, _Cells]]:
    """Stream a sheet's rows as sparse dicts of cached values.

    openpyxl's read-only rows cannot tell a formula saved without its value from an empty cell,
    and keep every parsed row element; this walks the sheet XML itself, dropping each row
    element once read.
    """
    with book.archive.open(path) as src:
        sheet_data = None
        number = 0
        for event, element in iterparse(src, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    sheet_data = element
                continue
            if element.tag != ROW_TAG:
                continue
            ref = element.get("r")
            number = int(float(ref)) if ref else number + 1
            cells: _Cells = {}
            column = 0
            for cell in element:
                if cell.tag != CELL_TAG:
                    continue
                ref = cell.get("r")
                column = column_index_from_string(ref.rstrip("0123456789")) if ref else column + 1
                value = _cell_value(book, cell)
                if value is not None:
                    cells[column] = value
            yield number, cells
            (sheet_data if sheet_data is not None else element).clear()


def _read_xlsx(data: bytes, kind: str) -> tuple[int | None, SheetRows]:
    book = _open_book(data)
    try:
        sheets = [path for _name, state, path in book.sheets if state == "visible"]
        if not sheets:
            raise SpreadsheetError("no_sheet")
        failure: SpreadsheetError | None = None
        for path in sheets:
            scan = _scan_sheet(book, path)
            rows = _fill_merged(_xlsx_cells(book, path), scan.merges)
            top = _buffer_top(rows)
            try:
                header = _check_header(kind, _find_header(kind, top))
            except SpreadsheetError as error:
                rows.close()
                if failure is None or (failure.key == "no_header" and error.key != "no_header"):
                    failure = error
                continue
            last = scan.last_row or 0
            estimate = last - header.bottom if last > header.bottom else None
            stream = _closing(_data_rows(kind, header, chain(top, rows)), book.archive)
            return estimate, _sheet_rows(stream, header)
        assert failure is not None
        raise failure
    except SpreadsheetError:
        book.archive.close()
        raise
    except _DAMAGE as exc:
        book.archive.close()
        raise SpreadsheetError("unreadable_file") from exc
    except BaseException:
        book.archive.close()
        raise


def _closing(rows: Iterator[SheetRow], archive: zipfile.ZipFile) -> Iterator[SheetRow]:
    """Close the file when the rows are read or dropped, and report damage met mid-file as
    an unreadable file rather than a crash."""
    try:
        yield from rows
    except SpreadsheetError:
        raise
    except _DAMAGE as exc:
        raise SpreadsheetError("unreadable_file") from exc
    finally:
        archive.close()


def _sheet_rows(rows: Iterator[SheetRow], header: _Header) -> SheetRows:
    headers = {field: text for field, (_col, text) in header.columns.items()}
    return SheetRows(rows, headers, header.bottom)


# --------------------------------------------------------------------------- csv

_DELIMITERS = (",", ";", "\t")


def _csv_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode Text"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:  # checked up front, in pieces, so a bad byte never stops an import half-way
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError("bad_encoding") from exc
    return encoding


def _csv_cells(data: bytes, encoding: str, delimiter: str) -> Iterator[tuple[int, _Cells]]:
    """Records numbered as Excel shows the file: one row per record, blank lines included."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        reader = csv.reader(stream, delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            yield number, {col: text for col, text in enumerate(record, start=1) if text}
    except csv.Error as exc:
        raise SpreadsheetError("unreadable_file") from exc


def _read_csv(data: bytes, kind: str) -> tuple[int | None, SheetRows]:
    encoding = _csv_encoding(data)
    best: tuple[_Header, list[tuple[int, _Cells]], Iterator[tuple[int, _Cells]]] | None = None
    for delimiter in _DELIMITERS:
        rows = _csv_cells(data, encoding, delimiter)
        top = _buffer_top(rows)
        header = _find_header(kind, top)
        if header and (best is None or _csv_rank(header) > _csv_rank(best[0])):
            best = (header, top, rows)
    header = _check_header(kind, best[0] if best else None)
    assert best is not None
    _, top, rows = best
    newline = b"\n"
    if encoding == "utf-16":
        newline = "\n".encode("utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
    lines = data.count(newline) + (0 if data.endswith(newline) else 1)
    estimate = lines - header.bottom if lines > header.bottom else None
    return estimate, _sheet_rows(_data_rows(kind, header, chain(top, rows)), header)


def _csv_rank(header: _Header) -> tuple[int, ...]:
    """Delimiters are compared by columns matched, then by header cells split apart."""
    return header.rank[:2] + header.rank[3:4]


# --------------------------------------------------------------------------- reading


def read_rows(data: bytes, filename: str, kind: str) -> tuple[int | None, SheetRows]:
    """Open an officer's .xlsx or .csv list and find its header; rows are then read lazily.

    Returns (estimated number of data rows, or None, and the rows). The estimate is an upper
    bound: the rows from below the header to the sheet's last row element (found by a cheap
    byte scan of the sheet XML), or to the CSV's last line; blank and total rows count too.
    File-level problems raise SpreadsheetError here, before any row is read.
    """
    _columns(kind)
    if not data:
        raise SpreadsheetError("empty_file")
    name = filename.casefold()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, kind)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: Excel 97-2003, or an encrypted .xlsx
        raise SpreadsheetError("unsupported_format")
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise SpreadsheetError("unreadable_file")
    return _read_csv(data, kind)


# --------------------------------------------------------------------------- writing

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_REQUIRED = Font(bold=True, color="C00000")
_EXAMPLE = Font(italic=True, color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FORMULA_START = ("=", "+", "-", "@")


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will evaluate: text that Excel or LibreOffice would
    take for a formula ("=", "+", "-", "@", or tab/CR first, even after spaces) gets a leading
    "'"; characters an .xlsx cannot hold are dropped; numbers and dates stay as they are."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


def _width(texts: Iterable[str]) -> float:
    return float(min(60, max([8, *(len(t) + 2 for t in texts)])))


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rule(column: Column) -> str:
    if column.value == "choice":
        return "Một trong: " + "; ".join(_labels(column)) + "."
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
    columns = _columns(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    guide = wb.create_sheet("Hướng dẫn")
    guide.sheet_state = "hidden"

    last = get_column_letter(len(columns) + 1)
    ws["A1"] = TITLES[kind]
    ws["A1"].font = _TITLE
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = (
        "Cột tên màu đỏ là bắt buộc. Dòng chữ nghiêng màu xám là ví dụ: hãy ghi đè hoặc xóa "
        "trước khi nộp."
    )
    ws["A2"].font = Font(italic=True)
    ws.merge_cells(f"A2:{last}2")

    headers = ["STT", *(c.header for c in columns)]
    example = _EXAMPLES[kind]
    for index, text in enumerate(headers, start=1):
        column = columns[index - 2] if index > 1 else None
        cell = ws.cell(row=3, column=index, value=text)
        cell.font = _REQUIRED if column and column.required else _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sample = ws.cell(row=4, column=index, value=example[column.field] if column else 1)
        sample.font = _EXAMPLE
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width([text, str(sample.value)[:40]])
        if column and column.value in ("phone", "digits"):
            sample.number_format = "@"  # keep leading zeros of what officers type
            ws.column_dimensions[letter].number_format = "@"
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "A4"

    guide.append(["HƯỚNG DẪN ĐIỀN " + TITLES[kind]])
    guide["A1"].font = _TITLE
    guide.append(["Cột", "Bắt buộc", "Giá trị hợp lệ"])
    for cell in guide[2]:
        cell.font = _BOLD
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
        labels = _labels(column)
        guide.cell(row=2, column=list_col, value=column.header).font = _BOLD
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
    return _save(wb)


def _write_only(
    sheet: str, title: str, headers: Sequence[str], widths: Sequence[float]
) -> tuple[Any, Any]:
    """A streaming workbook with its title row and bold header row already written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    heading = WriteOnlyCell(ws, value=neutralise(title))
    heading.font = _TITLE
    ws.append([heading])
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=neutralise(text))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    return wb, ws


def error_report(kind: str, errors: Iterable[tuple[int, str, str]]) -> bytes:
    """The problems of an import as an .xlsx the officer fixes the list from.

    Each error is (row number, header, reason); a reason that is a key of REASONS is
    written as its Vietnamese text. Text is neutralised, as headers come from the file.
    """
    _columns(kind)
    title = "DANH SÁCH LỖI KHI NHẬP TỆP ĐĂNG KÝ " + _KIND_LABELS[kind].upper()
    wb, ws = _write_only("Lỗi", title, ["Dòng", "Cột", "Lý do"], [8, 28, 90])
    for number, header, reason in errors:
        ws.append([number, neutralise(header), neutralise(REASONS.get(reason, reason))])
    return _save(wb)


def export_rows(
    title: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
) -> bytes:
    """An .xlsx for the officers' paper record, written as a stream.

    `columns` are (field, header) pairs; the header is written, the field only names the
    column for the caller. Every text cell is neutralised against formula injection.
    """
    headers = [header for _field, header in columns]
    wb, ws = _write_only("Danh sách", title, headers, [_width([h]) for h in headers])
    for row in rows:
        ws.append([neutralise(value) for value in row])
    return _save(wb)


__all__ = [
    "COLUMNS",
    "REASONS",
    "SUBJECT_KINDS",
    "Column",
    "SheetRow",
    "SheetRows",
    "SpreadsheetError",
    "error_report",
    "export_rows",
    "header_of",
    "neutralise",
    "read_rows",
    "template",
]
