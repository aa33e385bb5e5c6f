from datetime import UTC, datetime

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring.domain import (
    Assessment,
    AssessmentRecord,
    AssessmentStatus,
    Proposal,
    title_totals,
)
from services.scoring.domain.assessment import proposing_unit
from services.scoring.domain.changes import enrolment_change


def record(**stored):
    """An assessment as a store hands it back, from the stored fields that matter to a test."""
    return AssessmentRecord.from_document(
        {
            "_id": "20-FAMILY-2024-hh-1",
            "tenant": "20",
            "subject_id": "hh-1",
            "subject_kind": "household",
            "title": "FAMILY",
            "year": 2024,
            "unit_code": "06184",
            "unitpath": "20/183/06184",
            "status": "REGISTERED",
            **stored,
        }
    )


def registered(commune="06184", subject="hh-1", year=2024):
    path = UnitPath.parse(f"20/183/{commune}")
    event = Enrolment(subject, SubjectKind.HOUSEHOLD, Title.FAMILY, year, path).registered_event(
        datetime(2024, 1, 2, tzinfo=UTC)
    )
    return Envelope.from_dict(event)


def test_registered_opens_an_assessment_keyed_by_its_enrolment():
    assessment = Assessment.opened_by(registered())
    assert assessment.id == "20-FAMILY-2024-hh-1"
    assert assessment.status is AssessmentStatus.REGISTERED
    assert assessment.counter_id == "20|06184|2024|FAMILY"
    identity = assessment.counter_identity()
    assert identity["path_1"] == "183" and identity["tenant"] == "20"


def community_registered(hamlet="06184-T01", received_by="06184"):
    path = UnitPath.parse(f"20/183/06184/{hamlet}")
    enrolment = Enrolment(
        "co-1", SubjectKind.COMMUNITY, Title.COMMUNITY, 2024, path, (), received_by
    )
    return Envelope.from_dict(enrolment.registered_event(datetime(2024, 1, 2, tzinfo=UTC)))


def test_a_community_at_its_hamlet_is_counted_there_and_proposed_by_its_commune():
    event = community_registered()
    assessment = Assessment.opened_by(event)
    assert assessment.unit_code == "06184"  # whose proposal list holds it
    assert assessment.counter_id == "20|06184-T01|2024|COMMUNITY"  # whose figures it moves
    identity = assessment.counter_identity()
    assert (identity["unit_code"], identity["path_3"]) == ("06184-T01", "06184-T01")
    change = enrolment_change(None, assessment, event.id, "registered", event.time, NOW)
    assert change is not None
    assert (change.document["unit_code"], change.document["unitpath"]) == (
        "06184",
        "20/183/06184/06184-T01",
    )
    stored = AssessmentRecord.from_document(change.document)
    assert stored.unit_code == "06184" and stored.assessment.unit_code == "06184"
    assert list(stored.assessment.counts_moved({"registered": 1})) == [assessment.counter_id]


def test_the_proposing_unit_rule():
    hamlet = UnitPath.parse("20/183/06184/06184-T01")
    assert proposing_unit("COMMUNITY", hamlet, "06184") == "06184"  # as registration sent it
    assert proposing_unit("COMMUNITY", hamlet) == "06184"  # an imported one: one level up
    assert proposing_unit("COMMUNITY", hamlet, "99999") == "06184"  # not on its path: the rule
    two_level = UnitPath.parse("20/06184/06184-T01")  # the 2025 map: no district
    assert proposing_unit("COMMUNITY", two_level) == "06184"
    commune = UnitPath.parse("20/183/06184")
    assert proposing_unit("COMMUNITY", commune) == "06184"  # by name only, before hamlets
    assert proposing_unit("FAMILY", commune, "06184") == "06184"
    assert proposing_unit("UNIT", UnitPath.parse("20/183"), "183") == "183"
    branch = UnitPath.parse("20/183/06184/06184-001")
    assert proposing_unit("FAMILY", branch) == "06184-001"


def test_title_totals_sum_unit_counters():
    counters = [
        {"title": "FAMILY", "registered": 3},
        {"title": "FAMILY", "registered": 2},
        {"title": "CLAN", "registered": 1},
    ]
    zero = {
        "assessed": 0,
        "reviewed": 0,
        "eligible": 0,
        "recognised": 0,
        "recognised_level_1": 0,
        "recognised_level_2": 0,
        "recognised_level_3": 0,
    }
    assert title_totals(counters) == {
        "FAMILY": {"registered": 5, **zero},
        "CLAN": {"registered": 1, **zero},
    }
    assert title_totals([]) == {}


