"""SMS text rules: which alphabet a text needs and how many segments it costs.

GSM 03.38 (7-bit): 160 characters in one segment, 153 per segment of a longer message; the
extension characters (``^{}[]~|\\€`` and form feed) take two septets and an escape is never
split across segments. Anything else (Vietnamese with diacritics) is UCS-2: 70 UTF-16 code
units in one segment, 67 per segment of a longer one, a surrogate pair never split. A province
may choose the unaccented variant (diacritics removed, đ → d) to pay for half the segments.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = "GSM7", "UCS2"
SINGLE = {GSM7: 160, UCS2: 70}
MULTIPART = {GSM7: 153, UCS2: 67}

# Typographic characters with a plain GSM-7 stand-in, used by the unaccented variant.
_PLAIN = str.maketrans(
    {"đ": "d", "Đ": "D", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}
)


@dataclass(frozen=True)
class Segments:
    encoding: str  # GSM7 or UCS2
    count: int
    units: int  # septets (GSM7) or UTF-16 code units (UCS2)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _cost(ch: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def segments(text: str) -> Segments:
    """The encoding the text needs and its segment count (a character is never split)."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    units = sum(_cost(ch, encoding) for ch in text)
    if units <= SINGLE[encoding]:
        return Segments(encoding, 1 if text else 0, units)
    count, used = 1, 0
    for ch in text:
        cost = _cost(ch, encoding)
        if used + cost > MULTIPART[encoding]:
            count, used = count + 1, 0
        used += cost
    return Segments(encoding, count, units)


def unaccented(text: str) -> str:
    """Vietnamese without diacritics ("Gia đình học tập" → "Gia dinh hoc tap"), GSM-7 where
    the text allows; what has no stand-in is kept (and then the text stays UCS-2)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)
