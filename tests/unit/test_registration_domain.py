import unicodedata
from datetime import UTC, date, datetime

import pytest

from khuyenhoc.contracts import validate_event
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment.domain import (
    Enrolment,
    Member,
    SubjectKind,
    Title,
    community,
    correction,
    enrolment_place,
    registration_years,
)
from services.registration.enrolment.domain import household as make_household
from services.registration.enrolment.records import EnrolmentRecord
from services.registration.schemas import MESSAGES, RegisterHouseholdSchema

PATH = UnitPath.parse("20/183/06184")
NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def household(**overrides):
    fields = {
        "tenant": "20",
        "commune_code": "06184",
        "head_name": "Nguyễn Văn An",
        "address": "Khối 1",
    }
    return make_household(**{**fields, **overrides})


def test_same_household_typed_differently_is_one_subject():
    nfd = unicodedata.normalize("NFD", "NGUYỄN VĂN AN")
    assert household().subject_id == household(head_name=nfd, address="khoi 1").subject_id


def test_different_commune_or_tenant_is_another_subject():
    assert household().subject_id != household(commune_code="06185").subject_id
    assert household().subject_id != household(tenant="01").subject_id


def test_enrolment_id_is_the_natural_key_and_its_event_meets_the_contract():
    enrolment = Enrolment(household().subject_id, SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, PATH)
    assert enrolment.id == f"20-FAMILY-2024-{household().subject_id}"
    event = enrolment.registered_event(NOW)
    validate_event(event)
    assert (event["tenant"], event["unitpath"], event["data"]["unitCode"]) == (
        "20",
        "20/183/06184",
        "06184",
    )
    assert event["type"] == "vn.khuyenhoc.registration.registered.v1"


def test_a_village_community_named_by_its_hamlet_is_kept_there_and_received_by_the_commune():
    hamlet = "20/183/06184/06184-T01"
    named = community("20", "06184", "Thôn Đông", hamlet_code="06184-T01", hamlet_path=hamlet)
    place, received_by = enrolment_place(named, PATH)
    assert (str(place), received_by) == (hamlet, "06184")
    enrolment = Enrolment(
        named.subject_id, SubjectKind.COMMUNITY, Title.COMMUNITY, 2024, place, (), received_by
    )
    for event in (enrolment.registered_event(NOW), enrolment.withdrawn_event(NOW, "")):
        validate_event(event)
        assert (event["unitpath"], event["data"]["unitCode"]) == (hamlet, "06184")
    document = enrolment.as_document(NOW, named.name)
    assert (document["unitpath"], document["unit_code"], document["path_3"]) == (
        hamlet,
        "06184",
        "06184-T01",
    )
    assert document["lk_2"].startswith("20|06184|2024|")  # listed by the commune too
    stored = EnrolmentRecord.from_document(document).enrolment()
    assert stored == enrolment and stored.unit_code == "06184"


def test_a_community_by_name_only_or_another_kind_stays_at_the_commune():
    by_name = community("20", "06184", "Thôn Đông")
    assert enrolment_place(by_name, PATH) == (PATH, None)
    assert enrolment_place(household(), PATH) == (PATH, None)
    elsewhere = community("20", "06184", "Thôn Đông", "06187-T01", "20/183/06187/06187-T01")
    assert enrolment_place(elsewhere, PATH) == (PATH, None)  # not the commune's: never moved


def test_registration_years_run_to_next_year():
    years = registration_years(date(2024, 5, 1))
    assert 2000 in years and 2025 in years and 2026 not in years and 1999 not in years


def load(payload):
    return MESSAGES.load(RegisterHouseholdSchema(), payload)


VALID = {
    "tenant": "20",
    "communeCode": "06184",
    "headName": "  Nguyễn  Văn An ",
    "address": "Khối 1",
    "year": 2024,
    "members": [{"name": "Trần Thị Bình", "relation": "Vợ", "birthYear": 1985, "learning": True}],
}


def test_valid_input_becomes_a_household_in_nfc():
    payload = {**VALID, "headName": unicodedata.normalize("NFD", VALID["headName"])}
    command = load(payload)
    assert (command.kind, command.tenant, command.unit_code, command.year) == (
        "household",
        "20",
        "06184",
        2024,
    )
    assert command.fields["head_name"] == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", command.fields["head_name"])
    assert command.fields["members"] == (Member("Trần Thị Bình", "Vợ", 1985, True),)


