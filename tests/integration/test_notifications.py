"""Notification over the real broker and database: the right message to the right person once,
retries until dead and a replay, quiet hours, opt-outs, e-mail over SMTP, poison events."""

import json
from datetime import UTC, datetime

import pytest
import yaml
from kombu import Connection
from nameko.standalone.rpc import ServiceRpcProxy

from khuyenhoc.auth import Role
from khuyenhoc.contracts import validate_event
from khuyenhoc.envelope import new_event
from khuyenhoc.events import DONATED, RECOGNISED, REGISTERED
from khuyenhoc.metrics import DEAD_LETTERS, EVENTS_CONSUMED, NOTIFICATIONS
from khuyenhoc.outbox import EventPublisher
from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from ops import cli
from services.notification.channels import Attachment, SmtpMailer
from services.notification.entrypoint import NotificationService
from services.notification.signing import verify
from tests.conftest import wait_until
from tests.fakes import HttpFake, SmtpFake
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import (
    dead_letters,
    load_demo_directory,
    publish,
    publish_raw,
    registered_event,
    tap,
)

REGISTER = """mutation($name: String!, $phone: String) { registerHousehold(input: {
  communeCode: "06184", headName: $name, address: "Khối 1", year: 2024, phone: $phone}) {
  enrolmentId } }"""


@pytest.fixture
def sms():
    with HttpFake() as fake:
        yield fake


@pytest.fixture
def hook():
    with HttpFake(status=500) as fake:
        yield fake


@pytest.fixture
def smtp(tmp_path):
    with SmtpFake(tmp_path / "mail") as fake:
        yield fake


@pytest.fixture
def notify_config(config, sms, smtp):
    return {
        **config,
        "NOTIFICATION": {
            "SMS": {"URL": sms.url + "send", "API_KEY": "sms-key", "SENDER": "KHUYENHOC"},
            "SMTP": {"HOST": "127.0.0.1", "PORT": smtp.port, "FROM": "khuyenhoc@example.vn"},
            "MAX_ATTEMPTS": 3,
            "BACKOFF_SECONDS": 0.1,
            "BACKOFF_CAP_SECONDS": 0.5,
            "SMS_QUIET_HOURS": "off",
            "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",  # the fake partners listen there
        },
    }


@pytest.fixture
def notification(container_factory, notify_config, gateway):
    """Registration, scoring and the gateway (``gateway``), and notification; returns the
    notification's RPC proxy."""
    container_factory(NotificationService, notify_config).start()
    with ServiceRpcProxy("notification", notify_config) as proxy:
        yield proxy


def messages(config, **query):
    return list(service_database(config, "notification")["messages"].find(query))


def recognised_for(enrolment_id: str, subject_id: str) -> dict:
    return new_event(
        RECOGNISED,
        subject=f"assessment/{enrolment_id}",
        unit_path=UnitPath.parse("20/183/06184"),
        data={
            "enrolmentId": enrolment_id,
            "subjectId": subject_id,
            "subjectKind": "household",
            "title": "FAMILY",
            "year": 2024,
            "unitCode": "06184",
            "level": None,
            "decisionNumber": "123/QĐ-UBND",
            "decisionDate": "2025-01-20",
            "signer": "Chủ tịch UBND xã Trần Văn B",
            "validUntil": None,
            "setId": "test-20-family-2021",
        },
    )


def counted(metric, *labels) -> float:
    return metric.labels(*labels)._value.get()


def register(gateway, config, name="Hà Thị Thu", phone="0912345678"):
    load_demo_directory(config)
    enrolment = gateway(REGISTER, {"name": name, "phone": phone})["registerHousehold"]
    return enrolment["enrolmentId"], enrolment["enrolmentId"].split("-", 3)[3]


