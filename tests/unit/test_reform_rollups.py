"""Roll-ups exact across the 2025 reform (issue 14, item 5), over pure rules and in-memory
stores: a split commune counted once, writes into ended units refused naming the successor,
a successor's officers reaching their predecessors' records, branches moving with a merger."""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from gateway.endpoint import InheritedPaths
from gateway.mutations import ended_error, not_yet_error, write_day
from khuyenhoc.auth import Caller, Role
from khuyenhoc.tenancy import UnitPath
from services.registration.association import service as association
from services.registration.association.domain import BranchKind
from services.registration.directory import hierarchy
from services.registration.directory.reorganisation_source import province_mergers
from services.registration.directory.service import record_change
from services.registration.directory.source import province_codes
from services.registration.enrolment import service as enrolment
from services.registration.enrolment.domain import SubjectKind
from services.registration.enrolment.service import RegisterCommand, RegistrationSettings
from services.registration.errors import Refused
from services.registration.lists import imports
from services.registration.messages import ENDED_TEXTS
from services.registration.schemas import row_reader
from tests.fakes_registration import FakeHamlets, FakeImportJobs, World

SETTINGS = RegistrationSettings(id_key=b"k" * 32)

# -- 1. a split commune's figures go to exactly one successor --------------------------


def test_every_pre_2025_commune_is_counted_by_exactly_one_successor() -> None:
    """Over the converter's data for every 2025 province: no commune counted twice, none lost."""
    counted: Counter[str] = Counter()
    linked: set[str] = set()
    for province, _name in province_codes("2025"):
        for merger in province_mergers(province):
            linked.update(merger.predecessor_codes)
            counted.update(c for c in merger.predecessor_codes if merger.counts(c))
            assert set(merger.default_partial_codes) <= set(merger.partial_predecessor_codes)
    assert set(counted) == linked  # no loss
    assert [code for code, n in counted.items() if n != 1] == []  # no double


def _link(code: str, counts: bool | None, partial: bool = True) -> dict:
    link = {"id": f"20:2024:{code}", "code": code, "path": f"20/183/{code}", "partial": partial}
    if counts is not None:
        link["counts"] = counts
    return link


def test_figure_paths_are_the_counting_links_only() -> None:
    unit = {
        "path": "20/06184",
        "valid_from": "2025-07-01",
        "predecessors": [
            _link("06184", None, partial=False),  # stored before ``counts``: whole counts
            _link("06187", True),
            _link("06190", False),  # "một phần": linked, carries no figures
            _link("06193", None),  # partial stored before ``counts``: not counted
        ],
    }
    assert hierarchy.figure_paths(unit, 2024) == ["20/183/06184", "20/183/06187"]
    assert hierarchy.figure_paths(unit, 2025) == ["20/06184"]


# -- 2. writes into a unit that has ended -----------------------------------------------

HONG_PHONG = {
    "_id": "20:2024:06205",
    "tenant": "20",
    "scheme": "2024",
    "code": "06205",
    "name": "Xã Hồng Phong",
    "level": "commune",
    "parent_code": "183",
    "path": "20/183/06205",
    "depth": 2,
    "valid_from": None,
    "valid_to": "2025-06-30",
    "successors": [{"id": "20:2025:06184", "code": "06184", "name": "Xã Đồng Đăng"}],
}
DONG_DANG = {
    "_id": "20:2025:06184",
    "tenant": "20",
    "scheme": "2025",
    "code": "06184",
    "name": "Xã Đồng Đăng",
    "level": "commune",
    "parent_code": "20",
    "path": "20/06184",
    "depth": 1,
    "valid_from": "2025-07-01",
    "valid_to": None,
    "predecessors": [
        {**_link("06205", True, partial=False), "name": "Xã Hồng Phong"},
        {**_link("06187", True, partial=False), "name": "Xã Bảo Lâm"},
    ],
}
MERGED_TEXT = (
    "Xã Hồng Phong đã sáp nhập vào Xã Đồng Đăng (06184) từ ngày 01/07/2025; hãy chọn đơn vị mới."
)


def test_the_refusal_names_the_successor_in_vietnamese() -> None:
    assert hierarchy.ended_text(HONG_PHONG, ENDED_TEXTS) == MERGED_TEXT
    assert not hierarchy.ended_before(HONG_PHONG, date(2024, 12, 31))
    assert hierarchy.ended_before(HONG_PHONG, date(2025, 7, 1))


@pytest.fixture
def world() -> World:
    world = World()
    for unit in (HONG_PHONG, DONG_DANG):
        world.units[unit["_id"]] = dict(unit)
    return world


def household(year: int, code: str = "06205") -> RegisterCommand:
    fields = {"head_name": "Hoàng Văn An", "address": "Thôn Nà Lầu"}
    return RegisterCommand(SubjectKind.HOUSEHOLD, "20", code, fields, year)