def errors_of(payload):
    with pytest.raises(InvalidInput) as caught:
        load(payload)
    return {(e.field, e.key) for e in caught.value.errors}, caught.value.errors


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"headName": "   "}, ("headName", "blank")),
        ({"year": 1999}, ("year", "year_range")),
        ({"year": "2024"}, ("year", "invalid")),
        ({"communeCode": "6184"}, ("communeCode", "commune_format")),
        ({"tenant": "020"}, ("tenant", "tenant_format")),
        ({"phone": "12345"}, ("phone", "phone_format")),
        ({"nickname": "x"}, ("nickname", "unknown_field")),
        ({"members": [{"name": "", "relation": "Con"}]}, ("members.0.name", "blank")),
        (
            {"members": [{"name": "A", "relation": "Con", "birthYear": 1800}]},
            ("members.0.birthYear", "birth_year_range"),
        ),
    ],
)
def test_bad_input_is_reported_per_field_in_vietnamese(change, expected):
    keys, errors = errors_of({**VALID, **change})
    assert expected in keys
    assert all(e.message for e in errors)


def test_missing_fields_are_all_reported():
    keys, errors = errors_of({"tenant": "20"})
    assert {
        ("communeCode", "required"),
        ("headName", "required"),
        ("address", "required"),
        ("year", "required"),
    } <= keys
    assert "bắt buộc" in errors[0].message


def test_non_object_input_is_refused():
    keys, _ = errors_of(["not", "an", "object"])
    assert keys == {("_schema", "invalid_input")}


KEY = b"k" * 32


def test_every_kind_has_its_title_and_identity():
    from services.registration.enrolment.domain import (
        LabourGroup,
        LearningUnitKind,
        citizen,
        clan,
        community,
        learning_unit,
    )

    subjects = {
        "FAMILY": make_household("20", "06184", "An", "Khối 1"),
        "CLAN": clan("20", "06184", "Họ Hoàng", "Hoàng Văn Thụ"),
        "COMMUNITY": community("20", "06184", "Khối 1"),
        "UNIT": learning_unit(
            "20", "183", "Trường THCS Cao Lộc", LearningUnitKind.SCHOOL, level="district"
        ),
        "CITIZEN": citizen(
            "20", "06184", "Lý Thị Hoa", 1990, "012345678901", LabourGroup.WORKER, id_key=KEY
        ),
    }
    for title, subject in subjects.items():
        assert subject.title == title
    assert (
        clan("20", "06184", "HO HOANG", "hoang van thu").subject_id == subjects["CLAN"].subject_id
    )
    assert subjects["UNIT"].unit_level == "district"


def test_a_citizen_is_one_person_per_national_id_and_the_id_is_never_kept():
    from services.registration.enrolment.domain import LabourGroup, citizen

    here = citizen(
        "20", "06184", "Lý Thị Hoa", 1990, "012345678901", LabourGroup.WORKER, id_key=KEY
    )
    moved = citizen(
        "20", "06187", "LY THI HOA", 1990, "012345678901", LabourGroup.RURAL, id_key=KEY
    )
    assert here.subject_id == moved.subject_id  # counted once in the province
    document = here.as_document(UnitPath.parse("20/183/06184"), NOW)
    assert "012345678901" not in str(document)
    assert document["national_id_last4"] == "8901"
    other_key = citizen(
        "20", "06184", "Lý Thị Hoa", 1990, "012345678901", LabourGroup.WORKER, id_key=b"x" * 32
    )
    assert other_key.details["national_id_hash"] != here.details["national_id_hash"]


def test_a_correction_sets_only_what_the_kind_may_change_and_recounts_members():
    members = (Member("Lê Văn Khôi", "Con", 2012, learning=True), Member("Lê Thị Na", "Con"))
    fields, refused = correction(SubjectKind.HOUSEHOLD, {"members": members, "phone": "0912345678"})
    assert refused == []
    assert fields["members"][0] == {
        "name": "Lê Văn Khôi",
        "relation": "Con",
        "birth_year": 2012,
        "learning": True,
    }
    assert (fields["size"], fields["learners"], fields["phone"]) == (2, 1, "0912345678")
    given, _ = correction(SubjectKind.HOUSEHOLD, {"members": members, "size": 5})
    assert given["size"] == 5  # a size given wins over the count
    # names and a household's hamlet make the subject's identity; a unit's staff is in its events
    assert correction(SubjectKind.HOUSEHOLD, {"address": "Khối 9"})[1] == ["address"]
    assert correction(SubjectKind.LEARNING_UNIT, {"staff": 30})[1] == ["staff"]
    assert correction(SubjectKind.CLAN, {"address": "Khối 9", "people": 40}) == (
        {"address": "Khối 9", "people": 40},
        [],
    )
