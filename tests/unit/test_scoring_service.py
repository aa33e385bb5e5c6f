"""Scoring's use cases over in-memory stores (no server): from a registration to a recognition
and its revocation, refusals by key, and the answers the edge builds from them."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import answers, messages, service
from services.scoring.criteria_sets import load_file
from services.scoring.domain import Refused
from tests.fakes_scoring import FakeAssessments, FakeEvidenceFiles, FakeProposals

SETS = load_file(Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml")
COMMUNE = UnitPath.parse("20/183/06184")
NOW = datetime(2025, 1, 2, tzinfo=UTC)
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
PDF = b"%PDF-1.4 minutes"


def enrolment(subject="hh-1"):
    return Enrolment(subject, SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE)


def registered(subject="hh-1", at=datetime(2024, 1, 2, tzinfo=UTC)):
    return Envelope.from_dict(enrolment(subject).registered_event(at))


@pytest.fixture
def assessments():
    return FakeAssessments("20")


def enrolled(assessments, subject="hh-1"):
    event = registered(subject)
    assert service.apply_enrolment_event(assessments, event, "registered")
    return event.data["enrolmentId"]


def reviewed(assessments, subject="hh-1", answers=GOOD):
    enrolment_id = enrolled(assessments, subject)
    for stage in ("self_assessment", "review"):
        service.score(assessments, SETS, enrolment_id, stage, answers, {}, minutes="BB", now=NOW)
    return enrolment_id


def figures(assessments, path=COMMUNE):
    return service.unit_stats(assessments, path, 2024).get("FAMILY", {})


def test_a_registration_counts_once_and_a_withdrawal_takes_it_back(assessments):
    event = registered()
    assert service.apply_enrolment_event(assessments, event, "registered") is True
    assert service.apply_enrolment_event(assessments, event, "registered") is False
    assert figures(assessments)["registered"] == 1
    assert figures(assessments, UnitPath.parse("20"))["registered"] == 1
    later = datetime(2024, 2, 1, tzinfo=UTC)
    withdrawn = Envelope.from_dict(enrolment().withdrawn_event(later, ""))
    assert service.apply_enrolment_event(assessments, withdrawn, "withdrawn") is True
    assert figures(assessments)["registered"] == 0
    assert service.apply_enrolment_event(assessments, event, "registered") is False  # older


def test_a_review_meeting_the_criteria_makes_the_subject_eligible(assessments):
    enrolment_id = reviewed(assessments)
    record = assessments.get(enrolment_id)
    assert record.review["verdict"]["status"] == "recognised" and record.review["minutes"] == "BB"
    counted = figures(assessments)
    assert (counted["assessed"], counted["reviewed"], counted["eligible"]) == (1, 1, 1)
    assert [e["type"].split(".")[-2] for e in assessments.events] == ["scored", "scored"]


def test_refusals_carry_a_key_and_the_field_at_fault(assessments):
    with pytest.raises(Refused) as unknown:
        service.score(assessments, SETS, "20-FAMILY-2024-nope", "review", GOOD, {})
    assert (unknown.value.field, unknown.value.key) == ("enrolment_id", "enrolment_not_found")
    enrolment_id = enrolled(assessments)
    with pytest.raises(Refused) as too_many:
        service.score(assessments, SETS, enrolment_id, "review", {**GOOD, "c3.i1": 99}, {})
    assert (too_many.value.field, too_many.value.key) == ("answers", "invalid_answer")
    with pytest.raises(Refused) as no_set:
        service.score(assessments, [], enrolment_id, "review", GOOD, {})
    assert no_set.value.key == "no_criteria_set"


def test_propose_decide_and_revoke(assessments):
    proposals = FakeProposals("20")
    enrolment_id = reviewed(assessments)
    unit = {"code": "06184", "path": str(COMMUNE)}
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", 2024, 10, NOW)
    assert proposal.enrolments == [enrolment_id] and proposal.posting_ends == "2025-01-12"
    later = datetime(2025, 1, 12, 3, tzinfo=UTC)  # the day the posting ends, in Vietnam
    decide = dict(proposal_id=proposal.id, decision_number="1/QĐ", signer="Chủ tịch", now=later)
    with pytest.raises(Refused) as early:
        service.decide(assessments, proposals, SETS, decision_date=date(2025, 1, 11), **decide)
    assert (early.value.field, early.value.key) == ("decision_date", "posting_not_over")
    decided = service.decide(
        assessments, proposals, SETS, decision_date=date(2025, 1, 12), **decide
    )
    assert decided.recognised == [enrolment_id] and decided.reasons == []
    assert figures(assessments)["recognised"] == 1
    assert proposals.get(proposal.id).decided["number"] == "1/QĐ"
    with pytest.raises(Refused) as again:
        service.propose(assessments, proposals, "20", unit, "FAMILY", 2024, 10, NOW)
    assert again.value.key == "already_decided"
    assert service.history(assessments, "hh-1")["consecutive_years"] == 1
    service.revoke(assessments, enrolment_id, "Khai man", NOW)
    assert figures(assessments)["recognised"] == 0
    with pytest.raises(Refused) as twice:
        service.revoke(assessments, enrolment_id, "Khai man", NOW)
    assert twice.value.key == "already_revoked"
    kinds = [e["type"].split(".")[-2] for e in assessments.events]
    assert kinds[-2:] == ["recognised", "revoked"]


def test_a_decision_names_those_it_skipped_and_why(assessments):
    proposals = FakeProposals("20")
    first, second = reviewed(assessments, "hh-1"), reviewed(assessments, "hh-2")
    unit = {"code": "06184", "path": str(COMMUNE)}
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", 2024, 0, NOW)
    withdrawn = Envelope.from_dict(enrolment("hh-2").withdrawn_event(NOW, ""))
    service.apply_enrolment_event(assessments, withdrawn, "withdrawn")
    decided = service.decide(
        assessments, proposals, SETS, proposal.id, "2/QĐ", date(2025, 1, 2), "Chủ tịch", now=NOW
    )
    assert (decided.recognised, decided.skipped) == ([first], [second])
    answer = answers.decision(decided)
    assert answer["reasons"] == [
        {"field": second, "key": "not_eligible", "message": messages.MESSAGES["not_eligible"]}
    ]


def test_evidence_is_checked_by_its_bytes_and_read_back_by_its_tenant(assessments):
    files = FakeEvidenceFiles()
    enrolment_id = enrolled(assessments)
    with pytest.raises(Refused) as wrong:
        service.attach_evidence(assessments, files, enrolment_id, "a.pdf", "application/pdf", b"x")
    assert (wrong.value.field, wrong.value.key) == ("content", "file_content")
    record = service.attach_evidence(
        assessments, files, enrolment_id, "bb.pdf", "application/pdf", PDF, NOW
    )
    (evidence_id,) = record.evidence
    found = service.evidence_file(assessments, files, enrolment_id, evidence_id)
    assert found["content"] == PDF and found["unitpath"] == str(COMMUNE)
    assert answers.evidence_file(found)["content"] == "JVBERi0xLjQgbWludXRlcw=="
    other = FakeAssessments("01")
    assert service.evidence_file(other, files, enrolment_id, evidence_id) is None


def test_the_edge_turns_a_refusal_into_the_clients_field_and_message():
    def refuse():
        raise Refused("enrolment_id", "invalid_answer", "c3.i1: too many points")

    assert messages.answered(refuse) == {
        "errors": [
            {
                "field": "enrolmentId",
                "key": "invalid_answer",
                "message": f"{messages.MESSAGES['invalid_answer']} c3.i1: too many points",
            }
        ]
    }


def test_an_assessment_answer_has_the_fields_clients_read_and_no_bookkeeping(assessments):
    enrolment_id = enrolled(assessments)
    answer = answers.assessment(assessments.get(enrolment_id))
    assert set(answer) == {
        "_id",
        "tenant",
        "subject_id",
        "subject_kind",
        "title",
        "year",
        "unit_code",
        "unitpath",
        "status",
        "self_assessment",
        "review",
        "recognition",
        "evidence",
        "provisional",
        "provisional_reason",
    }
    assert (answer["_id"], answer["status"], answer["review"]) == (enrolment_id, "REGISTERED", None)


# --- the review meeting's vote (agree) under a set whose pass mark is not public ----------------


def _shipped_family_answers():
    from services.scoring.criteria_sets import load_shipped  # noqa: PLC0415 - these tests only

    shipped = load_shipped()
    answer = {f"c{c}.i{i}": 10 for c in (1, 2) for i in (1, 2, 3)} | {"c3.i1": 20, "c4.i1": 20}
    return shipped, answer


@pytest.mark.parametrize(
    ("agree", "status", "by_meeting"),
    [(True, "recognised", True), (False, "not_recognised", True), (None, "undecidable", False)],
)
def test_the_reviews_agree_decides_under_the_shipped_family_set(
    assessments, agree, status, by_meeting
):
    shipped, answer = _shipped_family_answers()
    enrolment_id = enrolled(assessments)
    own = service.score(
        assessments, shipped, enrolment_id, "self_assessment", answer, {}, agree=True, now=NOW
    )
    assert own.self_assessment["verdict"]["status"] == "undecidable"  # a vote is for reviews
    assert "agree" not in own.self_assessment
    record = service.score(
        assessments,
        shipped,
        enrolment_id,
        "review",
        answer,
        {},
        minutes="BB",
        now=NOW,
        agree=agree,
    )
    verdict = record.review["verdict"]
    assert record.review["set_id"] == "qd448-family-2021" and record.review["agree"] is agree
    assert (verdict["status"], verdict["decided_by_meeting"]) == (status, by_meeting)
    assert verdict["provisional"] and "hội nghị bình xét" in verdict["provisional_reason"]
    answer_ = answers.assessment(assessments.get(enrolment_id))
    assert answer_["review"]["agree"] is agree and answer_["provisional"] is True


def test_a_vote_is_kept_when_the_review_is_judged_again_on_moved_figures(assessments):
    shipped, answer = _shipped_family_answers()
    enrolment_id = enrolled(assessments)
    service.score(
        assessments, shipped, enrolment_id, "review", answer, {}, minutes="BB", agree=True
    )
    current = assessments.get(enrolment_id)
    rewritten = service._rejudge(assessments, shipped, current, {"x": 1.0}, NOW)
    assert rewritten == ["review"]
    assert assessments.get(enrolment_id).review["verdict"]["status"] == "recognised"


def test_the_edge_reads_agree_as_an_optional_boolean():
    from services.scoring.schemas import ScoreSchema  # noqa: PLC0415 - this test only

    base = {"tenant": "20", "enrolmentId": "e", "stage": "review", "answers": {}, "minutes": "BB"}
    assert messages.MESSAGES.load(ScoreSchema(), base)["agree"] is None
    assert messages.MESSAGES.load(ScoreSchema(), {**base, "agree": True})["agree"] is True
    with pytest.raises(InvalidInput) as bad:
        messages.MESSAGES.load(ScoreSchema(), {**base, "agree": "perhaps"})
    assert [e.field for e in bad.value.errors] == ["agree"]
    assert bad.value.errors[0].message.isascii() is False  # a Vietnamese field error


def _reviewed_in(assessments, subject, year, sets):
    event = Enrolment(subject, SubjectKind.HOUSEHOLD, Title.FAMILY, year, COMMUNE).registered_event(
        datetime(year, 1, 2, tzinfo=UTC)
    )
    assert service.apply_enrolment_event(assessments, Envelope.from_dict(event), "registered")
    enrolment_id = event["data"]["enrolmentId"]
    reviewed_at = datetime(year, 12, 10, tzinfo=UTC)
    service.score(
        assessments, sets, enrolment_id, "review", GOOD, {}, minutes="BB", now=reviewed_at
    )
    return enrolment_id


def _decide_year(assessments, proposals, sets, year, number):
    unit = {"code": "06184", "path": str(COMMUNE)}
    when = datetime(year + 1, 1, 20, tzinfo=UTC)
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", year, 0, when)
    return service.decide(
        assessments, proposals, sets, proposal.id, number, when.date(), "Chủ tịch", now=when
    )


def test_a_decision_reads_in_bulk_and_writes_its_recognitions_together(assessments, monkeypatch):
    """Titles lasting three years: the subjects' earlier titles are read in one call, the
    recognitions written through one commit_many per chunk, a title still valid skipped."""
    from dataclasses import replace  # noqa: PLC0415 - test only

    lasting = [replace(s, validity_years=3) for s in SETS]
    proposals = FakeProposals("20")
    _reviewed_in(assessments, "hh-0", 2023, lasting)
    assert _decide_year(assessments, proposals, lasting, 2023, "1/QĐ").recognised
    ids = [_reviewed_in(assessments, f"hh-{n}", 2024, lasting) for n in range(5)]
    monkeypatch.setattr(service, "DECISION_CHUNK", 2)
    reads = []
    real = assessments.of_subjects
    monkeypatch.setattr(assessments, "of_subjects", lambda s: reads.append(list(s)) or real(s))
    assessments.batches.clear()
    decided = _decide_year(assessments, proposals, lasting, 2024, "2/QĐ")
    assert decided.recognised == ids[1:] and decided.reasons == [(ids[0], "still_valid")]
    assert reads == [[f"hh-{n}" for n in range(5)]]
    assert assessments.batches == [2, 2]
    assert figures(assessments)["recognised"] == 4
    recognised = [e["id"] for e in assessments.events if e["type"].endswith(".recognised.v1")]
    assert len(recognised) == len(set(recognised)) == 5  # 2023's and the four of 2024


def test_the_dependents_of_a_batch_are_judged_once(assessments, monkeypatch):
    """Many recognised households of one commune move one commune community: it is judged
    again once for the batch, its subject found in one read; an assessment still being
    counted makes the batch wait."""
    from dataclasses import replace  # noqa: PLC0415 - test only

    from khuyenhoc.retry import RetryLater  # noqa: PLC0415 - test only
    from services.scoring.domain import AssessmentRecord  # noqa: PLC0415 - test only

    ids = [reviewed(assessments, f"hh-{n}") for n in range(3)]
    community = AssessmentRecord(
        "20-COMMUNE_COMMUNITY-2024-cm",
        "20",
        "cm-20-06184",
        "commune",
        "COMMUNE_COMMUNITY",
        2024,
        "06184",
        str(COMMUNE),
        "REGISTERED",
    )
    assessments.records[community.id] = community
    judged, reads = [], []
    monkeypatch.setattr(
        service, "refresh_computed", lambda _a, _s, i, _now=None: judged.append(i) or ["review"]
    )
    real = assessments.of_subjects
    monkeypatch.setattr(assessments, "of_subjects", lambda s: reads.append(list(s)) or real(s))
    assert service.refresh_dependents_many(assessments, SETS, [*ids, ids[0]]) == ["review"]
    assert judged == [community.id]
    assert reads == [["cm-20-183", "cm-20-06184"]]  # the district's and the commune's, once
    assert service.refresh_dependents_many(assessments, SETS, ["20-FAMILY-2024-nobody"]) == []
    assessments.records[ids[1]] = replace(assessments.records[ids[1]], pending={"c": {"x": 1}})
    with pytest.raises(RetryLater):
        service.refresh_dependents_many(assessments, SETS, ids)