def test_an_assessment_contributes_by_its_state_and_a_withdrawal_takes_it_all_back():
    from services.scoring.domain import contributions
    from services.scoring.domain import deltas as record_deltas

    def deltas(before, after):
        return record_deltas(before and record(**before), record(**after))

    enrolled = {"status": "REGISTERED"}
    assessed = {**enrolled, "self_assessment": {"verdict": {"status": "recognised"}}}
    reviewed = {**assessed, "review": {"verdict": {"status": "recognised"}}}
    refused = {**assessed, "review": {"verdict": {"status": "not_recognised"}}}
    assert deltas(None, enrolled) == {"registered": 1}
    assert deltas(enrolled, assessed) == {"assessed": 1}
    assert deltas(assessed, reviewed) == {"reviewed": 1, "eligible": 1}
    assert deltas(reviewed, refused) == {"eligible": -1}
    assert deltas(reviewed, {**reviewed, "status": "WITHDRAWN"}) == {
        "registered": -1,
        "assessed": -1,
        "reviewed": -1,
        "eligible": -1,
    }
    recognised = {**reviewed, "recognition": {"decision_number": "1/QĐ-UBND", "level": 2}}
    assert deltas(reviewed, recognised) == {"recognised": 1, "recognised_level_2": 1}
    revoked = {**reviewed, "recognition": {"revoked": {"reason": "Vi phạm"}}}
    assert deltas(recognised, revoked) == {"recognised": -1, "recognised_level_2": -1}
    names = (
        "registered",
        "assessed",
        "reviewed",
        "eligible",
        "recognised",
        "recognised_level_1",
        "recognised_level_2",
        "recognised_level_3",
    )
    assert contributions(None) == dict.fromkeys(names, 0)


def test_title_history_counts_consecutive_recognised_years():
    from services.scoring.domain import title_history

    def year(y, recognised=True, revoked=False):
        recognition = {"level": 1, "decision_number": f"{y}/QĐ"} if recognised else {}
        if revoked:
            recognition["revoked"] = {"reason": "x"}
        return record(year=y, recognition=recognition)

    assert title_history([])["consecutive_years"] == 0
    assert title_history([year(2021), year(2022), year(2023)])["consecutive_years"] == 3
    assert title_history([year(2020), year(2022), year(2023)])["consecutive_years"] == 2
    assert title_history([year(2022), year(2023, revoked=True)])["consecutive_years"] == 1
    history = title_history([year(2023, recognised=False), year(2024)])
    assert [y["recognised"] for y in history["years"]] == [False, True]


def test_deadlines_flag_what_is_late():
    from dataclasses import replace
    from datetime import date

    from services.scoring.domain import deadlines

    configured = {"FAMILY": {"dossier": "01-10", "decision": "01-31"}}
    proposal = Proposal("p", "20", "06184", "20/183/06184", "FAMILY", 2024, [], "", "2025-01-05")
    proposals = {"FAMILY": proposal}
    before = {d["title"]: d for d in deadlines(2024, proposals, configured, date(2025, 1, 20))}
    assert before["FAMILY"]["dossier_due"] == "2025-01-10"
    assert not before["FAMILY"]["dossier_overdue"]  # proposed in time
    assert not before["FAMILY"]["decision_overdue"]  # not due yet
    assert before["UNIT"]["dossier_overdue"]  # TT 24: due 15/01, nothing proposed
    assert before["COMMUNE_COMMUNITY"]["decision_due"] == "2025-03-31"
    after = {d["title"]: d for d in deadlines(2024, proposals, configured, date(2025, 2, 1))}
    assert after["FAMILY"]["decision_overdue"]
    decided = {"FAMILY": replace(proposal, decided={"number": "1/QĐ"})}
    done = {d["title"]: d for d in deadlines(2024, decided, configured, date(2025, 2, 1))}
    assert not done["FAMILY"]["decision_overdue"]


