"""Households of Lạng Sơn for the year-end wave: N households spread over the province's real
communes (the directory the platform loads for province "20"), as the communes hand them in.

- Uneven sizes: wards and towns (phường, thị trấn) weigh several times a rural commune (xã),
  and every commune gets its own random factor; the shares add up to N exactly.
- Vietnamese names with diacritics (Tày, Nùng and Kinh family names), hamlets named as they are
  (khối in wards and towns, thôn and bản in communes).
- 5–10% invalid rows (``invalid_share``, default 7%): a missing name, a birth year that is not
  one, a phone that is not one; 1% duplicates (``duplicate_share``) of a valid household typed
  differently (case, spacing, decomposed Unicode NFD instead of NFC, or without diacritics).
- Deterministic: the same (N, seed) gives the same households and the same files.

What the platform should count is known here: a commune's valid unique households
(:attr:`Commune.expected`), which the wave checks exactly at every level.
"""

from __future__ import annotations

import io
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook

from khuyenhoc.text import clean, search_key

PROVINCE = "20"
YEAR = 2024

FAMILY_NAMES = (
    "Hoàng",
    "Nông",
    "Lương",
    "Vi",
    "Lăng",
    "Chu",
    "Lục",
    "Mã",
    "Hà",
    "Triệu",
    "Lộc",
    "Đinh",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Vũ",
    "Đặng",
    "Bế",
    "Dương",
    "Lý",
    "Đàm",
    "Hứa",
    "Tô",
)
MIDDLE_NAMES = (
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Thanh",
    "Hữu",
    "Ngọc",
    "Quang",
    "Thu",
    "Xuân",
    "Kim",
    "Bích",
)
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
    "Lợi",
    "Chiến",
    "Thảo",
    "Nhung",
    "Phương",
    "Giang",
    "Huyền",
    "Toàn",
)
VILLAGE_NAMES = (
    "Nà Pàn",
    "Pò Nhùng",
    "Bản Ngà",
    "Tồng Riềng",
    "Cốc Lùng",
    "Khòn Pổ",
    "Nà Sla",
    "Pác Khuông",
    "Khuổi Mạ",
    "Bó Củng",
    "Nà Tèo",
    "Phai Xả",
    "Còn Quan",
    "Lũng Vài",
    "Bản Piầng",
    "Nà Lình",
)
INVALID_KINDS = ("missing_name", "bad_year", "bad_phone")
DUPLICATE_KINDS = ("case", "spacing", "nfd", "no_diacritics")
HEADERS = (
    "STT",
    "Thông tin chủ hộ",
    None,
    "Thôn/Tổ dân phố",
    "Số điện thoại",
    "Số nhân khẩu",
    "Số người đang đi học",
)


@dataclass(frozen=True)
class Row:
    """One row of a commune's list as typed; ``kind`` is "valid", "duplicate" or an invalid
    kind; ``key`` is the household it names (None for an invalid row)."""

    name: str
    birth_year: object
    hamlet: str
    phone: object
    size: int
    learners: int
    kind: str = "valid"

    @property
    def valid(self) -> bool:
        return self.kind in ("valid", "duplicate")

    @property
    def key(self) -> tuple[str, str]:
        return (search_key(self.name), search_key(self.hamlet))


@dataclass
class Commune:
    code: str
    name: str
    district: str  # the district's code
    path: str  # "20/178/05980"
    town: bool  # a ward or a town (phường, thị trấn)
    rows: list[Row] = field(default_factory=list)

    @property
    def expected(self) -> int:
        """Households the platform should register: valid rows, each household once."""
        return sum(1 for row in self.rows if row.kind == "valid")

    @property
    def invalid(self) -> int:
        return sum(1 for row in self.rows if not row.valid)

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.kind == "duplicate")

    @property
    def with_phone(self) -> int:
        """Valid households with a phone (they get an SMS when recognised)."""
        return sum(1 for row in self.rows if row.kind == "valid" and row.phone is not None)

    def xlsx(self) -> bytes:
        return list_file(self)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent_code: str | None
    path: str


def lang_son_units() -> list[Unit]:
    """The real hierarchy of Lạng Sơn (2024 scheme): province, districts, communes."""
    from services.registration.directory.source import province_units  # noqa: PLC0415

    return [
        Unit(u.code, u.name, u.level, u.parent_code, u.path)
        for u in province_units(PROVINCE, "2024")
    ]


def is_town(name: str) -> bool:
    return name.startswith(("Phường", "Thị trấn"))


