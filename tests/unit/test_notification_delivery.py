"""The delivery state machine, on in-memory stand-ins of the stores and channel clients (the
real ones are exercised over the wire in tests/integration/test_notifications.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notification.channels import Attachment, Channels, DeliveryFailed
from services.notification.domain import DEAD, PENDING, SENT, SKIPPED
from services.notification.service import Delivery, Settings

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


class Messages:
    def __init__(self, message):
        self.doc = dict(message)

    def get(self, message_id):
        return dict(self.doc)

    def update(self, message_id, fields, attempts=0):
        self.doc.update(fields)
        self.doc["attempts"] = self.doc.get("attempts", 0) + attempts


class OptOuts:
    def __init__(self, *keys):
        self.keys = set(keys)

    def has(self, tenant, recipient, channel):
        return (tenant, recipient, channel) in self.keys


class Stores:
    def __init__(self, message, optouts=()):
        self.messages = Messages(message)
        self.optouts = OptOuts(*optouts)


class Sms:
    def __init__(self, fail=None):
        self.sent, self.fail = [], fail

    def send(self, to, text, encoding, segments, reference):
        if self.fail:
            raise self.fail
        self.sent.append((to, text, encoding, segments))
        return "ref-1"


class Mailer:
    def __init__(self):
        self.sent = []

    def send(self, to, subject, body, reference, attachments=()):
        self.sent.append((to, subject, attachments))
        return "<id>"


class Contacts:
    def lookup(self, tenant, audience, who):
        return {
            "name": "Hà Thị Thu",
            "phone": "0912345678",
            "email": "thu@example.vn",
            "unit_name": "Đồng Đăng",
        }


class Receipts:
    def __init__(self, fail=None, found=True):
        self.fail, self.found = fail, found

    def fetch(self, tenant, kind, data):
        if self.fail:
            raise self.fail
        return [Attachment("bien-lai.pdf", "application/pdf", b"%PDF")] if self.found else []


DATA = {
    "subjectId": "hh-1",
    "title": "FAMILY",
    "year": 2024,
    "decisionNumber": "1/QĐ-UBND",
    "decisionDate": "2025-01-20",
}


def sms_message(**changes):
    return {
        "_id": "msg-1",
        "tenant": "20",
        "event": "recognised",
        "recipient": "subject:hh-1",
        "channel": "sms",
        "template": "recognised.sms",
        "data": DATA,
        "attempts": 0,
        **changes,
    }


def delivery(message, sms=None, optouts=(), settings=None, documents=None):
    stores = Stores(message, optouts)
    channels = Channels(sms=sms or Sms(), email=Mailer(), webhook=None)
    run = Delivery(
        stores,
        channels,
        Contacts(),
        settings or Settings(max_attempts=3, backoff_seconds=10, quiet_hours="off"),
        rng=lambda: 1.0,
        documents=documents,
    )
    return run, stores.messages, channels


def test_sent_with_segments_and_the_unaccented_variant_per_province():
    settings = Settings(tenants={"20": {"sms_unaccented": True}}, quiet_hours="off")
    run, messages, channels = delivery(sms_message(), settings=settings)
    assert run.deliver(messages.get("msg-1"), NOW) == [("sms", "20", "sent")]
    ((to, text, encoding, segments),) = channels.sms.sent
    assert text.startswith("Chuc mung Ha Thi Thu duoc cong nhan") and encoding == "GSM7"
    assert (messages.doc["status"], messages.doc["segments"], messages.doc["attempts"]) == (
        SENT,
        segments,
        1,
    )


def test_transient_failures_back_off_then_die():
    run, messages, _ = delivery(sms_message(), sms=Sms(fail=DeliveryFailed("HTTP 503")))
    assert run.deliver(messages.get("msg-1"), NOW) == [
        ("sms", "20", "failed"),
        ("sms", "20", "retried"),
    ]
    assert messages.doc["status"] == PENDING
    assert messages.doc["next_at"] == (NOW + timedelta(seconds=10)).timestamp()
    run.deliver(messages.get("msg-1"), NOW)
    assert messages.doc["next_at"] == (NOW + timedelta(seconds=20)).timestamp()  # doubled
    assert run.deliver(messages.get("msg-1"), NOW)[-1] == ("sms", "20", "dead")
    assert (messages.doc["status"], messages.doc["attempts"]) == (DEAD, 3)


def test_a_permanent_refusal_is_dead_at_once():
    refused = Sms(fail=DeliveryFailed("HTTP 400: bad number", permanent=True))
    run, messages, _ = delivery(sms_message(), sms=refused)
    run.deliver(messages.get("msg-1"), NOW)
    assert (messages.doc["status"], messages.doc["attempts"]) == (DEAD, 1)


def test_quiet_hours_defer_without_spending_a_try_and_opt_outs_skip():
    night = NOW.replace(hour=15)  # 22:00 in Hà Nội
    run, messages, channels = delivery(sms_message(), settings=Settings(quiet_hours="21:00-07:00"))
    assert run.deliver(messages.get("msg-1"), night) == [("sms", "20", "deferred")]
    assert messages.doc["next_at"] == datetime(2024, 11, 21, 0, 0, tzinfo=UTC).timestamp()
    assert (messages.doc["attempts"], channels.sms.sent) == (0, [])
    run, messages, channels = delivery(sms_message(), optouts=[("20", "subject:hh-1", "sms")])
    assert run.deliver(messages.get("msg-1"), NOW) == [("sms", "20", "skipped")]
    assert (messages.doc["status"], messages.doc["reason"]) == (SKIPPED, "opted_out")


@pytest.mark.parametrize(
    ("documents", "status", "attached"),
    [
        (Receipts(), SENT, ["bien-lai.pdf"]),
        (Receipts(fail=ConnectionError("fund away")), PENDING, []),  # tried again later
        (Receipts(found=False), PENDING, []),  # never sent without what its text announces
        (Receipts(fail=KeyError("receipt")), DEAD, []),  # nobody provides such documents
        (None, DEAD, []),
    ],
)
def test_an_e_mail_carries_the_documents_its_route_attaches(documents, status, attached):
    message = sms_message(
        channel="email",
        recipient="email:xa@example.vn",
        template="recognised.email",
        attach="receipt",
    )
    run, messages, channels = delivery(message, documents=documents)
    run.deliver(messages.get("msg-1"), NOW)
    assert messages.doc["status"] == status
    sent = [a.file_name for _, _, files in channels.email.sent for a in files]
    assert sent == attached


def test_without_endpoints_sms_and_email_are_log_only(caplog):
    from services.notification.channels import LOG_ONLY

    channels = Channels.from_config({"NOTIFICATION": {"SMS": {"URL": None}, "SMTP": {}}})
    with caplog.at_level("INFO"):
        assert channels.sms.send("0912345678", "Chúc mừng", "UCS2", 1, "m") == LOG_ONLY
        assert channels.email.send("a@example.vn", "Tiêu đề", "Nội dung", "m") == LOG_ONLY
    assert "SMS (log-only) to 0912345678" in caplog.text and "E-mail (log-only)" in caplog.text


class Fund:
    """What the fund's ``receipt`` RPC answers (the entrypoint's proxy is this object's place)."""

    def __init__(self, answer):
        self.answer, self.asked = answer, []

    def receipt(self, tenant, donation_id):
        self.asked.append((tenant, donation_id))
        return self.answer