def _held(year, level, decided, until, revoked=False):
    recognition = {"level": level, "decision_date": decided, "valid_until": until}
    if revoked:
        recognition["revoked"] = {"reason": "x"}
    return record(year=year, recognition=recognition)


def test_a_valid_recognition_stands_in_the_way_of_the_same_level_again():
    from datetime import date

    from services.scoring.domain import standing_in_the_way

    earlier = [_held(2024, 1, "2025-03-15", "2028-03-14")]

    def check(earlier, year, level, decided_on, months, validity=3):
        return standing_in_the_way(earlier, year, level, decided_on, validity, months)

    assert check(earlier, 2025, 1, date(2026, 3, 20), 12) == "still_valid"
    assert check(earlier, 2025, None, date(2026, 3, 20), 12) == "still_valid"
    assert check(earlier, 2025, 2, date(2026, 3, 14), 12) == "upgrade_too_early"
    assert check(earlier, 2025, 2, date(2026, 3, 15), 12) is None  # 12 months on: an upgrade
    assert check(earlier, 2028, 1, date(2028, 3, 15), 12) is None  # expired the day before
    assert check(earlier, 2024, 1, date(2025, 3, 20), 12) is None  # the same year is not earlier
    revoked = [_held(2024, 2, "2025-03-15", "2028-03-14", revoked=True)]
    assert check(revoked, 2025, 1, date(2026, 3, 20), 12) is None
    one_year = [_held(2024, None, "2024-12-20", "2025-12-19")]  # recognised again each year
    assert check(one_year, 2025, None, date(2025, 12, 10), None, validity=1) is None


def test_months_after_keeps_the_day_or_the_month_end():
    from datetime import date

    from services.scoring.domain.recognition import _months_after

    assert _months_after(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert _months_after(date(2024, 3, 15), 12) == date(2025, 3, 15)
    assert _months_after(date(2024, 11, 30), 3) == date(2025, 2, 28)


NOW = datetime(2024, 1, 3, tzinfo=UTC)


def test_a_registration_opens_the_assessment_and_owes_its_unit_one_registered():
    from services.scoring.domain import enrolment_change

    event = registered()
    change = enrolment_change(
        None, Assessment.opened_by(event), event.id, "registered", event.time, NOW
    )
    assert change.document["_id"] == "20-FAMILY-2024-hh-1" and change.document["tenant"] == "20"
    assert change.fields["status"] == "REGISTERED" and change.fields["last_event"] == event.id
    assert change.moved == {"registered": 1}
    assert set(change.counts) == {"20|06184|2024|FAMILY"}
    assert change.after.version == 1 and change.event is None


def test_a_redelivered_or_older_event_changes_nothing_and_a_later_withdrawal_takes_it_back():
    from services.scoring.domain import enrolment_change

    event = registered()
    opened = Assessment.opened_by(event)
    current = record(last_event_time=event.time, version=3)
    assert enrolment_change(current, opened, event.id, "registered", event.time, NOW) is None
    later = "2024-02-01T00:00:00Z"
    assert enrolment_change(current, opened, "e2", "registered", later, NOW) is None  # no change
    withdrawn = enrolment_change(current, opened, "e2", "withdrawn", later, NOW)
    assert withdrawn.fields["status"] == "WITHDRAWN" and "member_of" not in withdrawn.fields
    assert withdrawn.moved == {"registered": -1}
    assert withdrawn.after.version == 4 and withdrawn.document is None
    older = "2023-12-01T00:00:00Z"
    assert enrolment_change(current, opened, "e0", "withdrawn", older, NOW) is None


def test_a_stage_is_kept_only_on_an_enrolled_assessment_read_at_its_version():
    import pytest

    from services.scoring.domain import NotScorable, StaleRead, stage_change

    review = {"verdict": {"status": "recognised"}}
    change = stage_change(record(version=2), "x", "review", review, "c1", {"id": "c1"}, 2)
    assert change.fields == {"review": review} and change.event == {"id": "c1"}
    assert change.moved == {"reviewed": 1, "eligible": 1} and change.after.version == 3
    with pytest.raises(NotScorable):
        stage_change(None, "x", "review", review, "c1")
    with pytest.raises(NotScorable):
        stage_change(record(status="WITHDRAWN"), "x", "review", review, "c1")
    with pytest.raises(StaleRead):
        stage_change(record(version=3), "x", "review", review, "c1", read_version=2)