def test_one_sms_for_a_household_recognised_even_when_delivered_three_times(
    notification, gateway, notify_config, sms
):
    sent = counted(NOTIFICATIONS, "sms", "20", "sent")
    enrolment_id, subject_id = register(gateway, notify_config)
    event = recognised_for(enrolment_id, subject_id)
    duplicates = counted(EVENTS_CONSUMED, "notification", "recognised", "20", "duplicate")
    publisher = EventPublisher(notify_config, "scoring")
    for _ in range(3):
        assert publisher.publish(event)
    wait_until(
        lambda: (
            counted(EVENTS_CONSUMED, "notification", "recognised", "20", "duplicate")
            == duplicates + 2
        ),
        what="the two redeliveries",
    )
    wait_until(lambda: len(sms.requests) == 1, what="the recognition SMS")
    wait_until(lambda: messages(notify_config, event_id=event["id"])[0]["status"] == "SENT")

    (sms_message,) = messages(notify_config, event_id=event["id"], channel="sms")
    assert sms_message["attempts"] == 1 and sms_message["recipient"] == f"subject:{subject_id}"
    wait_until(lambda: counted(NOTIFICATIONS, "sms", "20", "sent") == sent + 1)
    (request,) = sms.requests
    assert request["headers"]["Authorization"] == "Bearer sms-key"
    body = json.loads(request["body"])
    assert body["to"] == "+84912345678"
    assert body["text"] == (
        'Chúc mừng Hà Thị Thu được công nhận "Gia đình học tập" năm 2024 theo Quyết định số '
        "123/QĐ-UBND ngày 20/01/2025. Hội Khuyến học Thị trấn Đồng Đăng."
    )
    assert (body["encoding"], body["segments"]) == ("UCS2", 3)
    assert (sms_message["encoding"], sms_message["segments"]) == ("UCS2", 3)
    # the household's registration and review were not SMS-worthy: told once, when recognised
    kinds = {m["event"] for m in messages(notify_config, recipient=f"subject:{subject_id}")}
    assert kinds == {"recognised"}


def test_a_failing_webhook_is_retried_then_dead_then_replayed(
    notification, notify_config, hook, tmp_path
):
    payload = {"tenant": "20", "name": "portal", "url": hook.url + "events"}
    registered = notification.register_webhook(payload)["webhook"]
    assert registered["created"] and len(registered["secret"]) == 64
    again = notification.register_webhook(payload)["webhook"]
    assert not again["created"] and again["secret"] is None  # shown once only
    refused = notification.register_webhook({**payload, "name": "Cổng!", "url": "ftp://x"})
    assert sorted(e["key"] for e in refused["errors"]) == ["url_format", "webhook_name"]
    event = recognised_for("20-FAMILY-2024-hh-nobody", "hh-nobody")
    assert EventPublisher(notify_config, "scoring").publish(event)

    def webhook_message():
        found = messages(notify_config, event_id=event["id"], channel="webhook")
        return found[0] if found and found[0]["status"] == "DEAD" else None

    dead = wait_until(webhook_message, what="the webhook message to die")
    assert dead["attempts"] == 3 and dead["reason"].startswith("HTTP 500")
    assert len(hook.requests) == 3
    # the household has no contact: its SMS is skipped, visibly
    (skipped,) = messages(notify_config, event_id=event["id"], channel="sms")
    assert (skipped["status"], skipped["reason"]) == ("SKIPPED", "no_phone")

    hook.status = 204
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(notify_config))
    assert cli.main(["notifications", "dead", "20", "--config", str(config_file)]) == 0
    assert cli.main(["notifications", "replay", "20", "--config", str(config_file)]) == 0
    wait_until(
        lambda: messages(notify_config, _id=dead["_id"])[0]["status"] == "SENT",
        what="the replayed webhook",
    )
    assert len(hook.requests) == 4
    for request in hook.requests:  # every try signed, each verifiable by the partner
        headers, body = request["headers"], request["body"]
        verify(registered["secret"], headers, body, now=datetime.now(UTC).timestamp())
        delivered = json.loads(body)
        validate_event(delivered)
        assert delivered == event


