"""Cell values as officers type them: numbers typed as text, phones typed as numbers,
formulas without values, error cells."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from khuyenhoc.text import clean
from services.registration.lists.columns import Column
from services.registration.lists.matching import (
    CHOICE_LOOKUP,
    INVISIBLE,
    INVISIBLE_CHARS,
    match_key,
)


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


def convert(kind: str, column: Column, raw: object) -> tuple[object, str | None]:
    """(value, problem key): the typed value, or None and why it could not be read."""
    if raw is FORMULA_WITHOUT_VALUE:
        return None, "formula_without_value"
    if isinstance(raw, ErrorValue):
        return None, "formula_error"
    if raw is None:
        return None, None
    if isinstance(raw, str):
        raw = as_text(raw)
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
        choice = CHOICE_LOOKUP[kind, column.field].get(match_key(_text_of(raw)))
        return (choice, None) if choice else (None, "bad_choice")
    raise AssertionError(f"unknown value type {column.value!r}")


def is_blank(raw: object) -> bool:
    if not isinstance(raw, str):
        return raw is None
    text = raw.strip()
    return not text or (text[0] in INVISIBLE_CHARS and not INVISIBLE.sub("", text).strip())
