"""Households' self-assessments entered as one list, over in-memory stores: each row judged as
the single ``score(..., "self_assessment")`` judges one (same record, same ``scored`` event,
same figures), bad rows refused with their reason while the others are written, the same list
again writes nothing new, at most 2,000 rows written a chunk at a time."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.validation import InvalidInput
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import answers, service
from services.scoring.criteria_sets import load_file
from services.scoring.domain.self_assessments import (
    REFUSED,
    UNCHANGED,
    WRITTEN,
    SelfAssessmentRow,
    SelfAssessmentsRequest,
    row_change_id,
)
from services.scoring.self_assessment_schemas import SelfAssessmentsSchema
from services.scoring.self_assessments import (
    SELF_ASSESSMENT_MESSAGES,
    answer,
    submit_self_assessments,
)
from tests.fakes_scoring import FakeAssessments

SETS = load_file(Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml")
COMMUNE = UnitPath.parse("20/183/06184")
SIBLING = UnitPath.parse("20/183/06187")
NOW = datetime(2024, 12, 10, 3, tzinfo=UTC)
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}
LOW = {**GOOD, "c3.i1": 5}  # below c3's floor of 10


class Stores:
    def __init__(self, tenant="20"):
        self.assessments = FakeAssessments(tenant)

    def enrol(self, subject, path=COMMUNE, year=2024, title=Title.FAMILY):
        event = Envelope.from_dict(
            Enrolment(subject, SubjectKind.HOUSEHOLD, title, year, path).registered_event(
                datetime(2024, 1, 2, tzinfo=UTC)
            )
        )
        assert service.apply_enrolment_event(self.assessments, event, "registered")
        return event.data["enrolmentId"]

    def submit(self, request, sets=SETS, now=NOW):
        return submit_self_assessments(self.assessments, sets, request, now)

    def figures(self, path=COMMUNE):
        return service.unit_stats(self.assessments, path, 2024).get("FAMILY", {})

    def snapshot(self):
        return (
            dict(self.assessments.records),
            len(self.assessments.events),
            {k: dict(v) for k, v in self.assessments.counters.items()},
        )


@pytest.fixture
def stores():
    return Stores()


def listed(*rows, **changes):
    fields = {
        "tenant": "20",
        "unit_code": "06184",
        "unit_path": str(COMMUNE),
        "title": "FAMILY",
        "year": 2024,
        "rows": tuple(rows),
        "by": "officer",
    }
    return SelfAssessmentsRequest(**{**fields, **changes})


def test_each_row_is_judged_as_the_single_self_assessment_judges_one():
    single, bulk = Stores(), Stores()
    forms = {"hh-1": GOOD, "hh-2": LOW, "hh-3": GOOD}
    for subject, form in forms.items():
        enrolment_id = single.enrol(subject)
        service.score(
            single.assessments,
            SETS,
            enrolment_id,
            "self_assessment",
            form,
            {},
            by="officer",
            now=NOW,
        )
    ids = [bulk.enrol(subject) for subject in forms]
    request = listed(
        *(SelfAssessmentRow(e, form, {}) for e, form in zip(ids, forms.values(), strict=True))
    )
    done = bulk.submit(request)
    assert (done.written, done.unchanged, done.refused) == (3, 0, 0)
    assert [(r.outcome, r.status) for r in done.rows] == [
        (WRITTEN, "recognised"),
        (WRITTEN, "not_recognised"),
        (WRITTEN, "recognised"),
    ]
    for enrolment_id in ids:
        theirs = dict(bulk.assessments.get(enrolment_id).self_assessment)
        assert theirs.pop("request_id") == request.id
        assert theirs == single.assessments.get(enrolment_id).self_assessment
    assert bulk.figures() == single.figures()
    assert single.figures()["assessed"] == 3

    def scored(events):
        return [{**e, "id": None} for e in events if e["type"].endswith(".scored.v1")]

    assert scored(bulk.assessments.events) == scored(single.assessments.events)
    assert [e["id"] for e in bulk.assessments.events if e["type"].endswith(".scored.v1")] == [
        row_change_id(request.id, e) for e in ids
    ]


def test_bad_rows_are_refused_with_their_reason_and_the_others_written(stores):
    good = stores.enrol("hh-1")
    other_year = stores.enrol("hh-2", year=2023)
    sibling = stores.enrol("hh-3", path=SIBLING)
    recognised = stores.enrol("hh-4")
    stores.assessments.records[recognised] = replace(
        stores.assessments.get(recognised), recognition={"level": None}
    )
    clan = stores.enrol("hh-5", title=Title.CLAN)
    bad_answer = stores.enrol("hh-6")
    request = listed(
        SelfAssessmentRow(good, GOOD, {}),
        SelfAssessmentRow("20-FAMILY-2024-nobody", GOOD, {}),
        SelfAssessmentRow(other_year, GOOD, {}),
        SelfAssessmentRow(sibling, GOOD, {}),
        SelfAssessmentRow(recognised, GOOD, {}),
        SelfAssessmentRow(bad_answer, {**GOOD, "c1.i1": 99}, {}),
        SelfAssessmentRow(good, LOW, {}),
    )
    done = stores.submit(request)
    assert (done.written, done.unchanged, done.refused) == (1, 0, 6)
    assert [(r.row, r.outcome, r.field, r.key) for r in done.rows] == [
        (1, WRITTEN, None, None),
        (2, REFUSED, "enrolment_id", "enrolment_not_found"),
        (3, REFUSED, "enrolment_id", "other_title_year"),
        (4, REFUSED, "enrolment_id", "outside_unit"),
        (5, REFUSED, "enrolment_id", "already_recognised"),
        (6, REFUSED, "answers", "invalid_answer"),
        (7, REFUSED, "enrolment_id", "self_assessment_duplicate_row"),
    ]
    assert done.rows[5].indicator == "c1.i1" and "99" in (done.rows[5].detail or "")
    assert stores.assessments.get(good).self_assessment["answers"] == GOOD
    for untouched in (other_year, sibling, recognised, bad_answer):
        assert stores.assessments.get(untouched).self_assessment is None
    assert stores.figures()["assessed"] == 1
    assert len([e for e in stores.assessments.events if e["type"].endswith(".scored.v1")]) == 1
    # a title whose set is not in force for the list
    clan_done = stores.submit(listed(SelfAssessmentRow(clan, GOOD, {}), title="CLAN"))
    assert [(r.field, r.key) for r in clan_done.rows] == [("group", "no_criteria_set")]
    # the answer words each refusal in Vietnamese, in the wire's field names
    wire = answer(done)
    assert (wire["written"], wire["unchanged"], wire["refused"]) == (1, 0, 6)
    assert wire["rows"][0]["status"] == "recognised" and "error" not in wire["rows"][0]
    assert wire["rows"][3]["error"] == {
        "field": "rows.3.enrolmentId",
        "key": "outside_unit",
        "message": "Đăng ký này không thuộc đơn vị của danh sách tự đánh giá.",
    }
    assert wire["rows"][5]["indicator"] == "c1.i1"
    assert wire["rows"][5]["error"]["field"] == "rows.5.answers"


def test_the_same_list_again_writes_nothing_new(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(5)]
    request = listed(*(SelfAssessmentRow(e, GOOD, {}) for e in ids))
    first = stores.submit(request)
    assert first.written == 5
    before = stores.snapshot()
    again = stores.submit(request, now=datetime(2024, 12, 11, tzinfo=UTC))
    assert (again.written, again.unchanged, again.refused) == (0, 5, 0)
    assert [r.status for r in again.rows] == ["recognised"] * 5
    assert stores.snapshot() == before and again.request_id == first.request_id
    # a list with other answers is another request: written, each row announced again
    other = stores.submit(listed(*(SelfAssessmentRow(e, LOW, {}) for e in ids)))
    assert other.written == 5 and other.request_id != first.request_id
    assert stores.figures()["assessed"] == 5


def test_a_row_written_but_not_yet_counted_is_unchanged_and_its_counting_finished(stores):
    enrolment_id = stores.enrol("hh-1")
    request = listed(SelfAssessmentRow(enrolment_id, GOOD, {}))
    change_id = row_change_id(request.id, enrolment_id)
    record = stores.assessments.get(enrolment_id)
    stores.assessments.records[enrolment_id] = replace(
        record,
        self_assessment={
            "verdict": {
                "status": "recognised",
                "level": None,
                "total": 84,
                "set_id": "x",
                "provisional": False,
            }
        },
        pending={change_id: {}},
    )
    done = stores.submit(request)
    assert [r.outcome for r in done.rows] == [UNCHANGED]
    assert stores.assessments.batches == [1]  # handed to commit_many, which finishes counting


def test_a_row_withdrawn_between_the_read_and_the_write_is_refused(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(3)]
    store = stores.assessments
    commit_many = store.commit_many

    def withdraw_first(items, known=None):
        withdrawn = Envelope.from_dict(
            Enrolment("hh-1", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE).withdrawn_event(
                datetime(2024, 12, 9, tzinfo=UTC), ""
            )
        )
        assert service.apply_enrolment_event(store, withdrawn, "withdrawn")
        return commit_many(items, known)

    store.commit_many = withdraw_first
    done = stores.submit(listed(*(SelfAssessmentRow(e, GOOD, {}) for e in ids)))
    assert [(r.outcome, r.key) for r in done.rows] == [
        (WRITTEN, None),
        (REFUSED, "enrolment_not_found"),
        (WRITTEN, None),
    ]
    assert (done.written, done.refused) == (2, 1)


def test_two_thousand_rows_are_written_a_chunk_at_a_time(stores):
    ids = [stores.enrol(f"hh-{n}") for n in range(2000)]
    done = stores.submit(listed(*(SelfAssessmentRow(e, GOOD, {}) for e in ids)))
    assert done.written == 2000 and stores.figures()["assessed"] == 2000
    assert stores.assessments.batches == [100] * 20
    assert len({e["id"] for e in stores.assessments.events}) == 2000  # one scored each


def test_another_provinces_store_sees_no_enrolment():
    ours = Stores()
    enrolment_id = ours.enrol("hh-1")
    theirs = Stores("01")
    request = listed(
        SelfAssessmentRow(enrolment_id, GOOD, {}), tenant="01", unit_code="01", unit_path="01"
    )
    done = theirs.submit(request)
    assert [(r.outcome, r.key) for r in done.rows] == [(REFUSED, "enrolment_not_found")]
    assert ours.assessments.get(enrolment_id).self_assessment is None


# --- the edge: loading a list, and its bounds ----------------------------------------------------


def payload(rows=None, **changes):
    given = {
        "tenant": "20",
        "unitCode": "06184",
        "unitPath": str(COMMUNE),
        "title": "FAMILY",
        "year": 2024,
        "rows": rows
        if rows is not None
        else [
            {"enrolmentId": " 20-FAMILY-2024-hh-1 ", "answers": GOOD},
            {
                "enrolmentId": "20-FAMILY-2024-hh-2",
                "answers": LOW,
                "figures": {"x": 1},
                "group": " nông  dân ",
            },
        ],
        "by": "officer",
    }
    return {**given, **changes}


def load(given):
    return SELF_ASSESSMENT_MESSAGES.load(SelfAssessmentsSchema(), given)


def test_the_schema_loads_a_list_into_a_request():
    request = load(payload())
    assert request.rows == (
        SelfAssessmentRow("20-FAMILY-2024-hh-1", GOOD, {}, None),
        SelfAssessmentRow("20-FAMILY-2024-hh-2", LOW, {"x": 1.0}, "nông dân"),
    )
    assert (request.unit_code, request.title, request.year, request.by) == (
        "06184",
        "FAMILY",
        2024,
        "officer",
    )
    assert request.id == load(payload(by="someone else")).id  # who sent it is not the content


@pytest.mark.parametrize(
    ("rows", "field", "key"),
    [
        ([], "rows", "self_assessment_rows"),
        (
            [{"enrolmentId": f"e-{n}", "answers": GOOD} for n in range(2001)],
            "rows",
            "self_assessment_rows",
        ),
        ([{"enrolmentId": "e-1", "answers": {"c1.i1": 1.5}}], "rows.0.answers", "answer_value"),
        ([{"enrolmentId": "e-1"}], "rows.0.answers", "required"),
    ],
)
def test_a_list_that_cannot_be_read_is_a_field_error(rows, field, key):
    with pytest.raises(InvalidInput) as caught:
        load(payload(rows=rows))
    found = [(e.field, e.key) for e in caught.value.errors]
    assert (field, key) in found
    named = answers.with_rows(caught.value.as_list(), payload(rows=rows))
    if field.startswith("rows."):
        assert named[0]["row"] == 1 and named[0]["enrolmentId"] == "e-1"


def test_two_thousand_rows_are_read():
    rows = [{"enrolmentId": f"e-{n}", "answers": GOOD} for n in range(2000)]
    assert len(load(payload(rows=rows)).rows) == 2000
