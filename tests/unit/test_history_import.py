"""Past years (issue 12 item 6) over in-memory stores: validation refusals change nothing, a
re-import is idempotent, the figures move once, streaks run across imported and live years,
an imported recognition's validity blocks a re-decision, and nobody gets an SMS for history."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from khuyenhoc.envelope import Envelope
from khuyenhoc.tenancy import UnitPath, commune_subject_id
from services.notification.domain import EMAIL, SMS, WEBHOOK, Notice, plan
from services.notification.records import Subscription, Webhook
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title
from services.scoring import answers, history, service
from services.scoring.criteria_sets import load_file
from services.scoring.domain import Refused
from services.scoring.domain.history import MAX_ROWS, HistoryRow, history_id
from services.scoring.schemas import load_history_rows
from tests.fakes_scoring import FakeAssessments, FakeProposals

DATA = Path(__file__).parent.parent / "data" / "criteria" / "20"
FAMILY_SETS = load_file(DATA / "family-adapted.yaml")  # 2021-2030, no levels, 1 year
COMMUNE = UnitPath.parse("20/183/06184")
SIBLING = UnitPath.parse("20/183/06187")
TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 8, tzinfo=UTC)
GOOD = {**{f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}, "c3.i1": 15, "c4.i1": 15}


def row(n=1, subject="hh-1", year=2022, **changes):
    given = {
        "row": n,
        "subject_id": subject,
        "subject_kind": "household",
        "unit_path": str(COMMUNE),
        "title": "FAMILY",
        "year": year,
        "decision_number": f"{10 + year % 100}/QĐ-UBND",
        "decision_date": date(year, 12, 20),
        "level": None,
        "signer": "Chủ tịch UBND Hoàng Văn Sơn",
    }
    return HistoryRow(**{**given, **changes})


def run(assessments, rows, sets=FAMILY_SETS, scope=COMMUNE, **kwargs):
    return history.import_history(
        assessments, sets, scope, rows, by="officer", today=TODAY, now=NOW, **kwargs
    )


def family_figures(assessments, year, path=COMMUNE):
    return service.unit_stats(assessments, path, year).get("FAMILY", {})


@pytest.fixture
def assessments():
    return FakeAssessments("20")


def test_rows_become_imported_recognitions_counted_once_in_their_years(assessments):
    done = run(assessments, [row(1, year=2021), row(2, year=2022), row(3, "hh-2", 2022)])
    assert (done.rows, done.imported, done.unchanged, done.errors) == (3, 3, 0, [])
    counted = family_figures(assessments, 2022)
    assert {k: counted[k] for k in ("registered", "assessed", "reviewed", "eligible")} == {
        "registered": 2,
        "assessed": 0,
        "reviewed": 2,
        "eligible": 2,
    }
    assert counted["recognised"] == 2 and family_figures(assessments, 2021)["recognised"] == 1
    assert family_figures(assessments, 2022, UnitPath.parse("20"))["recognised"] == 2
    found = assessments.get(history_id("20", "FAMILY", 2022, "hh-1"))
    assert found.recognition["imported"] and found.review["imported"]
    assert found.recognition["set_id"] == "test-20-family-2021"
    assert found.recognition["decision_date"] == "2022-12-20"
    events = [e for e in assessments.events if e["type"].endswith(".recognised.v1")]
    assert len(events) == 3 and all(e["data"]["imported"] is True for e in events)


def test_importing_the_same_list_again_changes_nothing(assessments):
    rows = [row(1, year=2021), row(2, year=2022)]
    run(assessments, rows)
    events, counters = (
        list(assessments.events),
        {k: dict(v) for k, v in assessments.counters.items()},
    )
    again = run(assessments, rows)
    assert (again.imported, again.unchanged, again.errors) == (0, 2, [])
    assert assessments.events == events and assessments.counters == counters


def test_the_same_recognition_with_other_details_is_refused_for_its_row(assessments):
    run(assessments, [row(1, year=2022)])
    changed = run(assessments, [row(1, year=2022, decision_number="99/QĐ-UBND"), row(2, "hh-2")])
    assert [(e.row, e.key) for e in changed.errors] == [(1, "history_conflict")]
    assert (
        changed.imported == 0 and assessments.get(history_id("20", "FAMILY", 2022, "hh-2")) is None
    )


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"year": 1999, "decision_date": date(1999, 12, 1)}, "year", "history_year"),
        ({"year": 2025, "decision_date": date(2025, 5, 1)}, "year", "history_year"),
        ({"decision_date": date(2025, 6, 2), "year": 2024}, "decision_date", "decision_in_future"),
        ({"decision_date": date(2024, 1, 5)}, "decision_date", "decision_date_year"),
        ({"decision_date": date(2021, 12, 31)}, "decision_date", "decision_date_year"),
        ({"level": 1}, "level", "level_not_applicable"),
        ({"title": "CLAN"}, "title", "title_kind_mismatch"),
        ({"subject_kind": None, "unit_path": None}, "subject_id", "subject_not_found"),
        ({"unit_path": str(SIBLING)}, "subject_id", "subject_out_of_reach"),
        ({"unit_path": "01/001/00001"}, "subject_id", "subject_out_of_reach"),
    ],
)
def test_a_bad_row_is_refused_by_field_and_nothing_is_written(assessments, changes, field, key):
    done = run(assessments, [row(1, "hh-9", 2021), row(2, **changes)])
    assert [(e.row, e.field, e.key) for e in done.errors] == [(2, field, key)]
    assert done.imported == 0 and assessments.records == {} and assessments.events == []


def test_a_decision_of_the_next_year_is_accepted(assessments):
    assert run(assessments, [row(1, year=2023, decision_date=date(2024, 1, 15))]).imported == 1


def test_duplicates_live_assessments_and_bounds_are_refused(assessments):
    done = run(assessments, [row(1), row(2)])
    assert [(e.row, e.key) for e in done.errors] == [(2, "duplicate_row")]
    live = Enrolment("hh-5", SubjectKind.HOUSEHOLD, Title.FAMILY, 2022, COMMUNE)
    event = Envelope.from_dict(live.registered_event(datetime(2022, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    done = run(assessments, [row(1, "hh-5")])
    assert [(e.row, e.key) for e in done.errors] == [(1, "live_assessment_exists")]
    with pytest.raises(Refused) as too_many:
        run(assessments, [row(n, f"hh-{n}") for n in range(MAX_ROWS + 1)])
    assert too_many.value.key == "too_many_rows"
    with pytest.raises(Refused) as empty:
        run(assessments, [])
    assert empty.value.key == "no_rows"
    assert family_figures(assessments, 2022)["recognised"] == 0


def test_a_dry_run_and_rows_the_edge_could_not_read_write_nothing(assessments):
    rows, unread = load_history_rows(
        [
            {
                "subjectId": "hh-1",
                "title": "FAMILY",
                "year": 2022,
                "decisionNumber": "1/QĐ",
                "decisionDate": "2022-12-01",
                "subjectKind": "household",
                "unitPath": str(COMMUNE),
            },
            {
                "subjectId": "hh-2",
                "title": "FAMILY",
                "year": 2022,
                "decisionNumber": "1/QĐ",
                "decisionDate": "20/12/2022",
            },
            {
                "subjectId": "hh-3",
                "title": "HOUSE",
                "year": 2022,
                "decisionNumber": "1/QĐ",
                "decisionDate": "2022-12-01",
            },
        ]
    )
    assert [r.row for r in rows] == [1]
    assert [(e.row, e.field, e.key) for e in unread] == [
        (2, "decisionDate", "date_format"),
        (3, "title", "history_title"),
    ]
    done = run(assessments, rows, earlier_errors=unread)
    assert done.rows == 3 and done.imported == 0 and assessments.records == {}
    assert run(assessments, rows, dry_run=True).imported == 0 and assessments.records == {}
    answer = answers.history_import(done)
    assert answer["errors"][0] == {
        "row": 2,
        "field": "decisionDate",
        "key": "date_format",
        "message": "Ngày phải có dạng YYYY-MM-DD.",
    }


def test_another_tenants_store_sees_none_of_it(assessments):
    run(assessments, [row(1)])
    other = FakeAssessments("01")
    assert other.of_subjects(["hh-1"]) == []
    hanoi = UnitPath.parse("01/001/00001")
    done = run(other, [row(1, unit_path=str(COMMUNE))], scope=hanoi)
    assert [e.key for e in done.errors] == ["subject_out_of_reach"]


def test_a_year_recognised_on_paper_is_not_recognised_again_when_registered_live(assessments):
    run(assessments, [row(1, year=2023)])
    live = Enrolment("hh-1", SubjectKind.HOUSEHOLD, Title.FAMILY, 2023, COMMUNE)
    event = Envelope.from_dict(live.registered_event(datetime(2024, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    enrolment_id = event.data["enrolmentId"]
    for stage in ("self_assessment", "review"):
        service.score(
            assessments, FAMILY_SETS, enrolment_id, stage, GOOD, {}, minutes="BB", now=NOW
        )
    proposals = FakeProposals("20")
    unit = {"code": "06184", "path": str(COMMUNE)}
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", 2023, 0, NOW)
    decided = service.decide(
        assessments, proposals, FAMILY_SETS, proposal.id, "9/QĐ", date(2025, 6, 10), "Chủ tịch"
    )
    assert decided.recognised == []
    assert decided.reasons == [(enrolment_id, "recognised_on_paper")]
    assert assessments.get(enrolment_id).recognition is None


def test_the_streak_runs_across_imported_and_live_years(assessments):
    run(assessments, [row(n, year=year) for n, year in enumerate((2021, 2022, 2023), start=1)])
    earlier = service.history(assessments, "hh-1")
    assert earlier["consecutive_years"] == 3 and earlier["imported_years"] == [2021, 2022, 2023]
    live = Enrolment("hh-1", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, COMMUNE)
    event = Envelope.from_dict(live.registered_event(datetime(2024, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    enrolment_id = event.data["enrolmentId"]
    for stage in ("self_assessment", "review"):
        service.score(
            assessments, FAMILY_SETS, enrolment_id, stage, GOOD, {}, minutes="BB", now=NOW
        )
    proposals = FakeProposals("20")
    unit = {"code": "06184", "path": str(COMMUNE)}
    proposal = service.propose(assessments, proposals, "20", unit, "FAMILY", 2024, 0, NOW)
    decided = service.decide(
        assessments, proposals, FAMILY_SETS, proposal.id, "5/QĐ", date(2025, 6, 10), "Chủ tịch"
    )
    assert decided.recognised == [enrolment_id]
    now = service.history(assessments, "hh-1")
    assert now["consecutive_years"] == 4 and now["imported_years"] == [2021, 2022, 2023]
    assert [(y["year"], y["imported"]) for y in now["years"]] == [
        (2021, True),
        (2022, True),
        (2023, True),
        (2024, False),
    ]


def commune_sets(tmp_path):
    """The test province's commune-community set with only indicators the commune enters."""
    spec = yaml.safe_load((DATA / "commune-community-adapted.yaml").read_text(encoding="utf-8"))
    spec["criteria"] = [c for c in spec["criteria"] if c["id"] == "c1"]
    path = tmp_path / "commune.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return load_file(path)


