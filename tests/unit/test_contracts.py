"""The event contracts in contracts/ and their validator, khuyenhoc.contracts."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from khuyenhoc import contracts
from khuyenhoc.contracts import (
    CONTRACTS_DIR,
    ContractError,
    known_event_types,
    schema_id_for,
    validate_event,
)

REGISTERED_V1 = "vn.khuyenhoc.registration.registered.v1"
WITHDRAWN_V1 = "vn.khuyenhoc.registration.withdrawn.v1"
MEMBER_JOINED_V1 = "vn.khuyenhoc.registration.member.joined.v1"
SCORED_V1 = "vn.khuyenhoc.scoring.scored.v1"
RECOGNISED_V1 = "vn.khuyenhoc.scoring.recognised.v1"

EXAMPLE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "6f1c2b0e-2d7a-4c1e-9a43-1b1f3c1d2e3f",
    "source": "/khuyenhoc/registration",
    "type": REGISTERED_V1,
    "time": "2024-05-01T08:00:00.123456+00:00",
    "subject": "enrolment/20-FAMILY-2024-3f9a0c11aa",
    "datacontenttype": "application/json",
    "dataschema": "urn:khuyenhoc:schema:registered:1",
    "tenant": "20",
    "unitpath": "20/183/06184",
    "data": {
        "enrolmentId": "20-FAMILY-2024-3f9a0c11aa",
        "subjectId": "hh-3f9a0c11aa",
        "subjectKind": "household",
        "title": "FAMILY",
        "year": 2024,
        "unitCode": "06184",
    },
}


WITHDRAWN_EXAMPLE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "0b7d9a4e-5c2f-4e8b-8f3a-2c6d1e9b7a15",
    "source": "/khuyenhoc/registration",
    "type": WITHDRAWN_V1,
    "time": "2024-06-10T09:30:00+07:00",
    "subject": "enrolment/20-FAMILY-2024-3f9a0c11aa",
    "datacontenttype": "application/json",
    "dataschema": "urn:khuyenhoc:schema:withdrawn:1",
    "tenant": "20",
    "unitpath": "20/183/06184",
    "data": {
        "enrolmentId": "20-FAMILY-2024-3f9a0c11aa",
        "subjectId": "hh-3f9a0c11aa",
        "subjectKind": "household",
        "title": "FAMILY",
        "year": 2024,
        "unitCode": "06184",
        "reason": "Gia đình chuyển nơi cư trú",
    },
}

MEMBER_JOINED_EXAMPLE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "9e2a4c71-3b8d-4f06-a1c5-7d4e2b9f0c38",
    "source": "/khuyenhoc/registration",
    "type": MEMBER_JOINED_V1,
    "time": "2024-03-15T08:00:00+07:00",
    "subject": "member/mb-7c41d2e9b0",
    "datacontenttype": "application/json",
    "dataschema": "urn:khuyenhoc:schema:member.joined:1",
    "tenant": "20",
    "unitpath": "20/183/06184/06184-001",
    "data": {
        "memberId": "mb-7c41d2e9b0",
        "branchCode": "06184-001",
        "unitCode": "06184",
        "year": 2024,
        "joinedOn": "2024-03-15",
    },
}

SCORED_EXAMPLE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "4d8e1f23-7a6b-4c90-b2e5-3f1a9c7d5e64",
    "source": "/khuyenhoc/scoring",
    "type": SCORED_V1,
    "time": "2024-11-20T14:00:00+07:00",
    "subject": "assessment/20-FAMILY-2024-3f9a0c11aa",
    "datacontenttype": "application/json",
    "dataschema": "urn:khuyenhoc:schema:scored:1",
    "tenant": "20",
    "unitpath": "20/183/06184",
    "data": {
        "enrolmentId": "20-FAMILY-2024-3f9a0c11aa",
        "subjectId": "hh-3f9a0c11aa",
        "subjectKind": "household",
        "title": "FAMILY",
        "year": 2024,
        "unitCode": "06184",
        "stage": "review",
        "setId": "FAMILY-2024",
        "provisional": False,
        "status": "recognised",
        "level": 1,
        "total": 85,
    },
}

RECOGNISED_EXAMPLE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "7a3c9e5b-1f2d-4b8a-9c6e-0d4f8a2b6c91",
    "source": "/khuyenhoc/scoring",
    "type": RECOGNISED_V1,
    "time": "2024-12-05T10:00:00+07:00",
    "subject": "assessment/20-FAMILY-2024-3f9a0c11aa",
    "datacontenttype": "application/json",
    "dataschema": "urn:khuyenhoc:schema:recognised:1",
    "tenant": "20",
    "unitpath": "20/183/06184",
    "data": {
        "enrolmentId": "20-FAMILY-2024-3f9a0c11aa",
        "subjectId": "hh-3f9a0c11aa",
        "subjectKind": "household",
        "title": "FAMILY",
        "year": 2024,
        "unitCode": "06184",
        "level": 1,
        "decisionNumber": "123/QĐ-UBND",
        "decisionDate": "2024-12-02",
        "signer": "Chủ tịch UBND xã Nguyễn Văn C",
        "validUntil": "2025-12-31",
        "setId": "FAMILY-2024",
    },
}

ALL_EXAMPLES = [
    pytest.param(EXAMPLE, id="registered"),
    pytest.param(WITHDRAWN_EXAMPLE, id="withdrawn"),
    pytest.param(MEMBER_JOINED_EXAMPLE, id="member.joined"),
    pytest.param(SCORED_EXAMPLE, id="scored"),
    pytest.param(RECOGNISED_EXAMPLE, id="recognised"),
]


@pytest.fixture
def event() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


@pytest.fixture
def withdrawn() -> dict[str, Any]:
    return copy.deepcopy(WITHDRAWN_EXAMPLE)


@pytest.fixture
def member_joined() -> dict[str, Any]:
    return copy.deepcopy(MEMBER_JOINED_EXAMPLE)


@pytest.fixture
def scored() -> dict[str, Any]:
    return copy.deepcopy(SCORED_EXAMPLE)


@pytest.fixture
def recognised() -> dict[str, Any]:
    return copy.deepcopy(RECOGNISED_EXAMPLE)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(event: dict[str, Any]) -> None:
        event[key] = value

    return mutate


def _set_data(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(event: dict[str, Any]) -> None:
        event["data"][key] = value

    return mutate


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(event: dict[str, Any]) -> None:
        del event[key]

    return mutate


# --- the validator -------------------------------------------------------------------------


def test_example_event_validates(event: dict[str, Any]) -> None:
    validate_event(event)
    assert event == EXAMPLE  # validation does not mutate the event


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        pytest.param(_drop("tenant"), "tenant", "required", id="missing-tenant"),
        pytest.param(_set("tenant", "2"), "tenant", "does not match", id="tenant-one-digit"),
        pytest.param(
            _set("unitpath", "21/183/06184"), "unitpath", "must equal tenant", id="unitpath-tenant"
        ),
        pytest.param(_set_data("year", 1800), "data.year", "minimum", id="year-too-small"),
        pytest.param(_set_data("year", 2101), "data.year", "maximum", id="year-too-large"),
        pytest.param(_set_data("title", "VILLAGE"), "data.title", "is not one of", id="title"),
        pytest.param(_set_data("extra", 1), "data", "'extra' was unexpected", id="extra-data"),
        pytest.param(
            _set("type", "vn.khuyenhoc.registration.registered.v2"),
            "type",
            "unknown event type",
            id="unknown-major",
        ),
        pytest.param(
            _set("datacontenttype", "text/plain"), "datacontenttype", "expected", id="content-type"
        ),
        pytest.param(_set("time", "yesterday"), "time", "date-time", id="time-garbage"),
        pytest.param(_set("time", "2024-05-01T08:00:00"), "time", "date-time", id="time-naive"),
        pytest.param(_set("time", "2024-02-30T08:00:00Z"), "time", "date-time", id="time-feb-30"),
    ],
)
def test_invalid_events_name_the_failing_field(
    event: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    mutate(event)
    with pytest.raises(ContractError) as excinfo:
        validate_event(event)
    message = str(excinfo.value)
    assert message.startswith(f"{field}: "), message
    assert reason in message


def test_error_message_format(event: dict[str, Any]) -> None:
    event["data"]["year"] = 1800
    with pytest.raises(ContractError, match=r"^data\.year: 1800 is less than the minimum of 2000$"):
        validate_event(event)


def test_contract_error_is_a_value_error() -> None:
    assert issubclass(ContractError, ValueError)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (_set("foo", "bar"), "event"),  # unknown top-level attribute
        (_drop("data"), "data"),
        (_set("data", []), "data"),
        (_set("subject", ""), "subject"),
        (_set("id", ""), "id"),
        (_set("specversion", "0.3"), "specversion"),
        (_set("source", "/khuyenhoc/fund"), "source"),
        (_set("source", "https://example.org/x"), "source"),
        (_set("dataschema", "urn:khuyenhoc:schema:registered:2"), "dataschema"),
        (_set("unitpath", "20//06184"), "unitpath"),
        (_set_data("subjectKind", "company"), "data.subjectKind"),
        (_set_data("year", "2024"), "data.year"),
        (_set_data("unitCode", 6184), "data.unitCode"),
    ],
)
def test_other_violations(
    event: dict[str, Any], mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    mutate(event)
    with pytest.raises(ContractError, match=rf"^{re.escape(field)}: "):
        validate_event(event)


def test_missing_data_field_is_named(event: dict[str, Any]) -> None:
    del event["data"]["year"]
    with pytest.raises(ContractError, match=r"^data\.year: 'year' is a required property$"):
        validate_event(event)


def test_not_an_object() -> None:
    with pytest.raises(ContractError, match=r"^event: "):
        validate_event([EXAMPLE])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "time",
    [
        "2024-05-01T08:00:00Z",
        "2024-05-01t08:00:00z",
        "2024-05-01T08:00:00.5+07:00",
        "2016-12-31T23:59:60Z",  # leap second
    ],
)
def test_rfc3339_times_are_accepted(event: dict[str, Any], time: str) -> None:
    event["time"] = time
    validate_event(event)


@pytest.mark.parametrize("unitpath", ["20", "20/183", "20/183/06184/chi-hoi_1/to-3/nhom-2", "20/a"])
def test_unitpath_depths(event: dict[str, Any], unitpath: str) -> None:
    event["unitpath"] = unitpath
    validate_event(event)


def test_unitpath_too_deep(event: dict[str, Any]) -> None:
    event["unitpath"] = "20/1/2/3/4/5/6"
    with pytest.raises(ContractError, match=r"^unitpath: "):
        validate_event(event)


def test_schema_id_for() -> None:
    assert schema_id_for(REGISTERED_V1) == "events/registered.v1.schema.json"
    assert (CONTRACTS_DIR / schema_id_for(REGISTERED_V1)).is_file()


@pytest.mark.parametrize(
    ("event_type", "schema_id"),
    [
        (WITHDRAWN_V1, "events/withdrawn.v1.schema.json"),
        (MEMBER_JOINED_V1, "events/member.joined.v1.schema.json"),  # a dot in the event name
        (SCORED_V1, "events/scored.v1.schema.json"),  # another service
        (RECOGNISED_V1, "events/recognised.v1.schema.json"),
    ],
)
def test_schema_id_for_new_events(event_type: str, schema_id: str) -> None:
    assert schema_id_for(event_type) == schema_id
    assert (CONTRACTS_DIR / schema_id).is_file()


@pytest.mark.parametrize(
    "event_type",
    [
        "vn.khuyenhoc.registration.registered.v2",
        "vn.khuyenhoc.fund.registered.v1",  # right file name, wrong service
        "vn.khuyenhoc.registration.nosuchevent.v1",
        "vn.khuyenhoc.registration.registered",
        "vn.khuyenhoc.registration.registered.v0",
        "vn.khuyenhoc.registration.member..joined.v1",
        "vn.khuyenhoc.registration.member.joined.",
        "vn.khuyenhoc.registration.member.v1",  # no such event "member"
        "vn.khuyenhoc.registration.joined.v1",
        "com.example.registered.v1",
        "",
    ],
)
def test_schema_id_for_rejects_unknown_and_malformed(event_type: str) -> None:
    with pytest.raises(ContractError, match=r"^type: "):
        schema_id_for(event_type)


def test_known_event_types() -> None:
    types = known_event_types()
    assert isinstance(types, frozenset)
    assert {REGISTERED_V1, WITHDRAWN_V1, MEMBER_JOINED_V1, SCORED_V1, RECOGNISED_V1} <= types
    for event_type in types:
        assert (CONTRACTS_DIR / schema_id_for(event_type)).is_file()


def test_contracts_dir_is_the_repo_contracts() -> None:
    assert Path(contracts.__file__).resolve().parent.parent / "contracts" == CONTRACTS_DIR
    assert (CONTRACTS_DIR / "envelope.schema.json").is_file()


def test_registry_never_retrieves_remote_resources() -> None:
    registry = contracts._load().registry
    with pytest.raises(NoSuchResource):
        registry.get_or_retrieve("https://json-schema.example/not-local.json")


# --- withdrawn and member.joined ----------------------------------------------------------


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_every_example_validates(example: dict[str, Any]) -> None:
    event = copy.deepcopy(example)
    validate_event(event)
    assert event == example


@pytest.mark.parametrize("reason", ["", "x" * 500, "Không còn đủ điều kiện"])
def test_withdrawn_reasons_that_are_accepted(withdrawn: dict[str, Any], reason: str) -> None:
    withdrawn["data"]["reason"] = reason
    validate_event(withdrawn)


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        pytest.param(_set_data("reason", "x" * 501), "data.reason", "too long", id="reason-501"),
        pytest.param(_set_data("reason", None), "data.reason", "not of type", id="reason-null"),
        pytest.param(_set_data("extra", 1), "data", "'extra' was unexpected", id="extra-data"),
        pytest.param(_set_data("year", 1999), "data.year", "minimum", id="year-too-small"),
        pytest.param(_set_data("title", "VILLAGE"), "data.title", "is not one of", id="title"),
        pytest.param(_set_data("enrolmentId", ""), "data.enrolmentId", "", id="empty-id"),
        pytest.param(
            _set("dataschema", "urn:khuyenhoc:schema:registered:1"), "dataschema", "", id="schema"
        ),
    ],
)
def test_invalid_withdrawn_events(
    withdrawn: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    mutate(withdrawn)
    with pytest.raises(ContractError) as excinfo:
        validate_event(withdrawn)
    message = str(excinfo.value)
    assert message.startswith(f"{field}: "), message
    assert reason in message


def test_withdrawn_reason_is_required(withdrawn: dict[str, Any]) -> None:
    del withdrawn["data"]["reason"]
    with pytest.raises(ContractError, match=r"^data\.reason: 'reason' is a required property$"):
        validate_event(withdrawn)


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        pytest.param(
            _set_data("branchCode", "06184001"), "data.branchCode", "does not match", id="no-dash"
        ),
        pytest.param(
            _set_data("branchCode", "6184-001"), "data.branchCode", "does not match", id="4-digit"
        ),
        pytest.param(
            _set_data("branchCode", "06184-01"), "data.branchCode", "does not match", id="2-digit"
        ),
        pytest.param(
            _set_data("branchCode", "06184-001\n"), "data.branchCode", "too long", id="newline"
        ),
        pytest.param(_set_data("joinedOn", "2024-02-30"), "data.joinedOn", "date", id="feb-30"),
        pytest.param(_set_data("joinedOn", "2024-3-15"), "data.joinedOn", "date", id="short"),
        pytest.param(
            _set_data("joinedOn", "2024-03-15T08:00:00Z"), "data.joinedOn", "date", id="datetime"
        ),
        pytest.param(_set_data("joinedOn", "15/03/2024"), "data.joinedOn", "date", id="vn-order"),
        pytest.param(_set_data("fullName", "Nguyễn Văn A"), "data", "unexpected", id="name"),
        pytest.param(_set_data("citizenId", "001204000001"), "data", "unexpected", id="cccd"),
        pytest.param(_set_data("year", 2101), "data.year", "maximum", id="year-too-large"),
        pytest.param(_set_data("memberId", ""), "data.memberId", "", id="empty-member"),
    ],
)
def test_invalid_member_joined_events(
    member_joined: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    mutate(member_joined)
    with pytest.raises(ContractError) as excinfo:
        validate_event(member_joined)
    message = str(excinfo.value)
    assert message.startswith(f"{field}: "), message
    assert reason in message


def test_member_joined_feb_30_message(member_joined: dict[str, Any]) -> None:
    member_joined["data"]["joinedOn"] = "2024-02-30"
    with pytest.raises(ContractError, match=r"^data\.joinedOn: '2024-02-30' is not a 'date'$"):
        validate_event(member_joined)


def test_member_joined_leap_day_is_a_date(member_joined: dict[str, Any]) -> None:
    member_joined["data"]["joinedOn"] = "2024-02-29"
    validate_event(member_joined)


@pytest.mark.parametrize(
    "field", ["memberId", "branchCode", "unitCode", "year", "joinedOn"], ids=str
)
def test_member_joined_fields_are_required(member_joined: dict[str, Any], field: str) -> None:
    del member_joined["data"][field]
    with pytest.raises(ContractError, match=rf"^data\.{field}: '{field}' is a required property$"):
        validate_event(member_joined)


def test_member_joined_schema_is_not_the_withdrawn_schema(member_joined: dict[str, Any]) -> None:
    member_joined["type"] = WITHDRAWN_V1
    with pytest.raises(ContractError):
        validate_event(member_joined)


# --- scored (scoring service) -------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"stage": "self_assessment"}, id="self-assessment"),
        pytest.param({"provisional": True}, id="provisional"),
        pytest.param({"status": "not_recognised", "level": None}, id="not-recognised"),
        pytest.param({"status": "undecidable", "level": None, "total": None}, id="undecidable"),
        pytest.param({"level": 2, "total": 0}, id="level-2-total-0"),
    ],
)
def test_scored_variants_that_are_accepted(scored: dict[str, Any], changes: dict[str, Any]) -> None:
    scored["data"].update(changes)
    validate_event(scored)


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        pytest.param(_set_data("stage", "vote"), "data.stage", "is not one of", id="stage-vote"),
        pytest.param(_set_data("level", 4), "data.level", "maximum", id="level-4"),
        pytest.param(_set_data("level", 0), "data.level", "minimum", id="level-0"),
        pytest.param(_set_data("level", 1.5), "data.level", "not of type", id="level-float"),
        pytest.param(_set_data("total", -1), "data.total", "minimum", id="total-negative"),
        pytest.param(_set_data("total", "85"), "data.total", "not of type", id="total-string"),
        pytest.param(_set_data("extra", 1), "data", "'extra' was unexpected", id="extra-data"),
        pytest.param(_set_data("status", "approved"), "data.status", "is not one of", id="status"),
        pytest.param(
            _set_data("provisional", "no"), "data.provisional", "not of type", id="provisional"
        ),
        pytest.param(_set_data("setId", ""), "data.setId", "", id="empty-set"),
        pytest.param(_set("source", "/khuyenhoc/registration"), "source", "", id="source"),
        pytest.param(
            _set("dataschema", "urn:khuyenhoc:schema:registered:1"), "dataschema", "", id="schema"
        ),
    ],
)
def test_invalid_scored_events(
    scored: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    mutate(scored)
    with pytest.raises(ContractError) as excinfo:
        validate_event(scored)
    message = str(excinfo.value)
    assert message.startswith(f"{field}: "), message
    assert reason in message


def test_scored_set_id_is_required(scored: dict[str, Any]) -> None:
    del scored["data"]["setId"]
    with pytest.raises(ContractError, match=r"^data\.setId: 'setId' is a required property$"):
        validate_event(scored)


@pytest.mark.parametrize(
    "field",
    [
        "enrolmentId",
        "subjectId",
        "subjectKind",
        "title",
        "year",
        "unitCode",
        "stage",
        "setId",
        "provisional",
        "status",
        "level",
        "total",
    ],
    ids=str,
)
def test_scored_fields_are_required(scored: dict[str, Any], field: str) -> None:
    del scored["data"][field]
    with pytest.raises(ContractError, match=rf"^data\.{field}: '{field}' is a required property$"):
        validate_event(scored)


# --- recognised (scoring service) ---------------------------------------------------------


def test_recognised_example_validates(recognised: dict[str, Any]) -> None:
    validate_event(recognised)
    assert recognised == RECOGNISED_EXAMPLE  # validation does not mutate the event


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"level": None}, id="no-level"),
        pytest.param({"level": 2}, id="level-2"),
        pytest.param({"validUntil": None}, id="no-validity"),
        pytest.param({"decisionDate": "2024-02-29"}, id="leap-day"),
        pytest.param({"signer": "x" * 200, "decisionNumber": "x" * 100}, id="max-lengths"),
        pytest.param(
            {
                "subjectKind": "community",
                "title": "COMMUNE_COMMUNITY",
                "decisionNumber": "45/QĐ-UBND",
            },
            id="commune-community",
        ),
    ],
)
def test_recognised_variants_that_are_accepted(
    recognised: dict[str, Any], changes: dict[str, Any]
) -> None:
    recognised["data"].update(changes)
    validate_event(recognised)


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        pytest.param(_set_data("level", 4), "data.level", "maximum", id="level-4"),
        pytest.param(_set_data("level", 0), "data.level", "minimum", id="level-0"),
        pytest.param(
            _set_data("decisionDate", "2024-13-01"), "data.decisionDate", "date", id="month-13"
        ),
        pytest.param(
            _set_data("decisionDate", None), "data.decisionDate", "not of type", id="date-null"
        ),
        pytest.param(_set_data("signer", ""), "data.signer", "", id="empty-signer"),
        pytest.param(_set_data("signer", "x" * 201), "data.signer", "too long", id="long-signer"),
        pytest.param(
            _set_data("decisionNumber", ""), "data.decisionNumber", "", id="empty-decision"
        ),
        pytest.param(
            _set_data("decisionNumber", "x" * 101),
            "data.decisionNumber",
            "too long",
            id="long-decision",
        ),
        pytest.param(_set_data("extra", 1), "data", "'extra' was unexpected", id="extra-data"),
        pytest.param(_set_data("validUntil", "soon"), "data.validUntil", "date", id="valid-soon"),
        pytest.param(_set_data("setId", ""), "data.setId", "", id="empty-set"),
        pytest.param(_set_data("title", "VILLAGE"), "data.title", "is not one of", id="title"),
        pytest.param(_set("source", "/khuyenhoc/registration"), "source", "", id="source"),
        pytest.param(
            _set("dataschema", "urn:khuyenhoc:schema:scored:1"), "dataschema", "", id="schema"
        ),
    ],
)
def test_invalid_recognised_events(
    recognised: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    mutate(recognised)
    with pytest.raises(ContractError) as excinfo:
        validate_event(recognised)
    message = str(excinfo.value)
    assert message.startswith(f"{field}: "), message
    assert reason in message


def test_recognised_bad_decision_date_message(recognised: dict[str, Any]) -> None:
    recognised["data"]["decisionDate"] = "2024-13-01"
    with pytest.raises(ContractError, match=r"^data\.decisionDate: '2024-13-01' is not a 'date'$"):
        validate_event(recognised)


def test_recognised_set_id_is_required(recognised: dict[str, Any]) -> None:
    del recognised["data"]["setId"]
    with pytest.raises(ContractError, match=r"^data\.setId: 'setId' is a required property$"):
        validate_event(recognised)


@pytest.mark.parametrize(
    "field",
    [
        "enrolmentId",
        "subjectId",
        "subjectKind",
        "title",
        "year",
        "unitCode",
        "level",
        "decisionNumber",
        "decisionDate",
        "signer",
        "validUntil",
        "setId",
    ],
    ids=str,
)
def test_recognised_fields_are_required(recognised: dict[str, Any], field: str) -> None:
    del recognised["data"][field]
    with pytest.raises(ContractError, match=rf"^data\.{field}: '{field}' is a required property$"):
        validate_event(recognised)


def test_recognised_is_not_the_scored_schema(recognised: dict[str, Any]) -> None:
    recognised["type"] = SCORED_V1
    recognised["dataschema"] = "urn:khuyenhoc:schema:scored:1"
    with pytest.raises(ContractError):
        validate_event(recognised)


# --- the official CloudEvents SDK (cloudevents 2.x) -------------------------------------------


def test_parses_with_the_cloudevents_sdk(event: dict[str, Any]) -> None:
    from cloudevents.core.formats.json import JSONFormat
    from cloudevents.core.v1.event import CloudEvent

    parsed = JSONFormat().read(CloudEvent, json.dumps(event))

    attributes = dict(parsed.get_attributes())
    assert attributes.pop("time") == datetime.fromisoformat(event["time"])
    expected = {k: v for k, v in event.items() if k not in ("data", "time")}
    assert attributes == expected
    assert parsed.get_extension("tenant") == "20"
    assert parsed.get_extension("unitpath") == "20/183/06184"
    assert parsed.get_type() == REGISTERED_V1
    assert parsed.get_data() == event["data"]

    # What the SDK writes back is still a valid event.
    validate_event(json.loads(JSONFormat().write(parsed)))


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_every_example_parses_with_the_cloudevents_sdk(example: dict[str, Any]) -> None:
    from cloudevents.core.formats.json import JSONFormat
    from cloudevents.core.v1.event import CloudEvent

    parsed = JSONFormat().read(CloudEvent, json.dumps(example))

    attributes = dict(parsed.get_attributes())
    assert attributes.pop("time") == datetime.fromisoformat(example["time"])
    assert attributes == {k: v for k, v in example.items() if k not in ("data", "time")}
    assert parsed.get_extension("tenant") == example["tenant"]
    assert parsed.get_extension("unitpath") == example["unitpath"]
    assert parsed.get_type() == example["type"]
    assert parsed.get_data() == example["data"]

    # What the SDK writes back is still a valid event.
    validate_event(json.loads(JSONFormat().write(parsed)))


def test_parses_with_the_legacy_sdk_api(event: dict[str, Any]) -> None:
    from cloudevents.v1.conversion import from_dict
    from cloudevents.v1.http import CloudEvent

    parsed = from_dict(CloudEvent, event)

    for key, value in event.items():
        if key != "data":
            assert parsed[key] == value
    assert parsed.get_data() == event["data"]


# --- the contract files themselves --------------------------------------------------------


def _schema_files() -> list[Path]:
    return sorted(CONTRACTS_DIR.rglob("*.json"))


def _event_schema_files() -> list[Path]:
    return sorted((CONTRACTS_DIR / "events").glob("*"))


def _offline_registry() -> Registry:
    def refuse(uri: str) -> Resource:
        raise NoSuchResource(ref=uri)

    resources = []
    for path in _schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        )
    return Registry(retrieve=refuse).with_resources(resources)


def test_there_are_event_schemas() -> None:
    assert _event_schema_files()


@pytest.mark.parametrize("path", _event_schema_files(), ids=lambda p: p.name)
def test_event_schema_files_are_valid_2020_12_schemas(path: Path) -> None:
    assert re.fullmatch(
        r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*\.schema\.json", path.name
    )
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://contracts.khuyenhoc.invalid/events/{path.name}"
    Draft202012Validator.check_schema(schema)
    # Every $ref resolves from the local files alone.
    validator = Draft202012Validator(schema, registry=_offline_registry())
    list(validator.iter_errors(EXAMPLE))


def test_envelope_is_a_valid_2020_12_schema() -> None:
    schema = json.loads((CONTRACTS_DIR / "envelope.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "https://contracts.khuyenhoc.invalid/envelope.schema.json"
    Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == set(EXAMPLE)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _pointer(document: Any, fragment: str) -> Any:
    node = document
    for token in fragment.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_parses_and_references_existing_schemas() -> None:
    document = yaml.safe_load((CONTRACTS_DIR / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert document["asyncapi"] == "2.6.0"

    external = []
    for ref in _refs(document):
        target, fragment = urldefrag(ref)
        if not target:
            assert _pointer(document, fragment) is not None, ref
            continue
        path = (CONTRACTS_DIR / target).resolve()
        assert path.is_relative_to(CONTRACTS_DIR.resolve()), ref
        assert path.is_file(), ref
        assert path.suffix == ".json", ref
        schema = json.loads(path.read_text(encoding="utf-8"))
        if fragment:
            _pointer(schema, fragment)
        external.append(path)
    for name in ("registered", "withdrawn", "member.joined", "scored", "recognised"):
        assert CONTRACTS_DIR / "events" / f"{name}.v1.schema.json" in external


def test_asyncapi_describes_the_registered_channel() -> None:
    document = yaml.safe_load((CONTRACTS_DIR / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert document["servers"]["rabbitmq"]["protocol"] == "amqp"
    channel = document["channels"]["registered"]
    exchange = channel["bindings"]["amqp"]["exchange"]
    assert exchange == {**exchange, "name": "registration.events", "type": "topic", "durable": True}
    operation = channel["subscribe"]["bindings"]["amqp"]
    assert operation["deliveryMode"] == 2
    assert operation["mandatory"] is True
    message = document["components"]["messages"]["registered"]
    assert message["contentType"] == "application/json"
    for example in message["examples"]:
        validate_event(example["payload"])


def _asyncapi() -> dict[str, Any]:
    return yaml.safe_load((CONTRACTS_DIR / "asyncapi.yaml").read_text(encoding="utf-8"))


def _asyncapi_examples() -> list[Any]:
    params = []
    for name, message in _asyncapi()["components"]["messages"].items():
        for example in message.get("examples", []):
            params.append(pytest.param(name, example["payload"], id=f"{name}:{example['name']}"))
    return params


def test_asyncapi_has_examples_for_every_event() -> None:
    messages = _asyncapi()["components"]["messages"]
    assert {"registered", "withdrawn", "member.joined", "scored", "recognised"} <= set(messages)
    for name, message in messages.items():
        assert message.get("examples"), name


@pytest.mark.parametrize(("message_name", "payload"), _asyncapi_examples())
def test_every_asyncapi_example_validates(message_name: str, payload: dict[str, Any]) -> None:
    validate_event(payload)
    message = _asyncapi()["components"]["messages"][message_name]
    assert payload["type"] == message["bindings"]["amqp"]["messageType"]
    assert schema_id_for(payload["type"]) == message["payload"]["$ref"].removeprefix("./")


@pytest.mark.parametrize(
    ("channel_name", "event_type"),
    [
        ("registered", REGISTERED_V1),
        ("withdrawn", WITHDRAWN_V1),
        ("member.joined", MEMBER_JOINED_V1),
    ],
)
def test_asyncapi_registration_channels(channel_name: str, event_type: str) -> None:
    document = _asyncapi()
    channel = document["channels"][channel_name]  # the channel name is the routing key
    assert channel["bindings"]["amqp"]["is"] == "routingKey"
    exchange = channel["bindings"]["amqp"]["exchange"]
    assert exchange == {**exchange, "name": "registration.events", "type": "topic", "durable": True}
    operation = channel["subscribe"]
    assert operation["bindings"]["amqp"]["deliveryMode"] == 2
    assert operation["bindings"]["amqp"]["mandatory"] is True
    assert operation["message"]["$ref"] == f"#/components/messages/{channel_name}"
    message = _pointer(document, f"/components/messages/{channel_name}")
    assert message["contentType"] == "application/json"
    assert message["bindings"]["amqp"]["messageType"] == event_type


@pytest.mark.parametrize(
    ("channel_name", "event_type", "example"),
    [
        ("scored", SCORED_V1, SCORED_EXAMPLE),
        ("recognised", RECOGNISED_V1, RECOGNISED_EXAMPLE),
    ],
)
def test_asyncapi_scoring_channel(
    channel_name: str, event_type: str, example: dict[str, Any]
) -> None:
    document = _asyncapi()
    channel = document["channels"][channel_name]  # the channel name is the routing key
    assert channel["bindings"]["amqp"]["is"] == "routingKey"
    exchange = channel["bindings"]["amqp"]["exchange"]
    assert exchange == {**exchange, "name": "scoring.events", "type": "topic", "durable": True}
    operation = channel["subscribe"]
    assert operation["bindings"]["amqp"]["deliveryMode"] == 2
    assert operation["bindings"]["amqp"]["mandatory"] is True
    assert operation["message"]["$ref"] == f"#/components/messages/{channel_name}"
    message = _pointer(document, f"/components/messages/{channel_name}")
    assert message["contentType"] == "application/json"
    assert message["bindings"]["amqp"]["messageType"] == event_type
    assert [item["payload"] for item in message["examples"]] == [example]
