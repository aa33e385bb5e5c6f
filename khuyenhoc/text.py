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
