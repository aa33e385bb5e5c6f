"""Registration's use cases over in-memory stores (no server): enrolments, the association's
branches and members, imports; and the edge's reading of the rules' refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.events import REGISTERED, WITHDRAWN
from khuyenhoc.tenancy import UnitPath
from services.registration.association import service as association
from services.registration.association.domain import BranchKind
from services.registration.enrolment import service as enrolment
from services.registration.enrolment.domain import (
    LabourGroup,
    LearningUnitKind,
    Member,
    SubjectKind,
)
from services.registration.enrolment.service import RegisterCommand, RegistrationSettings
from services.registration.errors import Refused
from services.registration.lists import imports
from services.registration.schemas import refusal, row_reader
from tests.fakes_registration import FakeImportJobs, World

NOW = datetime(2024, 5, 1, tzinfo=UTC)
SETTINGS = RegistrationSettings(id_key=b"k" * 32, citizen_min_age=15)


def _unit(tenant: str, code: str, level: str, path: str) -> dict:
    return {
        "_id": f"{tenant}:2024:{code}",
        "tenant": tenant,
        "scheme": "2024",
        "code": code,
        "name": f"Xã {code}",
        "level": level,
        "parent_code": path.split("/")[-2],
        "path": path,
        "depth": path.count("/"),
        "valid_from": None,
    }


@pytest.fixture
def world() -> World:
    world = World()
    for unit in (
        _unit("20", "183", "district", "20/183"),
        _unit("20", "06184", "commune", "20/183/06184"),
        _unit("01", "00004", "commune", "01/001/00004"),
    ):
        world.units[unit["_id"]] = unit
    return world


def household(code: str = "06184", name: str = "Nguyễn Văn An", tenant: str = "20"):
    fields = {"head_name": name, "address": "Thôn Đông"}
    return RegisterCommand(SubjectKind.HOUSEHOLD, tenant, code, fields, 2024)


def test_a_household_enrols_once_and_is_announced_once(world):
    directory, registrations, _ = world.stores("20")
    first = enrolment.register(directory, registrations, household(), SETTINGS, NOW)
    again = enrolment.register(
        directory, registrations, household(name="nguyễn  văn an"), SETTINGS, NOW
    )
    assert first.created and not again.created
    assert first.enrolment_id == again.enrolment_id
    assert first.unit_path == "20/183/06184"
    assert [e["type"] for e in world.outbox] == [REGISTERED.type]


def test_a_commune_of_another_province_is_not_found(world):
    directory, registrations, _ = world.stores("20")
    with pytest.raises(Refused) as refused:
        enrolment.register(directory, registrations, household(code="00004"), SETTINGS, NOW)
    assert (refused.value.field, refused.value.key) == ("commune_code", "commune_not_found")
    assert world.enrolments == {}


def test_a_withdrawn_enrolment_registered_again_is_enrolled_again(world):
    directory, registrations, _ = world.stores("20")
    registered = enrolment.register(directory, registrations, household(), SETTINGS, NOW)
    withdrawn = enrolment.withdraw(registrations, registered.enrolment_id, "chuyển đi", NOW)
    assert withdrawn.status == "WITHDRAWN"
    with pytest.raises(Refused) as twice:
        enrolment.withdraw(registrations, registered.enrolment_id, "", NOW)
    assert twice.value.key == "already_withdrawn"
    again = enrolment.register(directory, registrations, household(), SETTINGS, NOW)
    assert again.created
    assert registrations.get_enrolment(registered.enrolment_id).status == "ENROLLED"
    assert [e["type"] for e in world.outbox] == [REGISTERED.type, WITHDRAWN.type, REGISTERED.type]


def test_a_registrations_page_shows_its_details_and_why_it_was_withdrawn(world):
    directory, registrations, _ = world.stores("20")
    command = household()
    member = {"name": "Nguyễn Thị Lan", "relation": "Con", "birth_year": 2012, "learning": True}
    command.fields["members"] = (Member("Nguyễn Thị Lan", "Con", 2012, learning=True),)
    registered = enrolment.register(directory, registrations, command, SETTINGS, NOW)
    shown = enrolment.details(registrations, registered.enrolment_id)
    assert shown is not None and shown.record.status == "ENROLLED"
    assert shown.details["address"] == "Thôn Đông"
    assert shown.details["members"] == [member]
    assert (shown.withdrawn_at, shown.withdraw_reason) == (None, None)
    enrolment.withdraw(registrations, registered.enrolment_id, "Chuyển đi nơi khác", NOW)
    withdrawn = enrolment.details(registrations, registered.enrolment_id)
    assert withdrawn is not None and withdrawn.withdraw_reason == "Chuyển đi nơi khác"
    _, theirs, _ = world.stores("01")
    assert enrolment.details(theirs, registered.enrolment_id) is None  # another province's


def test_a_registration_is_corrected_until_withdrawn_and_only_where_its_kind_allows(world):
    directory, registrations, _ = world.stores("20")
    registered = enrolment.register(directory, registrations, household(), SETTINGS, NOW)
    events = len(world.outbox)
    members = (Member("Nguyễn Thị Lan", "Con", 2012, learning=True),)
    corrected = enrolment.correct(
        registrations, registered.enrolment_id, {"members": members, "phone": "0912345678"}, NOW
    )
    assert corrected.details["members"][0]["name"] == "Nguyễn Thị Lan"
    assert (corrected.details["size"], corrected.details["phone"]) == (1, "0912345678")
    assert corrected.record.name == "Nguyễn Văn An"  # the name is its identity: unchanged
    assert len(world.outbox) == events  # no event carries these details
    with pytest.raises(Refused) as refused:
        enrolment.correct(registrations, registered.enrolment_id, {"address": "Thôn Tây"}, NOW)
    assert (refused.value.field, refused.value.key) == ("address", "not_correctable")
    enrolment.withdraw(registrations, registered.enrolment_id, "", NOW)
    with pytest.raises(Refused) as withdrawn:
        enrolment.correct(registrations, registered.enrolment_id, {"phone": "0912345679"}, NOW)
    assert withdrawn.value.key == "already_withdrawn"
    _, theirs, _ = world.stores("01")
    with pytest.raises(Refused) as elsewhere:
        enrolment.correct(theirs, registered.enrolment_id, {"phone": "0912345679"}, NOW)
    assert elsewhere.value.key == "enrolment_not_found"


def community(**fields):
    return RegisterCommand(SubjectKind.COMMUNITY, "20", "06184", fields, 2024)


def test_a_village_community_named_by_its_hamlet_is_kept_at_the_hamlet(world):
    hamlet = {**_unit("20", "06184-T01", "hamlet", "20/183/06184/06184-T01"), "name": "Thôn Đông"}
    world.units[hamlet["_id"]] = hamlet
    directory, registrations, _ = world.stores("20")
    # before hamlets were units: by name only, at the commune (and withdrawn)
    legacy = enrolment.register(
        directory, registrations, community(name="Thôn Đông"), SETTINGS, NOW
    )
    assert legacy.unit_path == "20/183/06184"
    enrolment.withdraw(registrations, legacy.enrolment_id, "", NOW)
    again = enrolment.register(
        directory, registrations, community(hamlet_code="06184-T01"), SETTINGS, NOW
    )
    assert again.enrolment_id == legacy.enrolment_id and again.created
    assert again.unit_path == "20/183/06184"  # kept where it was first enrolled
    assert world.outbox[-1]["unitpath"] == "20/183/06184"

    world.units[hamlet["_id"]] = {**hamlet, "name": "Thôn Tây"}  # another hamlet's name
    west = enrolment.register(
        directory, registrations, community(hamlet_code="06184-T01"), SETTINGS, NOW
    )
    assert west.created and west.unit_path == "20/183/06184/06184-T01"
    event = world.outbox[-1]
    assert (event["unitpath"], event["data"]["unitCode"]) == (west.unit_path, "06184")
    stored = registrations.get_enrolment(west.enrolment_id)
    assert (stored.unitpath, stored.unit_code) == (west.unit_path, "06184")
    enrolment.withdraw(registrations, west.enrolment_id, "", NOW)
    withdrawn = world.outbox[-1]
    assert (withdrawn["unitpath"], withdrawn["data"]["unitCode"]) == (west.unit_path, "06184")
    listed = enrolment.list_subjects(registrations, UnitPath.parse("20/183/06184"), 2024)
    assert west.enrolment_id in [item.id for item in listed.items]  # the commune's list


def test_another_provinces_enrolment_cannot_be_withdrawn(world):
    directory, registrations, _ = world.stores("20")
    registered = enrolment.register(directory, registrations, household(), SETTINGS, NOW)
    _, theirs, _ = world.stores("01")
    with pytest.raises(Refused) as refused:
        enrolment.withdraw(theirs, registered.enrolment_id, "", NOW)
    assert (refused.value.field, refused.value.key) == ("enrolment_id", "enrolment_not_found")
    assert registrations.get_enrolment(registered.enrolment_id).status == "ENROLLED"


def test_a_citizen_is_refused_outside_the_provinces_age_bounds_and_with_a_foreign_unit(world):
    directory, registrations, _ = world.stores("20")
    citizen = {
        "full_name": "Trần Thị Mai",
        "birth_year": 2015,
        "national_id": "001190012345",
        "labour_group": LabourGroup.RURAL,
    }
    young = RegisterCommand(SubjectKind.CITIZEN, "20", "06184", citizen, 2024)
    with pytest.raises(Refused) as refused:
        enrolment.register(directory, registrations, young, SETTINGS, NOW)
    assert (refused.value.field, refused.value.key) == ("birth_year", "age_out_of_bounds")

    their_directory, theirs, _ = world.stores("01")
    unit_fields = {"name": "Trường X", "unit_kind": LearningUnitKind.SCHOOL, "level": "commune"}
    school = RegisterCommand(SubjectKind.LEARNING_UNIT, "01", "00004", unit_fields, 2024)
    their_school = enrolment.register(their_directory, theirs, school, SETTINGS, NOW)
    adult = RegisterCommand(
        SubjectKind.CITIZEN,
        "20",
        "06184",
        {**citizen, "birth_year": 1990},
        2024,
        member_of=their_school.subject_id,
    )
    with pytest.raises(Refused) as foreign:
        enrolment.register(directory, registrations, adult, SETTINGS, NOW)
    assert foreign.value.key == "learning_unit_not_found"


def test_subjects_are_listed_a_page_at_a_time_and_contacts_stay_in_their_province(world):
    directory, registrations, _ = world.stores("20")
    for name in ("Hộ A", "Hộ B", "Hộ C"):
        enrolment.register(directory, registrations, household(name=name), SETTINGS, NOW)
    path = UnitPath.parse("20/183")
    first = enrolment.list_subjects(registrations, path, 2024, first=2)
    rest = enrolment.list_subjects(registrations, path, 2024, after=first.next_cursor, first=2)
    assert len(first.items) == 2 and first.next_cursor is not None
    assert len(rest.items) == 1 and rest.next_cursor is None
    assert enrolment.list_subjects(registrations, path, 2024, search="ho b").items[0].name == "Hộ B"

    subject_id = first.items[0].subject_id
    found = enrolment.contact(directory, registrations, subject_id)
    assert (found.name, found.unit_name) == (first.items[0].name, "Xã 06184")
    their_directory, theirs, _ = world.stores("01")
    assert enrolment.contact(their_directory, theirs, subject_id) is None
    # many at once (notification's delivery pass): the same answers, the unknown absent
    ids = [item.subject_id for item in first.items + rest.items]
    many = enrolment.contacts(directory, registrations, [*ids, "nobody", ids[0]])
    assert many == {i: enrolment.contact(directory, registrations, i) for i in ids}
    assert enrolment.contacts(their_directory, theirs, ids) == {}


def test_a_branch_is_opened_once_per_name_renamed_closed_and_counted(world):
    directory, _, branches = world.stores("20")
    opened = date(2024, 1, 10)
    unit, created = association.create_branch(
        directory, branches, "06184", "Chi hội Thôn Đông", BranchKind.RESIDENTIAL, opened
    )
    same, again = association.create_branch(
        directory, branches, "06184", "chi hội  thôn đông", BranchKind.RESIDENTIAL, opened
    )
    assert created and not again and same["code"] == unit["code"] == "06184-001"
    other, _ = association.create_branch(
        directory, branches, "06184", "Chi hội Thôn Tây", BranchKind.RESIDENTIAL, opened
    )
    with pytest.raises(Refused) as taken:
        association.rename_branch(directory, branches, other["code"], "Chi hội Thôn Đông")
    assert (taken.value.field, taken.value.key) == ("name", "name_taken")

    association.set_branch_members(directory, branches, unit["code"], 2024, 30)
    added = association.add_member(directory, branches, unit["code"], "Lê Văn C", 2024, now=NOW)
    repeat = association.add_member(directory, branches, unit["code"], "lê văn c", 2024, now=NOW)
    assert added.created and not repeat.created and added.member_id == repeat.member_id
    figures = association.unit_figures(branches, UnitPath.parse("20/183"), 2024)
    assert (figures.members, figures.branches) == (30, 2)

    with pytest.raises(Refused) as early:
        association.close_branch(directory, branches, other["code"], date(2023, 12, 31))
    assert early.value.key == "date_before_opening"
    association.close_branch(directory, branches, other["code"], date(2024, 6, 30))
    with pytest.raises(Refused) as closed:
        association.set_branch_members(directory, branches, other["code"], 2025, 5)
    assert (closed.value.field, closed.value.key) == ("year", "branch_closed")


def test_a_branch_of_another_province_is_not_found(world):
    directory, _, branches = world.stores("20")
    unit, _ = association.create_branch(
        directory, branches, "06184", "Chi hội Thôn Đông", BranchKind.RESIDENTIAL, date(2024, 1, 1)
    )
    their_directory, _, theirs = world.stores("01")
    with pytest.raises(Refused) as refused:
        association.add_member(their_directory, theirs, unit["code"], "Lê Văn C", 2024, now=NOW)
    assert (refused.value.field, refused.value.key) == ("branch_code", "branch_not_found")


CSV = (
    "Họ và tên chủ hộ,Năm sinh,Thôn/Tổ dân phố\n"
    "Nguyễn Văn An,1978,Thôn Đông\n"
    "Trần Văn Bình,abc,Thôn Đông\n"
    ",1980,Thôn Tây\n"
).encode()


def test_an_import_registers_its_good_rows_once_and_reports_the_others(world):
    directory, registrations, _ = world.stores("20")
    jobs = FakeImportJobs(world, "20")
    job, created = imports.start(directory, jobs, "06184", "household", 2024, "ds.csv", CSV, NOW)
    same, again = imports.start(directory, jobs, "06184", "household", 2024, "ds.csv", CSV, NOW)
    assert created and not again and same["_id"] == job["_id"]

    read = row_reader("household", "20", "06184", 2024, SETTINGS)
    done = imports.run(directory, registrations, jobs, read, job)
    assert (done["status"], done["created"], done["failed"]) == ("DONE", 1, 2)
    rows = [(row, column) for row, column, _ in jobs.errors(job["_id"])]
    assert rows == [(3, "Năm sinh"), (4, "Họ và tên chủ hộ")]

    rerun = imports.run(directory, registrations, jobs, read, {**job, "next_row": 0})
    assert (rerun["created"], rerun["duplicates"]) == (0, 1)


def test_an_import_for_another_provinces_commune_or_of_a_wrong_file_is_refused(world):
    directory, _, _ = world.stores("20")
    jobs = FakeImportJobs(world, "20")
    with pytest.raises(Refused) as foreign:
        imports.start(directory, jobs, "00004", "household", 2024, "ds.csv", CSV, NOW)
    assert (foreign.value.field, foreign.value.key) == ("commune_code", "commune_not_found")
    with pytest.raises(Refused) as wrong:
        imports.start(directory, jobs, "06184", "household", 2024, "ds.csv", b"a,b\n1,2\n", NOW)
    assert (wrong.value.field, wrong.value.key) == ("file", "no_header")
    assert "Không tìm thấy dòng tên cột" in refusal(wrong.value).errors[0].message
    assert world.jobs == {}


def test_the_edge_names_a_refusal_in_the_callers_words():
    (error,) = refusal(Refused("learning_unit_id", "learning_unit_not_found")).errors
    assert (error.field, error.key) == ("learningUnitId", "learning_unit_not_found")
    assert error.message == "Không tìm thấy đơn vị học tập này trong tỉnh đã chọn."


# --- a learning unit of the province (TT 22/2020, TT 24/2023 rate province-level units) --------

PROVINCE = {
    "_id": "20:2024:20",
    "tenant": "20",
    "scheme": "2024",
    "code": "20",
    "name": "Tỉnh Lạng Sơn",
    "level": "province",
    "parent_code": None,
    "path": "20",
    "depth": 0,
    "valid_from": None,
}


def _unit_payload(code: str, level: str | None, tenant: str = "20") -> dict:
    payload = {
        "tenant": tenant,
        "year": 2024,
        "unitCode": code,
        "name": "Sở Giáo dục và Đào tạo",
        "unitKind": "agency",
    }
    return payload | ({"level": level} if level else {})


def test_a_province_level_learning_unit_registers_under_the_province(world):
    from services.registration.messages import MESSAGES  # noqa: PLC0415 - these tests only
    from services.registration.schemas import RegisterLearningUnitSchema  # noqa: PLC0415

    world.units[PROVINCE["_id"]] = PROVINCE
    directory, registrations, _ = world.stores("20")
    command = MESSAGES.load(RegisterLearningUnitSchema(), _unit_payload("20", "province"))
    registered = enrolment.register(directory, registrations, command, SETTINGS, NOW)
    assert registered.unit_path == "20" and registered.title == "UNIT"
    enrolled = world.enrolments[registered.enrolment_id]
    assert enrolled["links"]["unitLevel"] == "province"
    # a district's code at province level, another province's code: not found
    for code in ("183", "01"):
        wrong = MESSAGES.load(RegisterLearningUnitSchema(), _unit_payload(code, "province"))
        with pytest.raises(Refused) as refused:
            enrolment.register(directory, registrations, wrong, SETTINGS, NOW)
        assert (refused.value.field, refused.value.key) == ("unit_code", "unit_not_found")
    # the province's own code at commune level (the default) is not a commune
    default = MESSAGES.load(RegisterLearningUnitSchema(), _unit_payload("20", None))
    with pytest.raises(Refused):
        enrolment.register(directory, registrations, default, SETTINGS, NOW)


def test_a_learning_units_level_and_code_are_checked_at_the_edge():
    from khuyenhoc.validation import InvalidInput  # noqa: PLC0415
    from services.registration.messages import MESSAGES  # noqa: PLC0415 - these tests only
    from services.registration.schemas import RegisterLearningUnitSchema  # noqa: PLC0415

    for code, level, field, message in (
        (
            "20",
            "nation",
            "level",
            "Cấp phải là commune (xã), district (huyện) hoặc province (tỉnh).",
        ),
        (
            "2",
            "province",
            "unitCode",
            "Mã đơn vị phải gồm 2 chữ số (tỉnh), 3 chữ số (huyện) hoặc 5 chữ số (xã).",
        ),
    ):
        with pytest.raises(InvalidInput) as bad:
            MESSAGES.load(RegisterLearningUnitSchema(), _unit_payload(code, level))
        assert [(e.field, e.message) for e in bad.value.errors] == [(field, message)]