def test_a_registration_into_an_ended_commune_is_refused_naming_its_successor(world) -> None:
    directory, registrations, _ = world.stores("20")
    past = enrolment.register(directory, registrations, household(2024), SETTINGS)
    assert past.unit_path == "20/183/06205"  # its own year: still the old commune
    with pytest.raises(Refused) as refused:
        enrolment.register(directory, registrations, household(2026), SETTINGS)
    assert (refused.value.field, refused.value.params["text"]) == ("commune_code", MERGED_TEXT)
    new = enrolment.register(directory, registrations, household(2026, "06184"), SETTINGS)
    assert new.unit_path == "20/06184"


def test_a_branch_cannot_be_opened_under_an_ended_commune(world) -> None:
    directory, _, branches = world.stores("20")
    with pytest.raises(Refused) as refused:
        association.create_branch(
            directory, branches, "06205", "Chi hội Thôn Nà Lầu", BranchKind.RESIDENTIAL
        )
    assert refused.value.params["text"] == MERGED_TEXT


def test_an_import_into_a_commune_that_ended_after_it_was_accepted_reports_every_row(
    world,
) -> None:
    directory, registrations, _ = world.stores("20")
    jobs = FakeImportJobs(world, "20")
    world.units[HONG_PHONG["_id"]].update(valid_to=None)
    content = "Họ và tên chủ hộ,Năm sinh,Thôn/Tổ dân phố\nNông Văn Ba,1970,Nà Lầu\n".encode()
    year = date.today().year  # an import takes this year or a recent one
    job, _ = imports.start(directory, jobs, "06205", "household", year, "ds.csv", content)
    world.units[HONG_PHONG["_id"]].update(valid_to="2025-06-30")
    read = row_reader("household", "20", "06205", year, SETTINGS)
    done = imports.run(directory, registrations, jobs, read, job)
    assert (done["created"], done["failed"]) == (0, 1)
    assert [reason for _, _, reason in jobs.errors(job["_id"])] == [MERGED_TEXT]
    with pytest.raises(Refused) as refused:  # and a new file is refused at once
        imports.start(directory, jobs, "06205", "household", year, "ds2.csv", content)
    assert refused.value.params["text"] == MERGED_TEXT


def test_the_gateway_refuses_an_ended_unit_on_its_field() -> None:
    error = ended_error("commune_code", HONG_PHONG, date(2026, 1, 5))
    assert error is not None and error.extensions == {
        "code": "BAD_USER_INPUT",
        "fields": [{"field": "communeCode", "key": "unit_ended", "message": MERGED_TEXT}],
    }
    assert ended_error("commune_code", HONG_PHONG, date(2025, 6, 30)) is None
    assert write_day({"year": 2024}) == date(2024, 12, 31)
    assert write_day({"on": date(2023, 3, 1), "year": 2024}) == date(2023, 3, 1)
    # a code asked for a day before it named the unit: its predecessors are named
    early = not_yet_error("unit_code", DONG_DANG, date(2024, 5, 1))
    assert early is not None
    assert early.extensions["fields"][0]["message"] == (
        "Mã 06184 chưa là đơn vị nào vào ngày 01/05/2024; khi đó là Xã Hồng Phong (06205) "
        "và Xã Bảo Lâm (06187)."
    )
    assert not_yet_error("unit_code", DONG_DANG, date(2025, 7, 1)) is None


# -- 3. a successor's officers reach their predecessors' records ------------------------


def officer(path: str, inherited: tuple[str, ...] = (), role: Role = Role.COMMUNE_OFFICER):
    unit = UnitPath.parse(path)
    return Caller("u", unit.tenant, role, unit, tuple(map(UnitPath.parse, inherited)))


def test_inherited_paths_are_transitive_and_only_the_predecessors_subtrees() -> None:
    older = {"_id": "20:2023:06190", "path": "20/183/06190", "predecessors": []}
    middle = {
        "_id": "20:2024:06205",
        "path": "20/183/06205",
        "predecessors": [{"id": "20:2023:06190"}],
    }
    units = {u["_id"]: u for u in (older, middle)}
    new = {"_id": "20:2025:06184", "predecessors": [{"id": "20:2024:06205"}]}
    found = hierarchy.inherited_paths(new, lambda ids: {i: units[i] for i in ids if i in units})
    assert found == ["20/183/06205", "20/183/06190"]

    successor = officer("20/06184", tuple(found))
    assert successor.covers(UnitPath.parse("20/183/06205"))
    assert successor.covers(UnitPath.parse("20/183/06205/06205-001"))
    assert not successor.covers(UnitPath.parse("20/183"))  # not the old district
    assert not successor.covers(UnitPath.parse("20/183/06187"))  # a sibling's
    assert not officer("20/06211").covers(UnitPath.parse("20/183/06205"))
    assert not officer("01/00004").covers(UnitPath.parse("20/183/06205"))


