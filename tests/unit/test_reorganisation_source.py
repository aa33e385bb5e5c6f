"""The 1 July 2025 old->new commune mapping, checked against real mergers and both unit lists."""

from __future__ import annotations

import datetime
import unicodedata

import pytest

from services.registration.directory.reorganisation_source import (
    REORGANISATION_DATE,
    Merger,
    UnknownProvince,
    province_mergers,
    successors_of,
)
from services.registration.directory.source import UnitRecord, province_codes, province_units

LANG_SON = "20"
# Counts measured on vietnamadminunits 1.0.4's converter_2025.json.
COMMUNES_2025 = 3321
OLD_COMMUNES = 10035
SPLIT_OLD_COMMUNES = 471
# The five commune-less island districts that became special zones whole: (district, đặc khu).
ISLAND_DISTRICTS = {
    "318": "11948",  # Bạch Long Vĩ (Hải Phòng)
    "471": "19742",  # Cồn Cỏ (Quảng Trị)
    "498": "20333",  # Hoàng Sa (Đà Nẵng)
    "536": "21548",  # Lý Sơn (Quảng Ngãi)
    "755": "26732",  # Côn Đảo (Bà Rịa - Vũng Tàu -> Hồ Chí Minh)
}


@pytest.fixture(scope="module")
def all_mergers() -> list[Merger]:
    return [m for code, _ in province_codes("2025") for m in province_mergers(code)]


@pytest.fixture(scope="module")
def old_units() -> dict[str, UnitRecord]:
    return {u.code: u for code, _ in province_codes("2024") for u in province_units(code, "2024")}


@pytest.fixture(scope="module")
def new_units() -> dict[str, UnitRecord]:
    return {u.code: u for code, _ in province_codes("2025") for u in province_units(code, "2025")}


def merger(province: str, successor: str) -> Merger:
    return next(m for m in province_mergers(province) if m.successor_code == successor)


def test_date() -> None:
    assert datetime.date(2025, 7, 1) == REORGANISATION_DATE


def test_lang_son_dong_kinh(old_units: dict[str, UnitRecord]) -> None:
    # Phường Đông Kinh: three units of old Lạng Sơn city (178) plus Yên Trạch of Cao Lộc (183).
    dong_kinh = merger(LANG_SON, "05977")
    assert dong_kinh == Merger(
        successor_code="05977",
        successor_name="Phường Đông Kinh",
        predecessor_codes=("05977", "05980", "05992", "06247"),
        province_code="20",
        old_province_codes=("20",),
        partial_predecessor_codes=(),
    )
    names = {code: old_units[code].name for code in dong_kinh.predecessor_codes}
    assert names == {
        "05977": "Phường Vĩnh Trại",
        "05980": "Phường Đông Kinh",
        "05992": "Xã Mai Pha",
        "06247": "Xã Yên Trạch",
    }
    paths = [old_units[code].path for code in dong_kinh.predecessor_codes]
    assert paths == ["20/178/05977", "20/178/05980", "20/178/05992", "20/183/06247"]


def test_lang_son_cao_loc(old_units: dict[str, UnitRecord]) -> None:
    cao_loc = merger(LANG_SON, "06211")
    assert cao_loc.successor_name == "Xã Cao Lộc"
    assert cao_loc.predecessor_codes == ("06193", "06199", "06211")
    names = [old_units[code].name for code in cao_loc.predecessor_codes]
    assert names == ["Xã Thanh Lòa", "Xã Thạch Đạn", "Xã Lộc Yên"]
    assert all(old_units[code].parent_code == "183" for code in cao_loc.predecessor_codes)


def test_lang_son_predecessors_are_old_lang_son(old_units: dict[str, UnitRecord]) -> None:
    mergers = province_mergers(LANG_SON)
    assert len(mergers) == 65
    assert all(len(m.predecessor_codes) >= 2 for m in mergers)
    for m in mergers:
        assert m.province_code == LANG_SON and m.old_province_codes == (LANG_SON,)
        assert all(old_units[code].path.startswith("20/") for code in m.predecessor_codes)