def test_an_imported_recognition_holds_for_its_validity_and_blocks_a_re_decision(
    assessments, tmp_path
):
    sets = commune_sets(tmp_path)
    commune = commune_subject_id("20", "06184")
    imported = row(
        1,
        commune,
        2024,
        subject_kind="commune",
        title="COMMUNE_COMMUNITY",
        decision_date=date(2025, 3, 20),
        level=2,
    )
    missing_level = replace(imported, level=None)
    assert [e.key for e in run(assessments, [missing_level], sets).errors] == ["level_required"]
    assert [e.key for e in run(assessments, [replace(imported, level=3)], sets).errors] == [
        "level_range"
    ]
    assert run(assessments, [imported], sets).imported == 1
    held = assessments.get(history_id("20", "COMMUNE_COMMUNITY", 2024, commune))
    assert held.recognition["valid_until"] == "2028-03-19"  # 3 years from the decision
    live = Enrolment(commune, SubjectKind.COMMUNE, Title.COMMUNE_COMMUNITY, 2025, COMMUNE)
    event = Envelope.from_dict(live.registered_event(datetime(2025, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    enrolment_id = event.data["enrolmentId"]
    met = {"c1.i1": True, "c1.i2": True}
    reviewed_on = datetime(2026, 2, 1, tzinfo=UTC)
    service.score(assessments, sets, enrolment_id, "review", met, {}, minutes="BB", now=reviewed_on)
    proposals = FakeProposals("20")
    unit = {"code": "06184", "path": str(COMMUNE)}
    title = "COMMUNE_COMMUNITY"
    proposal = service.propose(assessments, proposals, "20", unit, title, 2025, 0, NOW)
    decided = service.decide(
        assessments, proposals, sets, proposal.id, "7/QĐ", date(2026, 3, 1), "Chủ tịch"
    )
    assert decided.recognised == [] and decided.reasons == [(enrolment_id, "still_valid")]


RECOGNISED = {
    "enrolmentId": "20:hist:FAMILY:2022:hh-1",
    "subjectId": "hh-1",
    "subjectKind": "household",
    "title": "FAMILY",
    "year": 2022,
    "unitCode": "06184",
    "level": None,
    "decisionNumber": "12/QĐ-UBND",
    "decisionDate": "2022-12-20",
    "signer": "Chủ tịch",
    "validUntil": None,
    "setId": "s",
}


def test_an_imported_recognition_reaches_partners_and_nobody_by_sms_or_email():
    subscriptions = [Subscription("20", "06184", str(COMMUNE), "xa@example.vn", "Cán bộ", [])]
    webhooks = [Webhook("20", "portal", "https://portal.example.vn/", [], "s", True)]

    def channels(data):
        notice = Notice("evt-1", "recognised", "20", str(COMMUNE), data)
        return sorted(p.channel for p in plan(notice, subscriptions, webhooks))

    assert channels(RECOGNISED) == sorted([SMS, EMAIL, WEBHOOK])
    assert channels({**RECOGNISED, "imported": False}) == sorted([SMS, EMAIL, WEBHOOK])
    assert channels({**RECOGNISED, "imported": True}) == [WEBHOOK]


def test_the_imported_recognised_event_meets_its_contract(assessments):
    from khuyenhoc.contracts import validate_event  # noqa: PLC0415 - only this test needs it

    run(assessments, [row(1, year=2022, signer=None), row(2, "hh-2", 2021)])
    events = [e for e in assessments.events if e["type"].endswith(".recognised.v1")]
    for event in events:
        validate_event(event)
    assert {e["data"]["signer"] for e in events} == {None, "Chủ tịch UBND Hoàng Văn Sơn"}
    assert {e["data"]["setId"] for e in events} == {"test-20-family-2021"}
    unknown = run(FakeAssessments("20"), [row(1, year=2019)], sets=[])
    assert unknown.imported == 1  # no set of 2019 on the platform: recorded as such


# -- the spreadsheet (gateway/scoring/history_sheet.py) ------------------------------------


class FakeRegistration:
    def __init__(self, items):
        self.items = items

    def subjects(self, tenant, unit_path, year, title, status, search, after, first):
        start = int(after or 0)
        page = self.items[start : start + first]
        more = start + first < len(self.items)
        return {"items": page, "nextCursor": str(start + first) if more else None}


def filled_template(rows_by_subject):
    """The template for two households, filled in as an officer would (openpyxl)."""
    import io  # noqa: PLC0415 - test only
    from types import SimpleNamespace  # noqa: PLC0415 - test only

    from openpyxl import load_workbook  # noqa: PLC0415 - test only

    from gateway.scoring import history_sheet  # noqa: PLC0415 - test only

    items = [
        {"subject_id": s, "name": n, "subject_kind": "household", "title": "FAMILY"}
        for s, n in (("hh-1", "Nguyễn Văn An"), ("hh-2", "Lò Thị Bình"))
    ]
    rpc = SimpleNamespace(registration=FakeRegistration(items))
    book = load_workbook(io.BytesIO(history_sheet.template(rpc, "20", str(COMMUNE), 2024)))
    sheet = book.worksheets[0]
    found = next(r for r in sheet.iter_rows() if "Mã đối tượng" in [c.value for c in r])
    header_row, headers = found[0].row, [c.value for c in found]
    for line in sheet.iter_rows(min_row=header_row + 1):
        subject = line[headers.index("Mã đối tượng")].value
        for header, value in rows_by_subject.get(subject, {}).items():
            line[headers.index(header)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_lists_the_units_subjects_and_reads_back_as_rows():
    from gateway.scoring import history_sheet  # noqa: PLC0415 - test only

    content = filled_template(
        {
            "hh-1": {
                "Năm công nhận": 2022,
                "Số quyết định": "45/QĐ-UBND",
                "Ngày ký": "20/12/2022",
                "Người ký": "Chủ tịch UBND",
            },
            "hh-2": {
                "Năm công nhận": 2022,
                "Số quyết định": "45/QĐ-UBND",
                "Ngày ký": "ngày 32 tháng 12",
            },
        }
    )
    rows, unread = history_sheet.read_rows(content, "lich-su.xlsx")
    assert [(r["subject_id"], r["title"], r["year"], r["decision_date"]) for r in rows] == [
        ("hh-1", "FAMILY", 2022, "2022-12-20")
    ]
    (error,) = unread
    assert (error["field"], error["key"]) == ("decisionDate", "not_a_date")
    assert error["message"] and error["row"] > rows[0]["row"]
    report = history_sheet.report(unread)
    assert report[:2] == b"PK"  # an .xlsx the officer opens


# -- the GraphQL face (gateway/scoring/history.py, history_sheet.py) -----------------------

UNIT_06184 = {
    "_id": "20:2024:06184",
    "tenant": "20",
    "code": "06184",
    "name": "Thị trấn Đồng Đăng",
    "level": "commune",
    "path": "20/183/06184",
    "depth": 2,
    "scheme": "2024",
}
GQL_IMPORT = """mutation($input: ImportTitleHistoryInput!) { importTitleHistory(input: $input) {
  rows imported errors { row field key } } }"""
GQL_FILE = """mutation($input: ImportTitleHistoryFileInput!) {
  importTitleHistoryFile(input: $input) { rows errorReport } }"""


class GatewayRegistration:
    def get_unit(self, code, tenant=None, at=None):
        return UNIT_06184 if (code, tenant) == ("06184", "20") else None

    def subject_names(self, tenant, ids):
        known = {"hh-1": {"subjectKind": "household", "unitpath": "20/183/06184"}}
        return {i: known[i] for i in ids if i in known and tenant == "20"}


class GatewayScoring:
    def __init__(self):
        self.asked = []

    def import_history(self, payload):
        self.asked.append(payload)
        return {
            "history": {"rows": len(payload["rows"]), "imported": 1, "unchanged": 0, "errors": []}
        }


def gateway_run(query, variables, caller):
    from types import SimpleNamespace  # noqa: PLC0415 - test only

    from gateway.schema import schema  # noqa: PLC0415 - test only

    scoring = GatewayScoring()
    rpc = SimpleNamespace(registration=GatewayRegistration(), scoring=scoring)
    context = SimpleNamespace(rpc=rpc, caller=caller)
    return schema.execute(query, variable_values=variables, context_value=context), scoring


def callers():
    from khuyenhoc.auth import Caller, Role  # noqa: PLC0415 - test only

    return {
        "officer": Caller("o", "20", Role.COMMUNE_OFFICER, COMMUNE),
        "sibling": Caller("s", "20", Role.COMMUNE_OFFICER, SIBLING),
        "authority": Caller("a", "20", Role.AUTHORITY, COMMUNE),
        "hanoi": Caller("h", "01", Role.PROVINCE_ADMIN, UnitPath.parse("01")),
    }


GQL_ROWS = [
    {
        "subjectId": "hh-1",
        "title": "FAMILY",
        "year": 2022,
        "decisionNumber": "1/QĐ",
        "decisionDate": "2022-12-01",
    },
    {
        "subjectId": "hh-x",
        "title": "FAMILY",
        "year": 2022,
        "decisionNumber": "1/QĐ",
        "decisionDate": "2022-12-01",
        "row": 7,
    },
]


def test_import_title_history_resolves_subjects_in_the_callers_tenant_and_scope():
    who = callers()
    variables = {"input": {"unitCode": "06184", "rows": GQL_ROWS}}
    result, scoring = gateway_run(GQL_IMPORT, variables, who["officer"])
    assert result.errors is None and result.data["importTitleHistory"]["imported"] == 1
    (payload,) = scoring.asked
    assert (payload["tenant"], payload["scope"], payload["by"]) == ("20", "20/183/06184", "o")
    assert [(r["row"], r["subjectKind"], r["unitPath"]) for r in payload["rows"]] == [
        (1, "household", "20/183/06184"),
        (7, None, None),  # unknown in the tenant: scoring refuses the row
    ]


@pytest.mark.parametrize("query", [GQL_IMPORT, GQL_FILE])
def test_another_province_a_sibling_commune_and_a_wrong_role_are_refused(query):
    who = callers()
    given = {"unitCode": "06184"}
    given.update(
        {"rows": GQL_ROWS} if query is GQL_IMPORT else {"fileName": "a.xlsx", "content": "UEs="}
    )
    for name, expected in (("sibling", "FORBIDDEN"), ("authority", "FORBIDDEN")):
        result, scoring = gateway_run(query, {"input": given}, who[name])
        assert result.errors[0].extensions["code"] == expected and scoring.asked == []
    result, scoring = gateway_run(query, {"input": given}, who["hanoi"])
    assert result.errors[0].extensions["fields"][0]["key"] == "unit_not_found"
    assert scoring.asked == []


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_its_content():
    given = {"unitCode": "06184", "fileName": "a.xlsx", "content": "bm90IGEgc2hlZXQ="}
    result, scoring = gateway_run(GQL_FILE, {"input": given}, callers()["officer"])
    (field,) = result.errors[0].extensions["fields"]
    assert field["field"] == "content" and field["message"] and scoring.asked == []


def test_a_learning_units_past_year_is_judged_by_the_set_of_its_level(assessments):
    from services.scoring.criteria_sets import load_shipped  # noqa: PLC0415 - test only

    sets = list(load_shipped())
    district = Enrolment("lu-1", SubjectKind.LEARNING_UNIT, Title.UNIT, 2025, COMMUNE)
    data = district.registered_event(datetime(2025, 1, 2, tzinfo=UTC))
    data["data"]["unitLevel"] = "district"
    service.apply_enrolment_event(assessments, Envelope.from_dict(data), "registered")
    unit_row = row(
        1,
        "lu-1",
        2024,
        subject_kind="learning_unit",
        title="UNIT",
        level=1,
        decision_date=date(2025, 2, 10),
    )
    assert run(assessments, [unit_row], sets).errors == []
    held = assessments.get(history_id("20", "UNIT", 2024, "lu-1"))
    assert held.recognition["set_id"].startswith("tt24") and held.unit_level == "district"
    assert held.recognition["valid_until"] == "2028-02-09"  # TT 24/2023: 3 years


def test_the_communes_learning_community_is_judged_again_once_on_the_imported_figures(
    assessments,
):
    sets = load_file(DATA / "commune-community-adapted.yaml") + FAMILY_SETS
    commune = commune_subject_id("20", "06184")
    live = Enrolment(commune, SubjectKind.COMMUNE, Title.COMMUNE_COMMUNITY, 2024, COMMUNE)
    event = Envelope.from_dict(live.registered_event(datetime(2024, 1, 2, tzinfo=UTC)))
    service.apply_enrolment_event(assessments, event, "registered")
    enrolment_id = event.data["enrolmentId"]
    met = {"c1.i1": True, "c1.i2": True}
    service.score(assessments, sets, enrolment_id, "review", met, {}, minutes="BB")
    before = assessments.get(enrolment_id).review
    assert before["verdict"]["status"] != "recognised"  # no family figures yet
    rows = [row(n, f"hh-{n}", 2024, decision_date=date(2025, 1, 5)) for n in range(1, 4)]
    assert run(assessments, rows, sets).imported == 3
    after = assessments.get(enrolment_id).review
    assert after["computed_figures"] == {"families_recognised_share": 1.0}
    assert (after["verdict"]["status"], after["verdict"]["level"]) == ("recognised", 2)
    scored = [e for e in assessments.events if e["type"].endswith(".scored.v1")]
    assert len(scored) == 2  # the review, then once more on the imported figures


def test_more_rows_than_the_bound_are_refused_before_any_rpc():
    too_many = [{**GQL_ROWS[0], "subjectId": f"hh-{n}"} for n in range(MAX_ROWS + 1)]
    variables = {"input": {"unitCode": "06184", "rows": too_many}}
    result, scoring = gateway_run(GQL_IMPORT, variables, callers()["officer"])
    (field,) = result.errors[0].extensions["fields"]
    assert (field["field"], field["key"]) == ("rows", "too_many_rows") and scoring.asked == []
