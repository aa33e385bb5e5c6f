"""Realistic commune lists for tests and benchmarks: what an officer hands in.

A title row, a two-level merged header, an STT column, Vietnamese names typed every which way,
phones stored as numbers, birth years as text, a few bad rows, and a "Tổng cộng" row.
"""

from __future__ import annotations

import io
import random
import unicodedata

from openpyxl import Workbook

FAMILY_NAMES = (
    "Nguyễn",
    "Hoàng",
    "Lý",
    "Nông",
    "Vi",
    "Lương",
    "Hà",
    "Triệu",
    "Lộc",
    "Đinh",
    "Trần",
    "Phạm",
    "Lê",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
)
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Ngọc", "Quang", "Thu", "Xuân")
GIVEN_NAMES = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hoa",
    "Hùng",
    "Lan",
    "Mai",
    "Nam",
    "Phúc",
    "Quyết",
    "Sơn",
    "Tâm",
    "Thắng",
    "Tuấn",
    "Vân",
    "Yến",
    "Đạt",
    "Hạnh",
    "Khánh",
)
HAMLETS = (
    "Khối 1",
    "Khối 2",
    "Khối 3",
    "Khối 4",
    "Khối 5",
    "Thôn Nà Pàn",
    "Thôn Pò Nhùng",
    "Thôn Bản Ngà",
    "Thôn Tồng Riềng",
    "Thôn Cốc Lùng",
)

CAPACITY = (len(FAMILY_NAMES) * len(MIDDLE_NAMES) * len(GIVEN_NAMES) ** 2 * len(HAMLETS)) // 2


def household_list(rows: int, bad_every: int = 0, seed: int = 2024) -> tuple[bytes, int]:
    """An .xlsx of ``rows`` households; every ``bad_every``-th row is broken (an empty name, a
    year that is not a year, a phone that is not one, in turn). Returns (file, bad rows)."""
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP NĂM 2024"])
    sheet.append(["Thị trấn Đồng Đăng, huyện Cao Lộc, tỉnh Lạng Sơn"])
    sheet.append(
        [
            "STT",
            "Thông tin chủ hộ",
            None,
            "Thôn/Tổ dân phố",
            "Số điện thoại",
            "Số nhân khẩu",
            "Số người đang đi học",
        ]
    )
    sheet.append([None, "Họ và tên", "Năm sinh", None, None, None, None])
    bad = 0
    seen: set[tuple[str, str]] = set()
    for number in range(1, rows + 1):
        name, hamlet = _unique_household(rng, seen)
        if rng.random() < 0.2:  # typed in decomposed Unicode, with stray spaces
            name = "  " + unicodedata.normalize("NFD", name) + " "
        year: object = rng.randint(1950, 1995)
        if rng.random() < 0.3:
            year = str(year)  # a number stored as text
        phone: object = int(f"9{rng.randint(10_000_000, 99_999_999)}")  # the leading 0 lost
        if bad_every and number % bad_every == 0:
            bad += 1
            kind = (number // bad_every) % 3
            if kind == 0:
                name = ""
            elif kind == 1:
                year = "19x5"
            else:
                phone = "12345"
        sheet.append([number, name, year, hamlet, phone, rng.randint(2, 8), rng.randint(0, 3)])
    sheet.append(["Tổng cộng", None, None, None, None, None, None])
    book.properties.title = "Danh sách đăng ký"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), bad


def _unique_household(rng: random.Random, seen: set[tuple[str, str]]) -> tuple[str, str]:
    """A head of household and hamlet not drawn before (the pair identifies a household)."""
    if len(seen) >= CAPACITY:
        raise ValueError(f"at most {CAPACITY} distinct households can be generated")
    while True:
        name = " ".join(
            (
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_NAMES),
                rng.choice(GIVEN_NAMES),
                rng.choice(GIVEN_NAMES),
            )
        )
        pair = (name, rng.choice(HAMLETS))
        if pair not in seen:
            seen.add(pair)
            return pair