def thank_you(**changes):
    return sms_message(
        event="donated",
        recipient="donor:d-1",
        channel="email",
        template="donated.email",
        attach="receipt",
        data={"donationId": "d-1", "receiptNumber": "06184-2024-000001", "amount": "5000000"},
        **changes,
    )


def test_the_receipt_is_fetched_from_the_fund_and_attached_under_its_number():
    import base64

    from services.notification.entrypoint import RpcDocuments

    content = base64.b64encode(b"%PDF-1.4 receipt").decode("ascii")
    fund = Fund({"receiptNumber": "06184-2024-000001", "content": content})
    run, messages, channels = delivery(thank_you(), documents=RpcDocuments(fund))
    assert run.deliver(messages.get("msg-1"), NOW) == [("email", "20", "sent")]
    ((_, subject, (receipt,)),) = channels.email.sent
    assert subject.startswith("[Quỹ Khuyến học] Thư cảm ơn")
    assert (receipt.file_name, receipt.content) == (
        "bien-lai-06184-2024-000001.pdf",
        b"%PDF-1.4 receipt",
    )
    assert fund.asked == [("20", "d-1")]


@pytest.mark.parametrize("answer", [None, {"receiptNumber": "x", "content": None}])
def test_a_missing_receipt_is_retried_then_dead_and_the_e_mail_never_sent(answer):
    from services.notification.entrypoint import RpcDocuments

    run, messages, channels = delivery(thank_you(), documents=RpcDocuments(Fund(answer)))
    for _ in range(3):  # max_attempts
        run.deliver(messages.get("msg-1"), NOW)
    assert (messages.doc["status"], messages.doc["attempts"]) == (DEAD, 3)
    assert "the fund has no receipt of donation d-1" in messages.doc["reason"]
    assert channels.email.sent == []
