"""Hamlets move with their commune at a merger (pure rules, and the use cases on the in-memory
fakes of tests/fakes_registration.py)."""

from datetime import date
from typing import Any

from services.registration.directory.hamlets import (
    HamletKind,
    carry_over,
    claim_id,
    commune_short_name,
    create_hamlet,
    hamlet_code,
    hamlet_document,
    moving_order,
    told_apart,
)
from services.registration.directory.service import record_change
from tests.fakes_registration import FakeBranches, FakeDirectory, FakeHamlets, World

ON = date(2025, 7, 1)


def commune(code: str, name: str, scheme: str) -> dict[str, Any]:
    path = f"20/{code}" if scheme == "2025" else f"20/183/{code}"
    return {
        "_id": f"20:{scheme}:{code}",
        "tenant": "20",
        "scheme": scheme,
        "code": code,
        "name": name,
        "name_key": name.lower(),
        "level": "commune",
        "levels": None,
        "parent_code": "20" if scheme == "2025" else "183",
        "path": path,
        "depth": path.count("/"),
        "valid_from": "2025-07-01" if scheme == "2025" else None,
        "valid_to": None,
    }


DONG_DANG_OLD = commune("06184", "Thị trấn Đồng Đăng", "2024")
HONG_PHONG = commune("06190", "Xã Hồng Phong", "2024")
DONG_DANG = commune("06184", "Xã Đồng Đăng", "2025")


def make(hamlets: FakeHamlets, unit: dict[str, Any], name: str, opened: date | None = None):
    code = hamlet_code(unit["code"], hamlets.next_number(unit["code"]))
    hamlet = hamlet_document(unit, code, name, HamletKind.THON, opened)
    hamlets.add(hamlet)
    hamlets.take_name(claim_id("20", unit["code"], name), code)
    return hamlet


def test_names_are_told_apart_by_the_old_commune_without_its_level_word():
    assert commune_short_name("Xã Hồng Phong") == "Hồng Phong"
    assert commune_short_name("Thị trấn Đồng Đăng") == "Đồng Đăng"
    assert commune_short_name("Hồng Phong") == "Hồng Phong"
    assert told_apart("Thôn Đông", HONG_PHONG) == "Thôn Đông (Hồng Phong)"


def test_the_commune_whose_code_is_kept_moves_first():
    assert moving_order([HONG_PHONG, DONG_DANG_OLD], DONG_DANG) == [DONG_DANG_OLD, HONG_PHONG]


def test_hamlets_of_merged_communes_move_and_a_shared_name_is_told_apart():
    world = World()
    store = FakeHamlets(world, "20")
    dong_a = make(store, DONG_DANG_OLD, "Thôn Đông")
    make(store, DONG_DANG_OLD, "Thôn Tây")
    dong_b = make(store, HONG_PHONG, "Thôn Đông")
    closed = make(store, HONG_PHONG, "Thôn Cũ")
    store.change(closed["_id"], {"valid_to": "2024-12-31"})

    moved = carry_over(store, DONG_DANG, [(store, HONG_PHONG), (store, DONG_DANG_OLD)], ON)

    names = sorted(u["name"] for u in moved)
    assert names == ["Thôn Tây", "Thôn Đông", "Thôn Đông (Hồng Phong)"]
    for unit in moved:
        assert unit["scheme"] == "2025" and unit["parent_code"] == "06184"
        assert unit["valid_from"] == "2025-07-01" and unit["level"] == "hamlet"
        assert unit["code"].startswith("06184-T") and unit["path"].startswith("20/06184/")
    assert len({u["code"] for u in moved}) == 3  # next free numbers, no clash with old codes
    assert not {dong_a["code"], dong_b["code"]} & {u["code"] for u in moved}
    by_name = {u["name"]: u for u in moved}
    assert by_name["Thôn Đông"]["predecessors"][0]["code"] == dong_a["code"]
    told = by_name["Thôn Đông (Hồng Phong)"]
    assert told["predecessors"][0]["name"] == "Thôn Đông"
    old = world.units[dong_b["_id"]]
    assert old["valid_to"] == "2025-06-30"
    assert old["successors"] == [
        {
            "id": told["_id"],
            "tenant": "20",
            "code": told["code"],
            "name": "Thôn Đông (Hồng Phong)",
            "path": told["path"],
            "partial": False,
            "counts": True,
        }
    ]
    assert world.units[closed["_id"]]["valid_to"] == "2024-12-31"  # closed before: stays
    # the names are claimed in the new commune; the old commune's claims are gone
    assert store.holder(claim_id("20", "06184", "Thôn Đông")) == by_name["Thôn Đông"]["code"]
    assert store.holder(claim_id("20", "06184", told["name"])) == told["code"]
    assert store.holder(claim_id("20", "06190", "Thôn Đông")) is None
    # idempotent
    before = {k: dict(v) for k, v in world.units.items()}
    again = carry_over(store, DONG_DANG, [(store, HONG_PHONG), (store, DONG_DANG_OLD)], ON)
    assert again == [] and world.units == before