def test_the_gateway_asks_inherited_paths_once_per_unit_and_minute() -> None:
    calls: list[tuple[str, str]] = []

    def inherited_paths(tenant: str, path: str) -> list[str]:
        calls.append((tenant, path))
        return ["20/183/06205"]

    rpc = SimpleNamespace(registration=SimpleNamespace(inherited_paths=inherited_paths))
    cache = InheritedPaths(ttl=60)
    first = cache.fill(officer("20/06184"), rpc)
    again = cache.fill(officer("20/06184"), rpc)
    assert first.inherited == again.inherited == (UnitPath.parse("20/183/06205"),)
    assert calls == [("20", "20/06184")]
    broken = SimpleNamespace(registration=SimpleNamespace())  # registration away
    assert cache.fill(officer("20/06211"), broken).inherited == ()


def test_a_list_over_several_units_pages_with_one_cursor(world) -> None:
    directory, registrations, _ = world.stores("20")
    world.units["20:2024:06187"] = {
        **HONG_PHONG,
        "_id": "20:2024:06187",
        "code": "06187",
        "path": "20/183/06187",
    }
    for code, name in (("06205", "Hộ A"), ("06205", "Hộ B"), ("06187", "Hộ C")):
        command = household(2024, code)
        command = RegisterCommand(
            command.kind, "20", code, {**command.fields, "head_name": name}, 2024
        )
        enrolment.register(directory, registrations, command, SETTINGS)
    paths = [UnitPath.parse("20/183/06205"), UnitPath.parse("20/183/06187")]
    seen, cursor, pages = [], None, 0
    while True:
        page = enrolment.list_subjects(registrations, paths, 2024, after=cursor, first=2)
        seen += [item.name for item in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
        assert "|" not in cursor  # opaque
    assert sorted(seen) == ["Hộ A", "Hộ B", "Hộ C"] and pages == 2


# -- 4. branches move with a merger ------------------------------------------------------


def test_a_merger_carries_the_open_branches_and_their_years_after(world) -> None:
    directory, _, branches = world.stores("20")
    world.units[HONG_PHONG["_id"]].update(valid_to=None, successors=None)
    branch, _ = association.create_branch(
        directory,
        branches,
        "06205",
        "Chi hội Thôn Nà Lầu",
        BranchKind.RESIDENTIAL,
        date(2020, 1, 1),
    )
    association.set_branch_members(directory, branches, branch["code"], 2022, 40)
    association.set_branch_members(directory, branches, branch["code"], 2023, 45)
    on = date(2023, 1, 1)
    for _ in range(2):  # twice: nothing new
        record_change(
            directory,
            on,
            ["06205"],
            [("06301", "Xã Hồng Phong A"), ("06302", "Xã B")],
            branches=branches,
            hamlets=FakeHamlets(world, "20"),
        )
    moved = [
        u for u in world.units.values() if u["level"] == "branch" and u["code"] != branch["code"]
    ]
    assert [(u["code"], u["name"], u["kind"], u["parent_code"]) for u in moved] == [
        ("06301-001", "Chi hội Thôn Nà Lầu", "residential", "06301")
    ]
    assert moved[0]["predecessors"][0]["code"] == branch["code"]
    old = world.units[branch["_id"]]
    assert old["valid_to"] == "2022-12-31" and old["successors"][0]["code"] == "06301-001"
    counts = {(d["branch_code"], d["year"]): d["count"] for d in world.members.values()}
    assert counts == {(branch["code"], 2022): 40, ("06301-001", 2023): 45}
    with pytest.raises(Refused) as refused:
        association.set_branch_members(directory, branches, branch["code"], 2023, 50)
    assert "06301-001" in refused.value.params["text"]
    association.set_branch_members(directory, branches, branch["code"], 2022, 41)  # history


def test_move_branch_in_one_step(world) -> None:
    directory, _, branches = world.stores("20")
    world.units["20:2025:06211"] = {
        **DONG_DANG,
        "_id": "20:2025:06211",
        "code": "06211",
        "path": "20/06211",
        "predecessors": [],
    }
    branch, _ = association.create_branch(
        directory, branches, "06184", "Chi hội Trường THCS", BranchKind.SCHOOL, date(2025, 8, 1)
    )
    with pytest.raises(Refused) as same:
        association.move_branch(directory, branches, branch["code"], "06184", date(2026, 1, 1))
    assert same.value.key == "same_commune"
    moved = association.move_branch(directory, branches, branch["code"], "06211", date(2026, 1, 1))
    assert (moved["code"], moved["path"], moved["kind"]) == (
        "06211-001",
        "20/06211/06211-001",
        "school",
    )
    with pytest.raises(Refused):
        association.move_branch(directory, branches, branch["code"], "06211", date(2026, 2, 1))