def test_quiet_hours_defer_sms_and_opt_outs_skip_them(
    container_factory, notify_config, gateway, sms
):
    always_quiet = {
        **notify_config,
        "TENANT_SETTINGS": {"20": {"notification": {"quiet_hours": "00:00-23:59:59"}}},
    }
    container_factory(NotificationService, always_quiet).start()
    enrolment_id, subject_id = register(gateway, always_quiet)
    night = recognised_for(enrolment_id, subject_id)
    assert EventPublisher(always_quiet, "scoring").publish(night)

    def deferred():
        found = messages(always_quiet, event_id=night["id"])
        return found and found[0].get("reason") == "quiet_hours" and found[0]

    waiting = wait_until(deferred, what="the deferred SMS")
    assert waiting["status"] == "PENDING" and waiting["next_at"] > datetime.now(UTC).timestamp()
    assert sms.requests == []

    with ServiceRpcProxy("notification", always_quiet) as proxy:
        optout = {"tenant": "20", "recipient": f"subject:{subject_id}", "channel": "sms"}
        assert proxy.set_opt_out({**optout, "optedOut": True})["optOut"]["optedOut"] is True
        assert proxy.opted_out("20", f"subject:{subject_id}") == ["sms"]
    event = recognised_for(enrolment_id, subject_id)
    assert EventPublisher(always_quiet, "scoring").publish(event)

    def skipped():
        found = messages(always_quiet, event_id=event["id"], channel="sms")
        return found and found[0]["status"] == "SKIPPED" and found[0]

    assert wait_until(skipped, what="the opted-out SMS")["reason"] == "opted_out"
    assert sms.requests == []


def test_officers_subscribed_above_the_commune_get_the_recognition_by_email(
    notification, gateway, notify_config, smtp
):
    for code, path, email in (
        ("183", "20/183", "Can.Bo@Example.vn"),
        ("06187", "20/183/06187", "sibling@example.vn"),
    ):
        subscription = {"tenant": "20", "unitCode": code, "unitPath": path, "email": email}
        assert "subscription" in notification.subscribe({**subscription, "name": "Cán bộ"})
    enrolment_id, subject_id = register(gateway, notify_config)
    event = recognised_for(enrolment_id, subject_id)
    assert EventPublisher(notify_config, "scoring").publish(event)
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "can.bo@example.vn"
    assert mail["Subject"] == (
        '[Khuyến học] Công nhận "Gia đình học tập" năm 2024 tại Thị trấn Đồng Đăng'
    )
    assert "Quyết định số 123/QĐ-UBND ngày 20/01/2025" in mail.get_body().get_content()
    wait_until(
        lambda: (
            messages(notify_config, event_id=event["id"], channel="email")[0]["status"] == "SENT"
        )
    )
    assert len(messages(notify_config, event_id=event["id"], channel="email")) == 1


def test_smtp_mailer_sends_attachments(smtp):
    mailer = SmtpMailer("127.0.0.1", smtp.port, "khuyenhoc@example.vn")
    receipt = Attachment("bien-lai-0001.pdf", "application/pdf", b"%PDF-1.4 receipt")
    mailer.send("nha.hao.tam@example.vn", "Biên lai", "Cảm ơn quý vị.\n", "msg-1", (receipt,))
    (mail,) = smtp.wait_for(1)
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == "bien-lai-0001.pdf"
    assert attached.get_content() == b"%PDF-1.4 receipt"
    assert mail.get_body().get_content().strip() == "Cảm ơn quý vị."


def test_a_poison_event_is_dead_lettered_and_the_consumer_keeps_working(
    notification, notify_config
):
    before = counted(DEAD_LETTERS, "notification", "undecodable")
    contract = counted(DEAD_LETTERS, "notification", "invalid_contract")
    processed = counted(EVENTS_CONSUMED, "notification", "registered", "20", "processed")
    publish_raw(notify_config, b"{not json", REGISTERED, content_type="application/json")
    broken = registered_event("hh-broken")
    del broken["tenant"]
    publish_raw(notify_config, broken, REGISTERED)
    good = registered_event("hh-good")
    publish(notify_config, good)
    # no webhook of province 20 wants it: straight to the partner stream, not kept
    wait_until(
        lambda: (
            counted(EVENTS_CONSUMED, "notification", "registered", "20", "processed")
            == processed + 1
        ),
        what="the good event",
    )
    parked = dead_letters(notify_config, "notification")
    wait_until(lambda: counted(DEAD_LETTERS, "notification", "invalid_contract") == contract + 1)
    assert counted(DEAD_LETTERS, "notification", "undecodable") == before + 1
    reasons = sorted(headers["x-death-reason"] for _, headers in parked)
    assert len(reasons) == 2
    assert any("undecodable" in r for r in reasons) and any("tenant" in r for r in reasons)


