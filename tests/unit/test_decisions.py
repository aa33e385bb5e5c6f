"""The decision as a document, dated on its real day; who signs it; the public posting
(issue 12 items 5b, 5c, 7). Use cases over the in-memory fakes; the gateway's rules alone."""

import base64
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from graphql import GraphQLError

from gateway.access import may_decide, require_authority
from gateway.scoring.decisions import issuing_authority
from gateway.scoring.postings import initials, shown_name
from khuyenhoc.auth import Caller, Role
from khuyenhoc.contracts import validate_event
from khuyenhoc.tenancy import UnitPath
from services.scoring import answers, decisions, postings, service
from services.scoring.criteria_sets import CriteriaSetError, load_file, parse_set
from services.scoring.domain import (
    DEFAULT_AUTHORITIES,
    Refused,
    authorities_for,
    check_decision_date,
    names_policy,
    posting_period,
    posting_state,
    reviewed_on,
    vietnam_day,
)
from services.scoring.messages import MESSAGES, SHEET_REASONS
from tests.fakes_scoring import FakeDecisions, FakeEvidenceFiles, FakeProposals
from tests.unit.test_scoring_service import COMMUNE, GOOD, enrolled, figures

SETS = load_file(Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml")
UNIT = {"code": "06184", "path": str(COMMUNE)}
# 10:00 in Vietnam on these days
REVIEWED = datetime(2024, 12, 2, 3, tzinfo=UTC)
PROPOSED = datetime(2024, 12, 5, 3, tzinfo=UTC)
ENTERED = datetime(2025, 3, 1, 3, tzinfo=UTC)  # the paper decision is entered months later


@pytest.fixture
def assessments():
    from tests.fakes_scoring import FakeAssessments

    return FakeAssessments("20")


def reviewed(assessments, subject, meeting_date=None):
    enrolment_id = enrolled(assessments, subject)
    service.score(assessments, SETS, enrolment_id, "self_assessment", GOOD, {}, now=REVIEWED)
    service.score(assessments, SETS, enrolment_id, "review", GOOD, {}, minutes="BB", now=REVIEWED)
    if meeting_date:  # a review recorded with its meeting day (list reviews record one)
        record = {**assessments.get(enrolment_id).review, "meeting_date": meeting_date}
        service.record_stage(assessments, enrolment_id, "review", record, None)
    return enrolment_id


@pytest.fixture
def listed(assessments):
    ids = [reviewed(assessments, f"hh-{n}") for n in (1, 2, 3)]
    proposals = FakeProposals("20")
    proposal = service.propose(
        assessments, proposals, "20", UNIT, "FAMILY", 2024, 10, PROPOSED
    )  # posted 05/12/2024 → 15/12/2024
    return ids, proposals, proposal


def decide(assessments, proposals, proposal, store, day, number="12/QĐ-UBND", **more):
    return service.decide(
        assessments,
        proposals,
        SETS,
        proposal.id,
        number,
        day,
        "Hoàng Văn Sơn",
        more.pop("enrolment_ids", None),
        more.pop("now", ENTERED),
        decisions=store,
        files=more.pop("files", FakeEvidenceFiles()),
        signer_position="Chủ tịch UBND thị trấn",
        authority="UBND thị trấn Đồng Đăng",
        entered_by="officer-1",
        **more,
    )


# --- dated on its real day ---------------------------------------------------------------------


def test_a_paper_decision_entered_later_keeps_its_day(assessments, listed):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    decided = decide(assessments, proposals, proposal, store, date(2024, 12, 20))
    assert decided.recognised == ids and decided.reasons == []
    document = decided.document
    assert document.id == f"20:{proposal.id}" and document.date == "2024-12-20"
    assert document.entered_at.startswith("2025-03-01") and document.entered_by == "officer-1"
    assert [s["enrolment_id"] for s in document.subjects] == ids
    assert {s["level"] for s in document.subjects} == {None} or all(
        "level" in s for s in document.subjects
    )
    for enrolment_id in ids:
        recognition = assessments.get(enrolment_id).recognition
        assert recognition["decision_date"] == "2024-12-20"
        assert recognition["decision_id"] == document.id
        assert recognition["signer_position"] == "Chủ tịch UBND thị trấn"
        assert recognition["authority"] == "UBND thị trấn Đồng Đăng"
    assert figures(assessments)["recognised"] == 3
    assert proposals.get(proposal.id).decisions == (document.id,)


def test_a_decision_under_a_provisional_set_says_so_everywhere(assessments, listed):
    ids, proposals, proposal = listed
    decided = decide(assessments, proposals, proposal, FakeDecisions("20"), date(2024, 12, 20))
    assert decided.document.provisional is True
    assert decided.document.provisional_reason == "Bộ tiêu chí thử nghiệm."
    recognition = assessments.get(ids[0]).recognition
    assert recognition["provisional"] is True
    assert recognition["provisional_reason"] == "Bộ tiêu chí thử nghiệm."
    event = assessments.events[-1]
    assert event["data"]["provisional"] is True
    assert event["data"]["provisionalReason"] == "Bộ tiêu chí thử nghiệm."
    validate_event(event)  # the contract takes the new optional fields
    answer = answers.decision(decided)
    assert answer["document"]["provisional"] is True and answer["repeated"] is False


@pytest.mark.parametrize(
    ("day", "now", "key"),
    [
        # today (in Vietnam) is fine, tomorrow is not: 23:30 on 1 March in Vietnam is 16:30 UTC
        (date(2025, 3, 1), datetime(2025, 3, 1, 16, 30, tzinfo=UTC), None),
        (date(2025, 3, 2), datetime(2025, 3, 1, 16, 30, tzinfo=UTC), "decision_in_future"),
        # 00:30 on 2 March in Vietnam is still 1 March in UTC: the 2nd is today
        (date(2025, 3, 2), datetime(2025, 3, 1, 17, 30, tzinfo=UTC), None),
        # the posting ends on 15/12/2024: that day is fine, the day before is not
        (date(2024, 12, 15), ENTERED, None),
        (date(2024, 12, 14), ENTERED, "posting_not_over"),
    ],
)
def test_the_decision_day_on_both_sides_of_each_rule(assessments, listed, day, now, key):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    if key is None:
        assert decide(assessments, proposals, proposal, store, day, now=now).recognised == ids
        return
    events = len(assessments.events)
    with pytest.raises(Refused) as refused:
        decide(assessments, proposals, proposal, store, day, now=now)
    assert (refused.value.field, refused.value.key) == ("decision_date", key)
    assert len(assessments.events) == events and store.writes == 0  # nothing changed
    assert proposals.get(proposal.id).decided is None


def test_a_decision_is_not_dated_before_a_subjects_review_meeting(assessments):
    late = reviewed(assessments, "hh-9", meeting_date="2024-12-20")
    early = reviewed(assessments, "hh-8")  # reviewed on 02/12/2024 (its record's day)
    proposals = FakeProposals("20")
    proposal = service.propose(
        assessments, proposals, "20", UNIT, "FAMILY", 2024, 0, PROPOSED, date(2024, 12, 1)
    )
    store = FakeDecisions("20")
    with pytest.raises(Refused) as refused:  # the day before the meeting
        decide(assessments, proposals, proposal, store, date(2024, 12, 19))
    assert (refused.value.field, refused.value.key) == ("decision_date", "decision_before_review")
    assert refused.value.detail == "20/12/2024."
    assert store.writes == 0 and assessments.get(late).recognition is None
    decided = decide(assessments, proposals, proposal, store, date(2024, 12, 20))  # the meeting day
    assert sorted(decided.recognised) == sorted([late, early])


def test_the_review_day_is_its_meeting_or_the_day_it_was_recorded_in_vietnam():
    assert reviewed_on({"meeting_date": "2024-11-20", "at": "2024-12-01T00:00:00+00:00"}) == date(
        2024, 11, 20
    )
    # recorded at 23:00 UTC on 30 November: already 1 December in Vietnam
    assert reviewed_on({"at": "2024-11-30T23:00:00+00:00"}) == date(2024, 12, 1)
    assert reviewed_on(None) is None
    assert vietnam_day(datetime(2024, 11, 30, 16, 59, tzinfo=UTC)) == date(2024, 11, 30)
    with pytest.raises(Refused):
        check_decision_date(date(2024, 12, 1), date(2024, 12, 5), "2024-12-01", [date(2024, 12, 2)])


# --- idempotent ---------------------------------------------------------------------------------


def test_the_same_decision_sent_again_answers_the_stored_one_and_writes_nothing(
    assessments, listed
):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    first = decide(assessments, proposals, proposal, store, date(2024, 12, 20))
    events, writes = len(assessments.events), store.writes
    again = decide(
        assessments, proposals, proposal, store, date(2024, 12, 20), now=datetime.now(UTC)
    )
    assert again.repeated is True and again.document == first.document
    assert again.recognised == first.recognised
    assert len(assessments.events) == events and store.writes == writes
    # the same number with another day, or another decision for the decided list: refused
    with pytest.raises(Refused) as other_day:
        decide(assessments, proposals, proposal, store, date(2024, 12, 21))
    assert (other_day.value.field, other_day.value.key) == (
        "decision_number",
        "decision_number_used",
    )
    with pytest.raises(Refused) as other:
        decide(assessments, proposals, proposal, store, date(2024, 12, 21), number="13/QĐ-UBND")
    assert (other.value.field, other.value.key) == ("proposal_id", "already_decided")
    assert len(assessments.events) == events and store.writes == writes


def test_the_rest_of_a_list_gets_a_supplementary_decision(assessments, listed):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    first = decide(
        assessments, proposals, proposal, store, date(2024, 12, 20), enrolment_ids=ids[:2]
    )
    rest = decide(
        assessments,
        proposals,
        proposal,
        store,
        date(2024, 12, 22),
        number="15/QĐ-UBND",
        enrolment_ids=ids[2:],
    )
    assert rest.recognised == ids[2:] and rest.document.id == f"{first.document.id}:2"
    assert proposals.get(proposal.id).decisions == (first.document.id, rest.document.id)
    assert decisions.of_unit(proposals, store, "06184", 2024) == [first.document, rest.document]
    assert decisions.decision(store, rest.document.id) == rest.document
    assert decisions.decision(FakeDecisions("01"), rest.document.id) is None  # another tenant


def test_a_scanned_decision_is_checked_like_evidence(assessments, listed):
    ids, proposals, proposal = listed
    store, files = FakeDecisions("20"), FakeEvidenceFiles()
    scan = {"file_name": "qd.docx", "content_type": "application/msword", "content": b"PK"}
    with pytest.raises(Refused) as refused:
        decide(assessments, proposals, proposal, store, date(2024, 12, 20), files=files, file=scan)
    assert refused.value.key == "decision_file_type" and store.writes == 0
    lying = {"file_name": "qd.pdf", "content_type": "application/pdf", "content": b"\x89PNG"}
    with pytest.raises(Refused) as mismatch:
        decide(assessments, proposals, proposal, store, date(2024, 12, 20), files=files, file=lying)
    assert mismatch.value.key == "file_content"
    pdf = {"file_name": "qd.pdf", "content_type": "application/pdf", "content": b"%PDF-1.4 x"}
    decided = decide(
        assessments, proposals, proposal, store, date(2024, 12, 20), files=files, file=pdf
    )
    assert decided.document.file["file_name"] == "qd.pdf"
    assert answers.decision(decided)["document"]["file"]["size"] == len(pdf["content"])


# --- the posting ---------------------------------------------------------------------------------


def test_a_posting_done_on_paper_runs_from_its_real_day(assessments):
    reviewed(assessments, "hh-1")
    proposals = FakeProposals("20")
    with pytest.raises(Refused) as future:  # tomorrow in Vietnam
        service.propose(
            assessments, proposals, "20", UNIT, "FAMILY", 2024, 10, PROPOSED, date(2024, 12, 6)
        )
    assert (future.value.field, future.value.key) == ("posted_from", "posted_in_future")
    with pytest.raises(Refused) as too_early:
        service.propose(
            assessments, proposals, "20", UNIT, "FAMILY", 2024, 10, PROPOSED, date(2023, 12, 31)
        )
    assert too_early.value.key == "posted_before_year"
    assert proposals.proposals == {}
    posted = service.propose(
        assessments, proposals, "20", UNIT, "FAMILY", 2024, 10, PROPOSED, date(2024, 12, 5)
    )
    assert (posted.posted_from, posted.posting_ends) == ("2024-12-05", "2024-12-15")
    assert len(posted.levels) == len(posted.enrolments) == 1


def test_the_posting_period_is_the_provinces_per_title_or_ten_days():
    assert posting_period(None, "FAMILY") == (10, True)
    assert posting_period(7, "FAMILY") == (7, False)
    assert posting_period(0, "FAMILY") == (0, False)
    assert posting_period({"FAMILY": 5, "*": 15}, "FAMILY") == (5, False)
    assert posting_period({"FAMILY": 5, "*": 15}, "CLAN") == (15, False)
    assert posting_period({"FAMILY": 5}, "CLAN") == (10, True)
    assert "Nghị định 86/2023/NĐ-CP" in MESSAGES["posting_default_basis"]


def test_a_list_is_public_while_posted_and_a_while_after(assessments, listed):
    ids, proposals, proposal = listed
    settings = {}
    running = postings.posting(proposals, proposal.id, date(2024, 12, 15), settings)
    assert running.state == "running" and running.names == "initials"
    assert [r["enrolment_id"] for r in running.rows] == ids and running.next_cursor is None
    ended = postings.posting(proposals, proposal.id, date(2025, 1, 14), settings)
    assert ended.state == "ended"
    assert postings.posting(proposals, proposal.id, date(2025, 1, 15), settings) is None
    assert postings.posting(proposals, proposal.id, date(2025, 1, 15), {"shown_after_days": 31})
    assert postings.posting(FakeProposals("01"), proposal.id, date(2024, 12, 10), {}) is None
    listed_ = postings.of_unit(proposals, "06184", 2024, date(2024, 12, 10), {"names": "full"})
    assert [(p.proposal.id, p.names) for p in listed_] == [(proposal.id, "full")]
    page = postings.posting(proposals, proposal.id, date(2024, 12, 10), {}, None, 2)
    assert len(page.rows) == 2 and page.next_cursor == "2"
    rest = postings.posting(proposals, proposal.id, date(2024, 12, 10), {}, "2", 500)
    assert [r["enrolment_id"] for r in rest.rows] == ids[2:] and rest.next_cursor is None
    answer = answers.posting(rest)
    assert answer["total"] == 3 and answer["subject_kind"] == "household"
    # the list rests on a provisional set: the public page says so, with the set's reason
    assert (answer["provisional"], answer["provisional_reason"]) == (
        True,
        "Bộ tiêu chí thử nghiệm.",
    )
    officers = answers.proposal(proposal)
    assert (officers["provisional"], officers["provisional_reason"]) == (
        True,
        "Bộ tiêu chí thử nghiệm.",
    )
    assert answer["posting_basis"] == "Thời gian niêm yết do tỉnh quy định."
    assert set(answer).isdisjoint({"unitpath", "tenant", "enrolments"})


def test_posting_state_on_both_sides_of_its_days():
    assert posting_state("2024-12-05", "2024-12-15", date(2024, 12, 4), 30) is None
    assert posting_state("2024-12-05", "2024-12-15", date(2024, 12, 5), 30) == "running"
    assert posting_state("2024-12-05", "2024-12-15", date(2024, 12, 15), 30) == "running"
    assert posting_state("2024-12-05", "2024-12-15", date(2024, 12, 16), 30) == "ended"
    assert posting_state("2024-12-05", "2024-12-15", date(2025, 1, 14), 30) == "ended"
    assert posting_state("2024-12-05", "2024-12-15", date(2025, 1, 15), 30) is None


def test_names_are_initials_for_people_and_full_for_the_others_unless_configured():
    assert names_policy(None, "household") == "initials"
    assert names_policy(None, "citizen") == "initials"
    assert names_policy(None, "clan") == "full"
    assert names_policy(None, "learning_unit") == "full"
    assert names_policy("full", "household") == "full"
    assert names_policy("initials", "clan") == "full"  # one word is about people
    assert names_policy({"clan": "initials"}, "clan") == "initials"
    assert initials("Đặng Thị Ngọc Ánh") == "Đ.T.N.Á."
    assert shown_name("Nông Văn Một", "initials") == "N.V.M."
    assert shown_name("Dòng họ Hoàng", "full") == "Dòng họ Hoàng"
    assert shown_name(None, "full") is None


# --- who signs -----------------------------------------------------------------------------------


def test_who_signs_each_title_by_default():
    assert authorities_for("FAMILY", {}) == ["authority@commune"]
    for title in ("CLAN", "COMMUNITY", "CITIZEN"):
        assert DEFAULT_AUTHORITIES[title] == ("authority@commune",)
    assert authorities_for("COMMUNE_COMMUNITY", {}) == ["authority:parent"]
    assert authorities_for("UNIT", {}) == ["authority:same"]
    # the province wins over the set, the set over the default
    assert authorities_for("FAMILY", {"FAMILY": ["authority@district"]}, ["x"]) == [
        "authority@district"
    ]
    assert authorities_for("FAMILY", {"*": ["authority"]}) == ["authority"]
    assert authorities_for("FAMILY", {}, ("authority@province",)) == ["authority@province"]


def test_a_criteria_set_may_name_who_signs():
    text = Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml"
    import yaml

    data = yaml.safe_load(text.read_text(encoding="utf-8"))
    named = parse_set({**data, "decided_by": ["authority@district"]})
    assert named.decided_by == ("authority@district",)
    assert decisions.authorities([named], {}, "FAMILY", 2024) == ["authority@district"]
    assert decisions.authorities([named], {"FAMILY": ["authority"]}, "FAMILY", 2024) == [
        "authority"
    ]
    assert decisions.authorities([named], {}, "FAMILY", None) == ["authority@commune"]
    with pytest.raises(CriteriaSetError):
        parse_set({**data, "decided_by": ["authority@hamlet"]})
    assert parse_set(data).decided_by == ()


def caller(path, role=Role.AUTHORITY):
    unit = UnitPath.parse(path)
    return Caller("c", unit.tenant, role, unit)


HOUSEHOLDS = UnitPath.parse("20/183/06184")


@pytest.mark.parametrize(
    ("path", "level", "allowed"),
    [
        ("20/183/06184", "commune", True),  # the commune's People's Committee
        ("20/183", "district", False),
        ("20", "province", False),
        ("20/183/06187", "commune", False),  # the sibling commune
        ("01", "province", False),  # another province
    ],
)
def test_a_household_list_is_signed_by_its_commune(path, level, allowed):
    assert may_decide(caller(path), HOUSEHOLDS, ["authority@commune"], level) is allowed
    # a hamlet branch's list is the commune's too
    branch = HOUSEHOLDS.child("B1")
    assert may_decide(caller(path), branch, ["authority@commune"], level) is allowed


def test_the_refusal_says_who_signs_to_an_authority_in_reach_only():
    with pytest.raises(GraphQLError) as district:
        require_authority(caller("20/183"), str(HOUSEHOLDS), ["authority@commune"], "district")
    assert district.value.extensions["code"] == "FORBIDDEN"
    assert "UBND cấp xã" in district.value.message
    with pytest.raises(GraphQLError) as outsider:
        require_authority(caller("01"), str(HOUSEHOLDS), ["authority@commune"], "province")
    assert "UBND" not in outsider.value.message
    with pytest.raises(GraphQLError) as officer:
        require_authority(
            caller("20/183/06184", Role.COMMUNE_OFFICER), str(HOUSEHOLDS), ["authority@commune"]
        )
    assert officer.value.extensions["code"] == "FORBIDDEN" and "UBND" not in officer.value.message


def test_the_commune_community_is_signed_by_the_level_directly_above():
    commune_2024 = UnitPath.parse("20/183/06184")
    assert may_decide(caller("20/183"), commune_2024, ["authority:parent"])
    assert not may_decide(caller("20"), commune_2024, ["authority:parent"])
    assert not may_decide(caller("20/183/06184"), commune_2024, ["authority:parent"])
    commune_2025 = UnitPath.parse("20/06184")  # after the reform: the province
    assert may_decide(caller("20"), commune_2025, ["authority:parent"])


def test_a_learning_unit_is_signed_at_its_own_level():
    assert may_decide(caller("20/183"), UnitPath.parse("20/183"), ["authority:same"])
    assert not may_decide(caller("20"), UnitPath.parse("20/183"), ["authority:same"])
    assert may_decide(caller("20/183/06184"), HOUSEHOLDS, ["authority:same"])
    assert may_decide(caller("20/183"), HOUSEHOLDS, ["authority@district"], "district")
    assert may_decide(caller("20"), HOUSEHOLDS, ["authority@province"], "province")
    assert not may_decide(caller("20"), HOUSEHOLDS, ["authority@province"], None)


def test_the_issuing_authority_defaults_to_the_callers_peoples_committee():
    assert issuing_authority({"name": "Thị trấn Đồng Đăng"}) == "UBND thị trấn Đồng Đăng"
    assert issuing_authority({"name": "Xã Đồng Đăng"}) == "UBND xã Đồng Đăng"
    assert issuing_authority(None) is None


def test_rows_carry_the_level_proposed_page_by_page():
    from services.scoring.domain import Proposal

    proposal = Proposal(
        id="20:06184:UNIT:2024",
        tenant="20",
        unit_code="06184",
        unitpath="20/183/06184",
        title="UNIT",
        year=2024,
        enrolments=["a", "b", "c"],
        proposed_at="2024-12-05T03:00:00+00:00",
        posting_ends="2024-12-15",
        levels=[1, 2, None],
    )
    assert postings.page(proposal, None, 2) == (
        [{"enrolment_id": "a", "level": 1}, {"enrolment_id": "b", "level": 2}],
        "2",
    )
    assert postings.page(proposal, "2", 0) == ([{"enrolment_id": "c", "level": None}], None)
    assert postings.page(proposal, "junk", 999)[1] is None  # a bad cursor starts again
    assert proposal.first_posted == "2024-12-05"  # a list from before posted_from


def test_the_public_page_keeps_only_the_name_of_who_is_on_it():
    from types import SimpleNamespace

    from gateway.scoring.postings import _with_names

    class Registration:
        def enrolment_names(self, tenant, ids):
            assert tenant == "20" and len(ids) <= 200
            return {
                i: {"name": "Đặng Thị Ngọc Ánh", "subjectId": "hh-1", "unitpath": "20/183"}
                for i in ids
            }

    posting = {
        "title": "FAMILY",
        "year": 2024,
        "names": "initials",
        "subject_kind": "household",
        "state": "running",
        "rows": [{"enrolment_id": "20-FAMILY-2024-hh-1", "level": 1}],
    }
    shown = _with_names(SimpleNamespace(registration=Registration()), "20", posting, None)
    assert shown["rows"] == [
        {
            "name": "Đ.T.N.Á.",
            "subject_kind": "household",
            "title": "FAMILY",
            "year": 2024,
            "level": 1,
        }
    ]
    assert shown["ended"] is False and "hh-1" not in str(shown["rows"])


def test_a_decision_interrupted_before_its_document_is_finished_when_sent_again(
    assessments, listed
):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    decided = decide(assessments, proposals, proposal, store, date(2024, 12, 20))
    # as if the process died after recording the recognitions, before the document
    store.documents.clear()
    proposals.save(replace(proposals.get(proposal.id), decisions=(), decided=None))
    events = len(assessments.events)
    again = decide(assessments, proposals, proposal, store, date(2024, 12, 20))
    assert again.recognised == ids and again.document.subjects == decided.document.subjects
    assert len(assessments.events) == events  # nobody recognised twice


def test_a_decision_whose_lists_write_was_interrupted_is_still_found(assessments, listed):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    first = decide(
        assessments, proposals, proposal, store, date(2024, 12, 20), enrolment_ids=ids[:1]
    )
    proposals.save(replace(proposals.get(proposal.id), decisions=()))  # the list never heard
    with pytest.raises(Refused) as overlap:  # another decision for the same subject
        decide(
            assessments, proposals, proposal, store, date(2024, 12, 21), "20/QĐ", enrolment_ids=ids
        )
    assert overlap.value.key == "already_decided"
    again = decide(
        assessments, proposals, proposal, store, date(2024, 12, 20), enrolment_ids=ids[:1]
    )
    assert again.repeated and proposals.get(proposal.id).decisions == (first.document.id,)
    rest = decide(
        assessments, proposals, proposal, store, date(2024, 12, 21), "20/QĐ", enrolment_ids=ids[1:]
    )
    assert rest.document.id.endswith(":2") and store.get(first.document.id) == first.document


# --- the decision's list as a spreadsheet --------------------------------------------------------


def sheet_of(rows):
    from khuyenhoc.sheets import export_rows

    columns = [("enrolment_id", "Mã đăng ký"), ("name", "Họ và tên"), ("level", "Mức độ")]
    return export_rows("DANH SÁCH KÈM THEO QUYẾT ĐỊNH", columns, rows)


def from_sheet(assessments, proposals, proposal, store, content, name="qd.xlsx"):
    return decisions.decide_from_sheet(
        assessments,
        proposals,
        SETS,
        proposal.id,
        name,
        content,
        decision_number="30/QĐ-UBND",
        decision_date=date(2024, 12, 20),
        signer="Hoàng Văn Sơn",
        now=ENTERED,
        decisions=store,
        files=FakeEvidenceFiles(),
    )


def test_a_decision_list_from_a_spreadsheet_decides_the_rows_listed(assessments, listed):
    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    content = sheet_of([(ids[0], "Nông Văn Một", None), (ids[2], "Nông Văn Ba", None)])
    decided = from_sheet(assessments, proposals, proposal, store, content)
    assert decided.recognised == [ids[0], ids[2]] and decided.document.number == "30/QĐ-UBND"
    assert assessments.get(ids[1]).recognition is None


def test_a_wrong_row_decides_nothing_and_is_reported_by_row(assessments, listed):
    from openpyxl import load_workbook

    ids, proposals, proposal = listed
    store = FakeDecisions("20")
    content = sheet_of(
        [
            (ids[0], "Nông Văn Một", None),
            ("20-FAMILY-2024-hh-x", "Người lạ", None),  # not on the proposal
            (ids[0], "Nông Văn Một", None),  # twice
            (ids[1], "Nông Văn Hai", "hai"),  # not a number
        ]
    )
    errors = from_sheet(assessments, proposals, proposal, store, content)
    assert [(e.row, e.key) for e in errors] == [
        (4, "not_in_proposal"),
        (5, "duplicate_row"),
        (6, "not_a_number"),
    ]
    assert store.writes == 0 and all(assessments.get(i).recognition is None for i in ids)
    answer = answers.row_errors(errors, decisions.row_error_report(errors, SHEET_REASONS))
    assert answer["row_errors"][0]["message"] == SHEET_REASONS["not_in_proposal"]
    report = load_workbook(io.BytesIO(base64.b64decode(answer["error_report"])))
    texts = [str(c.value) for row in report.active.iter_rows() for c in row if c.value]
    assert SHEET_REASONS["duplicate_row"] in texts


def test_a_level_other_than_proposed_is_a_row_error():
    from services.scoring.domain import Proposal

    proposal = Proposal(
        id="20:06184:UNIT:2024",
        tenant="20",
        unit_code="06184",
        unitpath="20/183/06184",
        title="UNIT",
        year=2024,
        enrolments=["20-UNIT-2024-lu-1", "20-UNIT-2024-lu-2"],
        proposed_at="2024-12-05T03:00:00+00:00",
        posting_ends="2024-12-15",
        levels=[1, 2],
    )
    wanted, errors = decisions.read_decision_list(
        proposal, "qd.xlsx", sheet_of([("20-UNIT-2024-lu-1", "", 1), ("20-UNIT-2024-lu-2", "", 1)])
    )
    assert wanted == ["20-UNIT-2024-lu-1"]
    assert [(e.row, e.key) for e in errors] == [(4, "level_differs")]


def test_an_unreadable_or_empty_list_is_refused_as_a_whole(assessments, listed):
    ids, proposals, proposal = listed
    with pytest.raises(Refused) as unreadable:
        from_sheet(assessments, proposals, proposal, FakeDecisions("20"), b"not a sheet", "qd.pdf")
    assert (unreadable.value.field, unreadable.value.key) == ("sheet", "sheet_unreadable")
    assert unreadable.value.detail  # khuyenhoc.sheets says why, in Vietnamese
    with pytest.raises(Refused) as empty:
        from_sheet(assessments, proposals, proposal, FakeDecisions("20"), sheet_of([]))
    assert empty.value.key == "sheet_empty"
