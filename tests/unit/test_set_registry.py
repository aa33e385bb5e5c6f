"""A province's criteria sets at run time (``set_registry``) over in-memory stores: versions,
activation from a year, a verdict keeping the version it was judged under, refusals in
Vietnamese naming the YAML path, and the cache that needs no restart."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from khuyenhoc.contracts import validate_event
from services.scoring import answers, service, set_registry
from services.scoring.criteria_sets import load_file, load_shipped, select
from services.scoring.domain import Refused
from services.scoring.messages import invalid_input
from tests.fakes_scoring import FakeAssessments, FakeCriteriaSets
from tests.unit.test_scoring_service import GOOD, enrolled

FILE = Path(__file__).parent.parent / "data" / "criteria" / "20" / "family-adapted.yaml"
FAMILY_YAML = FILE.read_text(encoding="utf-8")
FILE_SETS = load_file(FILE)
SHIPPED = load_shipped()
NOW = datetime(2025, 3, 1, tzinfo=UTC)


def family(set_id="lang-son-family", pass_mark=80, provisional=True, valid_from=2021):
    text = FAMILY_YAML.replace("id: test-20-family-2021", f"id: {set_id}")
    text = text.replace("pass_mark: 80", f"pass_mark: {pass_mark}")
    text = text.replace("valid_from: 2021", f"valid_from: {valid_from}")
    if not provisional:
        text = text.replace("provisional: true\n", "provisional: false\n")
        text = text.replace('provisional_reason: "Bộ tiêu chí thử nghiệm."\n', "")
    return text


@pytest.fixture
def store():
    return FakeCriteriaSets("20")


def upload(store, text, by="admin"):
    return set_registry.upload(store, text, SHIPPED, FILE_SETS, by, NOW)


def refusal(text):
    with pytest.raises(Refused) as refused:
        set_registry.validate(text, SHIPPED)
    return refused.value


def in_force(store, cache=None, key="db"):
    return (cache or set_registry.SetCache()).sets(key, store, FILE_SETS, SHIPPED)


# --- upload and validation -------------------------------------------------------------------


def test_each_upload_of_a_set_id_is_its_next_version_kept_as_a_draft(store):
    first = upload(store, family())
    second = upload(store, family(pass_mark=85))
    assert [(r.set_id, r.version) for r in first + second] == [
        ("lang-son-family", 1),
        ("lang-son-family", 2),
    ]
    assert second[0].yaml == family(pass_mark=85)  # the text as uploaded
    listed = set_registry.listing(store)
    assert [(d["version"], d["status"]) for d in listed] == [(2, "draft"), (1, "draft")]
    assert listed[0]["uploaded_by"] == "admin" and listed[0]["provisional"] is True


def test_a_set_read_from_the_provinces_files_is_version_1_so_an_upload_of_its_id_is_2(store):
    assert upload(store, FAMILY_YAML)[0].version == 2


def test_a_shipped_set_id_is_refused(store):
    text = family(set_id="qd448-family-2016")
    with pytest.raises(Refused) as refused:
        upload(store, text)
    assert (refused.value.field, refused.value.key) == ("yaml", "criteria_set_id_shipped")
    assert store.records == {}


def test_a_malformed_set_is_a_vietnamese_field_error_naming_the_yaml_path():
    text = FAMILY_YAML.replace("max_points: 10, min_points: 5", "max_points: -1, min_points: 5", 1)
    refused = refusal(text)
    assert refused.key == "criteria_set_invalid"
    error = invalid_input(refused).errors[0]
    assert error.field == "yaml"
    assert "Tại criteria[0].indicators[0].max_points" in error.message
    assert "phải là số nguyên dương hoặc null" in error.message
    assert "must" not in error.message


def test_a_missing_field_of_one_set_of_a_list_names_its_position():
    text = "- " + family().replace("\n", "\n  ").replace("  title: FAMILY\n", "", 1)
    refused = refusal(text)
    assert refused.detail == "Tại [0].title: bắt buộc phải có."


def test_broken_yaml_says_where():
    refused = refusal("id: [unclosed\ntitle: FAMILY\n")
    assert refused.key == "criteria_yaml_syntax" and refused.detail.startswith("dòng ")


def test_size_and_emptiness_are_bounded():
    assert refusal("").key == "criteria_yaml_empty"
    assert refusal(family() + "#" * set_registry.MAX_YAML_BYTES).key == "criteria_yaml_too_large"


def test_a_dry_run_stores_nothing_and_answers_the_sets(store):
    found = set_registry.validate(family(), SHIPPED)
    summary = answers.criteria_sets(found)[0]
    assert summary["id"] == "lang-son-family" and summary["provisionalReason"]
    assert store.records == {}


@pytest.mark.parametrize(
    ("message", "wording"),
    [
        ("criteria[1].max_points: is 30 but its indicators add up to 25", "là 30 nhưng"),
        ("[2]: levels[1].level: must be 2: levels are numbered 1, 2, ... in order", "phải là 2"),
        ("title: must be one of ['FAMILY']", "phải là một trong ['FAMILY']"),
        ("provisional_reason: is required when provisional is true (say why)", "ghi rõ lý do"),
        ("x: something new", "giá trị không hợp lệ"),
    ],
)
def test_parser_messages_are_translated(message, wording):
    assert wording in set_registry.vietnamese_error(message)


# --- activation ------------------------------------------------------------------------------


def test_a_version_applies_from_its_year_and_earlier_years_keep_what_was_before(store):
    upload(store, family(set_id="ls-family", pass_mark=80))
    upload(store, family(set_id="ls-family", pass_mark=90))
    set_registry.activate(store, "ls-family", 1, 2021, "admin", NOW)
    set_registry.activate(store, "ls-family", 2, 2025, "admin", NOW)
    sets = in_force(store)
    chosen = {year: select(sets, "FAMILY", year) for year in (2019, 2021, 2024, 2025, 2030)}
    assert chosen[2019].id == "qd448-family-2016"  # before any: the shipped set
    assert [(chosen[y].id, set_registry.version_of(chosen[y])) for y in (2021, 2024)] == [
        ("ls-family", 1),
        ("ls-family", 1),
    ]
    assert chosen[2025].pass_mark == 90 and set_registry.version_of(chosen[2030]) == 2
    listed = {d["version"]: d for d in set_registry.listing(store)}
    assert listed[1]["status"] == listed[2]["status"] == "active"
    assert listed[2]["effective_from_years"] == [2025] and listed[2]["activated_by"] == "admin"


def test_activating_from_an_earlier_year_supersedes_later_activations(store):
    for mark in (80, 85, 90):
        upload(store, family(pass_mark=mark))
    set_registry.activate(store, "lang-son-family", 2, 2025, "admin", NOW)
    set_registry.activate(store, "lang-son-family", 3, 2023, "admin", NOW)
    statuses = {d["version"]: d["status"] for d in set_registry.listing(store)}
    assert statuses == {1: "draft", 2: "superseded", 3: "active"}
    assert select(in_force(store), "FAMILY", 2026).pass_mark == 90
    again = set_registry.activate(store, "lang-son-family", 3, 2023, "admin", NOW)  # idempotent
    assert again.version == 3 and len(store.current.activations) == 1


def test_an_activated_file_set_id_keeps_the_file_for_the_years_before(store):
    upload(store, FAMILY_YAML.replace("pass_mark: 80", "pass_mark: 95"))
    set_registry.activate(store, "test-20-family-2021", 2, 2026, "admin", NOW)
    sets = in_force(store)
    assert select(sets, "FAMILY", 2024).pass_mark == 80
    assert select(sets, "FAMILY", 2026).pass_mark == 95


@pytest.mark.parametrize(
    ("set_id", "version", "year", "key"),
    [
        ("lang-son-family", 9, 2025, "criteria_set_not_found"),
        ("lang-son-family", 1, 2031, "after_set_validity"),
        ("lang-son-family", 1, 1800, "year_out_of_range"),
    ],
)
def test_activation_refusals(store, set_id, version, year, key):
    upload(store, family())
    with pytest.raises(Refused) as refused:
        set_registry.activate(store, set_id, version, year, "admin", NOW)
    assert refused.value.key == key and store.current.activations == ()


def test_another_tenants_store_sees_none_of_it(store):
    upload(store, family())
    other = FakeCriteriaSets("01")
    with pytest.raises(Refused):
        set_registry.activate(other, "lang-son-family", 1, 2024, "admin", NOW)
    assert set_registry.listing(other) == []


# --- verdicts keep their version ---------------------------------------------------------------


def test_a_verdict_keeps_the_version_it_was_judged_under(store):
    assessments = FakeAssessments("20")
    upload(store, family(pass_mark=80))
    upload(store, family(pass_mark=100, provisional=False))
    set_registry.activate(store, "lang-son-family", 1, 2021, "admin", NOW)
    first = enrolled(assessments, "hh-1")
    service.score(assessments, in_force(store), first, "review", GOOD, {}, minutes="BB", now=NOW)
    judged = assessments.get(first).review
    assert (judged["set_id"], judged["set_version"]) == ("lang-son-family", 1)
    assert judged["verdict"]["status"] == "recognised"

    set_registry.activate(store, "lang-son-family", 2, 2021, "admin", NOW)  # all years taken over
    sets = in_force(store)
    again = set_registry.judged_under(sets, judged)
    assert set_registry.version_of(again) == 1 and again.pass_mark == 80  # fetched, not active
    assert service.refresh_computed(assessments, sets, first) == []
    assert assessments.get(first).review == judged

    second = enrolled(assessments, "hh-2")
    service.score(assessments, sets, second, "review", GOOD, {}, minutes="BB", now=NOW)
    newer = assessments.get(second).review
    assert newer["set_version"] == 2 and newer["verdict"]["status"] != "recognised"
    assert newer["verdict"]["provisional"] is False


def test_a_record_without_a_version_was_judged_under_version_1():
    sets = set_registry.TenantSets([*FILE_SETS, *SHIPPED])
    found = set_registry.judged_under(sets, {"set_id": "test-20-family-2021"})
    assert found is FILE_SETS[0]


# --- no restart ------------------------------------------------------------------------------


def test_the_cache_reads_one_stamp_per_call_and_parses_only_after_an_activation(store):
    cache = set_registry.SetCache()
    upload(store, family())
    before = in_force(store, cache)
    assert select(before, "FAMILY", 2024).id == "test-20-family-2021"
    set_registry.activate(store, "lang-son-family", 1, 2024, "admin", NOW)
    reads = store.reads
    after = in_force(store, cache)
    assert store.reads == reads + 1
    assert select(after, "FAMILY", 2024).id == "lang-son-family"
    assert in_force(store, cache)[0] is after[0]  # unchanged stamp: the parsed set is kept
    assert in_force(store, cache, key="another-db")[0] is not after[0]


# --- provisional figures ---------------------------------------------------------------------


def test_figures_say_whether_the_sets_in_force_are_provisional(store):
    assert set_registry.figures_provisional(in_force(store), "FAMILY", 2024) == {
        "provisional": True,
        "provisional_reason": "Bộ tiêu chí thử nghiệm.",
        "set_ids": ["test-20-family-2021"],
    }
    upload(store, family(provisional=False))
    set_registry.activate(store, "lang-son-family", 1, 2024, "admin", NOW)
    official = set_registry.figures_provisional(in_force(store), "FAMILY", 2024)
    assert official == {
        "provisional": False,
        "provisional_reason": None,
        "set_ids": ["lang-son-family"],
    }
    assert set_registry.figures_provisional(in_force(store), "FAMILY", 1990)["set_ids"] == []


def test_an_assessment_answer_carries_the_counting_verdicts_provisional_flag_and_reason():
    assessments = FakeAssessments("20")
    first = enrolled(assessments, "hh-1")
    service.score(assessments, FILE_SETS, first, "self_assessment", GOOD, {}, now=NOW)
    answer = answers.assessment(assessments.get(first))
    assert answer["provisional"] is True
    assert answer["provisional_reason"] == "Bộ tiêu chí thử nghiệm."
    assert answer["self_assessment"]["verdict"]["provisional_reason"] == "Bộ tiêu chí thử nghiệm."


def test_the_scored_event_carries_the_reason_and_meets_its_contract():
    assessments = FakeAssessments("20")
    first = enrolled(assessments, "hh-1")
    service.score(assessments, FILE_SETS, first, "self_assessment", GOOD, {}, now=NOW)
    (scored,) = [e for e in assessments.events if e["type"].endswith(".scored.v1")]
    assert scored["data"]["provisionalReason"] == "Bộ tiêu chí thử nghiệm."
    validate_event(scored)
    validate_event({**scored, "data": {**scored["data"], "provisionalReason": None}})


def test_a_rejudgement_uses_the_version_the_stage_was_judged_under(store):
    assessments = FakeAssessments("20")
    upload(store, family(pass_mark=80))
    upload(store, family(pass_mark=100))
    set_registry.activate(store, "lang-son-family", 1, 2021, "admin", NOW)
    first = enrolled(assessments, "hh-1")
    service.score(assessments, in_force(store), first, "review", GOOD, {}, minutes="BB", now=NOW)
    set_registry.activate(store, "lang-son-family", 2, 2021, "admin", NOW)
    current = assessments.get(first)
    moved = {"some_share": 0.5}  # the platform's figures moved: the stage is judged again
    assert service._rejudge(assessments, in_force(store), current, moved, NOW) == ["review"]
    again = assessments.get(first).review
    assert again["computed_figures"] == moved and again["set_version"] == 1
    assert again["verdict"]["status"] == "recognised"  # v1's pass mark 80, not v2's 100
