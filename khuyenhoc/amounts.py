"""Amounts of đồng in Vietnamese words, as receipts and statements write them ("Bằng chữ: Một
triệu hai trăm nghìn đồng"). Pure, standard library only.

The usual rules of the written form: groups of three digits named nghìn, triệu, tỷ (then nghìn
tỷ, triệu tỷ, tỷ tỷ); a zero group is skipped; a group after the first is read in full with
"không trăm" (1 005 → "một nghìn không trăm linh năm"); a zero ten before a unit is "linh";
one after twenty and above is "mốt", five after ten and above is "lăm"; ten is "mười", the other
tens "… mươi".
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ")
MAX_WORDED = 10 ** (3 * len(SCALES)) - 1


def _group(value: int, full: bool) -> list[str]:
    """Words of a group 0..999; ``full``: not the leading group, so its hundreds and a zero ten
    are read ("không trăm linh năm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    """A whole number ≥ 0 in lower-case Vietnamese words: 2015000000 → "hai tỷ không trăm
    mười lăm triệu"."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("a whole number is expected")
    if not 0 <= number <= MAX_WORDED:
        raise ValueError(f"out of range: {number}")
    if number == 0:
        return DIGITS[0]
    groups: list[int] = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _group(value, full=index < len(groups) - 1)
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """An amount of đồng as written on a receipt: "Một triệu hai trăm nghìn đồng"."""
    text = number_in_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"
