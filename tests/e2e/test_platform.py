"""End to end: the platform running as its own processes, driven through /graphql only."""

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from kombu import Connection

from khuyenhoc.contracts import validate_event
from khuyenhoc.events import REGISTERED
from ops.platform import SERVICES
from tests.conftest import wait_until
from tests.e2e.client import graphql
from tests.integration.helpers import tap

pytestmark = pytest.mark.e2e

STATS = """query($code: String!) { orgUnit(code: $code) {
  name path stats(year: 2024) { title(title: FAMILY) { registered } } } }"""
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId created unitPath title } }"""


def registered(platform, token, code):
    """The FAMILY figure of ``code`` for 2024."""
    answer = graphql(platform, STATS, {"code": code}, token=token)
    assert "errors" not in answer, answer
    return answer["data"]["orgUnit"]["stats"]["title"]["registered"]


def household(**changes):
    base = {
        "tenant": "20",
        "communeCode": "06184",
        "headName": f"Lý Thị Hoa {uuid.uuid4().hex[:6]}",
        "address": "Khối 3",
        "year": 2024,
        "members": [
            {"name": "Lý Văn Minh", "relation": "Con", "birthYear": 2012, "learning": True}
        ],
    }
    return {**base, **changes}


def test_every_process_is_healthy_and_exposes_metrics(platform, admin):
    for process in SERVICES:
        with urllib.request.urlopen(platform.url(process, "/health"), timeout=5) as response:
            assert json.loads(response.read())["status"] == "ok"
        with urllib.request.urlopen(platform.url(process, "/metrics"), timeout=5) as response:
            assert b"khuyenhoc_handler_seconds" in response.read()


def test_a_registration_counts_at_commune_district_and_province(platform, admin):
    children = graphql(platform, '{ orgUnit(code: "183") { children { code } } }')
    sibling = next(
        c["code"] for c in children["data"]["orgUnit"]["children"] if c["code"] != "06184"
    )
    before = {code: registered(platform, admin, code) for code in ("06184", "183", "20", sibling)}
    with Connection(platform.settings()["AMQP_URI"]) as connection:
        queue = tap(platform.settings(), REGISTERED)(connection.default_channel)
        queue.declare()
        result = graphql(platform, REGISTER, {"input": household()}, token=admin)
        assert result["data"]["registerHousehold"]["created"] is True
        assert result["data"]["registerHousehold"]["unitPath"] == "20/183/06184"
        message = wait_until(lambda: queue.get(no_ack=True), what="the registered event")
        queue.delete()

    event = message.decode()
    validate_event(event)
    parsed = JSONFormat().read(CloudEvent, message.body)
    assert parsed.get_extension("tenant") == "20"
    assert parsed.get_extension("unitpath") == "20/183/06184"
    assert event["data"]["enrolmentId"] == result["data"]["registerHousehold"]["enrolmentId"]

    for code in ("06184", "183", "20"):
        wait_until(
            lambda c=code: registered(platform, admin, c) == before[c] + 1, what=f"count at {code}"
        )
    assert registered(platform, admin, sibling) == before[sibling]  # another commune is untouched


def test_the_same_household_twice_is_one_registration(platform, admin):
    payload = household()
    first = registered(platform, admin, "06184")
    graphql(platform, REGISTER, {"input": payload}, token=admin)
    # its own count, not any (a later test must not see this registration land in its window)
    wait_until(lambda: registered(platform, admin, "06184") == first + 1)
    time.sleep(0.5)  # let any duplicate event arrive before reading the figure
    before = registered(platform, admin, "06184")
    again = graphql(
        platform,
        REGISTER,
        {"input": {**payload, "headName": payload["headName"].upper()}},
        token=admin,
    )
    assert again["data"]["registerHousehold"]["created"] is False
    time.sleep(0.5)
    assert registered(platform, admin, "06184") == before


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"communeCode": "99999"}, "communeCode", "commune_not_found"),
        ({"headName": "  "}, "headName", "blank"),
        ({"year": 1990}, "year", "year_range"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(platform, admin, changes, field, key):
    before = registered(platform, admin, "20")
    answer = graphql(platform, REGISTER, {"input": household(**changes)}, token=admin)
    assert answer["data"]["registerHousehold"] is None
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert {"field": field, "key": key} in [
        {"field": f["field"], "key": f["key"]} for f in error["extensions"]["fields"]
    ]
    assert all(f["message"] for f in error["extensions"]["fields"])
    time.sleep(0.3)
    assert registered(platform, admin, "20") == before


def test_graphiql_for_browsers_and_clear_errors_for_bad_requests(platform, admin):
    url = platform.url(platform.gateway, "/graphql")
    page = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(page, timeout=5) as response:
        assert b"GraphiQL" in response.read()
    bad = urllib.request.Request(
        url, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad, timeout=5)
    assert caught.value.code == 400
    unknown = graphql(platform, '{ orgUnit(code: "00000") { name } }')
    assert unknown == {"data": {"orgUnit": None}}


def test_running_up_again_starts_nothing_new(platform, admin):
    pids = {p.name: (platform.run_dir / f"{p.name}.pid").read_text() for p in SERVICES}
    platform.up(demo_province="20", quiet=True)
    assert {p.name: (platform.run_dir / f"{p.name}.pid").read_text() for p in SERVICES} == pids
    status = platform.status()
    assert all(status[p.name] for p in SERVICES)


def error_code(answer):
    (error,) = answer["errors"]
    return error["extensions"]["code"]


def test_figures_need_a_token_whose_subtree_holds_the_unit(platform, admin, tokens):
    assert graphql(platform, '{ orgUnit(code: "06184") { name } }')["data"]["orgUnit"]["name"]
    assert error_code(graphql(platform, STATS, {"code": "06184"})) == "UNAUTHENTICATED"
    for holder in ("hanoi", "sibling"):
        answer = graphql(platform, STATS, {"code": "06184"}, token=tokens[holder])
        assert error_code(answer) == "FORBIDDEN" and answer["data"]["orgUnit"] is None
    assert "errors" not in graphql(platform, STATS, {"code": "06184"}, token=tokens["officer"])
    district = graphql(platform, STATS, {"code": "183"}, token=tokens["officer"])
    assert error_code(district) == "FORBIDDEN"  # above the officer's own commune


def test_no_token_may_register_outside_its_tenant_or_subtree(platform, admin, tokens):
    before = registered(platform, admin, "20")
    refused = {
        "hanoi": household(),  # Lạng Sơn's commune under a Hà Nội token
        "sibling": household(),  # the neighbouring commune's officer
    }
    for holder, payload in refused.items():
        answer = graphql(platform, REGISTER, {"input": payload}, token=tokens[holder])
        assert error_code(answer) == "FORBIDDEN", holder
    hidden = graphql(
        platform, REGISTER, {"input": {**household(), "tenant": None}}, token=tokens["hanoi"]
    )  # its own tenant: the commune is simply not there
    assert hidden["errors"][0]["extensions"]["fields"][0]["key"] == "commune_not_found"
    assert error_code(graphql(platform, REGISTER, {"input": household()})) == "UNAUTHENTICATED"
    time.sleep(0.3)
    assert registered(platform, admin, "20") == before
    ok = graphql(platform, REGISTER, {"input": household()}, token=tokens["officer"])
    assert ok["data"]["registerHousehold"]["created"] is True
    # counted before the test ends, so that it does not land in a later test's window
    wait_until(lambda: registered(platform, admin, "20") == before + 1)


def test_a_forged_or_garbled_token_is_refused(platform, admin, tokens):
    forged = tokens["officer"][:-4] + ("AAAA" if not tokens["officer"].endswith("AAAA") else "BBBB")
    for header in (f"Bearer {forged}", "Basic abc", "Bearer "):
        request = urllib.request.Request(
            platform.url(platform.gateway, "/graphql"),
            data=json.dumps({"query": '{ orgUnit(code: "20") { name } }'}).encode(),
            headers={"Content-Type": "application/json", "Authorization": header},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        assert caught.value.code == 401