LOG = """query($code: String!, $recipient: String) { notifications(unitCode: $code,
  recipient: $recipient) { nodes { id event recipient channel status attempts text segments
  encoding unitPath } } }"""
LOG_REASONS = """query($recipient: String) { notifications(unitCode: "06184",
  recipient: $recipient) { nodes { channel status reason } } }"""
OPT_OUT = """mutation($subject: String!) { setNotificationOptOut(input: {subjectId: $subject,
  channel: SMS, optedOut: true}) { subjectId channel optedOut } }"""
SUBSCRIBE = """mutation($code: String!, $email: String!) { subscribeNotifications(input: {
  unitCode: $code, email: $email, name: "Cán bộ xã"}) { unitCode email events subscribed } }"""
WEBHOOK = """mutation { registerWebhook(input: {name: "portal",
  url: "http://127.0.0.1:9/hook"}) { name created secret } }"""


def test_the_delivery_log_is_read_in_reach_only(notification, gateway, notify_config, sms):
    enrolment_id, subject_id = register(gateway, notify_config)
    assert EventPublisher(notify_config, "scoring").publish(
        recognised_for(enrolment_id, subject_id)
    )
    wait_until(lambda: len(sms.requests) == 1, what="the recognition SMS")
    recipient = f"subject:{subject_id}"

    def sent():
        found = gateway(LOG, {"code": "06184", "recipient": recipient})["notifications"]["nodes"]
        return found and found[0]["status"] == "SENT" and found

    (entry,) = wait_until(sent, what="the log entry")
    assert (entry["event"], entry["channel"], entry["encoding"]) == ("recognised", "SMS", "UCS2")
    assert entry["text"].startswith("Chúc mừng Hà Thị Thu được công nhận")
    assert entry["unitPath"] == "20/183/06184"
    officer = token_for("20/183/06184", Role.COMMUNE_OFFICER)
    assert (
        gateway(LOG, {"code": "183"}, token=token_for("20/183", Role.DISTRICT_OFFICER))[
            "notifications"
        ]["nodes"]
        == gateway(LOG, {"code": "06184"}, token=officer)["notifications"]["nodes"]
    )

    sibling = token_for("20/183/06187", Role.COMMUNE_OFFICER)
    hanoi = token_for("01", Role.PROVINCE_ADMIN)
    for token in (sibling, hanoi, token_for("20/183/06184", Role.PARTNER)):
        with pytest.raises(GraphQLError) as refused:
            gateway(LOG, {"code": "06184"}, token=token)
        assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as anonymous:
        gateway(LOG, {"code": "06184"}, token=None)
    assert anonymous.value.code == "UNAUTHENTICATED"
    assert gateway(LOG, {"code": "06187"}, token=sibling)["notifications"]["nodes"] == []


def test_opt_outs_subscriptions_and_webhooks_refuse_what_is_out_of_reach(
    notification, gateway, notify_config
):
    _, subject_id = register(gateway, notify_config)
    sibling = token_for("20/183/06187", Role.COMMUNE_OFFICER)
    hanoi = token_for("01", Role.PROVINCE_ADMIN)
    with pytest.raises(GraphQLError) as refused:
        gateway(OPT_OUT, {"subject": subject_id}, token=sibling)
    assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as elsewhere:  # another province: the subject is not there
        gateway(OPT_OUT, {"subject": subject_id}, token=hanoi)
    assert elsewhere.value.errors[0]["extensions"]["fields"][0]["key"] == "subject_not_found"
    assert notification.opted_out("20", f"subject:{subject_id}") == []
    officer = token_for("20/183/06184", Role.COMMUNE_OFFICER)
    done = gateway(OPT_OUT, {"subject": subject_id}, token=officer)["setNotificationOptOut"]
    assert done == {"subjectId": subject_id, "channel": "SMS", "optedOut": True}
    assert notification.opted_out("20", f"subject:{subject_id}") == ["sms"]

    with pytest.raises(GraphQLError) as refused:
        gateway(SUBSCRIBE, {"code": "06184", "email": "a@example.vn"}, token=sibling)
    assert refused.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as elsewhere:  # not a unit of Hà Nội
        gateway(SUBSCRIBE, {"code": "06184", "email": "a@example.vn"}, token=hanoi)
    assert elsewhere.value.errors[0]["extensions"]["fields"][0]["key"] == "unit_not_found"
    with pytest.raises(GraphQLError) as bad:
        gateway(SUBSCRIBE, {"code": "06184", "email": "not-an-address"}, token=officer)
    assert bad.value.errors[0]["extensions"]["fields"][0]["field"] == "email"
    subscribed = gateway(SUBSCRIBE, {"code": "06184", "email": "Xa@Example.vn"}, token=officer)
    assert subscribed["subscribeNotifications"] == {
        "unitCode": "06184",
        "email": "xa@example.vn",
        "events": ["recognised", "reminder"],
        "subscribed": True,
    }

    with pytest.raises(GraphQLError) as not_admin:
        gateway(WEBHOOK, token=officer)
    assert not_admin.value.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as bad_hook:
        gateway(WEBHOOK.replace('"portal"', '"Cổng tỉnh"'))
    assert bad_hook.value.errors[0]["extensions"]["fields"][0]["key"] == "webhook_name"
    hook = gateway(WEBHOOK)["registerWebhook"]
    assert hook["created"] and len(hook["secret"]) == 64
    assert gateway(WEBHOOK, token=hanoi)["registerWebhook"]["created"]  # 01's own, apart


