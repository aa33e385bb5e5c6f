"""Certificates (giấy công nhận) over in-memory stores: numbering in the decision's list order,
verification codes (deterministic, unguessable without the key, refused when altered), and
statuses at their boundary days in Vietnam's time."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import answers, certificates, service
from services.scoring.criteria_sets import load_file
from services.scoring.domain import AssessmentRecord, Proposal, Refused
from tests.fakes_scoring import FakeAssessments, FakeCertificateLookups, FakeProposals

SETS = load_file(Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml")
COMMUNE = UnitPath.parse("20/183/06184")
NOW = datetime(2025, 1, 2, tzinfo=UTC)
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
KEY = b"test-certificate-key"
TODAY = date(2025, 3, 1)


def reviewed(assessments, subject):
    enrolment = Enrolment(subject, SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE)
    event = Envelope.from_dict(enrolment.registered_event(datetime(2024, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    enrolment_id = event.data["enrolmentId"]
    for stage in ("self_assessment", "review"):
        service.score(assessments, SETS, enrolment_id, stage, GOOD, {}, minutes="BB", now=NOW)
    return enrolment_id


@pytest.fixture
def world():
    assessments, proposals, lookups = FakeAssessments(), FakeProposals(), FakeCertificateLookups()
    ids = [reviewed(assessments, f"hh-{n}") for n in range(4)]
    unit = {"code": "06184", "path": str(COMMUNE)}
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", 2024, 0, NOW)
    return assessments, proposals, lookups, proposal, ids


def decide(world, number, enrolment_ids, day=date(2025, 1, 20)):
    assessments, proposals, _, proposal, _ = world
    return service.decide(
        assessments,
        proposals,
        SETS,
        proposal.id,
        number,
        day,
        "Chủ tịch UBND Hoàng Văn Sơn",
        enrolment_ids=enrolment_ids,
        now=datetime(2025, 3, 1, 3, tzinfo=UTC),  # entered later: a decision is never dated ahead
    )


def listed(world, key=KEY):
    assessments, proposals, lookups, proposal, _ = world
    return certificates.certificates(assessments, proposals, lookups, key, proposal.id, TODAY)


# -- numbering ---------------------------------------------------------------------------------


def test_certificates_are_numbered_in_the_lists_order_and_only_for_those_recognised(world):
    _, _, _, proposal, _ = world
    ordered = proposal.enrolments
    decide(world, "45/QĐ-UBND", [ordered[0], ordered[2], ordered[3]])
    found = listed(world)
    assert [(c.number, c.enrolment_id) for c in found.certificates] == [
        ("45/QĐ-UBND-001", ordered[0]),
        ("45/QĐ-UBND-002", ordered[2]),
        ("45/QĐ-UBND-003", ordered[3]),
    ]
    first = found.certificates[0]
    assert (first.title, first.year, first.decision_date) == ("FAMILY", 2024, "2025-01-20")
    assert first.signer == "Chủ tịch UBND Hoàng Văn Sơn" and first.status == "valid"
    assert listed(world) == found  # the same numbers and codes every time


def test_a_list_decided_in_parts_numbers_each_decision_on_its_own():
    proposal = Proposal(
        "20:06184:FAMILY:2024",
        "20",
        "06184",
        str(COMMUNE),
        "FAMILY",
        2024,
        ["e1", "e2", "e3", "e4"],
        "2025-01-02",
        "2025-01-02",
    )
    records = {
        f"e{n}": _record(f"e{n}", {"decision_number": number, "decision_date": "2025-01-20"})
        for n, number in ((1, "1/QĐ"), (2, "2/QĐ"), (3, "1/QĐ"), (4, "2/QĐ"))
    }
    numbers = [number for number, _ in certificates.numbered(proposal, records)]
    assert numbers == ["1/QĐ-001", "2/QĐ-001", "1/QĐ-002", "2/QĐ-002"]


def test_a_revocation_keeps_every_number(world):
    assessments, _, _, proposal, _ = world
    decide(world, "45/QĐ-UBND", None)
    before = [(c.number, c.code) for c in listed(world).certificates]
    service.revoke(assessments, proposal.enrolments[1], "Khai sai", now=NOW)
    after = listed(world).certificates
    assert [(c.number, c.code) for c in after] == before
    assert [c.status for c in after] == ["valid", "revoked", "valid", "valid"]
    assert after[1].revoked_on == "2025-01-02"


def test_a_list_not_decided_or_unknown_is_refused_by_key(world):
    assessments, proposals, lookups, proposal, _ = world
    with pytest.raises(Refused) as refused:
        listed(world)
    assert (refused.value.field, refused.value.key) == ("proposal_id", "not_decided")
    with pytest.raises(Refused) as refused:
        certificates.certificates(assessments, proposals, lookups, KEY, "20:x:FAMILY:2024", TODAY)
    assert refused.value.key == "proposal_not_found"
    assert lookups.lookups == {}


def test_another_tenants_stores_hold_none_of_its_certificates(world):
    decide(world, "45/QĐ-UBND", None)
    _, _, _, proposal, _ = world
    with pytest.raises(Refused):
        certificates.certificates(
            FakeAssessments("01"),
            FakeProposals("01"),
            FakeCertificateLookups("01"),
            KEY,
            proposal.id,
            TODAY,
        )


# -- codes -------------------------------------------------------------------------------------


def test_a_code_is_the_tenant_and_sixteen_base32_characters_and_always_the_same():
    code = certificates.certificate_code(KEY, "20", "20-2024-FAMILY-hh-1")
    assert code == certificates.certificate_code(KEY, "20", "20-2024-FAMILY-hh-1")
    assert code.startswith("20-") and len(code) == 19
    assert set(code[3:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    others = {
        certificates.certificate_code(KEY, "20", "20-2024-FAMILY-hh-2"),
        certificates.certificate_code(KEY, "01", "20-2024-FAMILY-hh-1")[3:],
        certificates.certificate_code(b"another key", "20", "20-2024-FAMILY-hh-1"),
    }
    assert code not in others and code[3:] not in others


def test_codes_as_people_type_them_are_understood_and_junk_is_not():
    code = certificates.certificate_code(KEY, "20", "e1")
    spaced = f" {code[:7].lower()} {code[7:]} "
    assert certificates.parse_code(spaced) == ("20", code)
    for junk in ("", "20", "20-ABC", "x" * 100, "2O-" + code[3:], "201-" + code[3:], code + "A"):
        assert certificates.parse_code(junk) is None, junk


def test_the_key_is_configured_or_in_development_the_token_secret():
    assert certificates.certificate_key({"CERTIFICATE_KEY": "k", "JWT_SECRET": "j"}) == b"k"
    assert certificates.certificate_key({"CERTIFICATE_KEY": "", "JWT_SECRET": "j"}) == b"j"
    with pytest.raises(ValueError):
        certificates.certificate_key({})


# -- verification ------------------------------------------------------------------------------


def test_a_code_verifies_once_its_certificates_were_produced_and_an_altered_one_never(world):
    assessments, _, lookups, proposal, _ = world
    decide(world, "45/QĐ-UBND", None)
    code = certificates.certificate_code(KEY, "20", proposal.enrolments[0])
    assert certificates.verify(assessments, lookups, KEY, "20", code, TODAY) is None  # not yet
    produced = listed(world).certificates
    assert len(lookups.lookups) == 4
    assert listed(world) and len(lookups.lookups) == 4  # written once
    found = certificates.verify(assessments, lookups, KEY, "20", code, TODAY)
    assert found == produced[0]
    last = code[-1]
    altered = code[:-1] + ("A" if last != "A" else "B")
    assert certificates.verify(assessments, lookups, KEY, "20", altered, TODAY) is None
    # the same code asked of another tenant, or with another key, finds nothing
    assert certificates.verify(assessments, lookups, KEY, "01", code, TODAY) is None
    assert certificates.verify(assessments, lookups, b"other", "20", code, TODAY) is None


def test_a_forged_lookup_document_does_not_make_a_code_valid(world):
    assessments, _, lookups, proposal, _ = world
    decide(world, "45/QĐ-UBND", None)
    listed(world)
    forged = "20-AAAAAAAAAAAAAAAA"
    lookups.ensure(
        [
            {
                "_id": certificates.lookup_id("20", forged),
                "enrolment_id": proposal.enrolments[0],
                "number": "45/QĐ-UBND-001",
            }
        ]
    )
    assert certificates.verify(assessments, lookups, KEY, "20", forged, TODAY) is None


def test_a_verified_answer_names_no_person_and_carries_the_status(world):
    assessments, _, lookups, _, _ = world
    decide(world, "45/QĐ-UBND", None)
    first = listed(world).certificates[0]
    found = certificates.verify(assessments, lookups, KEY, "20", first.code, TODAY)
    answer = answers.certificate(found)
    assert answer["status"] == "valid" and answer["number"] == "45/QĐ-UBND-001"
    assert not {"name", "phone", "national_id"} & set(answer)


# -- statuses ----------------------------------------------------------------------------------


def test_a_certificate_holds_through_its_last_day_and_expires_the_day_after():
    recognition = {"valid_until": "2027-01-19"}
    assert certificates.status_of(recognition, date(2027, 1, 19)) == "valid"
    assert certificates.status_of(recognition, date(2027, 1, 20)) == "expired"
    assert certificates.status_of({"valid_until": None}, date(2099, 1, 1)) == "valid"


def test_a_revoked_certificate_is_revoked_whatever_its_dates_with_the_day_in_vietnam():
    late_evening = {"reason": "x", "at": "2025-01-01T18:30:00+00:00"}  # 01:30 on 2 January
    recognition = {"valid_until": "2030-01-01", "revoked": late_evening}
    assert certificates.status_of(recognition, date(2025, 1, 5)) == "revoked"
    assert certificates.revoked_on(recognition) == "2025-01-02"
    assert certificates.revoked_on({"revoked": {"date": "2024-12-30", "at": "x"}}) == "2024-12-30"
    assert certificates.revoked_on({"valid_until": None}) is None


def test_today_is_vietnams_day():
    assert certificates.today_in_vietnam(datetime(2024, 12, 31, 16, 59, tzinfo=UTC)) == date(
        2024, 12, 31
    )
    assert certificates.today_in_vietnam(datetime(2024, 12, 31, 17, 0, tzinfo=UTC)) == date(
        2025, 1, 1
    )


def test_persons_are_named_by_initials_unless_the_province_posts_full_names():
    assert certificates.holder_names({}, "household") == "initials"
    assert certificates.holder_names({}, "citizen") == "initials"
    for kind in ("clan", "community", "learning_unit", "commune"):
        assert certificates.holder_names({}, kind) == "full"
        assert certificates.holder_names({"posting": {"names": "initials"}}, kind) == "full"
    assert certificates.holder_names({"posting": {"names": "full"}}, "household") == "full"
    # the same rule as the public posting, per kind where the province maps kinds
    per_kind = {"posting": {"names": {"household": "full", "clan": "initials"}}}
    assert certificates.holder_names(per_kind, "household") == "full"
    assert certificates.holder_names(per_kind, "clan") == "initials"
    assert certificates.holder_names(per_kind, "citizen") == "initials"


def test_parts_exist_up_to_the_last_certificate():
    certificates.check_part(0, 1, 10)  # part 1 always (an empty list is answered empty)
    certificates.check_part(20, 2, 10)
    for part in (0, 3):
        with pytest.raises(Refused) as refused:
            certificates.check_part(20, part, 10)
        assert (refused.value.field, refused.value.key) == ("part", "certificate_part")


def test_the_answer_cuts_a_list_in_parts(world):
    decide(world, "45/QĐ-UBND", None)
    found = listed(world)
    second = answers.certificates(found, 2, 3)
    assert (second["total"], second["part"], second["parts"]) == (4, 2, 2)
    assert [c["number"] for c in second["certificates"]] == ["45/QĐ-UBND-004"]
    assert second["proposal"]["unitpath"] == str(COMMUNE)


def _record(enrolment_id, recognition):
    base = AssessmentRecord(
        enrolment_id, "20", "hh", "household", "FAMILY", 2024, "06184", str(COMMUNE), "REGISTERED"
    )
    return replace(base, recognition=recognition)


def test_a_certificate_says_whether_its_recognition_rests_on_a_provisional_set(world):
    decide(world, "45/QĐ-UBND", None)
    assert all(c.provisional for c in listed(world).certificates)  # the test set is provisional
    record = _record("e1", {"decision_number": "1/QĐ", "provisional": False})
    record = replace(record, review={"verdict": {"provisional": True}})
    assert certificates.provisional(record) is False  # the decision's own word wins
    assert certificates.provisional(replace(record, recognition={"decision_number": "1"}))