def test_a_hamlet_made_in_the_new_commune_is_reused_not_duplicated():
    store = FakeHamlets(World(), "20")
    old = make(store, HONG_PHONG, "Bản Nà Pàn")
    native = make(store, DONG_DANG, "bản na pan", opened=ON)  # a 2025 registration made it

    moved = carry_over(store, DONG_DANG, [(store, HONG_PHONG)], ON)

    assert [u["code"] for u in moved] == [native["code"]]
    assert store.world.units[native["_id"]]["predecessors"][0]["code"] == old["code"]
    assert store.world.units[old["_id"]]["successors"][0]["code"] == native["code"]
    assert len(store.hamlets_of("06184", "2025")) == 1
    assert carry_over(store, DONG_DANG, [(store, HONG_PHONG)], ON) == []


def test_a_hamlet_opened_on_the_day_of_the_change_does_not_move():
    store = FakeHamlets(World(), "20")
    make(store, HONG_PHONG, "Thôn Mới", opened=ON)
    assert carry_over(store, DONG_DANG, [(store, HONG_PHONG)], ON) == []


def test_a_local_merger_moves_the_hamlets_to_the_unit_carrying_the_figures():
    world = World()
    for unit in (DONG_DANG_OLD, HONG_PHONG):
        world.units[unit["_id"]] = dict(unit)
    directory, hamlets = FakeDirectory(world, "20"), FakeHamlets(world, "20")
    create_hamlet(directory, hamlets, "06190", "Thôn Đông", on=date(2022, 6, 1))
    create_hamlet(directory, hamlets, "06184", "Thôn Đông", on=date(2022, 6, 1))
    on = date(2023, 1, 1)
    for _ in range(2):  # twice: nothing new
        record_change(
            directory,
            on,
            ["06184", "06190"],
            [("06301", "Xã Đồng Đăng Mới")],
            branches=FakeBranches(world, "20"),
            hamlets=hamlets,
        )
    new = sorted(hamlets.hamlets_of("06301", "2024"), key=lambda u: u["code"])
    assert [(u["code"], u["name"], u["valid_from"]) for u in new] == [
        ("06301-T01", "Thôn Đông", "2023-01-01"),
        ("06301-T02", "Thôn Đông (Hồng Phong)", "2023-01-01"),
    ]
    assert [u["predecessors"][0]["code"] for u in new] == ["06184-T01", "06190-T01"]
    assert all(u["path"].startswith("20/183/06301/") for u in new)
    old = directory.get("06190-T01", date(2022, 6, 1))
    assert old is not None and old["valid_to"] == "2022-12-31"
    assert old["successors"][0]["code"] == "06301-T02"


def test_a_merger_into_a_kept_code_moves_that_communes_hamlets_too():
    world = World()
    for unit in (DONG_DANG_OLD, HONG_PHONG):
        world.units[unit["_id"]] = dict(unit)
    directory, hamlets = FakeDirectory(world, "20"), FakeHamlets(world, "20")
    create_hamlet(directory, hamlets, "06184", "Thôn Đông", on=date(2022, 6, 1))
    create_hamlet(directory, hamlets, "06190", "Thôn Đông", on=date(2022, 6, 1))
    on = date(2023, 1, 1)
    for _ in range(2):
        record_change(
            directory,
            on,
            ["06184", "06190"],
            [("06184", "Thị trấn Đồng Đăng")],
            branches=FakeBranches(world, "20"),
            hamlets=hamlets,
        )
    now = [u for u in hamlets.hamlets_of("06184", "2024") if not u.get("valid_to")]
    assert sorted((u["code"], u["name"], u["valid_from"]) for u in now) == [
        ("06184-T02", "Thôn Đông", "2023-01-01"),
        ("06184-T03", "Thôn Đông (Hồng Phong)", "2023-01-01"),
    ]
    old = directory.get("06184-T01", date(2022, 6, 1))
    assert old is not None and old["valid_to"] == "2022-12-31"
    assert old["successors"][0]["code"] == "06184-T02"
    assert hamlets.holder(claim_id("20", "06184", "Thôn Đông")) == "06184-T02"


def test_a_hamlet_asked_for_a_day_before_the_merger_is_the_old_one():
    world = World()
    for unit in (DONG_DANG_OLD, HONG_PHONG):
        world.units[unit["_id"]] = dict(unit)
    directory, hamlets = FakeDirectory(world, "20"), FakeHamlets(world, "20")
    create_hamlet(directory, hamlets, "06184", "Thôn Đông", on=date(2022, 6, 1))
    record_change(
        directory,
        date(2023, 1, 1),
        ["06184", "06190"],
        [("06184", "Thị trấn Đồng Đăng")],
        branches=FakeBranches(world, "20"),
        hamlets=hamlets,
    )
    then, created = create_hamlet(directory, hamlets, "06184", "thôn đông", on=date(2022, 9, 1))
    assert (then["code"], created) == ("06184-T01", False)
    now, created = create_hamlet(directory, hamlets, "06184", "Thôn Đông", on=date(2023, 9, 1))
    assert (now["code"], created) == ("06184-T02", False)
