"""The delivery state machine, on in-memory stand-ins of the stores and channel clients (the
real ones are exercised over the wire in tests/integration/test_notifications.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notification.channels import Channels, DeliveryFailed
from services.notification.delivery import Delivery, Settings
from services.notification.domain import DEAD, PENDING, SENT, SKIPPED
from services.notification.records import Message
from tests.fakes_notification import Contacts, Provinces, Receipts, Sms, channels

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


DATA = {
    "subjectId": "hh-1",
    "title": "FAMILY",
    "year": 2024,
    "decisionNumber": "1/QĐ-UBND",
    "decisionDate": "2025-01-20",
}


def sms_message(**changes):
    fields = {
        "id": "msg-1",
        "tenant": "20",
        "unitpath": "20/183/06184",
        "event_id": "evt-1",
        "event": "recognised",
        "recipient": "subject:hh-1",
        "channel": "sms",
        "template": "recognised.sms",
        "status": "SENDING",
        "next_at": NOW.timestamp(),
        "created": NOW.isoformat(),
        "data": DATA,
        "attempts": 0,
        **changes,
    }
    return Message(**fields)


class Sent:
    """The province's messages, read the way the tests look at them."""

    def __init__(self, stores):
        self.stores = stores

    def get(self, message_id):
        return self.stores.messages.get(message_id)

    @property
    def doc(self):
        message = self.stores.messages.get("msg-1")
        return {**vars(message), **self.stores.messages.extra.get("msg-1", {})}


def delivery(message, sms=None, optouts=(), settings=None, documents=None):
    provinces = Provinces()
    stores = provinces(message.tenant)
    stores.messages.add([message])
    for _, recipient, channel in optouts:
        stores.optouts.set(recipient, channel, True, NOW)
    sent_by = channels(sms)
    run = Delivery(
        provinces,
        provinces,
        sent_by,
        Contacts(),
        settings or Settings(max_attempts=3, backoff_seconds=10, quiet_hours="off"),
        rng=lambda: 1.0,
        documents=documents,
    )
    return run, Sent(stores), sent_by


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
        text = "Chúc mừng gia đình ông Nguyễn Văn Bình"
        assert channels.sms.send("0912345678", text, "UCS2", 1, "m") == LOG_ONLY
        sent = channels.email.send("binh.nguyen@example.vn", "Tiêu đề Bình", text, "m")
        assert sent == LOG_ONLY
    # the number masked, the address masked, no text: it names people
    assert "SMS (log-only) to 09******78" in caplog.text and "E-mail (log-only)" in caplog.text
    for personal in ("0912345678", "912345678", "binh.nguyen", "Bình", "Nguyễn"):
        assert personal not in caplog.text


def test_a_pass_leases_whats_due_in_every_province_and_delivers_it_through_its_own_stores():
    provinces = Provinces()
    for tenant in ("20", "01"):
        provinces(tenant).messages.add([sms_message(tenant=tenant, status=PENDING)])
    provinces("01").optouts.set("subject:hh-1", "sms", True, NOW)
    run = Delivery(
        provinces,
        provinces,
        channels(),
        Contacts(),
        Settings(quiet_hours="off"),
        rng=lambda: 1.0,
        clock=lambda: NOW,
    )
    assert sorted(run.run()) == [("sms", "01", "skipped"), ("sms", "20", "sent")]
    assert provinces("20").messages.get("msg-1").status == SENT
    assert provinces("01").messages.get("msg-1").status == SKIPPED
    assert run.run() == []  # nothing due any more


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

    from services.notification.lookups import RpcDocuments

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
    from services.notification.lookups import RpcDocuments

    run, messages, channels = delivery(thank_you(), documents=RpcDocuments(Fund(answer)))
    for _ in range(3):  # max_attempts
        run.deliver(messages.get("msg-1"), NOW)
    assert (messages.doc["status"], messages.doc["attempts"]) == (DEAD, 3)
    assert "the fund has no receipt of donation d-1" in messages.doc["reason"]
    assert channels.email.sent == []


class ManyContacts(Contacts):
    """A source answering many contacts at once (registration's ``contacts``), counting."""

    def __init__(self, fail=False):
        self.fail, self.many, self.one = fail, [], []

    def lookup_many(self, tenant, audience, whos):
        self.many.append((tenant, audience, list(whos)))
        if self.fail:
            raise TimeoutError("registration away")
        one = Contacts().lookup
        return {w: one(tenant, audience, w) for w in whos if w != "hh-gone"}

    def lookup(self, tenant, audience, who):
        self.one.append((tenant, audience, who))
        return super().lookup(tenant, audience, who)


def a_batch(provinces):
    for tenant in ("20", "01"):
        provinces(tenant).messages.add(
            [
                sms_message(
                    id=f"msg-{n}",
                    tenant=tenant,
                    status=PENDING,
                    recipient=f"subject:hh-{n}",
                    data={**DATA, "subjectId": f"hh-{n}"},
                )
                for n in (1, 2, 3)
            ]
            + [
                sms_message(
                    id="msg-gone",
                    tenant=tenant,
                    status=PENDING,
                    recipient="subject:hh-gone",
                    data={**DATA, "subjectId": "hh-gone"},
                )
            ]
        )
    provinces("01").optouts.set("subject:hh-2", "sms", True, NOW)


def test_a_pass_asks_the_contacts_of_its_batch_at_once_per_province():
    provinces, contacts, sms = Provinces(), ManyContacts(), Sms()
    a_batch(provinces)
    run = Delivery(
        provinces,
        provinces,
        channels(sms),
        contacts,
        Settings(quiet_hours="off"),
        rng=lambda: 1.0,
        clock=lambda: NOW,
    )
    outcomes = run.run()
    assert sorted(contacts.many) == [
        ("01", "subject", ["hh-1", "hh-2", "hh-3", "hh-gone"]),
        ("20", "subject", ["hh-1", "hh-2", "hh-3", "hh-gone"]),
    ]
    assert contacts.one == []  # nobody asked one by one
    assert sorted(outcomes).count(("sms", "20", "sent")) == 3
    assert sorted(outcomes).count(("sms", "01", "sent")) == 2
    status = {
        (t, m): provinces(t).messages.get(m) for t in ("20", "01") for m in ("msg-2", "msg-gone")
    }
    assert status[("01", "msg-2")].status == SKIPPED  # opted out, read with the batch
    assert status[("20", "msg-2")].status == SENT
    # an unknown subject (absent from the answer) has no phone, as when asked alone
    assert (status[("20", "msg-gone")].status, status[("20", "msg-gone")].reason) == (
        SKIPPED,
        "no_phone",
    )
    assert run.run() == []


def test_a_failed_batch_of_contacts_is_asked_again_message_by_message():
    provinces, contacts = Provinces(), ManyContacts(fail=True)
    a_batch(provinces)
    run = Delivery(
        provinces,
        provinces,
        channels(),
        contacts,
        Settings(quiet_hours="off"),
        rng=lambda: 1.0,
        clock=lambda: NOW,
    )
    outcomes = run.run()
    assert len(contacts.many) == 2
    assert len(contacts.one) == 7  # every message not opted out, on its own
    assert sorted(outcomes).count(("sms", "20", "sent")) == 4
    assert provinces("01").messages.get("msg-2").status == SKIPPED