def test_officers_are_reminded_once_a_week_before_the_dossier_deadline(
    notification, gateway, notify_config, smtp
):
    load_demo_directory(notify_config)
    subscription = {
        "tenant": "20",
        "unitCode": "06184",
        "unitPath": "20/183/06184",
        "unitName": "Thị trấn Đồng Đăng",
        "email": "xa@example.vn",
        "name": "Cán bộ xã",
    }
    assert "subscription" in notification.subscribe(subscription)
    # the test province files its FAMILY dossier by 10 January (tests/conftest.py)
    assert notification.send_reminders("2025-01-02") == 0  # eight days before: not yet
    assert notification.send_reminders("2025-01-05") >= 1
    assert notification.send_reminders("2025-01-06") == 0  # once per deadline
    mails = smtp.wait_for(1)
    family = [m for m in mails if "Gia đình học tập" in m["Subject"]]
    assert [m["Subject"] for m in family] == [
        '[Khuyến học] Còn 5 ngày: hạn nộp hồ sơ "Gia đình học tập" năm 2024'
    ]
    assert "Thị trấn Đồng Đăng là ngày 10/01/2025" in family[0].get_body().get_content()


THANKED = {
    "name": "Trần Thị Hảo",
    "kind": "PERSON",
    "anonymous": True,  # not named in public; the private thank-you still uses the name
    "email": "hao@example.vn",
    "phone": "0912345678",
}


def donation(key: str, donor: dict) -> dict:
    return {
        "input": {
            "unitCode": "06184",
            "idempotencyKey": key,
            "donor": donor,
            "amount": "5000000000",
            "channel": "BANK_TRANSFER",
            "receivedOn": "2024-10-02",
        }
    }


def final(config, event_id: str, count: int) -> list[dict]:
    """The event's messages once ``count`` of them are SENT, SKIPPED or DEAD."""
    return wait_until(
        lambda: (
            len(found := messages(config, event_id=event_id)) == count
            and all(m["status"] in ("SENT", "SKIPPED", "DEAD") for m in found)
            and found
        ),
        what=f"{count} final messages",
    )


