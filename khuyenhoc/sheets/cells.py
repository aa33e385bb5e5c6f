"""Cell values as officers type them: numbers typed as text, phones typed as numbers, dates
typed as text, formulas without values, error cells."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from khuyenhoc.sheets.columns import INVISIBLE, INVISIBLE_CHARS, Column, Layout, match_key
from khuyenhoc.text import clean


class _FormulaWithoutValue:
    """A formula cell saved without its computed value (written by a program, never opened)."""

    def __repr__(self) -> str:
        return "<formula without value>"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error result such as #N/A: not text, even though openpyxl gives it as text."""

    code: str


Cells = dict[int, object]  # 1-based column -> raw value, sparse


def as_text(raw: object) -> str:
    if isinstance(raw, str):
        return clean(INVISIBLE.sub("", raw))
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == time(0):
        return raw.date().isoformat()
    if isinstance(raw, date | datetime):
        return raw.isoformat()
    return clean(str(raw))


def _text_of(raw: object) -> str:
    """Text already cleaned by convert stays as it is."""
    return raw if isinstance(raw, str) else as_text(raw)


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


_DECIMAL_TEXT = re.compile(r"([+-]?\d+)(?:[.,](\d+))?")
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")  # "1.000": a thousand, or one?


def _as_number(raw: object) -> tuple[float | int | None, str | None]:
    if isinstance(raw, bool):
        return None, "not_a_decimal"
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float | Decimal):
        number = float(raw)
        return (number, None) if math.isfinite(number) else (None, "not_a_decimal")
    text = _text_of(raw).replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        return None, "ambiguous_number"
    match = _DECIMAL_TEXT.fullmatch(text)
    if not match:
        return None, "not_a_decimal"
    whole, fraction = match.groups()
    if fraction is None:
        return int(whole), None
    return float(f"{whole}.{fraction}"), None


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


_YES = frozenset({"co", "x", "dong y", "dat", "1", "yes", "true"})
_NO = frozenset({"khong", "khong dong y", "chua dat", "0", "no", "false", "k", "ko"})
_TICKS = frozenset("xX✓✔☑")


def _as_bool(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = _text_of(raw)
    if text in _TICKS:
        return True
    key = match_key(text)
    return True if key in _YES else False if key in _NO else None


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_WORDS = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def _as_date(raw: object) -> date | None:
    """A date as Excel stores it, or as officers type it: 05/03/2024, 5-3-2024, 2024-03-05,
    "ngày 05 tháng 3 năm 2024" (day first, the Vietnamese order, never month first)."""
    if isinstance(raw, datetime):
        found: date = raw.date()
    elif isinstance(raw, date):
        found = raw
    else:
        text = _text_of(raw)
        parts: tuple[str, str, str] | None = None
        if match := _DMY.fullmatch(text):
            parts = (match.group(3), match.group(2), match.group(1))
        elif match := _YMD.fullmatch(text):
            parts = (match.group(1), match.group(2), match.group(3))
        elif match := _WORDS.fullmatch(match_key(text)):
            parts = (match.group(3), match.group(2), match.group(1))
        if parts is None:
            return None
        try:
            found = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None
    return found if 1900 <= found.year <= 2100 else None


def _convert(table: Layout, column: Column, raw: object) -> tuple[object, str | None]:
    parse = column.parse
    if not isinstance(parse, str):
        return parse(raw)
    if parse == "text":
        text = _text_of(raw)
        return (text, None) if len(text) <= column.max_length else (None, "too_long")
    if parse == "int":
        number = _as_int(raw)
        return (number, None) if number is not None else (None, "not_a_number")
    if parse == "number":
        return _as_number(raw)
    if parse == "year":
        number = _as_int(raw)
        return (
            (number, None)
            if number is not None and 1900 <= number <= 2100
            else (None, "not_a_year")
        )
    if parse == "phone":
        phone = _as_phone(raw)
        return (phone, None) if phone else (None, "bad_phone")
    if parse == "digits":
        digits = _as_digits(raw)
        return (digits, None) if digits else (None, "bad_digits")
    if parse == "bool":
        flag = _as_bool(raw)
        return (flag, None) if flag is not None else (None, "not_a_bool")
    if parse == "date":
        day = _as_date(raw)
        return (day, None) if day else (None, "not_a_date")
    if parse == "choice":
        choice = table.choices[column.field].get(match_key(_text_of(raw)))
        return (choice, None) if choice else (None, "bad_choice")
    raise AssertionError(f"unknown parse {parse!r}")


def convert(table: Layout, column: Column, raw: object) -> tuple[object, str | None]:
    """(value, problem key): the typed value, or None and why it could not be read."""
    if raw is FORMULA_WITHOUT_VALUE:
        return None, "formula_without_value"
    if isinstance(raw, ErrorValue):
        return None, "formula_error"
    if raw is not None and isinstance(raw, str):
        raw = as_text(raw)
    if raw is None or raw == "":
        return None, ("missing_value" if column.filled else None)
    return _convert(table, column, raw)


def is_blank(raw: object) -> bool:
    if not isinstance(raw, str):
        return raw is None
    text = raw.strip()
    return not text or (text[0] in INVISIBLE_CHARS and not INVISIBLE.sub("", text).strip())