def test_split_commune_bính_xá() -> None:
    # Xã Bính Xá (Đình Lập) was divided between Xã Đình Lập and Xã Kiên Mộc.
    assert successors_of("06622") == ["06613", "06625"]
    for successor in ("06613", "06625"):
        m = merger(LANG_SON, successor)
        assert "06622" in m.partial_predecessor_codes
    assert successors_of("06184") == ["06184"]  # Thị trấn Đồng Đăng went whole into Xã Đồng Đăng


def test_every_predecessor_is_a_pre_2025_unit(
    all_mergers: list[Merger], old_units: dict[str, UnitRecord]
) -> None:
    for m in all_mergers:
        assert m.predecessor_codes, m
        for code in m.predecessor_codes:
            unit = old_units[code]
            expected = "district" if code in ISLAND_DISTRICTS else "commune"
            assert unit.level == expected, (m, unit)
        provinces = {old_units[code].path[:2] for code in m.predecessor_codes}
        assert m.old_province_codes == tuple(sorted(provinces))


def test_island_districts_became_special_zones(all_mergers: list[Merger]) -> None:
    for district, zone in ISLAND_DISTRICTS.items():
        assert successors_of(district) == [zone]
    zones = {m.successor_code: m for m in all_mergers if m.successor_name.startswith("Đặc khu")}
    for district, zone in ISLAND_DISTRICTS.items():
        assert zones[zone].predecessor_codes == (district,)


def test_every_successor_is_a_2025_commune(
    all_mergers: list[Merger], new_units: dict[str, UnitRecord]
) -> None:
    assert len(all_mergers) == COMMUNES_2025
    communes = {code for code, unit in new_units.items() if unit.level == "commune"}
    assert {m.successor_code for m in all_mergers} == communes
    for m in all_mergers:
        unit = new_units[m.successor_code]
        assert unit.name == m.successor_name == unicodedata.normalize("NFC", m.successor_name)
        assert unit.parent_code == m.province_code


def test_successor_codes_are_reused_predecessor_codes(all_mergers: list[Merger]) -> None:
    # A new commune takes the code of one of its predecessors: a strong check that name keys
    # were resolved to the right codes. Only the five special zones (from districts) got new ones.
    outliers = [
        m.successor_code for m in all_mergers if m.successor_code not in m.predecessor_codes
    ]
    assert sorted(outliers) == sorted(ISLAND_DISTRICTS.values())


def test_coverage_of_old_communes(
    all_mergers: list[Merger], old_units: dict[str, UnitRecord]
) -> None:
    old_communes = {code for code, unit in old_units.items() if unit.level == "commune"}
    assert len(old_communes) == OLD_COMMUNES
    covered = {code for m in all_mergers for code in m.predecessor_codes}
    assert covered >= old_communes  # 100 %: every pre-2025 commune has a successor
    assert covered - old_communes == set(ISLAND_DISTRICTS)


def test_partial_predecessors_are_the_split_communes(all_mergers: list[Merger]) -> None:
    split = set()
    for m in all_mergers:
        assert set(m.partial_predecessor_codes) <= set(m.predecessor_codes)
        assert list(m.partial_predecessor_codes) == sorted(m.partial_predecessor_codes)
        for code in m.predecessor_codes:
            many = len(successors_of(code)) > 1
            assert many == (code in m.partial_predecessor_codes), (m, code)
            if many:
                split.add(code)
    assert len(split) == SPLIT_OLD_COMMUNES


def test_successors_of_is_the_inverse(all_mergers: list[Merger]) -> None:
    for m in all_mergers:
        for code in m.predecessor_codes:
            assert m.successor_code in successors_of(code)
    assert successors_of("99999") == []
    assert successors_of(" 06184 ") == ["06184"]


def test_sorted_and_copied() -> None:
    mergers = province_mergers(LANG_SON)
    codes = [m.successor_code for m in mergers]
    assert codes == sorted(codes)
    assert all(list(m.predecessor_codes) == sorted(m.predecessor_codes) for m in mergers)
    mergers.clear()
    assert len(province_mergers(20)) == 65  # type: ignore[arg-type]  # ints are accepted too


@pytest.mark.parametrize("code", ["99", "10", "", "Lạng Sơn"])
def test_unknown_province(code: str) -> None:
    # "10" (old Lào Cai) existed before the reform but is no 2025 province: the merged Lào Cai
    # took Yên Bái's code, 15.
    with pytest.raises(UnknownProvince):
        province_mergers(code)
    assert issubclass(UnknownProvince, LookupError)
