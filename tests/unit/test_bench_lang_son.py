"""The wave's household generator: Lạng Sơn's real communes, exact shares of invalid and
duplicate rows, duplicates that are the same household typed differently, determinism."""

import io
import unicodedata

from openpyxl import load_workbook

from bench.lang_son import (
    INVALID_KINDS,
    generate,
    lang_son_units,
    list_file,
    retyped,
    shares,
    totals,
)
from khuyenhoc.text import search_key


def test_shares_add_up_exactly_and_follow_the_weights():
    parts = shares(1000, [1.0, 2.0, 7.0])
    assert parts == [100, 200, 700]
    assert sum(shares(997, [0.3, 1.1, 2.5, 0.01])) == 997
    assert shares(0, [1.0, 1.0]) == [0, 0]


def test_households_spread_over_every_real_commune_with_wards_bigger():
    units = lang_son_units()
    communes = generate(5000, seed=7, units=units)
    assert len(communes) == sum(1 for u in units if u.level == "commune") == 194
    assert sum(c.expected for c in communes) == 5000
    towns = [c.expected for c in communes if c.town]
    villages = [c.expected for c in communes if not c.town]
    assert towns and villages
    assert sum(towns) / len(towns) > 2 * sum(villages) / len(villages)
    assert len({c.expected for c in communes}) > 20  # uneven, not one size


def test_invalid_and_duplicate_shares():
    communes = generate(10_000, seed=3)
    made = totals(communes)
    assert made["households"] == 10_000
    assert 0.05 <= made["invalid"] / made["rows"] <= 0.10
    assert made["duplicates"] == 100  # 1%
    kinds = {row.kind for c in communes for row in c.rows}
    assert set(INVALID_KINDS) <= kinds


def test_every_valid_household_is_distinct_and_every_duplicate_names_one_of_them():
    for commune in generate(3000, seed=11):
        valid = [row.key for row in commune.rows if row.kind == "valid"]
        assert len(valid) == len(set(valid)) == commune.expected
        for row in commune.rows:
            if row.kind == "duplicate":
                assert row.key in set(valid)
            if row.kind == "missing_name":
                assert row.name == ""


def test_duplicates_are_typed_differently():
    name = "Nông Thị Đặng Hạnh"
    for how in ("case", "spacing", "nfd", "no_diacritics"):
        other = retyped(name, how)
        assert other != name
        assert search_key(other) == search_key(name)
    assert unicodedata.is_normalized("NFD", retyped(name, "nfd"))


def test_names_and_hamlets_are_vietnamese():
    communes = generate(2000, seed=5)
    names = [row.name for c in communes for row in c.rows if row.kind == "valid"]
    assert any(any(ord(ch) > 127 for ch in n) for n in names)
    hamlets = {row.hamlet.split()[0] for c in communes for row in c.rows}
    assert {"Khối", "Thôn", "Bản"} <= hamlets


def test_the_same_seed_gives_the_same_lists():
    first, again, other = generate(1500, seed=9), generate(1500, seed=9), generate(1500, seed=10)
    assert [c.rows for c in first] == [c.rows for c in again]
    assert [c.rows for c in first] != [c.rows for c in other]


def test_a_commune_file_holds_every_row_under_a_two_level_header():
    commune = max(generate(800, seed=1), key=lambda c: len(c.rows))
    book = load_workbook(io.BytesIO(list_file(commune)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[2][1] == "Thông tin chủ hộ" and rows[3][1] == "Họ và tên"
    data = rows[4:-1]
    assert len(data) == len(commune.rows)
    assert rows[-1][0] == "Tổng cộng"
