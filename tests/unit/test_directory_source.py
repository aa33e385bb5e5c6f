"""The official unit list that seeds a province's directory, checked against Lạng Sơn (code 20)."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from services.registration.directory.source import (
    SCHEMES,
    UnitRecord,
    UnknownProvince,
    province_codes,
    province_units,
)

LANG_SON = "20"
# The count in vietnamadminunits 1.0.4's pre-reform list (state just before 1 July 2025).
LANG_SON_COMMUNES_2024 = 194
LANG_SON_COMMUNES_2025 = 65


def by_code(units: list[UnitRecord]) -> dict[str, UnitRecord]:
    return {unit.code: unit for unit in units}


@pytest.fixture(scope="module")
def lang_son() -> list[UnitRecord]:
    return province_units(LANG_SON)


@pytest.fixture(scope="module")
def lang_son_2025() -> list[UnitRecord]:
    return province_units(LANG_SON, scheme="2025")


def test_lang_son_2024_levels(lang_son: list[UnitRecord]) -> None:
    levels = Counter(unit.level for unit in lang_son)
    assert levels["province"] == 1
    assert levels["district"] == 11
    assert levels["commune"] == LANG_SON_COMMUNES_2024
    assert 180 <= levels["commune"] <= 230
    assert set(levels) == {"province", "district", "commune"}


def test_lang_son_province_record(lang_son: list[UnitRecord]) -> None:
    assert lang_son[0] == UnitRecord("20", "Tỉnh Lạng Sơn", "province", None, "20")


def test_dong_dang_and_cao_loc(lang_son: list[UnitRecord]) -> None:
    units = by_code(lang_son)
    assert units["183"] == UnitRecord("183", "Huyện Cao Lộc", "district", "20", "20/183")
    assert units["06184"] == UnitRecord(
        "06184", "Thị trấn Đồng Đăng", "commune", "183", "20/183/06184"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_paths_codes_and_order(scheme: str) -> None:
    units = province_units(LANG_SON, scheme)
    codes = [unit.code for unit in units]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for unit in units:
        parts = unit.path.split("/")
        assert parts[0] == LANG_SON
        assert parts[-1] == unit.code
        assert unit.parent_code == (parts[-2] if len(parts) > 1 else None)
        assert unit.parent_code is None or unit.parent_code in seen  # parents precede children
        seen.add(unit.code)
    assert units == province_units(LANG_SON, scheme)  # deterministic


@pytest.mark.parametrize("scheme", SCHEMES)
def test_code_widths(scheme: str) -> None:
    widths = {"province": 2, "district": 3, "commune": 5}
    for code, _name in province_codes(scheme):
        for unit in province_units(code, scheme):
            assert len(unit.code) == widths[unit.level] and unit.code.isdigit(), unit


@pytest.mark.parametrize("scheme", SCHEMES)
def test_names_are_nfc_and_trimmed(scheme: str) -> None:
    for code, name in province_codes(scheme):
        assert name == unicodedata.normalize("NFC", name).strip()
        for unit in province_units(code, scheme):
            assert unit.name == unicodedata.normalize("NFC", unit.name).strip(), unit
            assert "  " not in unit.name


def test_type_prefix_spelling_is_canonical() -> None:
    # The dataset spells a few prefixes "Thành Phố" / "Thị Xã" / "Thị Trấn".
    names = [unit.name for code, _ in province_codes() for unit in province_units(code)]
    assert not [name for name in names if name.startswith(("Thành Phố", "Thị Xã", "Thị Trấn"))]
    assert "Thành phố Bắc Kạn" in {unit.name for unit in province_units("06")}


def test_province_counts() -> None:
    assert len(province_codes("2024")) == 63
    assert len(province_codes("2025")) == 34
    assert ("20", "Tỉnh Lạng Sơn") in province_codes("2024")
    assert ("20", "Tỉnh Lạng Sơn") in province_codes("2025")
    assert province_codes() == sorted(province_codes())


def test_lang_son_2025_has_no_district_level(lang_son_2025: list[UnitRecord]) -> None:
    levels = Counter(unit.level for unit in lang_son_2025)
    assert levels == {"province": 1, "commune": LANG_SON_COMMUNES_2025}
    for unit in lang_son_2025[1:]:
        assert unit.parent_code == LANG_SON
        assert unit.path == f"{LANG_SON}/{unit.code}"


def test_lang_son_2025_uses_final_codes(lang_son_2025: list[UnitRecord]) -> None:
    units = by_code(lang_son_2025)
    assert units["06184"].name == "Xã Đồng Đăng"
    # The government's draft list numbered these 06193 and 06214; the final list does not.
    assert units["06211"].name == "Xã Cao Lộc"
    assert units["06124"].name == "Xã Na Sầm"
    assert not {"06193", "06214"} & set(units)


def test_results_are_copies(lang_son: list[UnitRecord]) -> None:
    province_units(LANG_SON).clear()
    assert len(province_units(LANG_SON)) == len(lang_son)


def test_code_normalisation() -> None:
    assert province_units(" 20 ") == province_units("20")
    assert province_units("2")[0].code == "02"


@pytest.mark.parametrize("code", ["99", "", "abc", "200", "03"])
def test_unknown_province(code: str) -> None:
    with pytest.raises(UnknownProvince, match="no province"):
        province_units(code)


def test_province_merged_away_in_2025_is_unknown() -> None:
    province_units("02", "2024")  # Hà Giang existed before the reform...
    with pytest.raises(UnknownProvince):
        province_units("02", "2025")  # ...and was merged into Tuyên Quang


@pytest.mark.parametrize("scheme", ["2023", "", "legacy"])
def test_unknown_scheme(scheme: str) -> None:
    with pytest.raises(UnknownProvince, match="unknown scheme"):
        province_units(LANG_SON, scheme)
    with pytest.raises(UnknownProvince, match="unknown scheme"):
        province_codes(scheme)


def test_unknown_province_is_a_lookup_error() -> None:
    assert issubclass(UnknownProvince, LookupError)
