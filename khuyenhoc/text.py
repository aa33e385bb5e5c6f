"""Vietnamese text handling: NFC storage and diacritics-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """The stored form of user text: NFC, trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_key(text: str) -> str:
    """Lower-case, diacritics-free form, so "Dong Dang" matches "Đồng Đăng" in any normal form.

    "đ" is a letter of its own, not a decomposable "d" + mark, so it is mapped explicitly.
    """
    decomposed = unicodedata.normalize("NFD", clean(text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def initials(name: str) -> str:
    """How a person is named in public where the province asks for initials: "Nguyễn Văn An"
    → "N.V.A." (diacritics kept: "Đặng Thị Ánh" → "Đ.T.Á.")."""
    parts = clean(name).split(" ")
    return "".join(unicodedata.normalize("NFC", p[0].upper()) + "." for p in parts if p)


# C0 control characters but tab, line feed and carriage return, and DEL: never user text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character that no name or note may hold (NUL, BEL,
    ESC…); tab and line breaks are allowed."""
    return _CONTROL.search(text) is not None