def test_a_donor_is_thanked_once_with_the_receipt_and_partners_hear_of_the_money(
    notification, gateway, notify_config, sms, smtp
):
    from tests.integration.test_fund import APPROVE, AUTHORITY, COMMUNE_OFFICER, DONATE, PROPOSE
    from tests.integration.test_fund import award as disbursement

    load_demo_directory(notify_config)
    with HttpFake() as partner:
        portal = {"tenant": "20", "name": "portal", "url": partner.url + "events"}
        assert notification.register_webhook(portal)["webhook"]["created"]
        with Connection(notify_config["AMQP_URI"]) as connection:
            tapped = tap(notify_config, DONATED)(connection.default_channel)
            tapped.declare()
            done = gateway(DONATE, donation("thanks-000001", THANKED))["recordDonation"]
            event = wait_until(lambda: tapped.get(no_ack=True), what="donated").decode()
            tapped.delete()
        ident, number = done["donation"]["id"], done["donation"]["receiptNumber"]
        assert number == "06184-2024-000001"

        (mail,) = smtp.wait_for(1)
        assert mail["To"] == "hao@example.vn"
        assert mail["Subject"] == f"[Quỹ Khuyến học] Thư cảm ơn và biên lai số {number}"
        body = mail.get_body(("plain",)).get_content()
        assert body.startswith("Kính gửi Trần Thị Hảo,")
        assert "Quỹ Khuyến học Thị trấn Đồng Đăng trân trọng cảm ơn" in body
        assert f"trị giá 5.000.000.000 đồng, nhận ngày 02/10/2024, biên lai số {number}" in body
        (receipt,) = list(mail.iter_attachments())
        assert receipt.get_filename() == f"bien-lai-{number}.pdf"
        assert receipt.get_content_type() == "application/pdf"
        assert receipt.get_content().startswith(b"%PDF")
        wait_until(lambda: len(sms.requests) == 1, what="the thank-you SMS")
        text = json.loads(sms.requests[0]["body"])
        assert text["to"] == "+84912345678"
        assert text["text"] == (
            "Quỹ Khuyến học Thị trấn Đồng Đăng trân trọng cảm ơn Trần Thị Hảo đã ủng hộ "
            f"5.000.000.000 đồng, biên lai số {number}."
        )
        sent = final(notify_config, event["id"], 3)
        assert {(m["recipient"], m["channel"], m["status"]) for m in sent} == {
            (f"donor:{ident}", "email", "SENT"),
            (f"donor:{ident}", "sms", "SENT"),
            ("webhook:portal", "webhook", "SENT"),
        }
        wait_until(lambda: len(partner.requests) == 1, what="the partner's donated")
        told = partner.json_bodies()[0]["data"]["donor"]
        assert told == {"kind": "person"}  # donated v2: never who, whatever the donor's wish

        # the office retries the request, the broker delivers the event again: nobody is told twice
        duplicates = counted(EVENTS_CONSUMED, "notification", "donated", "20", "duplicate")
        again = gateway(DONATE, donation("thanks-000001", THANKED))["recordDonation"]
        assert not again["created"] and again["donation"]["id"] == ident
        assert EventPublisher(notify_config, "fund").publish(event)
        wait_until(
            lambda: (
                counted(EVENTS_CONSUMED, "notification", "donated", "20", "duplicate")
                == duplicates + 1
            ),
            what="the redelivered donated",
        )
        assert len(messages(notify_config, recipient=f"donor:{ident}")) == 2
        assert len(smtp.messages()) == 1 and len(sms.requests) == 1

        # a donor who left no contact: both messages skipped, visibly in the delivery log
        quiet = {"name": "Lê Văn Bình", "kind": "PERSON", "anonymous": False}
        other = gateway(DONATE, donation("thanks-000002", quiet))["recordDonation"]["donation"]

        def skipped():
            found = gateway(LOG_REASONS, {"recipient": f"donor:{other['id']}"})["notifications"]
            found = found["nodes"]
            return len(found) == 2 and all(m["status"] == "SKIPPED" for m in found) and found

        logged = wait_until(skipped, what="the skipped thank-yous")
        assert {(m["channel"], m["reason"]) for m in logged} == {
            ("EMAIL", "no_email"),
            ("SMS", "no_phone"),
        }

        # an approved payment reaches the partner too
        proposal = gateway(PROPOSE, disbursement("2000000"), token=COMMUNE_OFFICER)
        paid = proposal["proposeDisbursement"]["id"]
        gateway(APPROVE, {"input": {"disbursementId": paid}}, token=AUTHORITY)
        wait_until(lambda: len(partner.requests) == 3, what="the partner's disbursed")
        (payment,) = [e for e in partner.json_bodies() if e["type"].endswith(".disbursed.v1")]
        assert (payment["data"]["disbursementId"], payment["data"]["amount"]) == (paid, "2000000")
    assert len(smtp.messages()) == 1 and len(sms.requests) == 1  # no thank-you for the others

    with ServiceRpcProxy("fund", notify_config) as fund:
        assert fund.contact("20", ident)["email"] == "hao@example.vn"
        assert fund.contact("01", ident) is None  # another province's donation