def shares(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(x) for x in raw]
    left = total - sum(parts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[:left]:
        parts[i] += 1
    return parts


def hamlets(commune: Commune, rng: random.Random, households: int) -> list[str]:
    """The commune's hamlets: about one per 80-150 households, at least 3."""
    count = max(3, min(40, households // rng.randint(80, 150)))
    if commune.town:
        return [f"Khối {n}" for n in range(1, count + 1)]
    names = []
    villages = list(VILLAGE_NAMES)
    rng.shuffle(villages)
    for n in range(count):
        base = villages[n % len(villages)]
        suffix = f" {n // len(villages) + 1}" if n >= len(villages) else ""
        names.append(f"{rng.choice(('Thôn', 'Bản'))} {base}{suffix}")
    return names


def _name(rng: random.Random) -> str:
    return " ".join(
        (
            rng.choice(FAMILY_NAMES),
            rng.choice(MIDDLE_NAMES),
            rng.choice(GIVEN_NAMES),
            rng.choice(GIVEN_NAMES),
        )
    )


def _phone(rng: random.Random) -> object:
    """A phone as typed: mostly a number that lost its leading 0, some text; 15% none."""
    if rng.random() < 0.15:
        return None
    digits = f"9{rng.randint(10_000_000, 99_999_999)}"
    return int(digits) if rng.random() < 0.7 else "0" + digits


def _year(rng: random.Random) -> object:
    year = rng.randint(1950, 1998)
    return str(year) if rng.random() < 0.3 else year


def retyped(name: str, how: str) -> str:
    """The same name typed differently: what makes a duplicate row."""
    if how == "case":
        return name.upper() if len(name) % 2 else name.lower()
    if how == "spacing":
        return "  " + name.replace(" ", "   ") + " "
    if how == "nfd":
        return unicodedata.normalize("NFD", name)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch)
    )
    return unicodedata.normalize("NFC", stripped.replace("Đ", "D").replace("đ", "d"))


def generate(
    households: int,
    seed: int = 2024,
    invalid_share: float = 0.07,
    duplicate_share: float = 0.01,
    units: Sequence[Unit] | None = None,
) -> list[Commune]:
    """``households`` valid unique households over Lạng Sơn's communes, with invalid and
    duplicate rows on top (so a list has about ``households / (1 - shares)`` rows)."""
    if not 0 <= invalid_share < 0.5 or not 0 <= duplicate_share < 0.5:
        raise ValueError("shares must be in [0, 0.5)")
    rng = random.Random(seed)
    units = list(units) if units is not None else lang_son_units()
    parents = {u.code: u for u in units}
    communes = [
        Commune(u.code, u.name, u.parent_code or "", u.path, is_town(u.name))
        for u in units
        if u.level == "commune"
    ]
    weights = [(5.0 if c.town else 1.0) * rng.lognormvariate(0, 0.45) for c in communes]
    counts = shares(households, weights)
    # the shares hold over the province, however small the communes' lists
    duplicates = shares(round(households * duplicate_share), counts)
    invalid = shares(round(households * invalid_share / (1 - invalid_share)), counts)
    for n, commune in enumerate(communes):
        assert commune.district in parents
        _fill(commune, counts[n], rng, invalid[n], min(duplicates[n], counts[n]))
    return communes


def _fill(
    commune: Commune,
    count: int,
    rng: random.Random,
    invalid: int,
    duplicates: int,
) -> None:
    names = hamlets(commune, rng, count)
    seen: set[tuple[str, str]] = set()
    valid: list[Row] = []
    for _ in range(count):
        while True:
            row = Row(
                _name(rng),
                _year(rng),
                rng.choice(names),
                _phone(rng),
                rng.randint(2, 8),
                rng.randint(0, 3),
            )
            if row.key not in seen:
                seen.add(row.key)
                valid.append(row)
                break
    rows = list(valid)
    for n, original in enumerate(rng.sample(valid, duplicates)):
        how = DUPLICATE_KINDS[n % len(DUPLICATE_KINDS)]
        copy = Row(
            retyped(original.name, how),
            original.birth_year,
            original.hamlet,
            original.phone,
            original.size,
            original.learners,
            "duplicate",
        )
        rows.insert(rng.randint(rows.index(original) + 1, len(rows)), copy)
    for n in range(invalid):
        how = INVALID_KINDS[n % len(INVALID_KINDS)]
        name, year, phone = _name(rng), _year(rng), _phone(rng)
        if how == "missing_name":
            name = ""
        elif how == "bad_year":
            year = rng.choice(("19x5", "197x", "1x80"))
        else:
            phone = rng.choice(("12345", "0912", "98765"))
        row = Row(name, year, rng.choice(names), phone, rng.randint(2, 8), 0, how)
        rows.insert(rng.randint(0, len(rows)), row)
    commune.rows = rows


def list_file(commune: Commune) -> bytes:
    """The commune's list as its officer hands it in (.xlsx): a title, a two-level header, an
    STT column, numbers typed as text and the other way round, a "Tổng cộng" row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append([f"DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP NĂM {YEAR}"])
    sheet.append([f"{commune.name}, tỉnh Lạng Sơn"])
    sheet.append(list(HEADERS))
    sheet.append([None, "Họ và tên", "Năm sinh", None, None, None, None])
    for number, row in enumerate(commune.rows, start=1):
        sheet.append(
            [number, row.name, row.birth_year, row.hamlet, row.phone, row.size, row.learners]
        )
    sheet.append(["Tổng cộng", None, None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def totals(communes: Sequence[Commune]) -> dict[str, int]:
    return {
        "communes": len(communes),
        "rows": sum(len(c.rows) for c in communes),
        "households": sum(c.expected for c in communes),
        "invalid": sum(c.invalid for c in communes),
        "duplicates": sum(c.duplicates for c in communes),
        "with_phone": sum(c.with_phone for c in communes),
    }


def stored_name(text: str) -> str:
    """How the platform keeps a typed name (NFC, spaces collapsed)."""
    return clean(text)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    arguments = parser.parse_args()
    made = generate(arguments.households, arguments.seed)
    print(totals(made))
    biggest = sorted(made, key=lambda c: -c.expected)[:5]
    print([(c.name, c.expected) for c in biggest])
