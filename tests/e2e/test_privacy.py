"""Personal data kept where it belongs, through the running platform (issue 16, item 4): a
partner's token reads public data and figures but no person and no officers' file; the
``donated`` event carries no donor to partners (stream and webhooks); webhooks refuse internal
targets and can be deleted; the platform's logs hold none of the personal data or secrets a
run of personal mutations handled."""

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.conftest import wait_until
from tests.e2e.client import graphql
from tests.fakes import HttpFake

pytestmark = pytest.mark.e2e

CITIZEN = """mutation($input: RegisterCitizenInput!) { registerCitizen(input: $input) {
  enrolmentId } }"""
HOUSEHOLD = """mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) {
  enrolmentId } }"""
DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  donation { id receiptUrl } } }"""
REGISTER_HOOK = """mutation($input: WebhookInput!) { registerWebhook(input: $input) {
  name created } }"""
DELETE_HOOK = """mutation($name: String!) { deleteWebhook(name: $name) }"""
FUND_UNIT = "06187"  # no other end-to-end test states this commune's fund figures exactly

# What a partner may read, and the personal reads it is refused (each FORBIDDEN).
PARTNER_READS = """{ orgUnit(code: "06184") { name stats(year: 2024) { members } }
  honourRoll(unitCode: "06187", year: 2024) { name total }
  fund(unitCode: "06187") { balance } }"""
PARTNER_REFUSED = {
    "subjects": """{ orgUnit(code: "06184") { subjects(year: 2024) { nodes { name } } } }""",
    "donations": """{ fund(unitCode: "06187") {
      donations { nodes { donor { name phone email } } } } }""",
    "registration": """query($id: String!) { registration(enrolmentId: $id) { name phone } }""",
    "accounts": """{ accounts(unitCode: "20") { nodes { username fullName } } }""",
    "notifications": """{ notifications(unitCode: "06184") { nodes { recipient text } } }""",
    "write": """mutation { registerHousehold(input: {communeCode: "06184", headName: "A",
      address: "B", year: 2024}) { enrolmentId } }""",
}


def unique(text):
    return f"{text} {uuid.uuid4().hex[:6]}"


def phone():
    return f"09{uuid.uuid4().int % 10**8:08d}"


@pytest.fixture(scope="module")
def partner(platform):
    config = load_config(env=platform.settings())
    return create_token(config, "20", "20", Role.PARTNER, "portal-partner", hours=1)


@pytest.fixture(scope="module")
def personal(platform, admin):
    """A run of personal mutations: a citizen with a national ID, a household with a phone,
    a 500,000 đồng private donor with a phone and an e-mail; what each used."""
    used = {
        "citizen": unique("Lý Thị Riêng"),
        "nationalId": f"0{uuid.uuid4().int % 10**11:011d}",
        "head": unique("Hoàng Văn Kín"),
        "headPhone": phone(),
        "donor": unique("Phạm Thị Hảo Tâm"),
        "donorPhone": phone(),
        "donorEmail": f"hao.tam.{uuid.uuid4().hex[:6]}@example.vn",
    }
    citizen = {
        "communeCode": "06184",
        "fullName": used["citizen"],
        "birthYear": 1990,
        "nationalId": used["nationalId"],
        "labourGroup": "WORKER",
        "year": 2024,
    }
    answer = graphql(platform, CITIZEN, {"input": citizen}, token=admin)
    used["enrolmentId"] = answer["data"]["registerCitizen"]["enrolmentId"]
    household = {
        "communeCode": "06184",
        "headName": used["head"],
        "address": "Khối 9",
        "phone": used["headPhone"],
        "year": 2024,
    }
    assert "errors" not in graphql(platform, HOUSEHOLD, {"input": household}, token=admin)
    # the same citizen again over GET: refused, and its query string never reaches a log
    address = (
        platform.url(platform.gateway, "/graphql")
        + "?"
        + urllib.parse.urlencode({"query": CITIZEN, "variables": json.dumps({"input": citizen})})
    )
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(address, timeout=30).read()
    # bad input naming the person: a field error, nothing logged of it
    graphql(platform, CITIZEN, {"input": {**citizen, "birthYear": 1800}}, token=admin)
    return used


def donate(platform, admin, used, key):
    gift = {
        "unitCode": FUND_UNIT,
        "idempotencyKey": key,
        "donor": {
            "name": used["donor"],
            "kind": "PERSON",
            "phone": used["donorPhone"],
            "email": used["donorEmail"],
        },
        "amount": "500000",
        "channel": "CASH",
        "receivedOn": "2024-10-03",
    }
    answer = graphql(platform, DONATE, {"input": gift}, token=admin)
    assert "errors" not in answer, answer
    return answer["data"]["recordDonation"]["donation"]


def test_a_partner_reads_public_data_and_figures_but_no_person(platform, personal, partner):
    shown = graphql(platform, PARTNER_READS, token=partner)
    assert "errors" not in shown, shown
    assert shown["data"]["orgUnit"]["stats"]["members"] >= 0
    answers = []
    for what, query in PARTNER_REFUSED.items():
        answer = graphql(platform, query, {"id": personal["enrolmentId"]}, token=partner)
        codes = {e["extensions"]["code"] for e in answer.get("errors", [])}
        assert codes == {"FORBIDDEN"}, (what, answer)
        answers.append(json.dumps(answer, ensure_ascii=False))
    for value in personal.values():
        assert all(value not in answer for answer in answers)


def _status(platform, path, token):
    request = urllib.request.Request(
        platform.url(platform.gateway, path), headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_partner_downloads_no_officers_file(platform, admin, personal, partner):
    donation = donate(platform, admin, personal, f"privacy-{uuid.uuid4().hex[:8]}")
    receipt = urllib.parse.urlparse(donation["receiptUrl"]).path
    files = [
        "/files/exports/06184/2024.xlsx",  # the commune's names
        receipt,
        "/files/imports/20:any-job/errors.xlsx",
        f"/files/evidence/{personal['enrolmentId']}/any",
        "/files/reports/06184/2024-2024.xlsx",
        "/files/list-reviews/sheet/06184/FAMILY/2024.xlsx",
        "/files/templates/history/06184.xlsx",
    ]
    assert {path: _status(platform, path, partner) for path in files} == {
        path: 403 for path in files
    }
    # the same export and receipt for the province's officer
    assert _status(platform, files[0], admin) == 200
    assert _status(platform, receipt, admin) == 200


def test_partners_receive_donations_without_any_donor(platform, admin, personal):
    """The stream and a webhook: a 500,000 đồng private donor (below any public threshold)
    arrives as ``{"kind": "person"}``, with no name, phone or e-mail."""
    settings = platform.settings()
    queue = Queue(
        f"privacy-{uuid.uuid4().hex[:6]}",
        Exchange("khuyenhoc.partners", type="topic", durable=True),
        routing_key="20.donated",
        auto_delete=True,
    )
    with HttpFake() as hook, Connection(settings["AMQP_URI"]) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        name = f"privacy-{uuid.uuid4().hex[:6]}"
        hooked = {"name": name, "url": hook.url + "events", "events": ["donated"]}
        answer = graphql(platform, REGISTER_HOOK, {"input": hooked}, token=admin)
        assert answer["data"]["registerWebhook"]["created"], answer
        donation = donate(platform, admin, personal, f"privacy-{uuid.uuid4().hex[:8]}")

        def streamed():
            message = bound.get(no_ack=True)
            while message is not None:
                event = json.loads(message.body)
                if event["data"]["donationId"] == donation["id"]:
                    return event
                message = bound.get(no_ack=True)
            return None

        events = [wait_until(streamed, timeout=30, what="the donated event on the stream")]
        events.append(
            wait_until(
                lambda: next(
                    (b for b in hook.json_bodies() if b["data"]["donationId"] == donation["id"]),
                    None,
                ),
                timeout=30,
                what="the donated event at the webhook",
            )
        )
        assert graphql(platform, DELETE_HOOK, {"name": name}, token=admin)["data"] == {
            "deleteWebhook": name
        }
    for event in events:
        assert event["type"] == "vn.khuyenhoc.fund.donated.v2"
        assert event["data"]["donor"] == {"kind": "person"}
        text = json.dumps(event, ensure_ascii=False)
        for value in (personal["donor"], personal["donorPhone"], personal["donorEmail"]):
            assert value not in text


def test_webhooks_refuse_internal_targets_and_can_be_deleted(platform, admin, partner):
    refused = {}
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/hook",
        "https://localhost/hook",
        "https://[::ffff:127.0.0.1]:8443/hook",
    ):  # http outside development: tests/unit/test_webhook_targets.py (this platform is a
        # developer's: KHUYENHOC_ENV=development)
        answer = graphql(
            platform, REGISTER_HOOK, {"input": {"name": "inside", "url": url}}, token=admin
        )
        refused[url] = answer["errors"][0]["extensions"]["fields"][0]["key"]
    assert set(refused.values()) == {"webhook_private"}, refused
    name = f"gone-{uuid.uuid4().hex[:6]}"
    hook = {"name": name, "url": "https://partner.example.vn/hook"}
    assert graphql(platform, REGISTER_HOOK, {"input": hook}, token=admin)["data"]
    forbidden = graphql(platform, DELETE_HOOK, {"name": name}, token=partner)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert graphql(platform, DELETE_HOOK, {"name": name}, token=admin)["data"] == {
        "deleteWebhook": name
    }
    again = graphql(platform, DELETE_HOOK, {"name": name}, token=admin)
    assert again["errors"][0]["extensions"]["fields"][0]["key"] == "webhook_not_found"


def test_the_logs_hold_no_personal_data_and_no_secret(
    platform, admin, personal, tokens, sms_gateway
):
    """After the personal mutations above and the donor's thank-you (its SMS sent), no log of
    the platform holds a phone number, national ID, name, e-mail, token or secret."""
    donate(platform, admin, personal, f"privacy-{uuid.uuid4().hex[:8]}")
    wanted = "+84" + personal["donorPhone"][1:]
    wait_until(
        lambda: wanted in {body.get("to") for body in sms_gateway.json_bodies()},
        timeout=30,
        what="the donor's thank-you SMS",
    )
    config = load_config(env=platform.settings())
    secrets = [config["JWT_SECRET"], admin, *tokens.values()]
    secrets += [
        str(value)
        for key, value in platform.settings().items()
        if any(word in key for word in ("SECRET", "PASSWORD", "API_KEY")) and len(str(value)) >= 6
    ]
    personal_values = [v for k, v in personal.items() if k != "enrolmentId"]
    personal_values += [personal["nationalId"][-8:], personal["donorPhone"][-8:]]
    logs = {path.name: path.read_text(errors="replace") for path in platform.logs.glob("*")}
    assert logs  # the platform's processes do write there
    found = {
        (name, value[:12])
        for name, text in logs.items()
        for value in [*personal_values, *secrets]
        if value and value in text
    }
    assert found == set()
